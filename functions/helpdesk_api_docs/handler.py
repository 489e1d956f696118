"""helpdesk-api-docs: the module's interactive API documentation (opsdesk.apidocs): Swagger UI at `/docs`,
ReDoc at `/redoc`, the OpenAPI document at `/openapi.json` (opsdesk.helpdesk.openapi; committed as
docs/api/helpdesk.openapi.json)."""

from __future__ import annotations

from typing import Any

from opsdesk.apidocs import create_docs_api
from opsdesk.apimap import HELPDESK
from opsdesk.observability import instrumented
from opsdesk.settings import PlatformSettings, load_settings

TITLE = "Helpdesk API"
app = create_docs_api(HELPDESK, load_settings(PlatformSettings), TITLE)


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
