"""Customer satisfaction (CSAT): single-use survey tokens issued when a ticket is resolved, the public form and
the rules for recording an answer (docs/decisions.md, Helpdesk).

Tokens: 32 random bytes (`secrets`), URL-safe base64 (43 characters). Only their SHA-256 is stored, in the
item's key (`pk = CSAT#<sha256 hex>`), so a leaked table holds no usable token; 256 bits of entropy make an
unsalted hash safe. The public route knows no tenant: the token's hash finds the one item, and the item names
its tenant, ticket and requester. This item is the one key in TicketsTable that does not start with the tenant;
holding the token is what grants access to it, and nothing else can be looked up through it.
"""

from __future__ import annotations

import hashlib
import html
import json
import secrets
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs

from opsdesk.clock import to_rfc3339
from opsdesk.errors import FieldError, NotFound, ValidationFailed
from opsdesk.frozen import frozen

Score = Literal["good", "bad"]
SCORES: tuple[Score, ...] = ("good", "bad")
TOKEN_BYTES = 32
TOKEN_LIFETIME = timedelta(days=30)
"""How long a survey link works; DynamoDB's TTL then deletes the token item (a late link is then unknown: 404)."""
MAX_TOKEN_LENGTH = 128
SCORE_MESSAGE = "score must be good or bad"
ALREADY_ANSWERED = "This survey has already been answered"
UNKNOWN_TOKEN = "Survey not found"


class CsatTokenUsed(Exception):
    """The conditional write found the token already used (a second or concurrent answer)."""


class SurveyAlreadyAnswered(ValidationFailed):
    """A 400: the survey exists but takes no second answer."""

    default_message = ALREADY_ANSWERED


@frozen
class CsatToken:
    token_hash: str
    tenant_id: str
    ticket_id: str
    requester_id: str
    created_at: str
    expires_at: int
    """Epoch seconds (the table's TTL attribute)."""
    score: Score | None = None
    answered_at: str | None = None

    @property
    def used(self) -> bool:
        return self.score is not None

    def expired(self, now: datetime) -> bool:
        return now.timestamp() >= self.expires_at


class CsatStore(Protocol):
    def get_csat_token(self, token_hash: str) -> CsatToken | None: ...

    def record_csat_answer(self, token: CsatToken, score: Score, answered_at: datetime) -> None:
        """Mark the token used with its score and count it in the tenant's CSAT aggregate, in one transaction
        conditional on the token being unused; raise CsatTokenUsed when it is not."""


@frozen
class TicketSummary:
    """What the form shows about the ticket: only what its requester already knows."""

    number: int | None
    title: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()




def new_survey_token(tenant_id: str, ticket_id: str, requester_id: str, now: datetime) -> tuple[str, CsatToken]:
    """A fresh survey token: (the raw token, the survey as stored). Only the token's hash is kept; the raw token
    goes only into the requester's survey link. The store writes the survey in the transaction that resolves
    the ticket, so a token exists exactly when the resolve committed."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    survey = CsatToken(token_hash=hash_token(token), tenant_id=tenant_id, ticket_id=ticket_id,
                       requester_id=requester_id, created_at=to_rfc3339(now),
                       expires_at=int((now + TOKEN_LIFETIME).timestamp()))
    return token, survey


def form_path(token: str) -> str:
    """The survey link's path under the helpdesk base path."""
    return f"/csat/{token}"


def parse_score(body: str | bytes | None, content_type: str | None) -> Score:
    """The answer from a form post (`score=good`) or a JSON body (`{"score":"good"}`); anything else is a 400
    naming `score`."""
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    value: Any = None
    if media_type == "application/json" or (not media_type and raw.lstrip().startswith("{")):
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
            data = None
        value = data.get("score") if isinstance(data, dict) else None
    else:
        values = parse_qs(raw, keep_blank_values=True).get("score", [])
        value = values[0] if len(values) == 1 else None
    if value not in SCORES:
        raise ValidationFailed(details=[FieldError("score", SCORE_MESSAGE)])
    return value  # type: ignore[no-any-return]


