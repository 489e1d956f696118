"""Helpdesk SLA: targets per priority and the state of a ticket's two clocks (docs/decisions.md, Helpdesk).

Plain Python, no storage. Clocks run in calendar time (24/7) from the ticket's creation: the first-response
clock stops at the first public agent comment, the resolution clock when the ticket is resolved (and runs
again, still from creation, if it is reopened). A clock is breached when it stopped after its due time, or is
still running and `now` is past its due time; stopping exactly at the due time meets the target.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal, Protocol

from opsdesk.clock import parse_rfc3339, to_rfc3339
from opsdesk.frozen import frozen

CHECK_THREADS = 8
"""Tickets a breach check examines at once: their reads and conditional writes are waits."""

SlaKind = Literal["first_response", "resolution"]
SLA_KINDS: tuple[SlaKind, ...] = ("first_response", "resolution")


@frozen
class SlaPolicy:
    first_response: timedelta
    resolution: timedelta


# Ordered from least to most urgent; core validates `priority` against `PRIORITIES`.
SLA_POLICIES: Mapping[str, SlaPolicy] = MappingProxyType(
    {
        "low": SlaPolicy(first_response=timedelta(hours=8), resolution=timedelta(days=5)),
        "normal": SlaPolicy(first_response=timedelta(hours=4), resolution=timedelta(days=2)),
        "high": SlaPolicy(first_response=timedelta(hours=1), resolution=timedelta(hours=8)),
        "urgent": SlaPolicy(first_response=timedelta(minutes=15), resolution=timedelta(hours=4)),
    }
)
PRIORITIES: tuple[str, ...] = tuple(SLA_POLICIES)


@frozen
class Clock:
    """One SLA clock: when it is due, whether it has stopped, and whether it is breached at `now`."""

    target: timedelta
    due_at: datetime
    stopped_at: datetime | None
    breached: bool

    @property
    def running(self) -> bool:
        return self.stopped_at is None


@frozen
class Sla:
    first_response: Clock
    resolution: Clock

    def clock(self, kind: SlaKind) -> Clock:
        return self.first_response if kind == "first_response" else self.resolution

    def as_json(self) -> dict[str, Any]:
        """The ticket's `sla` field."""
        return {
            "first_response_due_at": to_rfc3339(self.first_response.due_at),
            "resolution_due_at": to_rfc3339(self.resolution.due_at),
            "first_response_target_minutes": _minutes(self.first_response.target),
            "resolution_target_minutes": _minutes(self.resolution.target),
            "first_response_breached": self.first_response.breached,
            "resolution_breached": self.resolution.breached,
        }

    def next_deadline(self, marked: Collection[str] = ()) -> tuple[SlaKind, datetime] | None:
        """The earliest due time of a clock that is still running and whose breach is not recorded yet (kinds
        in `marked`), or None: what the `ticketsByDue` index holds for the ticket (absent when None). A clock
        already past due but not marked is still returned, so the scheduled check finds it."""
        pending = [(self.clock(kind).due_at, kind) for kind in SLA_KINDS
                   if self.clock(kind).running and kind not in marked]
        if not pending:
            return None
        due_at, kind = min(pending)
        return kind, due_at


def sla_for(
    priority: str,
    created_at: datetime,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    now: datetime,
) -> Sla:
    """The SLA of a ticket of `priority` created at `created_at`, as seen at `now`. Raises ValueError for an
    unknown priority or a naive datetime."""
    policy = SLA_POLICIES.get(priority)
    if policy is None:
        raise ValueError(f"unknown priority {priority!r}; expected one of {', '.join(PRIORITIES)}")
    for name, moment in (("created_at", created_at), ("first_response_at", first_response_at),
                         ("resolved_at", resolved_at), ("now", now)):
        if moment is not None and moment.tzinfo is None:
            raise ValueError(f"{name} must be timezone-aware")
    return Sla(
        first_response=_clock(policy.first_response, created_at, first_response_at, now),
        resolution=_clock(policy.resolution, created_at, resolved_at, now),
    )


def due_bucket(due_at: datetime) -> str:
    """The `ticketsByDue` partition of a due time: one per UTC hour (`DUE#2026-01-15T10`)."""
    return "DUE#" + due_at.astimezone(UTC).strftime("%Y-%m-%dT%H")


def due_sort_key(due_at: datetime, tenant_id: str, ticket_id: str) -> str:
    """The `ticketsByDue` sort key: due time first so a bucket Queries in due order up to `now`."""
    return f"{to_rfc3339(due_at)}#{tenant_id}#{ticket_id}"


