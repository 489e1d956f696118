"""support-catalog: customers, their environments, and planes (GET only)."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import SUPPORT
from opsdesk.http import create_api, current_principal
from opsdesk.observability import instrumented
from opsdesk.settings import SupportSettings, load_settings
from opsdesk.support.repository import SupportRepository
from opsdesk.support.service import SupportService
from opsdesk.support.views import customer_view, environment_view, plane_view

settings = load_settings(SupportSettings)
app = create_api(SUPPORT, settings)
service = SupportService(SupportRepository())


@app.get("/api/customers")
def handle_list_customers() -> dict[str, Any]:
    customers = service.list_customers(current_principal(app))
    return {"customers": [customer_view(c) for c in customers]}


@app.get("/api/customers/<customer_id>/environments")
def handle_list_environments(customer_id: str) -> dict[str, Any]:
    environments = service.list_environments(current_principal(app), customer_id)
    return {"environments": [environment_view(e) for e in environments]}


@app.get("/api/planes")
def handle_list_planes() -> dict[str, Any]:
    planes = service.list_planes(current_principal(app))
    return {"planes": [plane_view(p) for p in planes]}


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
