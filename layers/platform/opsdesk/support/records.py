"""The support module's domain records: plain data, independent of storage and of the wire format."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from opsdesk.frozen import frozen


class IssueStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class FieldType(StrEnum):
    SINGLE_SELECT = "single_select"
    MULTI_SELECT = "multi_select"
    TEXT = "text"


@frozen
class Customer:
    id: str
    name: str
    created_at: str


@frozen
class Environment:
    id: str
    customer_id: str
    name: str
    type: str
    created_at: str


@frozen
class ContextOption:
    value: str
    label: str


@frozen
class PlaneContext:
    id: str
    key: str
    label: str
    field_type: FieldType
    is_required: bool
    options: tuple[ContextOption, ...] = ()

    def label_of(self, value: str) -> str | None:
        return next((o.label for o in self.options if o.value == value), None)


@frozen
class Plane:
    id: str
    name: str
    slug: str
    description: str
    contexts: tuple[PlaneContext, ...] = ()


@frozen
class Ref:
    """A denormalised reference (id and display name) kept on the issue so lists need no joins."""

    id: str
    name: str


@frozen
class EnvironmentRef:
    id: str
    name: str
    type: str


@frozen
class IssueContext:
    plane_context_id: str
    key: str
    label: str
    value: str
    """What the user chose (an option's value, or the text)."""
    display_value: str
    """What a person reads: the option's label for select fields, the text itself otherwise."""


@frozen
class Issue:
    id: str
    display_id: str
    title: str
    description: str
    status: IssueStatus
    customer: Ref
    environment: EnvironmentRef
    primary_plane: Ref
    secondary_planes: tuple[Ref, ...]
    contexts: tuple[IssueContext, ...]
    submitter_handle: str
    pipeline_url: str | None
    created_at: str
    updated_at: str
    created_by: str
    version: int = 1
    resolved_at: str | None = None


@frozen
class IssueFilters:
    customer_id: str | None = None
    plane_id: str | None = None
    status: IssueStatus | None = None
    start: datetime | None = None
    """Inclusive lower bound on creation time."""
    end: datetime | None = None
    """Exclusive upper bound on creation time."""


@frozen
class IssueChanges:
    """What PATCH may change; None means leave as is."""

    status: IssueStatus | None = None
    title: str | None = None
    description: str | None = None
    pipeline_url: str | None = None
    clear_pipeline_url: bool = False


class DocType(StrEnum):
    HOW_TO = "how-to"
    REFERENCE = "reference"
    TUTORIAL = "tutorial"
    TROUBLESHOOTING = "troubleshooting"


@frozen
class DocFeedback:
    id: str
    doc_url: str
    doc_type: DocType
    helpful: bool
    issue_id: str | None
    plane_slug: str | None
    customer_id: str | None
    user_id: str
    created_at: str


