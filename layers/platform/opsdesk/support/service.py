"""The support module's domain logic: catalog reads, issue creation with its validation, the status
workflow, filtered listing and analytics. Plain Python over a SupportStore; no AWS here."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from opsdesk.auth import Principal
from opsdesk.clock import is_uuid, new_id, to_rfc3339, utc_now
from opsdesk.errors import FieldError, NotFound, ValidationFailed
from opsdesk.events import TENANT_STREAM, DomainEvent
from opsdesk.pagination import Page, PageRequest, beyond_reach, too_deep
from opsdesk.search.model import SearchHit
from opsdesk.support.analytics import (
    ALL_ISSUES,
    ESCALATION_WINDOW,
    HELP_ACTIVITY_KINDS,
    SESSION_IDLE,
    UNRESOLVED_STATUSES,
    DayRange,
    DocStats,
    PeriodTotals,
    day_range,
    docs_effectiveness_view,
    month_key,
    plane_distribution_view,
    previous_month_key,
    same_span_last_month,
    summary_view,
    this_month,
    within_whole_days,
)
from opsdesk.support.docs import DOCS_BASE_URL
from opsdesk.support.queries import STATUS_VALUES
from opsdesk.support.records import (
    Customer,
    DocFeedback,
    DocType,
    Environment,
    EnvironmentRef,
    FieldType,
    Issue,
    IssueChanges,
    IssueContext,
    IssueFilters,
    IssueStatus,
    Plane,
    PlaneContext,
    Ref,
)
from opsdesk.support.store import SupportStore
from opsdesk.support.views import issue_summary_view

if TYPE_CHECKING:  # request bodies load pydantic, which the routes that validate one load (opsdesk.http)
    from opsdesk.support.requests import ContextValue, CreateIssueRequest, DocFeedbackRequest, UpdateIssueRequest

# Plain logging, not the Powertools logger: the domain stays free of the tracer's import cost (the Lambda
# runtime ships WARNING records to the function's log).
logger = logging.getLogger(__name__)

# Beyond the support document: live issue lists in the frontend follow these on the tenant stream.
ISSUE_CREATED = "issue.created"
ISSUE_UPDATED = "issue.updated"
MAX_TEXT_CONTEXT_LENGTH = 2000


def format_display_id(year: int, sequence: int) -> str:
    return f"ISS-{year}-{sequence:04d}"


class SupportService:
    def __init__(
        self,
        store: SupportStore,
        *,
        clock: Callable[[], datetime] = utc_now,
        id_factory: Callable[[], str] = new_id,
    ) -> None:
        self._store = store
        self._clock = clock
        self._new_id = id_factory

    # Catalog

    def list_customers(self, principal: Principal) -> list[Customer]:
        return sorted(self._store.list_customers(principal.tenant_id), key=lambda c: c.name.lower())

    def list_environments(self, principal: Principal, customer_id: str) -> list[Environment]:
        if not is_uuid(customer_id) or self._store.get_customer(principal.tenant_id, customer_id.lower()) is None:
            raise NotFound("Customer not found")
        environments = self._store.list_environments(principal.tenant_id, customer_id.lower())
        return sorted(environments, key=lambda e: e.name)

    def list_planes(self, principal: Principal) -> list[Plane]:
        return sorted(self._store.list_planes(principal.tenant_id), key=lambda p: p.name.lower())

    # Issues

    def create_issue(self, principal: Principal, request: CreateIssueRequest) -> Issue:
        tenant = principal.tenant_id
        problems: list[FieldError] = []
        customer = self._store.get_customer(tenant, request.customerId)
        if customer is None:
            problems.append(FieldError("customerId", "Customer not found"))
        environment = self._store.get_environment(tenant, request.customerId, request.environmentId)
        if environment is None:
            problems.append(FieldError("environmentId", "Environment not found for this customer"))
        planes = {plane.id: plane for plane in self._store.list_planes(tenant)}
        primary = planes.get(request.primaryPlaneId)
        if primary is None:
            problems.append(FieldError("primaryPlaneId", "Plane not found"))
        secondaries: list[Plane] = []
        for index, plane_id in enumerate(request.secondaryPlaneIds):
            plane = planes.get(plane_id)
            if plane is None:
                problems.append(FieldError(f"secondaryPlaneIds[{index}]", "Plane not found"))
            elif plane_id == request.primaryPlaneId:
                problems.append(FieldError(f"secondaryPlaneIds[{index}]", "The primary plane cannot also be secondary"))
            else:
                secondaries.append(plane)
        involved = [p for p in (primary, *secondaries) if p is not None]
        contexts = _validated_contexts(request.contexts, involved, problems)
        if problems or customer is None or environment is None or primary is None:
            raise ValidationFailed("Invalid request body", details=problems)

        now = self._clock()
        stamp = to_rfc3339(now)
        sequence = self._store.next_issue_sequence(tenant, now.year)
        issue = Issue(
            id=self._new_id(),
            display_id=format_display_id(now.year, sequence),
            title=request.title,
            description=request.description,
            status=IssueStatus.OPEN,
            customer=Ref(customer.id, customer.name),
            environment=EnvironmentRef(environment.id, environment.name, environment.type),
            primary_plane=Ref(primary.id, primary.name),
            secondary_planes=tuple(Ref(p.id, p.name) for p in secondaries),
            contexts=tuple(contexts),
            submitter_handle=request.submitterHandle,
            pipeline_url=request.pipelineUrl,
            created_at=stamp,
            updated_at=stamp,
            created_by=principal.user_id,
        )
        self._store.create_issue(tenant, issue, [DomainEvent(ISSUE_CREATED, TENANT_STREAM, issue_summary_view(issue))])
        self._best_effort("escalate the help session", self._store.escalate_help_session,
                          tenant, principal.user_id, now - ESCALATION_WINDOW)
        return issue

    def record_feedback(self, principal: Principal, request: DocFeedbackRequest) -> DocFeedback:
        return record_feedback(self._store, principal, request, self._clock(), self._new_id())

    def get_issue(self, principal: Principal, issue_id: str) -> Issue:
        issue = self._store.get_issue(principal.tenant_id, issue_id.lower()) if is_uuid(issue_id) else None
        if issue is None:
            raise NotFound("Issue not found")
        return issue

    def list_issues(self, principal: Principal, filters: IssueFilters, page: PageRequest) -> Page[Issue]:
        if beyond_reach(page.offset):  # past the end is an empty page; within a longer list, too deep to read
            total = self._store.count_issues(principal.tenant_id, filters)
            if page.offset < total:
                raise too_deep("page")
            return Page(items=[], total=total)
        return self._store.query_issues(principal.tenant_id, filters, page)

    def update_issue(self, principal: Principal, issue_id: str, request: UpdateIssueRequest) -> Issue:
        changes = changes_from_request(request)
        before = self.get_issue(principal, issue_id)
        after = apply_changes(before, changes, to_rfc3339(self._clock()))
        if after != before:
            summary = issue_summary_view(after) | {"updatedAt": after.updated_at}
            event = DomainEvent(ISSUE_UPDATED, TENANT_STREAM, summary)
            self._store.update_issue(principal.tenant_id, before, after, [event])
        return after

    # Analytics

    def record_help_activity(self, principal: Principal, kind: str) -> None:
        """A doc search or a chat: continues the user's help session or starts one (self-resolution rate)."""
        if kind not in HELP_ACTIVITY_KINDS:
            raise ValueError(f"unknown help activity {kind!r}")
        now = self._clock()
        self._best_effort("record help activity", self._store.record_help_activity,
                          principal.tenant_id, principal.user_id, kind, now, now - SESSION_IDLE)

    def record_doc_views(self, principal: Principal, hits: Sequence[SearchHit]) -> None:
        """The articles a user was shown (search results, chat citations) count one view each."""
        articles = list({hit.url: DocStats(url=hit.url, title=hit.title, type=hit.type) for hit in hits}.values())
        if articles:
            self._best_effort("count doc views", self._store.record_doc_views,
                              principal.tenant_id, articles, self._clock())

    def analytics_summary(self, principal: Principal, start: datetime | None, end: datetime | None) -> dict[str, Any]:
        period = day_range(start, end)
        issues = self._period_totals(self._store.issue_totals, principal.tenant_id, period)
        issues = self._created_exactly(principal.tenant_id, issues, start, end, {
            ALL_ISSUES: IssueFilters(),
            **{f"status:{status.value}": IssueFilters(status=status) for status in UNRESOLVED_STATUSES},
        })
        help_sessions = self._period_totals(self._store.help_totals, principal.tenant_id, period)
        return summary_view(issues, help_sessions)

    def plane_distribution(self, principal: Principal, start: datetime | None, end: datetime | None) -> dict[str, Any]:
        period = day_range(start, end)
        planes = self.list_planes(principal)
        issues = self._period_totals(self._store.issue_totals, principal.tenant_id, period)
        issues = self._created_exactly(principal.tenant_id, issues, start, end,
                                       {f"plane:{plane.id}": IssueFilters(plane_id=plane.id) for plane in planes})
        return plane_distribution_view(planes, issues)

    def _created_exactly(self, tenant: str, issues: PeriodTotals, start: datetime | None, end: datetime | None,
                         counted: Mapping[str, IssueFilters]) -> PeriodTotals:
        """The period's counts of issues created, to the second as the issue list counts them, when a bound falls
        within a day: the day aggregates would count that whole day (`totalIssues` for 10:00 to 18:00 must be
        what `GET /issues` with those bounds says)."""
        if within_whole_days(start, end):
            return issues
        exact = {name: self._store.count_issues(tenant, replace(filters, start=start, end=end))
                 for name, filters in counted.items()}
        return replace(issues, period={**issues.period, **exact})

    def docs_effectiveness(self, principal: Principal) -> dict[str, Any]:
        today = self._clock().date()
        tenant = principal.tenant_id
        return docs_effectiveness_view(
            self._store.doc_stats(tenant, None),
            self._store.doc_stats(tenant, month_key(today)),
            self._store.doc_stats(tenant, previous_month_key(today)),
        )

    def _period_totals(
        self, totals: Callable[[str, DayRange], Mapping[str, int]], tenant: str, period: DayRange
    ) -> PeriodTotals:
        month = this_month(period, self._clock().date())
        return PeriodTotals(totals(tenant, period), totals(tenant, month), totals(tenant, same_span_last_month(month)))

    @staticmethod
    def _best_effort(action: str, write: Callable[..., object], *args: object) -> None:
        """Analytics bookkeeping must not fail the request it rides on: the issue is already created, the
        search results are ready. A lost count is logged; the figures it feeds are aggregates."""
        try:
            write(*args)
        except Exception:
            logger.warning("could not %s; the figure misses one count", action, exc_info=True)


