"""support-docs: documentation search and feedback on articles."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import SUPPORT
from opsdesk.http import create_api, current_principal, json_response, request_body
from opsdesk.observability import instrumented
from opsdesk.restapi import Response
from opsdesk.settings import DocsSettings, load_settings
from opsdesk.support.docs import search_backend
from opsdesk.support.repository import SupportRepository
from opsdesk.support.requests import DocFeedbackRequest, DocSearchRequest
from opsdesk.support.service import SupportService

settings = load_settings(DocsSettings)
app = create_api(SUPPORT, settings)
service = SupportService(SupportRepository())


@app.post("/api/docs/search")
def handle_search_docs() -> dict[str, Any]:
    principal = current_principal(app)
    request = request_body(app, DocSearchRequest, settings.max_body_bytes)
    hits = search_backend(settings).search(request.query, request.planeSlug, request.limit)
    service.record_help_activity(principal, "search")
    service.record_doc_views(principal, hits)
    return {"results": [hit.as_result() for hit in hits]}


@app.post("/api/docs/feedback")
def handle_record_feedback() -> Response[str]:
    principal = current_principal(app)
    request = request_body(app, DocFeedbackRequest, settings.max_body_bytes)
    feedback = service.record_feedback(principal, request)
    return json_response(201, {"success": True, "feedbackId": feedback.id})


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
