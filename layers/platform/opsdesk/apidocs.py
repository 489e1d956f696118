"""A module's interactive API documentation: Swagger UI (`/docs`), ReDoc (`/redoc`) and the OpenAPI document they
read (`/openapi.json`, built by opsdesk.<module>.openapi). Public, like the documents under docs/api/.

Every module's `<module>_docs` function is this app. The resolver is the module's without its rate limit: these
routes are public (the limiter counts signed-in users only) and the group has no rate-limit table, so the limiter
(and pynamodb with it) is not loaded. The document is built on its first request: the pages need none of it, so
the cold start stays small."""

from __future__ import annotations

import importlib
import json
from dataclasses import replace
from functools import cache
from typing import Any

from opsdesk.apimodel import ApiModule
from opsdesk.http import create_api
from opsdesk.observability import LambdaHandler, instrumented
from opsdesk.openapi import HTML_CONTENT_TYPE, render_redoc, render_swagger_ui
from opsdesk.restapi import APPLICATION_JSON, Response, RestApi
from opsdesk.settings import PlatformSettings

DOCS_RESOURCES = ("/docs", "/redoc", "/openapi.json")
SPEC_URL = "openapi.json"
"""Relative to the pages (`<base>/docs` reads `<base>/openapi.json`): right behind the custom domain's base path
and on the stage URL alike."""
HEADERS = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}


def module_document(module: ApiModule) -> dict[str, object]:
    """opsdesk.<module>.openapi.document(): imported when asked for, since only /openapi.json needs the models."""
    built: dict[str, object] = importlib.import_module(f"opsdesk.{module.name}.openapi").document()
    return built


def create_docs_api(module: ApiModule, settings: PlatformSettings, title: str) -> RestApi:
    app = create_api(replace(module, default_rate_limit=None, rate_limits=()), settings)

    @cache
    def spec() -> str:
        return json.dumps(module_document(module), separators=(",", ":"))

    @app.get("/openapi.json")
    def handle_openapi() -> Response[str]:
        return Response(200, APPLICATION_JSON, spec(), headers=HEADERS)

    @app.get("/docs")
    def handle_swagger_ui() -> Response[str]:
        return Response(200, HTML_CONTENT_TYPE, render_swagger_ui(SPEC_URL, title), headers=HEADERS)

    @app.get("/redoc")
    def handle_redoc() -> Response[str]:
        return Response(200, HTML_CONTENT_TYPE, render_redoc(SPEC_URL, title), headers=HEADERS)

    return app


def docs_function(module: ApiModule, settings: PlatformSettings, title: str) -> tuple[RestApi, LambdaHandler]:
    """The `<module>_api_docs` function: its resolver and its instrumented Lambda handler."""
    app = create_docs_api(module, settings, title)

    def resolve(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return app.resolve(event, context)

    return app, instrumented(resolve)
