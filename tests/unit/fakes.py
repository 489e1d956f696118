"""In-memory stand-ins for the support domain's storage, and a small demo catalog to test against.

`InMemorySupportStore` implements `opsdesk.support.store.SupportStore` with plain dicts per tenant. It filters and
sorts in memory (it is a fake: the DynamoDB repository serves the same filters with Queries), but it keeps the
contract the service relies on: tenant isolation, environments scoped to their customer, newest-first pages,
an atomic per-tenant/per-year sequence and a version check on update."""

from __future__ import annotations

import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from opsdesk.ai.usage import TokenUsage, UsageTotals
from opsdesk.auth import Principal
from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.errors import Conflict
from opsdesk.events import DomainEvent
from opsdesk.pagination import Page, PageRequest
from opsdesk.support.analytics import DayRange, DocStats, month_key, title_from_url
from opsdesk.support.counters import issue_moves, resolutions_pk, stats_pk, sum_items
from opsdesk.support.records import (
    ContextOption,
    Customer,
    DocFeedback,
    Environment,
    FieldType,
    Issue,
    IssueFilters,
    Plane,
    PlaneContext,
)


class InMemorySupportStore:
    """A SupportStore over dicts: tenant -> id -> record."""

    def __init__(self) -> None:
        self._customers: dict[str, dict[str, Customer]] = defaultdict(dict)
        self._environments: dict[str, dict[str, Environment]] = defaultdict(dict)
        self._planes: dict[str, dict[str, Plane]] = defaultdict(dict)
        self._issues: dict[str, dict[str, Issue]] = defaultdict(dict)
        self._sequences: dict[tuple[str, int], int] = defaultdict(int)
        self._lock = threading.Lock()
        self.writes = 0
        self.published: list[tuple[str, DomainEvent]] = []
        self.feedback: list[tuple[str, DocFeedback]] = []
        # (tenant, user) -> [started day, last activity, escalated]; every session ever started, per tenant
        self._help_sessions: dict[tuple[str, str], list[Any]] = {}
        self._sessions_started: dict[str, list[tuple[str, date]]] = defaultdict(list)
        self._escalations: dict[str, list[date]] = defaultdict(list)
        self._views: dict[str, list[tuple[DocStats, date]]] = defaultdict(list)
        self._ai_usage: dict[tuple[str, str, str], UsageTotals] = {}
        self._counters: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        """The issue counters, (pk, sk) -> numbers, moved as the repository moves them (opsdesk.support.counters)."""
        """(tenant, event) in the order the writes that carried them succeeded."""
        """How many issue writes (create and update) reached the store: lets tests see a no-op stay a no-op."""

    # Seeding (not part of the protocol)

    def put_customer(self, tenant_id: str, customer: Customer) -> None:
        self._customers[tenant_id][customer.id] = customer

    def put_environment(self, tenant_id: str, environment: Environment) -> None:
        self._environments[tenant_id][environment.id] = environment

    def put_plane(self, tenant_id: str, plane: Plane) -> None:
        self._planes[tenant_id][plane.id] = plane

    def put_issue(self, tenant_id: str, issue: Issue) -> None:
        self._count(tenant_id, self._issues[tenant_id].get(issue.id), issue)
        self._issues[tenant_id][issue.id] = issue

    def _count(self, tenant_id: str, before: Issue | None, after: Issue) -> None:
        for key, deltas in issue_moves(tenant_id, before, after).items():
            self._counters[key].update(deltas)

    # Catalog

    def list_customers(self, tenant_id: str) -> list[Customer]:
        return list(self._customers[tenant_id].values())

    def get_customer(self, tenant_id: str, customer_id: str) -> Customer | None:
        return self._customers[tenant_id].get(customer_id)

    def list_environments(self, tenant_id: str, customer_id: str) -> list[Environment]:
        return [e for e in self._environments[tenant_id].values() if e.customer_id == customer_id]

    def get_environment(self, tenant_id: str, customer_id: str, environment_id: str) -> Environment | None:
        environment = self._environments[tenant_id].get(environment_id)
        if environment is None or environment.customer_id != customer_id:
            return None
        return environment

    def list_planes(self, tenant_id: str) -> list[Plane]:
        return list(self._planes[tenant_id].values())

    # Issues

    def next_issue_sequence(self, tenant_id: str, year: int) -> int:
        with self._lock:
            self._sequences[(tenant_id, year)] += 1
            return self._sequences[(tenant_id, year)]

    def record_feedback(self, tenant_id: str, feedback: DocFeedback) -> None:
        with self._lock:
            self.feedback.append((tenant_id, feedback))

    def create_issue(self, tenant_id: str, issue: Issue, events: Sequence[DomainEvent] = ()) -> None:
        with self._lock:
            stored = self._issues[tenant_id].get(issue.id)
            if stored == issue:
                return  # a retry that meets its own write is done, as the repository treats it
            if stored is not None:
                raise Conflict("Issue already exists")
            self._count(tenant_id, None, issue)
            self._issues[tenant_id][issue.id] = issue
            self.writes += 1
            self.published.extend((tenant_id, e) for e in events)

    def get_issue(self, tenant_id: str, issue_id: str) -> Issue | None:
        return self._issues[tenant_id].get(issue_id)

    def query_issues(self, tenant_id: str, filters: IssueFilters, page: PageRequest) -> Page[Issue]:
        matching = [issue for issue in self._issues[tenant_id].values() if _matches(issue, filters)]
        matching.sort(key=lambda issue: issue.created_at, reverse=True)
        return Page(items=matching[page.offset : page.offset + page.limit], total=len(matching))

    def count_issues(self, tenant_id: str, filters: IssueFilters) -> int:
        return sum(1 for issue in self._issues[tenant_id].values() if _matches(issue, filters))

    def update_issue(self, tenant_id: str, before: Issue, after: Issue, events: Sequence[DomainEvent] = ()) -> None:
        with self._lock:
            stored = self._issues[tenant_id].get(before.id)
            if stored is None or stored.version != before.version:
                raise Conflict("The issue was changed by someone else; reload it and retry")
            self._count(tenant_id, stored, after)
            self._issues[tenant_id][after.id] = after
            self.writes += 1
            self.published.extend((tenant_id, e) for e in events)


    # Analytics

    def issue_totals(self, tenant_id: str, days: DayRange) -> Counter[str]:
        """The counters the writes moved, summed as the repository sums its counter items."""
        totals: Counter[str] = Counter()
        for pk in (stats_pk(tenant_id), resolutions_pk(tenant_id)):
            totals += sum_items(((sk, numbers) for (item_pk, sk), numbers in self._counters.items() if item_pk == pk),
                                days)
        return totals

    def help_totals(self, tenant_id: str, days: DayRange) -> Counter[str]:
        return Counter(
            sessions=sum(1 for _, day in self._sessions_started[tenant_id] if _in_days(day, days)),
            escalated=sum(1 for day in self._escalations[tenant_id] if _in_days(day, days)),
        )

    def record_help_activity(
        self, tenant_id: str, user_id: str, kind: str, now: datetime, idle_since: datetime
    ) -> None:
        with self._lock:
            session = self._help_sessions.get((tenant_id, user_id))
            if session is not None and session[1] >= idle_since:
                session[1] = now
                return
            self._help_sessions[(tenant_id, user_id)] = [now.date(), now, False]
            self._sessions_started[tenant_id].append((user_id, now.date()))

    def escalate_help_session(self, tenant_id: str, user_id: str, active_since: datetime) -> bool:
        with self._lock:
            session = self._help_sessions.get((tenant_id, user_id))
            if session is None or session[2] or session[1] < active_since:
                return False
            session[2] = True
            self._escalations[tenant_id].append(session[0])
            return True

    def record_doc_views(self, tenant_id: str, articles: Sequence[DocStats], now: datetime) -> None:
        with self._lock:
            self._views[tenant_id].extend((article, now.date()) for article in articles)

    def doc_stats(self, tenant_id: str, month: str | None) -> list[DocStats]:
        stats: dict[str, DocStats] = {}

        def tally(day: date, tallied: DocStats) -> None:
            if month is None or month_key(day) == month:
                known = stats.get(tallied.url, replace(tallied, views=0, helpful=0, feedback=0))
                stats[tallied.url] = replace(known, views=known.views + tallied.views,
                                             helpful=known.helpful + tallied.helpful,
                                             feedback=known.feedback + tallied.feedback)

        for article, day in self._views[tenant_id]:
            tally(day, replace(article, views=1))
        for tenant, feedback in self.feedback:
            if tenant == tenant_id:
                tally(parse_rfc3339(feedback.created_at).date(),
                      DocStats(url=feedback.doc_url, title=title_from_url(feedback.doc_url),
                               type=feedback.doc_type.value, helpful=int(feedback.helpful), feedback=1))
        return list(stats.values())

    # AI usage

    def record_ai_usage(self, tenant_id: str, day: str, model_id: str, usage: TokenUsage, calls: int) -> None:
        with self._lock:
            known = self._ai_usage.get((tenant_id, day, model_id), UsageTotals(day, model_id, 0, 0, 0, 0))
            self._ai_usage[(tenant_id, day, model_id)] = UsageTotals(
                day, model_id, known.input_tokens + usage.input_tokens, known.output_tokens + usage.output_tokens,
                known.calls + calls, known.requests + 1)

    def ai_usage(self, tenant_id: str, first_day: str, last_day: str) -> list[UsageTotals]:
        return sorted((totals for (tenant, day, _), totals in self._ai_usage.items()
                       if tenant == tenant_id and first_day <= day <= last_day), key=lambda t: (t.day, t.model_id))


