"""helpdesk-csat (public): `GET /csat/:token` serves the survey form, `POST /csat/:token` records `score=good|bad`
once (form-encoded or JSON). The token is the credential: it finds its tenant and ticket by its hash.

API clients get the document's JSON (`{ok:true}`, `{"error":...}`, `{"errors":{"score":...}}`); a browser posting
the form (Accept: text/html first) gets the same status codes with small HTML pages instead."""

from __future__ import annotations

from typing import Any

from opsdesk.apimap import HELPDESK
from opsdesk.clock import utc_now
from opsdesk.errors import NotFound, ValidationFailed
from opsdesk.helpdesk.csat import (
    HTML_CONTENT_TYPE,
    PAGE_HEADERS,
    UNKNOWN_TOKEN,
    CsatService,
    CsatToken,
    SurveyAlreadyAnswered,
    TicketSummary,
    prefers_html,
    render_answered,
    render_form,
    render_not_found,
)
from opsdesk.helpdesk.extras_repository import ExtrasRepository
from opsdesk.helpdesk.ticket_repository import TicketRecordRepository
from opsdesk.http import create_api, json_response, raw_body
from opsdesk.observability import instrumented
from opsdesk.restapi import Response
from opsdesk.settings import HelpdeskSettings, load_settings

settings = load_settings(HelpdeskSettings)
app = create_api(HELPDESK, settings)
surveys = CsatService(ExtrasRepository())
ticket_store = TicketRecordRepository()


def _page(status: int, body: str) -> Response[str]:
    return Response(status_code=status, content_type=HTML_CONTENT_TYPE, body=body, headers=dict(PAGE_HEADERS))


def _summary(token: CsatToken) -> TicketSummary | None:
    ticket = ticket_store.get_ticket(token.tenant_id, token.ticket_id)
    return TicketSummary(number=ticket.number, title=ticket.title) if ticket else None


@app.not_found
def handle_no_survey(_: Exception) -> Response[str]:
    # A path no token can have (a character tokens never have): people following a link get the page of an unknown
    # survey, an API client posting an answer the same JSON 404 as for any unknown token.
    event = app.current_event
    if event.http_method == "POST" and not prefers_html(event.headers.get("accept")):
        raise NotFound(UNKNOWN_TOKEN)
    return _page(404, render_not_found())


@app.get("/csat/<token>")
def handle_survey_form(token: str) -> Response[str]:
    try:
        survey = surveys.find(token, utc_now())
    except NotFound:
        return _page(404, render_not_found())
    if survey.used:
        return _page(200, render_answered(_summary(survey), earlier=True))
    return _page(200, render_form(_summary(survey)))


@app.post("/csat/<token>")
def handle_survey_answer(token: str) -> Response[str]:
    event = app.current_event
    body = raw_body(app)
    if len(body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body or b"") > settings.max_body_bytes:
        raise ValidationFailed.on_field("body", f"Request body is larger than {settings.max_body_bytes} bytes")
    content_type = event.headers.get("content-type")
    if prefers_html(event.headers.get("accept")):
        return _answer_from_browser(token, body, content_type)
    # Unknown token (404) first, then a used one (400 error), then the score (400 errors.score).
    now = utc_now()
    surveys.answer_from_request(surveys.find(token, now), body, content_type, now)
    return json_response(200, {"ok": True}, headers={"Cache-Control": "no-store"})


def _answer_from_browser(token: str, body: str | bytes | None, content_type: str | None) -> Response[str]:
    now = utc_now()
    try:
        survey = surveys.find(token, now)
    except NotFound:
        return _page(404, render_not_found())
    summary = _summary(survey)
    try:
        surveys.answer_from_request(survey, body, content_type, now)
    except SurveyAlreadyAnswered:
        return _page(400, render_answered(summary, earlier=True))
    except ValidationFailed:
        return _page(400, render_form(summary, error="Choose good or bad, then send."))
    return _page(200, render_answered(summary))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
