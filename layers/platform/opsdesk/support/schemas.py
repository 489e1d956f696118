"""The support module's response shapes as pydantic models: what opsdesk.support.views, opsdesk.support.analytics,
the documentation search (opsdesk.search.model.SearchHit.as_result) and the support handlers answer, field for
field, under the document's camelCase names (seeds/support-app-api.md). They exist to be documented
(opsdesk.support.openapi turns them into the OpenAPI document's components); the views build plain dicts, and
tests/unit/test_support_openapi.py validates the views' output against these schemas, so the two cannot drift.

Conventions, as every module's (opsdesk.schemas): every model forbids other fields; a field that is always
present but may be null is `X | None` without a default (required, nullable). No support answer leaves a field
out. Python names are snake_case and the JSON names their camelCase aliases. Times are RFC 3339 in UTC with a `Z`
(opsdesk.clock.to_rfc3339)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from opsdesk.pagination import MAX_PAGE_SIZE
from opsdesk.schemas import CamelAnswer
from opsdesk.support.records import DocType, FieldType, IssueStatus

Share = Annotated[float, Field(ge=0, le=1)]
"""A fraction from 0 to 1."""
Count = Annotated[int, Field(ge=0)]


# Catalog

class Customer(CamelAnswer):
    id: str
    name: str
    created_at: datetime


class CustomerList(CamelAnswer):
    """Every customer of the caller's tenant, by name."""

    customers: list[Customer]


class Environment(CamelAnswer):
    id: str
    name: str
    type: str
    """What the environment is for, as the catalog names it (`qa`, `staging`, `production`, ...)."""
    created_at: datetime


class EnvironmentList(CamelAnswer):
    """The customer's environments, by name."""

    environments: list[Environment]


class ContextOption(CamelAnswer):
    value: str
    """What an issue sends as the context's `value`."""
    label: str
    """What a person reads (and what an issue shows for the value)."""


class PlaneContext(CamelAnswer):
    """A field an issue on the plane fills in."""

    id: str
    """The `planeContextId` an issue's context names."""
    key: str
    label: str
    field_type: FieldType
    """`single_select` takes one option's value, `multi_select` one or more (a list), `text` any text."""
    is_required: bool
    """An issue on the plane (primary or secondary) must give it."""
    options: list[ContextOption]
    """The values a select field allows; empty for `text`."""


class Plane(CamelAnswer):
    id: str
    name: str
    slug: str
    """What documentation search and feedback name the plane by (`planeSlug`)."""
    description: str
    contexts: list[PlaneContext]


class PlaneList(CamelAnswer):
    """Every plane of the caller's tenant, by name, with its context fields."""

    planes: list[Plane]


# Issues

class Reference(CamelAnswer):
    """A customer or plane an issue names: its id and name as they were when the issue was filed."""

    id: str
    name: str


class EnvironmentReference(CamelAnswer):
    """The environment an issue names, as it was when the issue was filed."""

    id: str
    name: str
    type: str


class CreatedIssue(CamelAnswer):
    """A new issue: status `open`, numbered per tenant and year."""

    id: str
    display_id: str = Field(pattern=r"^ISS-\d{4}-\d{4,}$")
    """`ISS-<year>-<number>`, the number at least four digits."""
    title: str
    status: Literal[IssueStatus.OPEN]
    created_at: datetime


class CreatedIssueAnswer(CamelAnswer):
    issue: CreatedIssue


class IssueSummary(CamelAnswer):
    """An issue as lists show it."""

    id: str
    display_id: str = Field(pattern=r"^ISS-\d{4}-\d{4,}$")
    title: str
    status: IssueStatus
    customer: Reference
    environment: EnvironmentReference
    primary_plane: Reference
    created_at: datetime


class Pagination(CamelAnswer):
    page: int = Field(ge=1)
    limit: int = Field(ge=1, le=MAX_PAGE_SIZE)
    """The page size used (the `limit` asked for, or the default)."""
    total: Count
    """Issues matching the filters, on every page."""
    total_pages: Count
    """0 when nothing matches."""


class IssueList(CamelAnswer):
    """One page of the tenant's issues matching the filters, newest first."""

    issues: list[IssueSummary]
    pagination: Pagination


