"""support-api-docs: the module's interactive API documentation (opsdesk.apidocs): Swagger UI at `/docs`,
ReDoc at `/redoc`, the OpenAPI document at `/openapi.json` (opsdesk.support.openapi; committed as
docs/api/support.openapi.json)."""

from opsdesk.apidocs import docs_function
from opsdesk.apimap import SUPPORT
from opsdesk.settings import PlatformSettings, load_settings

TITLE = "Support App API"
app, lambda_handler = docs_function(SUPPORT, load_settings(PlatformSettings), TITLE)
