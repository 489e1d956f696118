"""The copilot's analytics (seeds/sre-copilot-api.md, Analytics): AI token usage and cost over a date range, the
cost summary with its recommendations, and per-incident figures. Everything comes from aggregates kept on write
(a usage item per day and request type, an incident-count item per day, the counters on each incident): a
request reads one item per day in its range, never the incidents or the AI requests themselves.

Recommendations follow written rules over the figures (RULES below), so the same figures always give the same
advice, and the advice says which figure triggered it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from opsdesk.clock import to_rfc3339
from opsdesk.copilot.records import Incident, IncidentDay, IncidentState, UsageDay
from opsdesk.copilot.service import elapsed_minutes
from opsdesk.copilot.workflow import TIMESTAMP_FIELD
from opsdesk.frozen import frozen

MICROS = 1_000_000
MOST_EXPENSIVE = 5
MAX_RANGE_DAYS = 366
LOW_CACHE_HIT_RATE = 80.0
"""Below this cache hit rate (%), advise on it: the document's example advises at 75%."""
HIGH_COST_PER_REQUEST = 0.01
"""Above this average cost per request (USD), advise a smaller model."""
CONCENTRATED_COST_SHARE = 0.5
"""When one incident holds more than this share of the period's cost, say so."""


AVERAGE_DECIMALS, SAVINGS_DECIMALS = 5, 3
"""As the document's cost summary rounds them: $0.125 over 150 requests is its 0.00083, 75% of it its 0.094."""
MIN_INCIDENTS_FOR_RATE = 10
"""Fewer incidents in the period give no cache hit rate worth advice."""


def dollars(micros: float) -> float:
    return round(micros / MICROS, 6)


def shown(micros: float, decimals: int) -> float:
    """Dollars to `decimals` places, as the document shows them; an amount those places would show as 0 keeps
    its millionths (a small tenant's real savings are not $0)."""
    return round(micros / MICROS, decimals) or dollars(micros)


def average_per_request(cost_micros: int, requests: int) -> float:
    return shown(cost_micros / requests, AVERAGE_DECIMALS) if requests else 0.0


@frozen
class DayRange:
    first: date
    last: date

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def token_usage(days: DayRange, usage: list[UsageDay]) -> dict[str, Any]:
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_day: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in usage:
        for bucket in (by_type[row.request_type], by_day[row.day]):
            bucket[0] += row.requests
            bucket[1] += row.tokens
            bucket[2] += row.cost_micros
    total_requests = sum(v[0] for v in by_type.values())
    total_tokens = sum(v[1] for v in by_type.values())
    total_cost = sum(v[2] for v in by_type.values())
    return {
        "total_requests": total_requests,
        "total_tokens": total_tokens,
        "total_cost_usd": dollars(total_cost),
        "breakdown_by_type": [{"request_type": kind, "count": v[0], "total_tokens": v[1], "cost_usd": dollars(v[2])}
                              for kind, v in sorted(by_type.items())],
        "timeline": [{"date": day.isoformat(), "requests": by_day[day.isoformat()][0],
                      "tokens": by_day[day.isoformat()][1], "cost_usd": dollars(by_day[day.isoformat()][2])}
                     for day in days.days()],
    }


def cost_summary(usage: list[UsageDay], incident_days: list[IncidentDay],
                 most_expensive: list[Incident]) -> dict[str, Any]:
    """The document's example fixes the cache figures by its arithmetic: `cache_hit_rate` is the share of the
    period's incidents whose hypotheses are stored (150 of 200: 75.0), which every later read serves without the
    model, and `potential_savings` the period's cost times that share ($0.125 x 75% = $0.094)."""
    requests = sum(row.requests for row in usage)
    cost = sum(row.cost_micros for row in usage)
    incidents = sum(d.incidents_created for d in incident_days)
    with_hypotheses = sum(d.incidents_with_hypotheses for d in incident_days)
    # at most 100: an incident ranked again after a ranking that found nothing is counted again
    hit_rate = min(100.0, round(100 * with_hypotheses / incidents, 1)) if incidents else 0.0
    stats = {
        "overall_stats": {"total_requests": requests, "total_cost_usd": dollars(cost),
                          "avg_cost_per_request": average_per_request(cost, requests)},
        "cache_stats": {
            "total_incidents": incidents,
            "incidents_with_hypotheses": with_hypotheses,
            "cache_hit_rate": hit_rate,
            "potential_savings": shown(cost * hit_rate / 100, SAVINGS_DECIMALS),
        },
        "most_expensive_incidents": [{"incident_id": i.id, "title": i.title, "total_cost": dollars(i.ai_cost_micros),
                                      "request_count": i.ai_requests} for i in most_expensive],
    }
    stats["recommendations"] = recommendations(requests, cost, hit_rate, most_expensive, incidents=incidents)
    return stats


