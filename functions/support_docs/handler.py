"""support-docs: feedback on documentation articles (search joins this group with the search backends)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response

from opsdesk.apimap import SUPPORT
from opsdesk.http import create_api, current_principal, json_response, request_body
from opsdesk.observability import instrumented
from opsdesk.settings import SupportSettings, load_settings
from opsdesk.support.repository import SupportRepository
from opsdesk.support.requests import DocFeedbackRequest
from opsdesk.support.service import SupportService

settings = load_settings(SupportSettings)
app = create_api(SUPPORT, settings)
service = SupportService(SupportRepository())


@app.post("/api/docs/feedback")
def handle_record_feedback() -> Response[str]:
    principal = current_principal(app)
    request = request_body(app, DocFeedbackRequest, settings.max_body_bytes)
    feedback = service.record_feedback(principal, request)
    return json_response(201, {"success": True, "feedbackId": feedback.id})


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
