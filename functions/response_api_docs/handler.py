"""response-api-docs: the module's interactive API documentation (opsdesk.apidocs): Swagger UI at `/docs`,
ReDoc at `/redoc`, the OpenAPI document at `/openapi.json` (opsdesk.response.openapi; committed as
docs/api/response.openapi.json)."""

from opsdesk.apidocs import docs_function
from opsdesk.apimap import RESPONSE
from opsdesk.settings import PlatformSettings, load_settings

TITLE = "Incident Response API"
app, lambda_handler = docs_function(RESPONSE, load_settings(PlatformSettings), TITLE)
