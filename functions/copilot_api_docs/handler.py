"""copilot-api-docs: the module's interactive API documentation (opsdesk.apidocs): Swagger UI at `/docs`,
ReDoc at `/redoc`, the OpenAPI document at `/openapi.json` (opsdesk.copilot.openapi; committed as
docs/api/copilot.openapi.json)."""

from opsdesk.apidocs import docs_function
from opsdesk.apimap import COPILOT
from opsdesk.settings import PlatformSettings, load_settings

TITLE = "SRE Copilot API"
app, lambda_handler = docs_function(COPILOT, load_settings(PlatformSettings), TITLE)
