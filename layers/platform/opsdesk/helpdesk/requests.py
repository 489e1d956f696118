"""Request bodies of the helpdesk API, with the document's field names."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, field_validator

from opsdesk.clock import MomentOutOfRange, is_uuid, parse_strict_rfc3339, to_rfc3339
from opsdesk.helpdesk.attachments import display_filename
from opsdesk.helpdesk.exports import MAX_EXPORT_IDS
from opsdesk.helpdesk.queries import STATUS_VALUES, TEAM_ID_PATTERN, USER_ID_PATTERN, user_id_value
from opsdesk.helpdesk.records import NO_TEAM, TicketSource, TicketStatus
from opsdesk.helpdesk.sla import PRIORITIES
from opsdesk.validation import EmailText, RequestBody, Stripped, email_address

Text = Annotated[str, StringConstraints(min_length=1), Stripped()]
MAX_CUSTOM_JSON_BYTES = 16_384
SOURCE_VALUES = ", ".join(s.value for s in TicketSource)


def uuid_value(value: str) -> str:
    if not is_uuid(value):
        raise ValueError("must be a UUID")
    return value.lower()


def _optional_user_id(value: str | None) -> str | None:
    if value is None:
        return None
    if value == NO_TEAM:
        raise ValueError(f"{NO_TEAM!r} is reserved (assignee=none lists unassigned tickets); use null to unassign")
    return user_id_value(value)


def _optional_team_id(value: str | None) -> str | None:
    if value is None:
        return None
    if value == NO_TEAM or not TEAM_ID_PATTERN.fullmatch(value):
        raise ValueError("must be a team id (letters, digits and ._- , at most 64; not 'none')")
    return value


def _priority(value: str) -> str:
    if value not in PRIORITIES:
        raise ValueError(f"must be one of: {', '.join(PRIORITIES)}")
    return value


def _moment(value: str | None) -> str | None:
    """An RFC 3339 date-time with its offset (a date alone is not one), stored in UTC with milliseconds."""
    if value is None:
        return None
    try:
        return to_rfc3339(parse_strict_rfc3339(value))
    except MomentOutOfRange as exc:
        raise ValueError(str(exc)[0].lower() + str(exc)[1:]) from None
    except ValueError:
        raise ValueError("must be an RFC 3339 date-time") from None


def _custom_json(value: dict[str, Any]) -> dict[str, Any]:
    if len(json.dumps(value, separators=(",", ":")).encode("utf-8")) > MAX_CUSTOM_JSON_BYTES:
        raise ValueError(f"must be at most {MAX_CUSTOM_JSON_BYTES} bytes of JSON")
    return value


class CreateRequesterRequest(RequestBody):
    model_config = ConfigDict(extra="ignore")

    email: EmailText
    display_name: Annotated[Text, StringConstraints(max_length=200)]

    _email = field_validator("email")(email_address)


class UpdateRequesterRequest(RequestBody):
    """Only these may change; any other field is refused by name."""

    model_config = ConfigDict(extra="forbid")

    email: EmailText | None = None
    display_name: Annotated[Text, StringConstraints(max_length=200)] | None = None

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str | None) -> str | None:
        return None if value is None else email_address(value)


class CreateTicketRequest(RequestBody):
    # Unknown fields are ignored on create: the ticket is built field by field, never from the body.
    model_config = ConfigDict(extra="ignore")

    title: Annotated[Text, StringConstraints(max_length=200)]
    description: Annotated[str, StringConstraints(max_length=20_000), Stripped(blank=True)]
    requester_id: str
    priority: str
    urgency: Annotated[StrictInt, Field(ge=1, le=4)] | None = None
    category: Annotated[Text, StringConstraints(max_length=100)] | None = None
    subcategory: Annotated[Text, StringConstraints(max_length=100)] | None = None
    custom_json: dict[str, Any] = Field(default_factory=dict)
    source: str | None = None
    """Beyond the document: an agent recording a ticket that came another way (e.g. `email`) says so; otherwise
    the source is how the caller signed in (opsdesk.helpdesk.workflow.ticket_source)."""

    _requester = field_validator("requester_id")(uuid_value)
    _priority = field_validator("priority")(_priority)
    _custom = field_validator("custom_json")(_custom_json)

    @field_validator("source")
    @classmethod
    def _source(cls, value: str | None) -> str | None:
        if value is not None and value not in {s.value for s in TicketSource}:
            raise ValueError(f"must be one of: {SOURCE_VALUES}")
        return value


class UpdateTicketRequest(RequestBody):
    """The document's partial PATCH, plus `team_id` (the queue a ticket is in). Any other field is refused by
    name; null clears the optional fields and is refused for status, priority and custom_json."""

    model_config = ConfigDict(extra="forbid")

    status: str | None = None
    assignee_id: str | None = None
    team_id: str | None = None
    priority: str | None = None
    urgency: Annotated[StrictInt, Field(ge=1, le=4)] | None = None
    scheduled_at: str | None = None
    due_at: str | None = None
    custom_json: dict[str, Any] | None = None

    _assignee = field_validator("assignee_id")(_optional_user_id)
    _team = field_validator("team_id")(_optional_team_id)
    _moments = field_validator("scheduled_at", "due_at")(_moment)

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is not None and value not in {s.value for s in TicketStatus}:
            raise ValueError(f"must be one of: {STATUS_VALUES}")
        return value

    @field_validator("priority")
    @classmethod
    def _valid_priority(cls, value: str | None) -> str | None:
        return None if value is None else _priority(value)

    @field_validator("custom_json")
    @classmethod
    def _valid_custom(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else _custom_json(value)


class CreateCommentRequest(RequestBody):
    model_config = ConfigDict(extra="ignore")

    """All three fields are required, as the document writes the body (`{ body_md, is_internal, author_id }`, with
    no `?`): a missing one is a 400 naming it."""

    body_md: Annotated[Text, StringConstraints(max_length=20_000)]
    is_internal: StrictBool
    author_id: str
    """The caller's own id (`GET /me`'s `id`), or (agents) a requester of the tenant the agent writes for."""

    _author = field_validator("author_id")(user_id_value)


class AddWatcherRequest(RequestBody):
    model_config = ConfigDict(extra="ignore")

    user_id: Annotated[str, Field(json_schema_extra={"pattern": USER_ID_PATTERN.pattern})]

    _user = field_validator("user_id")(user_id_value)


class LoginRequest(RequestBody):
    """`POST /login` of the helpdesk document: `{username, password}`."""

    model_config = ConfigDict(extra="ignore")

    username: Annotated[str, StringConstraints(min_length=1, max_length=128), Stripped()]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class AttachmentUpload(RequestBody):
    """Presign's body `{filename, bytes, mime?}`."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=1024)
    bytes: int = Field(strict=True, gt=0)
    mime: str | None = Field(default=None, max_length=255)

    @field_validator("filename")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        cleaned = display_filename(value)
        if not cleaned:
            raise ValueError("filename must name a file")
        return cleaned

    @field_validator("mime")
    @classmethod
    def _lower_mime(cls, value: str | None) -> str | None:
        return value.split(";", 1)[0].strip().lower() if value else None


class AttachmentConfirm(AttachmentUpload):
    """Confirm's body `{attachment_id, filename, bytes, mime?}`: what presign was given, and its id."""

    attachment_id: str = Field(min_length=1, max_length=64)

    @field_validator("attachment_id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        if len(value) != 36 or not is_uuid(value):  # noqa: PLR2004 - the canonical 8-4-4-4-12 form
            raise ValueError("attachment_id must be the id presign returned")
        return value.lower()


def _canonical_uuid(value: str) -> str:
    if len(value) != 36 or not is_uuid(value):  # noqa: PLR2004 - the canonical 8-4-4-4-12 form only
        raise ValueError("must be a UUID")
    return value.lower()


class ExportTicketsRequest(RequestBody):
    """`{ids: [uuid]}`: 1 to 1000 ticket ids (a bad one is reported as `ids[i]`)."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[str, AfterValidator(_canonical_uuid)]] = Field(min_length=1, max_length=MAX_EXPORT_IDS)

    @property
    def unique_ids(self) -> list[str]:
        """Repeated ids are exported once, in the order first given."""
        return list(dict.fromkeys(self.ids))
