"""What the support domain needs from storage. The DynamoDB implementation is SupportRepository
(repository.py); tests use an in-memory one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from opsdesk.ai.usage import TokenUsage, UsageTotals
from opsdesk.events import DomainEvent
from opsdesk.pagination import Page, PageRequest
from opsdesk.support.analytics import DayRange, DocStats
from opsdesk.support.records import Customer, DocFeedback, Environment, Issue, IssueFilters, Plane


class SupportStore(Protocol):
    def list_customers(self, tenant_id: str) -> list[Customer]: ...

    def get_customer(self, tenant_id: str, customer_id: str) -> Customer | None: ...

    def list_environments(self, tenant_id: str, customer_id: str) -> list[Environment]: ...

    def get_environment(self, tenant_id: str, customer_id: str, environment_id: str) -> Environment | None: ...

    def list_planes(self, tenant_id: str) -> list[Plane]: ...

    def next_issue_sequence(self, tenant_id: str, year: int) -> int:
        """Atomically take the next number of the tenant's issue sequence for `year` (1, 2, ...)."""
        ...

    def create_issue(self, tenant_id: str, issue: Issue, events: Sequence[DomainEvent] = ()) -> None:
        """Write the issue, its list counters and `events` in one transaction."""
        ...

    def get_issue(self, tenant_id: str, issue_id: str) -> Issue | None: ...

    def query_issues(self, tenant_id: str, filters: IssueFilters, page: PageRequest) -> Page[Issue]:
        """Newest first. Served by a Query on a key or index, never a Scan."""
        ...

    def count_issues(self, tenant_id: str, filters: IssueFilters) -> int:
        """What `query_issues` gives as the total, without reading a page: counters, and the issues of the partial
        hours at a creation-time range's edges (counters.cover)."""
        ...

    def record_feedback(self, tenant_id: str, feedback: DocFeedback) -> None:
        """Store the feedback and count it for the article (all time and its month) in one transaction."""
        ...

    def update_issue(self, tenant_id: str, before: Issue, after: Issue, events: Sequence[DomainEvent] = ()) -> None:
        """Replace `before` with `after` if nobody changed it meanwhile (version check), moving the status
        counters with it and publishing `events`, all in one transaction; raise Conflict otherwise."""
        ...

    # Analytics aggregates (opsdesk.support.analytics says what they mean)

    def issue_totals(self, tenant_id: str, days: DayRange) -> Counter[str]:
        """Issue counters summed over whole days: `all` and each dimension by creation day, `resolved` and
        `resolutionSeconds` by resolution day. Reads one item per day (one for all time), never the issues."""
        ...

    def help_totals(self, tenant_id: str, days: DayRange) -> Counter[str]:
        """Help sessions (`sessions`, `escalated`) summed over whole days by the day each session started."""
        ...

    def record_help_activity(
        self, tenant_id: str, user_id: str, kind: str, now: datetime, idle_since: datetime
    ) -> None:
        """Continue the user's session if it was active after `idle_since`, else start (and count) a new one."""
        ...

    def escalate_help_session(self, tenant_id: str, user_id: str, active_since: datetime) -> bool:
        """Mark the user's latest session escalated if active after `active_since` and not escalated yet."""
        ...

    def record_doc_views(self, tenant_id: str, articles: Sequence[DocStats], now: datetime) -> None:
        """Count one view of each article, all time and in the month of `now`."""
        ...

    def doc_stats(self, tenant_id: str, month: str | None) -> list[DocStats]:
        """Each article's views and feedback, all time (None) or in one month (`yyyy-mm`)."""
        ...

    # AI usage

    def record_ai_usage(self, tenant_id: str, day: str, model_id: str, usage: TokenUsage, calls: int) -> None:
        """Add one request's tokens and model calls to the tenant's total for the day (yyyy-mm-dd) and model."""
        ...

    def ai_usage(self, tenant_id: str, first_day: str, last_day: str) -> list[UsageTotals]:
        """Usage per day and model from `first_day` to `last_day` (inclusive), by day."""
        ...