class IssueContext(CamelAnswer):
    """A context value of the issue."""

    key: str
    label: str
    value: str
    """What a person reads: the option's label for a select field (labels joined by `, ` for a multi-select),
    the text itself otherwise."""


class IssueDetail(IssueSummary):
    """An issue with everything it holds."""

    description: str
    pipeline_url: str | None
    """An http(s) link; null when none was given (or it was cleared)."""
    secondary_planes: list[Reference]
    contexts: list[IssueContext]
    submitter_handle: str
    updated_at: datetime


class IssueAnswer(CamelAnswer):
    issue: IssueDetail


class UpdatedIssue(CamelAnswer):
    """The issue's status and time of change after the update (unchanged when nothing changed)."""

    id: str
    status: IssueStatus
    updated_at: datetime


class UpdatedIssueAnswer(CamelAnswer):
    issue: UpdatedIssue


# Documentation

class SearchResult(CamelAnswer):
    title: str
    type: DocType
    excerpt: str
    """The passage of the article that matched."""
    url: str
    relevance: Share
    """How well the article matches, 0 to 1 (rounded to two decimals)."""
    plane: str
    """The plane's display name."""


class SearchResults(CamelAnswer):
    """The most relevant articles, best first (at most `limit`)."""

    results: list[SearchResult]


class FeedbackRecorded(CamelAnswer):
    success: Literal[True]
    feedback_id: str


# Analytics

class Trends(CamelAnswer):
    """Whole-number percent changes, this month to date against the same days of last month (from 0 to
    something is +100, from 0 to 0 is 0)."""

    issues_vs_last_month: int
    resolution_time_vs_last_month: int
    self_resolution_vs_last_month: int


class Summary(CamelAnswer):
    total_issues: Count
    """Issues filed in the period (all time without dates)."""
    open_issues: Count
    """Of those, the ones still `open` or `in_progress`."""
    resolved_this_month: Count
    """Issues resolved this month to date."""
    avg_resolution_time: float = Field(ge=0)
    """Hours from filing to resolution, over the issues resolved in the period (one decimal; 0 without any)."""
    self_resolution_rate: Share
    """The share of help sessions (doc searches and chats) started in the period that no issue followed."""
    trends: Trends


class SummaryAnswer(CamelAnswer):
    summary: Summary


class PlaneShare(CamelAnswer):
    plane: str
    """The plane's name."""
    count: Count
    """Issues filed in the period with this primary plane."""
    change_vs_last_month: int
    """Percent change of this month to date against the same days of last month."""


class PlaneDistribution(CamelAnswer):
    """Every plane of the tenant, most issues first (then by name)."""

    distribution: list[PlaneShare]


class DocEffectiveness(CamelAnswer):
    url: str
    title: str
    type: DocType
    views: Count
    """Times the article was shown (search results, chat citations), all time."""
    helpful_marks: Count
    effectiveness: Share
    """Helpful marks per view (two decimals)."""
    trend: Literal["up", "down", "flat"]
    """This month's effectiveness against last month's; `flat` within 5 points."""


class DocsEffectiveness(CamelAnswer):
    """The most viewed articles (at most 100), then by effectiveness."""

    docs: list[DocEffectiveness]


# Errors

ErrorCode = Literal["VALIDATION_ERROR", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "RATE_LIMITED",
                    "INTERNAL_ERROR"]
"""The document's codes, one per status: 400, 401, 403, 404, 409, 429, 500."""


class FieldProblem(CamelAnswer):
    field: str
    """The field (`contexts[0].value`), query parameter or header (`Last-Event-ID`) refused; `body` for the body
    as a whole."""
    message: str


class ErrorBody(CamelAnswer):
    code: ErrorCode
    message: str
    details: list[FieldProblem]
    """What is wrong with each field; empty when the error names no field."""


class Error(CamelAnswer):
    """Every error: `{"error": {"code", "message", "details"}}`."""

    error: ErrorBody


RESPONSE_MODELS: tuple[type[CamelAnswer], ...] = (
    CustomerList, EnvironmentList, PlaneList, CreatedIssueAnswer, IssueList, IssueAnswer, UpdatedIssueAnswer,
    SearchResults, FeedbackRecorded, SummaryAnswer, PlaneDistribution, DocsEffectiveness, Error,
)
"""Every top-level response shape (their parts are reached from them)."""