MAX_ARTICLE_URL_BYTES = 900
"""An article's URL is part of its stats items' sort key (`M#<yyyy-mm>#<url>`), which DynamoDB holds to 1,024
bytes: a longer one was a 500."""


ARTICLE_PATH = re.compile(
    rf"[a-z0-9]+(?:-[a-z0-9]+)*/(?:{'|'.join(t.value for t in DocType)})/[a-z0-9]+(?:-[a-z0-9]+)*")
"""Where the documentation site publishes an article: `<plane>/<type>/<slug>` (opsdesk.support.docs.url_for_key),
in lower-case words and hyphens. Anything else (`..`, `//`, `%63`, made-up sections) is no article."""


def article_url(url: str) -> str:
    """The article a documentation link points at: without its query, fragment and a trailing slash, so
    `...#step-2`, `...?utm_source=mail` and `.../` count for the one article instead of growing the docs dashboard
    a row each."""
    return url.split("#", 1)[0].split("?", 1)[0].removesuffix("/")


def record_feedback(
    store: SupportStore, principal: Principal, request: DocFeedbackRequest, now: datetime, feedback_id: str
) -> DocFeedback:
    """The article must be one of the documentation site's (feedback feeds the tenant's docs dashboard, which must
    not list links of a user's choosing); an issue or customer it names must be one of the caller's tenant. Each
    problem is a 400 naming its field."""
    context = request.context
    problems: list[FieldError] = []
    doc_url = article_url(request.docUrl)
    if not doc_url.startswith(DOCS_BASE_URL + "/"):
        problems.append(FieldError("docUrl", f"Must be a documentation article under {DOCS_BASE_URL}/"))
    elif len(doc_url.encode("utf-8")) > MAX_ARTICLE_URL_BYTES:
        problems.append(FieldError("docUrl", f"Must be at most {MAX_ARTICLE_URL_BYTES} bytes without its query "
                                             "and fragment"))
    elif not ARTICLE_PATH.fullmatch(doc_url.removeprefix(DOCS_BASE_URL + "/")):
        problems.append(FieldError("docUrl", f"Must be a documentation article: {DOCS_BASE_URL}/<plane>/<type>/"
                                             "<article>, in lower-case words and hyphens"))
    if request.issueId is not None and store.get_issue(principal.tenant_id, request.issueId) is None:
        problems.append(FieldError("issueId", "Issue not found"))
    if context and context.customerId and store.get_customer(principal.tenant_id, context.customerId) is None:
        problems.append(FieldError("context.customerId", "Customer not found"))
    if problems:
        raise ValidationFailed("Invalid request body", details=problems)
    feedback = DocFeedback(
        id=feedback_id, doc_url=doc_url, doc_type=DocType(request.docType), helpful=request.helpful,
        issue_id=request.issueId, plane_slug=context.planeSlug if context else None,
        customer_id=context.customerId if context else None, user_id=principal.user_id, created_at=to_rfc3339(now),
    )
    store.record_feedback(principal.tenant_id, feedback)
    return feedback


