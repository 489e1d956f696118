"""What the support domain needs from storage. The DynamoDB implementation is SupportRepository
(repository.py); tests use an in-memory one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from opsdesk.events import DomainEvent
from opsdesk.pagination import PageRequest
from opsdesk.support.records import Customer, DocFeedback, Environment, Issue, IssueFilters, IssuePage, Plane


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

    def query_issues(self, tenant_id: str, filters: IssueFilters, page: PageRequest) -> IssuePage:
        """Newest first. Served by a Query on a key or index, never a Scan."""
        ...

    def record_feedback(self, tenant_id: str, feedback: DocFeedback) -> None:
        """Store the feedback and count it for the article (all time and its month) in one transaction."""
        ...

    def update_issue(self, tenant_id: str, before: Issue, after: Issue, events: Sequence[DomainEvent] = ()) -> None:
        """Replace `before` with `after` if nobody changed it meanwhile (version check), moving the status
        counters with it and publishing `events`, all in one transaction; raise Conflict otherwise."""
        ...
