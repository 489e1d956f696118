"""copilot-docs: the document's interactive docs: Swagger UI (`/docs`), ReDoc (`/redoc`) and the OpenAPI document
they read (`/openapi.json`, opsdesk.copilot.openapi). Public, like the document's."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from opsdesk.apimap import COPILOT
from opsdesk.copilot.openapi import document
from opsdesk.http import create_api
from opsdesk.observability import instrumented
from opsdesk.openapi import render_redoc, render_swagger_ui
from opsdesk.settings import PlatformSettings, load_settings

settings = load_settings(PlatformSettings)
app = create_api(COPILOT, settings)
SPEC = json.dumps(document(), separators=(",", ":"))
SPEC_URL = f"{COPILOT.base_path}/openapi.json"
TITLE = "SRE Copilot API"
CACHE = {"Cache-Control": "public, max-age=300"}


@app.get("/openapi.json")
def handle_openapi() -> Response[str]:
    return Response(200, content_types.APPLICATION_JSON, SPEC, headers=CACHE)


@app.get("/docs")
def handle_swagger_ui() -> Response[str]:
    return Response(200, "text/html; charset=utf-8", render_swagger_ui(SPEC_URL, TITLE), headers=CACHE)


@app.get("/redoc")
def handle_redoc() -> Response[str]:
    return Response(200, "text/html; charset=utf-8", render_redoc(SPEC_URL, TITLE), headers=CACHE)


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