def _in_days(day: date, days: DayRange) -> bool:
    return (days.first is None or day >= days.first) and (days.last is None or day <= days.last)


def _matches(issue: Issue, filters: IssueFilters) -> bool:
    created = parse_rfc3339(issue.created_at)
    return (
        (filters.customer_id is None or issue.customer.id == filters.customer_id)
        and (filters.plane_id is None or issue.primary_plane.id == filters.plane_id)
        and (filters.status is None or issue.status == filters.status)
        and (filters.start is None or created >= filters.start)
        and (filters.end is None or created < filters.end)
    )


class FakeClock:
    """A clock that stands still until told to move."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def new_uuid() -> str:
    return str(uuid.uuid4())


def principal(tenant_id: str, *, user_id: str = "user-1", groups: frozenset[str] = frozenset()) -> Principal:
    return Principal(user_id=user_id, tenant_id=tenant_id, username=f"{user_id}@example.test", groups=groups)


# The demo catalog


CATALOG_CREATED_AT = to_rfc3339(datetime(2024, 1, 15, 10, 30, tzinfo=UTC))


def _context(
    key: str, label: str, field_type: FieldType, *, required: bool, options: list[tuple[str, str]] | None = None
) -> PlaneContext:
    return PlaneContext(
        id=new_uuid(),
        key=key,
        label=label,
        field_type=field_type,
        is_required=required,
        options=tuple(ContextOption(value, label) for value, label in options or []),
    )


@dataclass(frozen=True)
class DemoCatalog:
    """One tenant's catalog: two customers with their environments, three planes.

    - `cicd` (App CI/CD): pipeline_stage (single_select, required), ci_systems (multi_select, optional),
      error_message (text, optional)
    - `infra` (Infrastructure): resource_type (single_select, required), resource_id (text, required)
    - `observability`: dashboard (text, optional), so a plane without required contexts
    """

    tenant_id: str
    alpha: Customer
    beta: Customer
    alpha_qa: Environment
    alpha_prod: Environment
    beta_prod: Environment
    cicd: Plane
    infra: Plane
    observability: Plane

    def context(self, plane: Plane, key: str) -> PlaneContext:
        return next(ctx for ctx in plane.contexts if ctx.key == key)

    def context_id(self, plane: Plane, key: str) -> str:
        return self.context(plane, key).id

    def create_body(self, **overrides: Any) -> dict[str, Any]:
        """A valid POST /issues body for Customer Alpha's QA environment on the CI/CD plane."""
        body: dict[str, Any] = {
            "customerId": self.alpha.id,
            "environmentId": self.alpha_qa.id,
            "submitterHandle": "john.doe@company.com",
            "primaryPlaneId": self.cicd.id,
            "secondaryPlaneIds": [],
            "title": "Pipeline timeout during deployment",
            "description": "The deploy job times out after 30 minutes.",
            "pipelineUrl": "https://concourse.example.com/teams/alpha/pipelines/app",
            "contexts": [{"planeContextId": self.context_id(self.cicd, "pipeline_stage"), "value": "deployment"}],
        }
        body.update(overrides)
        return body


