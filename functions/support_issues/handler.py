"""support-issues: create, list (filters and page numbers), get and update issues."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import SUPPORT
from opsdesk.eventlog import EventLog
from opsdesk.http import create_api, current_principal, json_response, query_params, request_body
from opsdesk.observability import instrumented
from opsdesk.pagination import page_block, parse_page_request
from opsdesk.restapi import Response
from opsdesk.settings import SupportSettings, load_settings
from opsdesk.support.queries import parse_issue_filters
from opsdesk.support.repository import SupportRepository
from opsdesk.support.service import SupportService
from opsdesk.support.views import created_issue_view, issue_detail_view, issue_summary_view, updated_issue_view

settings = load_settings(SupportSettings)
app = create_api(SUPPORT, settings)
service = SupportService(SupportRepository(EventLog()))


@app.post("/api/issues")
def handle_create_issue() -> Response[str]:
    from opsdesk.support.requests import CreateIssueRequest  # noqa: PLC0415 - pydantic loads with the first body

    principal = current_principal(app)
    request = request_body(app, CreateIssueRequest, settings.max_body_bytes)
    issue = service.create_issue(principal, request)
    return json_response(201, {"issue": created_issue_view(issue)})


@app.get("/api/issues")
def handle_list_issues() -> dict[str, Any]:
    principal = current_principal(app)
    query = query_params(app)
    filters = parse_issue_filters(query)
    page = parse_page_request(query)
    result = service.list_issues(principal, filters, page)
    return {"issues": [issue_summary_view(i) for i in result.items], "pagination": page_block(page, result)}


@app.get("/api/issues/<issue_id>")
def handle_get_issue(issue_id: str) -> dict[str, Any]:
    return {"issue": issue_detail_view(service.get_issue(current_principal(app), issue_id))}


@app.patch("/api/issues/<issue_id>")
def handle_update_issue(issue_id: str) -> dict[str, Any]:
    from opsdesk.support.requests import UpdateIssueRequest  # noqa: PLC0415 - pydantic loads with the first body

    principal = current_principal(app)
    request = request_body(app, UpdateIssueRequest, settings.max_body_bytes)
    return {"issue": updated_issue_view(service.update_issue(principal, issue_id, request))}


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
