"""A bench tenant: the demo catalog (3 customers, 6 environments, 5 planes) under a tenant id of its own, and
synthetic issues spread over a fixed 60-day window, bulk loaded with `SupportRepository.import_issues`.

Deterministic: the same size gives the same tenant id, issues and timestamps on every run."""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from opsdesk.clock import to_rfc3339
from opsdesk.support.records import (
    Customer,
    Environment,
    EnvironmentRef,
    FieldType,
    Issue,
    IssueContext,
    IssueStatus,
    Plane,
    PlaneContext,
    Ref,
)
from opsdesk.support.repository import SupportRepository
from opsdesk.support.service import format_display_id
from scripts.local.seed import CUSTOMER_SPECS, DEMO_TENANT, demo_planes, stable_id

WINDOW_END = datetime(2026, 3, 2, tzinfo=UTC)
"""Exclusive end of the window issues are created in; the window is the 60 days before it (all of 2026)."""
WINDOW_DAYS = 60
CATALOG_CREATED = datetime(2025, 12, 1, tzinfo=UTC)
STATUS_WEIGHTS = {IssueStatus.OPEN: 40, IssueStatus.IN_PROGRESS: 25, IssueStatus.RESOLVED: 20, IssueStatus.CLOSED: 15}
BENCH_USER = "bench-user"
TEXT_CONTEXT_VALUE = "us-east-1"


@dataclass(frozen=True)
class CustomerEntry:
    customer: Customer
    environments: tuple[Environment, ...]


@dataclass(frozen=True)
class Catalog:
    tenant_id: str
    customers: tuple[CustomerEntry, ...]
    planes: tuple[Plane, ...]

    def plane(self, slug: str) -> Plane:
        return next(p for p in self.planes if p.slug == slug)


def bench_tenant_id(label: str) -> str:
    return stable_id("bench-tenant", label)


def seed_catalog(repository: SupportRepository, tenant_id: str) -> Catalog:
    """The demo tenant's customers and planes, written for `tenant_id` (scripts.local.seed only seeds its own
    two tenants, so the catalog is built here from the same specs and ids)."""
    stamp = to_rfc3339(CATALOG_CREATED)
    planes = tuple(demo_planes(tenant_id))
    for plane in planes:
        repository.put_plane(tenant_id, plane)
    customers = []
    for name, environments in CUSTOMER_SPECS[DEMO_TENANT]:
        customer = Customer(stable_id(tenant_id, "customer", name), name, stamp)
        repository.put_customer(tenant_id, customer)
        envs = tuple(Environment(stable_id(customer.id, env), customer.id, env, kind, stamp)
                     for env, kind in environments)
        for environment in envs:
            repository.put_environment(tenant_id, environment)
        customers.append(CustomerEntry(customer, envs))
    return Catalog(tenant_id, tuple(customers), planes)


def required_context_values(plane: Plane) -> list[tuple[PlaneContext, str]]:
    """A valid value for each required context of `plane`: the first option, or a text."""
    values = []
    for context in plane.contexts:
        if context.is_required:
            values.append((context, context.options[0].value if context.options else TEXT_CONTEXT_VALUE))
    return values


def _issue_context(context: PlaneContext, value: str) -> IssueContext:
    display = context.label_of(value) if context.field_type is not FieldType.TEXT else value
    return IssueContext(context.id, context.key, context.label, value, display or value)


def synthetic_issues(catalog: Catalog, count: int, first_number: int) -> list[Issue]:
    """`count` issues, created uniformly over the window, oldest first and numbered in that order."""
    rng = random.Random(f"{catalog.tenant_id}/{count}")
    window = WINDOW_DAYS * 86_400
    moments = sorted(WINDOW_END - timedelta(seconds=rng.uniform(0, window)) for _ in range(count))
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    issues = []
    for offset, created in enumerate(moments):
        entry = rng.choice(catalog.customers)
        environment = rng.choice(entry.environments)
        plane = rng.choice(catalog.planes)
        status = rng.choices(statuses, weights)[0]
        stamp = to_rfc3339(created)
        resolved = status in (IssueStatus.RESOLVED, IssueStatus.CLOSED)
        issues.append(Issue(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            display_id=format_display_id(created.year, first_number + offset),
            title=f"{plane.name}: synthetic issue {offset + 1} for {entry.customer.name}",
            description=f"Benchmark issue {offset + 1} on {environment.name}. " * 4,
            status=status,
            customer=Ref(entry.customer.id, entry.customer.name),
            environment=EnvironmentRef(environment.id, environment.name, environment.type),
            primary_plane=Ref(plane.id, plane.name),
            secondary_planes=(),
            contexts=tuple(_issue_context(c, v) for c, v in required_context_values(plane)),
            submitter_handle=f"user{offset % 50}@{entry.customer.name.split()[-1].lower()}.example",
            pipeline_url=None,
            created_at=stamp,
            updated_at=stamp,
            created_by=BENCH_USER,
            resolved_at=to_rfc3339(created + timedelta(hours=6)) if resolved else None,
        ))
    return issues


@dataclass
class LoadedTenant:
    catalog: Catalog
    issues: list[Issue]
    load_seconds: float

    @property
    def size(self) -> int:
        return len(self.issues)

    @property
    def statuses(self) -> dict[str, int]:
        counts = Counter(issue.status.value for issue in self.issues)
        return {status.value: counts[status.value] for status in IssueStatus}

    def as_dict(self) -> dict[str, Any]:
        return {"tenant_id": self.catalog.tenant_id, "size": self.size, "load_seconds": self.load_seconds,
                "statuses": self.statuses}


def load_tenant(repository: SupportRepository, size: int, label: str = "reads") -> LoadedTenant:
    """A fresh tenant with `size` issues (one per size and label). `import_issues` batch-writes 25 items per
    request, then adds each (dimension, day) counter once."""
    catalog = seed_catalog(repository, bench_tenant_id(f"{label}-{size}"))
    started = time.perf_counter()
    numbers = repository.reserve_display_numbers(catalog.tenant_id, WINDOW_END.year, size)
    issues = synthetic_issues(catalog, size, numbers.start)
    repository.import_issues(catalog.tenant_id, issues)
    return LoadedTenant(catalog, issues, time.perf_counter() - started)


def window_week() -> tuple[date, date]:
    """A whole week in the middle of the window: the first and last day, both included."""
    first = (WINDOW_END - timedelta(days=WINDOW_DAYS // 2 + 3)).date()
    return first, first + timedelta(days=6)
