"""The helpdesk's platform-wide figures for `GET /helpdesk/metrics` (opsdesk.prometheus): the scheduled SLA check's
record (runs, last run, breaches recorded per kind: counts only, no tenant, no ticket). Per-tenant figures are served
to agents by `/metrics/sla`, `/metrics/resolution` and `/metrics/tickets`."""

from __future__ import annotations

from collections.abc import Mapping

from opsdesk.frozen import frozen
from opsdesk.helpdesk.sla import SLA_KINDS
from opsdesk.prometheus import MetricFamily, Sample


@frozen
class SlaCheckStats:
    """The scheduled breach check's platform-wide record (one item, updated at the end of every run)."""

    runs: int
    last_run_at: float
    """Epoch seconds of the last completed run."""
    last_duration_seconds: float
    breaches: Mapping[str, int]
    """Breaches recorded, by SLA kind (first_response, resolution), since the first run."""



def sla_check_families(stats: SlaCheckStats | None) -> list[MetricFamily]:
    """Absent before the first run, so an alert on `absent()` or on the last run's age catches a stalled check."""
    if stats is None:
        return []
    return [
        MetricFamily("opsdesk_helpdesk_sla_check_runs_total", "counter", "Completed runs of the scheduled SLA check.",
                     (Sample(stats.runs),)),
        MetricFamily("opsdesk_helpdesk_sla_check_last_run_timestamp_seconds", "gauge",
                     "When the scheduled SLA check last completed, since unix epoch in seconds.",
                     (Sample(round(stats.last_run_at, 3)),)),
        MetricFamily("opsdesk_helpdesk_sla_check_last_duration_seconds", "gauge",
                     "How long the last SLA check run took.", (Sample(round(stats.last_duration_seconds, 3)),)),
        MetricFamily("opsdesk_helpdesk_sla_breaches_recorded_total", "counter",
                     "SLA breaches recorded by the scheduled check, all tenants together, by SLA clock.",
                     tuple(Sample(stats.breaches.get(kind, 0), {"kind": kind})
                           for kind in SLA_KINDS)),
    ]
