"""support-api-docs: the module's interactive API documentation (opsdesk.apidocs): Swagger UI at `/docs`,
ReDoc at `/redoc`, the OpenAPI document at `/openapi.json` (opsdesk.support.openapi; committed as
docs/api/support.openapi.json)."""

from opsdesk.apidocs import docs_function
from opsdesk.apimap import SUPPORT

TITLE = "Support App API"
app, lambda_handler = docs_function(SUPPORT, TITLE)
