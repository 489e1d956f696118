"""aura-api-docs: the module's interactive API documentation (opsdesk.apidocs): Swagger UI at `/docs`,
ReDoc at `/redoc`, the OpenAPI document at `/openapi.json` (opsdesk.aura.openapi; committed as
docs/api/aura.openapi.json)."""

from opsdesk.apidocs import docs_function
from opsdesk.apimap import AURA
from opsdesk.settings import PlatformSettings, load_settings

TITLE = "Aura API"
app, lambda_handler = docs_function(AURA, load_settings(PlatformSettings), TITLE)