def _validated_contexts(
    given: list[ContextValue], planes: list[Plane], problems: list[FieldError]
) -> list[IssueContext]:
    """Each value must belong to one of the issue's planes and fit its field; every required one is present."""
    known: dict[str, PlaneContext] = {ctx.id: ctx for plane in planes for ctx in plane.contexts}
    accepted: list[IssueContext] = []
    seen: set[str] = set()
    for index, item in enumerate(given):
        context = known.get(item.planeContextId)
        if context is None:
            problems.append(FieldError(f"contexts[{index}].planeContextId", "Not a context of the issue's planes"))
            continue
        if context.id in seen:
            problems.append(FieldError(f"contexts[{index}].planeContextId", "Context given more than once"))
            continue
        seen.add(context.id)
        display = _display_value(context, item.value, f"contexts[{index}].value", problems)
        if display is not None:
            value = item.value if isinstance(item.value, str) else ",".join(item.value)
            accepted.append(IssueContext(context.id, context.key, context.label, value, display))
    for context in known.values():
        if context.is_required and context.id not in seen:
            problems.append(FieldError(f"contexts.{context.key}", f"{context.label} is required"))
    return accepted


def _display_value(context: PlaneContext, value: str | list[str], field: str, problems: list[FieldError]) -> str | None:
    allowed = ", ".join(o.value for o in context.options)
    match context.field_type:
        case FieldType.SINGLE_SELECT:
            label = context.label_of(value) if isinstance(value, str) else None
            if label is None:
                problems.append(FieldError(field, f"Must be one of: {allowed}"))
            return label
        case FieldType.MULTI_SELECT:
            values = [value] if isinstance(value, str) else value
            labels = [context.label_of(v) for v in values]
            if not values or any(label is None for label in labels):
                problems.append(FieldError(field, f"Must be one or more of: {allowed}"))
                return None
            if len(set(values)) < len(values):  # shown once each; repeated, 260 KB of one option filled the item
                problems.append(FieldError(field, "Must not repeat a value"))
                return None
            return ", ".join(label for label in labels if label)
        case _:
            text = value.strip() if isinstance(value, str) else ""
            if not text or len(text) > MAX_TEXT_CONTEXT_LENGTH:
                problems.append(FieldError(field, f"Must be text of 1 to {MAX_TEXT_CONTEXT_LENGTH} characters"))
                return None
            return text