def recommendations(requests: int, cost_micros: int, hit_rate: float, most_expensive: list[Incident], *,
                    incidents: int) -> list[dict[str, str]]:
    """RULES: low cache hit rate (< 80% of at least 10 incidents of the period) -> medium; average cost per request
    above $0.01 -> high; one incident holding over half the period's cost -> low; no AI requests at all -> info."""
    advice: list[dict[str, str]] = []
    if requests == 0:
        return [{"type": "no_usage", "priority": "low",
                 "message": "No AI requests in this period: hypotheses are generated when incidents are created."}]
    if incidents >= MIN_INCIDENTS_FOR_RATE and hit_rate < LOW_CACHE_HIT_RATE:
        advice.append({"type": "low_cache_hit_rate", "priority": "medium",
                       "message": f"Cache hit rate ({hit_rate:g}%) could be improved: {100 - hit_rate:g}% of "
                                  "this period's incidents have no hypotheses (their evidence pointed at no cause, "
                                  "or ranking failed); monitoring integrations and change events give the engine "
                                  "more to go on."})
    average = cost_micros / requests / MICROS
    if average > HIGH_COST_PER_REQUEST:
        advice.append({"type": "high_cost_per_request", "priority": "high",
                       "message": f"Average cost per request (${average:.4f}) is above ${HIGH_COST_PER_REQUEST}: "
                                  "a smaller model (BEDROCK_MODEL_ID) or fewer evidence items would cut it."})
    if most_expensive and cost_micros and most_expensive[0].ai_cost_micros > CONCENTRATED_COST_SHARE * cost_micros:
        top = most_expensive[0]
        advice.append({"type": "cost_concentrated", "priority": "low",
                       "message": f"Incident '{top.title}' accounts for over half of the AI cost "
                                  f"({top.ai_requests} requests): check for repeated regeneration."})
    return advice


def incident_metrics(incident: Incident) -> dict[str, Any]:
    """`GET /incidents/{id}/metrics`: how long each response step took and what the AI spent."""
    reached = incident.reached_at
    start = incident.detected_at
    times = {TIMESTAMP_FIELD[state]: reached.get(state) for state in reached}
    return {
        "incident_id": incident.id,
        "state": incident.state.value,
        "time_to_acknowledge_minutes": elapsed_minutes(start, reached.get(IncidentState.ACKNOWLEDGED)),
        "time_to_investigate_minutes": elapsed_minutes(start, reached.get(IncidentState.INVESTIGATING)),
        "time_to_mitigate_minutes": elapsed_minutes(start, reached.get(IncidentState.MITIGATED)),
        "time_to_resolve_minutes": elapsed_minutes(start, reached.get(IncidentState.RESOLVED)),
        "hypotheses_count": incident.hypothesis_count,
        "confirmed_cause": incident.confirmed_cause,
        "ai_requests": incident.ai_requests,
        "ai_tokens": incident.ai_tokens,
        "ai_cost_usd": dollars(incident.ai_cost_micros),
        "state_timestamps": {field: to_rfc3339(value) if value else None for field, value in times.items()},
    }


def incident_analytics(incident: Incident) -> dict[str, Any]:
    """`GET /analytics/incident-metrics/{id}`: the incident's AI usage and cost."""
    return {
        "incident_id": incident.id,
        "title": incident.title,
        "request_count": incident.ai_requests,
        "total_tokens": incident.ai_tokens,
        "total_cost_usd": dollars(incident.ai_cost_micros),
        "avg_cost_per_request": average_per_request(incident.ai_cost_micros, incident.ai_requests),
        "hypotheses_count": incident.hypothesis_count,
    }
