"""Request bodies of the support API, as the document names their fields."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import ConfigDict, Field, StrictBool, StrictInt, StringConstraints, field_validator

from opsdesk.clock import is_uuid
from opsdesk.validation import RequestBody, Stripped

Text = Annotated[str, StringConstraints(min_length=1), Stripped()]


def _uuid(value: str) -> str:
    if not is_uuid(value):
        raise ValueError("must be a UUID")
    return value.lower()


def _web_url(value: str | None) -> str | None:
    """pipelineUrl is only stored and shown, never fetched; still, only http(s) links are accepted."""
    if value is None or value == "":
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http or https URL")
    return value


class ContextValue(RequestBody):
    model_config = ConfigDict(extra="forbid")

    planeContextId: str
    value: Any
    """A string, or a list of strings for a multi-select context."""

    _id = field_validator("planeContextId")(_uuid)

    @field_validator("value")
    @classmethod
    def _string_or_strings(cls, value: Any) -> str | list[str]:
        # Checked here rather than as `str | list[str]`, whose errors would name each union member.
        if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return value
        raise ValueError("must be a string or a list of strings")


class CreateIssueRequest(RequestBody):
    # Unknown fields are ignored on create: the stored item is built field by field below, never from the body.
    model_config = ConfigDict(extra="ignore")

    customerId: str
    environmentId: str
    submitterHandle: Annotated[Text, StringConstraints(max_length=320)]
    primaryPlaneId: str
    secondaryPlaneIds: list[str] = Field(default_factory=list, max_length=10)
    title: Annotated[Text, StringConstraints(max_length=200)]
    description: Annotated[Text, StringConstraints(max_length=20_000)]
    pipelineUrl: Annotated[str, StringConstraints(max_length=2048)] | None = None
    contexts: list[ContextValue] = Field(default_factory=list, max_length=50)

    _ids = field_validator("customerId", "environmentId", "primaryPlaneId")(_uuid)
    _url = field_validator("pipelineUrl")(_web_url)

    @field_validator("secondaryPlaneIds")
    @classmethod
    def _secondary_ids(cls, value: list[str]) -> list[str]:
        ids = [_uuid(v) for v in value]
        if len(set(ids)) != len(ids):
            raise ValueError("must not repeat a plane")
        return ids


class UpdateIssueRequest(RequestBody):
    """Only what a user may change. Anything else (displayId, customerId, createdAt, ...) is refused by name."""

    model_config = ConfigDict(extra="forbid")

    status: str | None = None
    title: Annotated[Text, StringConstraints(max_length=200)] | None = None
    description: Annotated[Text, StringConstraints(max_length=20_000)] | None = None
    pipelineUrl: Annotated[str, StringConstraints(max_length=2048)] | None = None

    _url = field_validator("pipelineUrl")(_web_url)


class FeedbackContext(RequestBody):
    model_config = ConfigDict(extra="ignore")

    planeSlug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,64}$")] | None = None
    customerId: str | None = None

    _customer = field_validator("customerId")(lambda value: None if value is None else _uuid(value))


class DocFeedbackRequest(RequestBody):
    model_config = ConfigDict(extra="ignore")

    docUrl: Annotated[str, StringConstraints(max_length=2048)]
    docType: Literal["how-to", "reference", "tutorial", "troubleshooting"]
    helpful: StrictBool
    issueId: str | None = None
    context: FeedbackContext | None = None

    @field_validator("docUrl")
    @classmethod
    def _doc_url(cls, value: str) -> str:
        if not _web_url(value):
            raise ValueError("must be an http or https URL")
        return value

    _issue = field_validator("issueId")(lambda value: None if value is None else _uuid(value))


class DocSearchRequest(RequestBody):
    model_config = ConfigDict(extra="ignore")

    query: Annotated[Text, StringConstraints(max_length=500)]
    planeSlug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{1,64}$")] | None = None
    limit: StrictInt = Field(default=5, ge=1, le=20)
