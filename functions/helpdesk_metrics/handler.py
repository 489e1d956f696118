"""helpdesk-metrics (public): `GET /metrics`, Prometheus text exposition 0.0.4 of what the platform can report
without auth and without any tenant's data: build, the serving process, the scheduled SLA check's record."""

from __future__ import annotations

import threading
from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.helpdesk.extras_repository import ExtrasRepository
from opsdesk.helpdesk.sla_metrics import sla_check_families
from opsdesk.http import create_api
from opsdesk.observability import instrumented
from opsdesk.prometheus import CONTENT_TYPE, build_families, process_families, render
from opsdesk.restapi import Response
from opsdesk.settings import HelpdeskMetricsSettings, load_settings

settings = load_settings(HelpdeskMetricsSettings)
app = create_api(HELPDESK, settings)
repository = ExtrasRepository()
_scrapes = 0
_lock = threading.Lock()


@app.get("/metrics")
def handle_metrics() -> Response[str]:
    global _scrapes  # noqa: PLW0603 - the process's own counter is what it reports
    with _lock:
        _scrapes += 1
        scrapes = _scrapes
    families = [*build_families(settings.build_version, HELPDESK.name), *process_families(scrapes),
                *sla_check_families(repository.sla_check_stats())]
    return Response(status_code=200, content_type=CONTENT_TYPE, body=render(families),
                    headers={"Cache-Control": "no-store"})


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
