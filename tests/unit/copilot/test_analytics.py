"""Copilot analytics from aggregates (opsdesk.copilot.analytics) and prices (opsdesk.ai.pricing)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from opsdesk.ai.pricing import cost_micros
from opsdesk.copilot.analytics import DayRange, cost_summary, incident_metrics, token_usage
from opsdesk.copilot.records import Incident, IncidentDay, IncidentState, Severity, UsageDay

T0 = datetime(2026, 1, 24, 12, 0, tzinfo=UTC)


def expensive(cost: int, requests: int = 3) -> Incident:
    return Incident(id="i1", project_id="p1", title="High CPU usage", description="", service_name="api",
                    severity=Severity.HIGH, state=IncidentState.DETECTED, detected_at=T0, created_at=T0,
                    updated_at=T0, ai_requests=requests, ai_cost_micros=cost)


def test_a_call_costs_its_tokens_at_the_models_price_per_million() -> None:
    assert cost_micros("amazon.nova-lite-v1:0", 1_000_000, 0) == 60_000  # $0.06
    assert cost_micros("us.amazon.nova-lite-v1:0", 0, 1_000_000) == 240_000
    assert cost_micros("amazon.nova-lite-v1:0", 0, 0) == 0
    assert cost_micros("amazon.nova-lite-v1:0", 1, 0) == 1  # a call is never free


def test_token_usage_lists_every_day_of_the_range_and_sums_by_type() -> None:
    usage = [UsageDay("2026-01-24", "hypothesis", 2, 1000, 500, 1),
             UsageDay("2026-01-26", "hypothesis", 1, 400, 200, 0)]

    report = token_usage(DayRange(date(2026, 1, 24), date(2026, 1, 26)), usage)

    assert (report["total_requests"], report["total_tokens"], report["total_cost_usd"]) == (3, 1400, 0.0007)
    assert report["breakdown_by_type"] == [{"request_type": "hypothesis", "count": 3, "total_tokens": 1400,
                                            "cost_usd": 0.0007}]
    assert [d["date"] for d in report["timeline"]] == ["2026-01-24", "2026-01-25", "2026-01-26"]
    assert report["timeline"][1] == {"date": "2026-01-25", "requests": 0, "tokens": 0, "cost_usd": 0.0}


def test_the_cache_figures_follow_the_documents_example() -> None:
    # the document's example: 150 of 200 incidents with hypotheses, $0.125 over 150 requests
    usage = [UsageDay("2026-01-24", "hypothesis", 150, 100_000, 125_000, 0)]

    summary = cost_summary(usage, [IncidentDay("2026-01-24", 200, 150)], [expensive(15_000, 3)])

    assert summary["cache_stats"] == {"total_incidents": 200, "incidents_with_hypotheses": 150,
                                      "cache_hit_rate": 75.0, "potential_savings": 0.094}
    assert summary["overall_stats"] == {"total_requests": 150, "total_cost_usd": 0.125,
                                        "avg_cost_per_request": 0.00083}
    assert summary["most_expensive_incidents"] == [{"incident_id": "i1", "title": "High CPU usage",
                                                    "total_cost": 0.015, "request_count": 3}]
    (advice,) = summary["recommendations"]
    assert (advice["type"], advice["priority"]) == ("low_cache_hit_rate", "medium")
    assert advice["message"].startswith("Cache hit rate (75%) could be improved")


def test_a_period_without_incidents_has_no_cache_hit_rate_to_show_or_advise_on() -> None:
    # an older incident ranked again 12 times as alerts joined it: requests, but no incident of the period
    summary = cost_summary([UsageDay("2026-01-24", "hypothesis", 12, 10, 480, 1)], [], [])

    assert summary["cache_stats"] == {"total_incidents": 0, "incidents_with_hypotheses": 0,
                                      "cache_hit_rate": 0.0, "potential_savings": 0.0}
    assert "low_cache_hit_rate" not in {r["type"] for r in summary["recommendations"]}


def test_small_amounts_keep_their_millionths_rather_than_show_as_zero() -> None:
    summary = cost_summary([UsageDay("2026-01-24", "hypothesis", 2, 10, 480, 0)], [IncidentDay("2026-01-24", 2, 2)],
                           [])

    assert summary["cache_stats"]["potential_savings"] == 0.00048  # 3 places would say 0.0
    assert summary["overall_stats"]["avg_cost_per_request"] == 0.00024
    assert cost_summary([UsageDay("2026-01-24", "hypothesis", 1, 10, 3, 0)], [], [])["overall_stats"][
        "avg_cost_per_request"] == 0.000003


def test_the_cache_hit_rate_is_at_most_100_percent() -> None:
    # an incident ranked again after a ranking that found nothing is counted twice among those with hypotheses
    summary = cost_summary([UsageDay("2026-01-24", "hypothesis", 3, 10, 6_000, 0)],
                           [IncidentDay("2026-01-24", 2, 3)], [])

    assert summary["cache_stats"]["cache_hit_rate"] == 100.0
    assert summary["cache_stats"]["potential_savings"] == 0.006  # the whole cost, not more


def test_recommendations_follow_the_written_rules() -> None:
    low_hits = cost_summary([UsageDay("2026-01-24", "hypothesis", 12, 10, 240_000, 1)],
                            [IncidentDay("2026-01-24", 10, 7)], [expensive(200_000)])
    kinds = {r["type"]: r["priority"] for r in low_hits["recommendations"]}

    assert kinds == {"low_cache_hit_rate": "medium", "high_cost_per_request": "high", "cost_concentrated": "low"}
    assert cost_summary([], [], [])["recommendations"][0]["type"] == "no_usage"


def test_incident_metrics_measure_minutes_from_detection() -> None:
    incident = expensive(0)
    reached = {IncidentState.ACKNOWLEDGED: datetime(2026, 1, 24, 12, 2, tzinfo=UTC)}
    metrics = incident_metrics(Incident(**{**incident.__dict__, "reached_at": reached}))

    assert metrics["time_to_acknowledge_minutes"] == 2.0
    assert metrics["time_to_resolve_minutes"] is None
