"""copilot-docs: the document's interactive API documentation: Swagger UI (`/docs`), ReDoc (`/redoc`) and the
OpenAPI document they read (`/openapi.json`, opsdesk.copilot.openapi). Public, like the document's.

The resolver is the module's without its rate limit: these routes are public (the limiter counts signed-in users
only) and the group has no rate-limit table, so the limiter (and pynamodb with it) is not loaded. The document is
built on its first request: the pages need none of it, so the cold start stays small."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from opsdesk.apimap import COPILOT
from opsdesk.http import create_api
from opsdesk.observability import instrumented
from opsdesk.openapi import HTML_CONTENT_TYPE, render_redoc, render_swagger_ui
from opsdesk.settings import PlatformSettings, load_settings

settings = load_settings(PlatformSettings)
app = create_api(replace(COPILOT, default_rate_limit=None, rate_limits=()), settings)
SPEC_URL = "openapi.json"
"""Relative to the pages (`<base>/docs` reads `<base>/openapi.json`): right behind the custom domain's base path
and on the stage URL alike."""
TITLE = "SRE Copilot API"
HEADERS = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}


@cache
def spec() -> str:
    from opsdesk.copilot.openapi import document  # noqa: PLC0415 - only /openapi.json needs the models

    return json.dumps(document(), separators=(",", ":"))


@app.get("/openapi.json")
def handle_openapi() -> Response[str]:
    return Response(200, content_types.APPLICATION_JSON, spec(), headers=HEADERS)


@app.get("/docs")
def handle_swagger_ui() -> Response[str]:
    return Response(200, HTML_CONTENT_TYPE, render_swagger_ui(SPEC_URL, TITLE), headers=HEADERS)


@app.get("/redoc")
def handle_redoc() -> Response[str]:
    return Response(200, HTML_CONTENT_TYPE, render_redoc(SPEC_URL, TITLE), headers=HEADERS)


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