class CsatService:
    def __init__(self, store: CsatStore) -> None:
        self._store = store

    def find(self, token: str, now: datetime) -> CsatToken:
        """The token's survey; unknown, malformed or expired tokens are a 404."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise NotFound(UNKNOWN_TOKEN)
        found = self._store.get_csat_token(hash_token(token))
        if found is None or found.expired(now):
            raise NotFound(UNKNOWN_TOKEN)
        return found

    def answer(self, token: str, score: Score, now: datetime) -> CsatToken:
        """Record the answer once. A used token is a 400 (the survey exists but takes no second answer), also
        when two answers race: the conditional write lets exactly one of them through."""
        return self.answer_found(self.find(token, now), score, now)

    def answer_found(self, found: CsatToken, score: Score, now: datetime) -> CsatToken:
        """`answer` for a survey already found (so an unknown token is a 404 before the score is looked at)."""
        if found.used:
            raise SurveyAlreadyAnswered()
        try:
            self._store.record_csat_answer(found, score, now)
        except CsatTokenUsed:
            raise SurveyAlreadyAnswered() from None
        return replace(found, score=score, answered_at=to_rfc3339(now))

    def answer_from_request(self, found: CsatToken, body: str | bytes | None, content_type: str | None,
                            now: datetime) -> CsatToken:
        """The answer a request body carries, for a survey already found: a used survey is refused
        (SurveyAlreadyAnswered) before the score is read (ValidationFailed naming `score`)."""
        if found.used:
            raise SurveyAlreadyAnswered()
        return self.answer_found(found, parse_score(body, content_type), now)


# The public pages: small, self-contained (no external assets, inline style only), accessible (lang, labels,
# a fieldset with a legend, a real form that works without script).
CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    # The token is in the URL: never send it on as a Referer, never cache the page.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
    "fieldset{border:1px solid #767676;border-radius:.5rem;padding:1rem}"
    "label{display:block;margin:.5rem 0;font-size:1.1rem}"
    "button{margin-top:1rem;font-size:1rem;padding:.5rem 1.25rem}"
)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _ticket_line(ticket: TicketSummary | None) -> str:
    if ticket is None:
        return ""
    number = f"#{ticket.number} " if ticket.number is not None else ""
    return f"<p>Your request {html.escape(number)}<q>{html.escape(ticket.title)}</q> has been resolved.</p>\n"


def render_form(ticket: TicketSummary | None, error: str | None = None) -> str:
    """The survey: one question, two radio buttons, posting `score=good|bad` back to the same URL; `error` (a
    refused answer) is announced to screen readers."""
    alert = f'<p role="alert"><strong>{html.escape(error)}</strong></p>\n' if error else ""
    return _page(
        "How did we do?",
        "<h1>How did we do?</h1>\n"
        + _ticket_line(ticket)
        + alert
        + '<form method="post">\n<fieldset>\n<legend>Were you satisfied with how your request was handled?</legend>\n'
        '<label><input type="radio" name="score" value="good" required> Good, I was satisfied</label>\n'
        '<label><input type="radio" name="score" value="bad"> Bad, I was not satisfied</label>\n'
        "</fieldset>\n<button type=\"submit\">Send</button>\n</form>",
    )


def render_answered(ticket: TicketSummary | None, *, earlier: bool = False) -> str:
    """After an answer; `earlier` when the survey had been answered before this visit."""
    said = "This survey has already been answered." if earlier else "Your answer has been recorded."
    return _page("Thank you", "<h1>Thank you</h1>\n" + _ticket_line(ticket) + f"<p>{said}</p>")


def render_not_found() -> str:
    return _page(UNKNOWN_TOKEN, f"<h1>{UNKNOWN_TOKEN}</h1>\n<p>This survey link is not valid or has expired.</p>")


def prefers_html(accept: str | None) -> bool:
    """A browser's form post (Accept lists text/html before any JSON) gets pages; API clients get JSON."""
    types = [part.split(";", 1)[0].strip().lower() for part in (accept or "").split(",")]
    if "text/html" not in types:
        return False
    return "application/json" not in types or types.index("text/html") < types.index("application/json")
