"""The helpdesk's response shapes as pydantic models: what opsdesk.helpdesk.views, the attachment and export
services and the helpdesk handlers answer, field for field, and the module's error envelope
(opsdesk.dialects.helpdesk). They exist to be documented (opsdesk.helpdesk.openapi turns them into the OpenAPI
document's components); the views build plain dicts, and tests/unit/test_helpdesk_openapi.py validates the views'
output against these schemas, so the two cannot drift.

Conventions (every module's, opsdesk.schemas): every model forbids other fields; a field that is always
present but may be null is `X | None` without a default (required, nullable); a field that is left out when unset
(the document's `field?`) is `X | SkipJsonSchema[None] = optional()` (not required, never null). Times are
RFC 3339 in UTC with a `Z` (opsdesk.clock.to_rfc3339)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, RootModel
from pydantic.json_schema import SkipJsonSchema

from opsdesk.helpdesk.records import TicketSource, TicketStatus
from opsdesk.helpdesk.service import METRICS_WINDOW_DAYS
from opsdesk.schemas import Answer, optional

Priority = Literal["low", "normal", "high", "urgent"]
"""opsdesk.helpdesk.sla.PRIORITIES, least urgent first (the test checks they agree)."""
Urgency = Annotated[int, Field(ge=1, le=4)]


class Ok(Answer):
    """Done (`{"ok": true}`)."""

    ok: Literal[True]


# People

class Me(Answer):
    """The caller, from their verified token."""

    id: str
    """The user's id everywhere in the API (assignee_id, author_id, watchers): the Cognito `sub`."""
    external_id: str
    """The sign-in name at the identity provider."""
    email: str | None
    """The `email` claim, else the sign-in name when it is an email address; null when neither is."""
    display_name: str
    """The `name` claim, else the email's local part, else the sign-in name."""
    roles: list[str]
    """The user's groups, sorted (`agent` and `admin` have the agent role)."""


class Requester(Answer):
    id: str
    email: str
    display_name: str


# Tickets

class TicketSla(Answer):
    """The ticket's two SLA clocks (targets by priority, calendar time from creation), as seen when answered."""

    first_response_due_at: datetime
    resolution_due_at: datetime
    first_response_target_minutes: int
    resolution_target_minutes: int
    first_response_breached: bool
    """The first public agent comment came after its due time, or has not come and the due time is past."""
    resolution_breached: bool
    """Resolved after its due time, or not resolved and the due time is past."""


class Ticket(Answer):
    """The document's Ticket; the optional fields are left out when unset."""

    id: str
    number: int
    """Per tenant, from 1."""
    title: str
    description: str
    requester_id: str
    assignee_id: str | SkipJsonSchema[None] = optional()
    team_id: str | SkipJsonSchema[None] = optional()
    """The queue the ticket is in."""
    priority: Priority
    urgency: Urgency | SkipJsonSchema[None] = optional()
    category: str | SkipJsonSchema[None] = optional()
    subcategory: str | SkipJsonSchema[None] = optional()
    status: TicketStatus
    scheduled_at: datetime | SkipJsonSchema[None] = optional()
    due_at: datetime | SkipJsonSchema[None] = optional()
    """The agent's own due date, not the SLA's (those are in `sla`)."""
    source: TicketSource
    """`web` when created with the session cookie, `api` with a bearer token, or what an agent named."""
    custom_json: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    sla: TicketSla
    """Always present (the document marks it optional)."""


class CreatedTicket(Answer):
    """A new ticket (`POST /tickets`): always `open`."""

    id: str
    number: int
    status: Literal[TicketStatus.OPEN]


class Created(Answer):
    """The id of what was created (a comment, a confirmed attachment)."""

    id: str


class Comment(Answer):
    id: str
    ticket_id: str
    author_id: str
    """The writer's user id, or a requester's id (an agent writing for a requester)."""
    body_md: str
    is_internal: bool
    """Agents' notes: only agents see them."""
    created_at: datetime


class WatcherIds(RootModel[list[str]]):
    """The user ids watching the ticket."""


# Attachments

class Attachment(Answer):
    id: str
    filename: str
    """As shown: without a path or control characters."""
    bytes: int
    mime: str
    """As given, else the type the file's extension names, else `application/octet-stream`."""
    created_at: datetime


class UploadHeaders(Answer):
    """The headers to send with the PUT: they are signed into the URL, so S3 refuses other values."""

    content_type: str = Field(alias="Content-Type")
    tagging: Literal["state=pending"] = Field(alias="x-amz-tagging")
    """Marks the object unconfirmed until `POST .../attachments` (unconfirmed objects expire after a day)."""


class PresignedUpload(Answer):
    upload_url: str
    """A URL for one PUT of exactly the declared file, valid for a few minutes."""
    headers: UploadHeaders
    attachment_id: str
    """The id to confirm the upload with."""


# Exports and reports

class Export(Answer):
    url: str
    """A presigned download link to the CSV, valid for a few minutes."""


class SlaMetrics(Answer):
    """Resolved tickets (all time) and those resolved within both SLA targets."""

    total: int
    met: int
    sla_attainment: Annotated[float, Field(ge=0, le=1)]
    """met / total, to 4 places; 0 when nothing was resolved."""


class ResolutionMetrics(Answer):
    avg_resolution_ms: int
    """Mean time from creation to resolution of the resolved tickets; 0 when none."""


class TicketsOnDay(Answer):
    day: date
    """A UTC day."""
    count: int


class TicketMetrics(Answer):
    daily: Annotated[list[TicketsOnDay], Field(min_length=METRICS_WINDOW_DAYS, max_length=METRICS_WINDOW_DAYS)]
    """Tickets created per day over the last days, today included, oldest first, days without tickets as 0."""


# Errors

class ErrorMessage(Answer):
    error: str


class FieldErrors(Answer):
    """A validation error: each refused field (`ids[3]`, `Content-Type`, `body`...) with what is wrong with it."""

    errors: dict[str, str]


class Error(RootModel[ErrorMessage | FieldErrors]):
    """Every error: `{"error": "message"}`, or `{"errors": {"field": "message"}}` for validation."""


RESPONSE_MODELS: tuple[type[BaseModel], ...] = (
    Ok, Me, Requester, Ticket, CreatedTicket, Created, Comment, WatcherIds, Attachment, PresignedUpload, Export,
    SlaMetrics, ResolutionMetrics, TicketMetrics, Error,
)
"""Every top-level response shape (their parts are reached from them)."""
