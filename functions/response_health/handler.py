"""response-health (public): `GET /health` (`{"status":"healthy"}` once the incidents table answers; 503 with the
reason otherwise) and `GET /metrics` (Prometheus text of the module's platform-wide counters, no tenant named)."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import RESPONSE
from opsdesk.errors import DomainError
from opsdesk.http import create_api, json_response
from opsdesk.observability import instrumented
from opsdesk.prometheus import CONTENT_TYPE, build_families, process_families, render
from opsdesk.response.metrics import response_families
from opsdesk.response.repository import ResponseRepository
from opsdesk.restapi import Response
from opsdesk.settings import ResponseSettings, load_settings

settings = load_settings(ResponseSettings)
app = create_api(RESPONSE, settings)
repository = ResponseRepository(settings=settings)
_scrapes = 0


@app.get("/health")
def handle_health() -> Response[str]:
    try:
        repository.ready()
    except DomainError:
        return json_response(503, {"status": "unhealthy", "detail": "The incidents table cannot be read"})
    return json_response(200, {"status": "healthy"}, headers={"Cache-Control": "no-store"})


@app.get("/metrics")
def handle_metrics() -> Response[str]:
    global _scrapes  # noqa: PLW0603 - the process's own counter is what it reports
    _scrapes += 1
    families = [*build_families("", RESPONSE.name), *process_families(_scrapes),
                *response_families(repository.metrics())]
    return Response(status_code=200, content_type=CONTENT_TYPE, body=render(families),
                    headers={"Cache-Control": "no-store"})


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
