"""The response module's platform-wide figures for `GET /response/metrics` (opsdesk.prometheus), from the counters
kept on write (opsdesk.response.items.COUNTERS): incidents created by severity, incidents in each status now,
events ingested, analyses run and the MTTR histogram. All tenants together; nothing names a tenant or an
incident."""

from __future__ import annotations

from collections.abc import Mapping

from opsdesk.prometheus import MetricFamily, Sample
from opsdesk.response.items import MTTR_BUCKETS_MINUTES
from opsdesk.response.records import SEVERITIES, Status


def response_families(totals: Mapping[str, float]) -> list[MetricFamily]:
    buckets = [Sample(totals.get(f"mttr_le_{int(b)}", 0), {"le": f"{b:g}"}, "_bucket") for b in MTTR_BUCKETS_MINUTES]
    buckets.append(Sample(totals.get("mttr_count", 0), {"le": "+Inf"}, "_bucket"))
    return [
        MetricFamily("opsdesk_response_incidents_created_total", "counter",
                     "Incidents opened, all tenants together, by severity.",
                     tuple(Sample(totals.get(f"created_{s}", 0), {"severity": s}) for s in SEVERITIES)),
        MetricFamily("opsdesk_response_incidents", "gauge", "Incidents in each status now, all tenants together.",
                     tuple(Sample(max(0.0, totals.get(f"status_{s.value}", 0)), {"status": s.value})
                           for s in Status)),
        MetricFamily("opsdesk_response_events_ingested_total", "counter", "Events ingested, all tenants together.",
                     (Sample(totals.get("events_ingested", 0)),)),
        MetricFamily("opsdesk_response_analyses_total", "counter", "AI analyses of incidents run.",
                     (Sample(totals.get("analyses", 0)),)),
        MetricFamily("opsdesk_response_mttr_minutes", "histogram",
                     "Minutes from opening to resolving, one observation per resolution.",
                     (*buckets, Sample(totals.get("mttr_sum", 0), suffix="_sum"),
                      Sample(totals.get("mttr_count", 0), suffix="_count"))),
    ]