def changes_from_request(request: UpdateIssueRequest) -> IssueChanges:
    given = request.model_fields_set
    if not given:
        raise ValidationFailed(
            details=[FieldError("body", "Give at least one of: status, title, description, pipelineUrl")]
        )
    problems = [FieldError(name, f"{name} cannot be null") for name in ("status", "title", "description")
                if name in given and getattr(request, name) is None]
    status: IssueStatus | None = None
    if request.status is not None:
        try:
            status = IssueStatus(request.status)
        except ValueError:
            problems.append(FieldError("status", f"Must be one of: {STATUS_VALUES}"))
    if problems:
        raise ValidationFailed(details=problems)
    return IssueChanges(
        status=status,
        title=request.title,
        description=request.description,
        pipeline_url=request.pipelineUrl,
        clear_pipeline_url="pipelineUrl" in given and request.pipelineUrl is None,
    )


def apply_changes(issue: Issue, changes: IssueChanges, now: str) -> Issue:
    """The issue after `changes`, or the same issue when nothing differs. Any status may follow any other (the
    document names the statuses and no rules); the resolution time goes with them (resolution_after)."""
    updated = issue
    if changes.status is not None and changes.status != issue.status:
        updated = replace(updated, status=changes.status, resolved_at=resolution_after(issue, changes.status, now))
    if changes.title is not None:
        updated = replace(updated, title=changes.title)
    if changes.description is not None:
        updated = replace(updated, description=changes.description)
    if changes.pipeline_url is not None or changes.clear_pipeline_url:
        updated = replace(updated, pipeline_url=changes.pipeline_url)
    if updated == issue:
        return issue
    return replace(updated, updated_at=now, version=issue.version + 1)


def resolution_after(issue: Issue, status: IssueStatus, now: str) -> str | None:
    """When the issue counts as resolved once it moves to `status` (analytics' resolutions): resolving stamps now,
    unless it is marked resolved again after being closed with a resolution, which keeps that one; closing keeps
    what it had (closed without a resolution: never resolved); open and in progress reopen it."""
    if status is IssueStatus.RESOLVED:
        return issue.resolved_at if issue.status is IssueStatus.CLOSED and issue.resolved_at else now
    if status is IssueStatus.CLOSED:
        return issue.resolved_at
    return None