def build_demo_catalog(store: InMemorySupportStore, tenant_id: str) -> DemoCatalog:
    alpha = Customer(new_uuid(), "Customer Alpha", CATALOG_CREATED_AT)
    beta = Customer(new_uuid(), "Customer Beta", CATALOG_CREATED_AT)
    alpha_qa = Environment(new_uuid(), alpha.id, "alpha-qa-01", "qa", CATALOG_CREATED_AT)
    alpha_prod = Environment(new_uuid(), alpha.id, "alpha-prod-01", "production", CATALOG_CREATED_AT)
    beta_prod = Environment(new_uuid(), beta.id, "beta-prod-01", "production", CATALOG_CREATED_AT)
    cicd = Plane(
        id=new_uuid(),
        name="App CI/CD",
        slug="app-cicd",
        description="Application build, test, and deployment pipelines",
        contexts=(
            _context("pipeline_stage", "Pipeline Stage", FieldType.SINGLE_SELECT, required=True, options=[
                ("build", "Build/Compile"), ("test", "Unit Tests"), ("deployment", "Application Deployment"),
            ]),
            _context("ci_systems", "CI Systems", FieldType.MULTI_SELECT, required=False, options=[
                ("concourse", "Concourse"), ("github_actions", "GitHub Actions"), ("jenkins", "Jenkins"),
            ]),
            _context("error_message", "Error Message", FieldType.TEXT, required=False),
        ),
    )
    infra = Plane(
        id=new_uuid(),
        name="Infrastructure",
        slug="infrastructure",
        description="Compute, networking and storage that environments run on",
        contexts=(
            _context("resource_type", "Resource Type", FieldType.SINGLE_SELECT, required=True, options=[
                ("compute", "Compute"), ("network", "Network"), ("storage", "Storage"),
            ]),
            _context("resource_id", "Resource ID", FieldType.TEXT, required=True),
        ),
    )
    observability = Plane(
        id=new_uuid(),
        name="Observability",
        slug="observability",
        description="Metrics, logs and alerting",
        contexts=(_context("dashboard", "Dashboard", FieldType.TEXT, required=False),),
    )
    for customer in (alpha, beta):
        store.put_customer(tenant_id, customer)
    for environment in (alpha_qa, alpha_prod, beta_prod):
        store.put_environment(tenant_id, environment)
    for plane in (cicd, infra, observability):
        store.put_plane(tenant_id, plane)
    return DemoCatalog(tenant_id, alpha, beta, alpha_qa, alpha_prod, beta_prod, cicd, infra, observability)
