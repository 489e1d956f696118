"""helpdesk-api-docs: the module's interactive API documentation (opsdesk.apidocs): Swagger UI at `/docs`,
ReDoc at `/redoc`, the OpenAPI document at `/openapi.json` (opsdesk.helpdesk.openapi; committed as
docs/api/helpdesk.openapi.json)."""

from opsdesk.apidocs import docs_function
from opsdesk.apimap import HELPDESK
from opsdesk.settings import PlatformSettings, load_settings

TITLE = "Helpdesk API"
app, lambda_handler = docs_function(HELPDESK, load_settings(PlatformSettings), TITLE)
