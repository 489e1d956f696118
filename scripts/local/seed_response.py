"""Demo data of the response module (`make dev`): incidents of Acme Cloud and Globex in several statuses, each with
events, a timeline, people's actions and comments, and an offline AI analysis, made through the same service and
analyst the functions use."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opsdesk.analysis.providers import OfflineHypothesisProvider
from opsdesk.auth import Principal
from opsdesk.eventlog import EventLog
from opsdesk.response.analyst import AnalysisService
from opsdesk.response.records import Status
from opsdesk.response.repository import ResponseRepository
from opsdesk.response.requests import AddActionRequest, CreateIncidentRequest, IngestEventRequest
from opsdesk.response.service import ResponseService
from scripts.local.seed import DEMO_TENANT, OTHER_TENANT

Line = tuple[int, str, str, str, str]
"""(minutes after the incident opened, event type, level, source, message)."""


@dataclass(frozen=True)
class ResponseSpec:
    tenant_id: str
    user: str
    title: str
    description: str
    severity: str
    source: str
    tags: tuple[str, ...]
    hours_ago: float
    events: tuple[Line, ...]
    statuses: tuple[Status, ...] = ()
    comment: str = ""


SPECS: tuple[ResponseSpec, ...] = (
    ResponseSpec(DEMO_TENANT, "alice@acme.test", "Database connection timeout", "Users experiencing 502 errors",
                 "high", "datadog", ("database", "postgres"), 2, (
                     (-6, "alert", "warning", "datadog", "p99 latency above 2s on orders-api"),
                     (-4, "log", "error", "orders-api-5d8f9", "HikariPool-1 - Connection is not available, request "
                                                              "timed out after 30000ms"),
                     (-3, "metric", "critical", "orders-db", "db.pool.active 100/100 (max)"),
                     (-2, "log", "error", "orders-api-5d8f9", "FATAL: remaining connection slots are reserved"),
                     (1, "user_action", "info", "alice", "Checked pg_stat_activity: 80 sessions idle in transaction"),
                 ), (Status.INVESTIGATING, Status.IDENTIFIED), "Idle-in-transaction sessions from the nightly job"),
    ResponseSpec(DEMO_TENANT, "dave@acme.test", "Checkout errors after release", "", "critical", "sentry",
                 ("checkout",), 26, (
                     (-12, "user_action", "info", "github-actions", "Deployed checkout v3.8.0 to production"),
                     (-9, "log", "error", "checkout-7c4d2", "TypeError: Cannot read properties of undefined "
                                                           "(reading 'currency')"),
                     (-8, "alert", "critical", "sentry", "New issue: TypeError in PriceSummary (412 events)"),
                     (-5, "metric", "error", "checkout", "http.5xx_rate 14% (threshold 2%)"),
                 ), (Status.INVESTIGATING, Status.MONITORING, Status.RESOLVED), "Rolled back to v3.7.2"),
    ResponseSpec(DEMO_TENANT, "bob@acme.test", "Reports disk filling up", "Nightly export failing", "medium",
                 "cloudwatch", ("reports",), 74, (
                     (-30, "metric", "warning", "reports-1", "disk_used_percent 91% on /var/lib/reports"),
                     (-2, "log", "error", "reports-1", "OSError: [Errno 28] No space left on device"),
                 ), (Status.INVESTIGATING, Status.RESOLVED, Status.CLOSED)),
    ResponseSpec(OTHER_TENANT, "carol@globex.test", "EU customers cannot log in", "", "high", "pagerduty",
                 ("auth",), 5, (
                     (-3, "log", "error", "auth-svc-2", "dial tcp: lookup idp.globex.internal on 10.0.0.2:53: "
                                                      "no such host"),
                     (-2, "alert", "error", "prometheus", "CoreDNSErrorsHigh: SERVFAIL responses 35%"),
                 ), (Status.INVESTIGATING,)),
)


def seed_response(now: datetime | None = None) -> int:
    """Returns how many incidents were made."""
    now = now or datetime.now(UTC)
    repository = ResponseRepository(EventLog())
    provider = OfflineHypothesisProvider()
    for spec in SPECS:
        opened = now - timedelta(hours=spec.hours_ago)
        moments = iter(opened + timedelta(minutes=m) for m in range(0, 10_000, 7))

        def clock(moments: Iterator[datetime] = moments) -> datetime:
            return next(moments)

        service = ResponseService(repository, clock=clock)
        analyst = AnalysisService(repository, provider, quiet_seconds=0, max_wait_seconds=0, clock=clock)
        principal = Principal(user_id=spec.user, tenant_id=spec.tenant_id, username=spec.user, groups=frozenset(),
                              email=spec.user)
        incident = service.create_incident(principal, CreateIncidentRequest(
            title=spec.title, description=spec.description, severity=spec.severity, source=spec.source,
            tags=list(spec.tags)))
        service.ingest(principal, [IngestEventRequest(
            incident_id=incident.id, event_type=kind, level=level, source=source, message=message,
            timestamp=opened + timedelta(minutes=minutes)) for minutes, kind, level, source, message in spec.events])
        analyst.run(spec.tenant_id, incident.id)
        if spec.comment:
            service.post_comment(principal, incident.id, spec.comment, spec.user)
        service.add_action(principal, incident.id, AddActionRequest(title="Update the status page", priority=2))
        for status in spec.statuses:
            service.change_status(principal, incident.id, status)
    return len(SPECS)