def parse_due_sort_key(value: str) -> tuple[str, str, str]:
    """(due_at RFC 3339, tenant_id, ticket_id) of a `ticketsByDue` sort key."""
    due_at, tenant_id, ticket_id = value.split("#", 2)
    return due_at, tenant_id, ticket_id


# Scheduled breach detection (functions/helpdesk_sla_check): Query the `ticketsByDue` hour buckets up to now,
# load each ticket found, and record every clock that is breached and not recorded yet.


class SlaClocks(Protocol):
    """What the check reads of a ticket (core's Ticket record has these)."""

    @property
    def priority(self) -> str: ...
    @property
    def created_at(self) -> str: ...
    @property
    def first_response_at(self) -> str | None: ...
    @property
    def resolved_at(self) -> str | None: ...
    @property
    def first_response_breached_at(self) -> str | None: ...
    @property
    def resolution_breached_at(self) -> str | None: ...


@frozen
class DueEntry:
    tenant_id: str
    ticket_id: str
    due_at: str


@dataclass
class CheckResult:
    examined: int = 0
    recorded: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SLA_KINDS, 0))
    """Breaches this run recorded, by kind (a breach another run recorded first is not counted)."""


def due_buckets(now: datetime, lookback: timedelta) -> list[str]:
    """The hour buckets from `now - lookback` to `now`, oldest first. The lookback covers runs that were
    missed (an outage of the scheduler or the function): anything due in it is still found."""
    start = (now - lookback).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    buckets = []
    while start <= now:
        buckets.append(due_bucket(start))
        start += timedelta(hours=1)
    return buckets


def unrecorded_breaches(ticket: SlaClocks, now: datetime) -> list[tuple[SlaKind, datetime]]:
    """(kind, due time) of each clock breached at `now` whose breach is not recorded on the ticket yet (also one
    that stopped late before a run saw it: the breach happened)."""
    sla = sla_for(
        ticket.priority,
        parse_rfc3339(ticket.created_at),
        parse_rfc3339(ticket.first_response_at) if ticket.first_response_at else None,
        parse_rfc3339(ticket.resolved_at) if ticket.resolved_at else None,
        now,
    )
    recorded = {"first_response": ticket.first_response_breached_at, "resolution": ticket.resolution_breached_at}
    return [(kind, sla.clock(kind).due_at) for kind in SLA_KINDS
            if sla.clock(kind).breached and not recorded[kind]]


def run_breach_check(
    now: datetime,
    lookback: timedelta,
    query_due: Callable[[str, str], Iterable[DueEntry]],
    load: Callable[[str, str], SlaClocks | None],
    mark: Callable[[str, str, SlaKind, datetime], bool],
) -> CheckResult:
    """One run. `query_due(bucket, before)` lists the index entries of a bucket due strictly before `before`
    (an RFC 3339 time); `load(tenant, ticket)` reads the ticket; `mark(tenant, ticket, kind, now)` records a breach
    seen at `now` with a conditional write and answers False when it was already recorded (or no longer holds).
    Idempotent: a second run, or two runs at once, record each breach once. A clock that stopped in time (a late
    index entry) records nothing."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - only the scheduled check runs threads

    result = CheckResult()
    before = to_rfc3339(now)

    def check(entry: DueEntry) -> list[SlaKind]:
        ticket = load(entry.tenant_id, entry.ticket_id)
        if ticket is None:
            return []
        return [kind for kind, _due_at in unrecorded_breaches(ticket, now)
                if mark(entry.tenant_id, entry.ticket_id, kind, now)]

    # Tickets side by side: about four DynamoDB calls a breach, one after another, held a run to 1,500 to 2,500
    # breaches a minute across every tenant, so a storm of tickets was flagged minutes late.
    with ThreadPoolExecutor(CHECK_THREADS) as pool:
        for bucket in due_buckets(now, lookback):
            for recorded in pool.map(check, query_due(bucket, before)):
                result.examined += 1
                for kind in recorded:
                    result.recorded[kind] += 1
    return result


def _clock(target: timedelta, created_at: datetime, stopped_at: datetime | None, now: datetime) -> Clock:
    due_at = created_at + target
    breached = stopped_at > due_at if stopped_at is not None else now > due_at
    return Clock(target=target, due_at=due_at, stopped_at=stopped_at, breached=breached)


def _minutes(target: timedelta) -> int:
    return int(target.total_seconds() // 60)
