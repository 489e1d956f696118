"""Alert grouping and deduplication decisions (PagerDuty Events v2 semantics), without storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from opsdesk.alerts.grouping import GROUPING_WINDOW, AlertGroup, Outcome, decide
from opsdesk.alerts.records import Alert, AlertAction

NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def alert(key: str = "k1", action: AlertAction = "trigger", service: str = "checkout") -> Alert:
    return Alert(source="alertmanager", dedup_key=key, action=action, severity="high", name="HighErrorRate",
                 summary="5xx above 5%", service=service, starts_at=NOW - timedelta(minutes=1))


def group(**changes: object) -> AlertGroup:
    fields: dict[str, object] = {"incident_id": "inc-1", "service": "checkout",
                                 "opened_at": NOW - timedelta(minutes=10), "last_alert_at": NOW - timedelta(minutes=5),
                                 "alerts": {"k1": True}, "alert_count": 1}
    return AlertGroup(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_first_trigger_opens_an_incident_with_its_alert_firing() -> None:
    decision = decide(alert(), None, None, NOW)

    assert decision.outcome is Outcome.OPEN
    assert decision.group is not None and decision.group.alerts == {"k1": True} and decision.group.alert_count == 1


def test_a_repeated_trigger_of_the_key_joins_its_open_incident() -> None:
    decision = decide(alert(), group(), None, NOW)

    assert decision.outcome is Outcome.JOIN
    assert decision.group is not None and decision.group.incident_id == "inc-1"
    assert decision.group.alert_count == 2 and decision.group.last_alert_at == NOW and decision.group.version == 2


def test_another_alert_of_the_service_within_the_window_joins_the_service_s_incident() -> None:
    decision = decide(alert("k2"), None, group(), NOW)

    assert decision.outcome is Outcome.JOIN
    assert decision.group is not None and decision.group.alerts == {"k1": True, "k2": True}


def test_an_alert_of_the_service_after_the_window_opens_a_new_incident() -> None:
    quiet = group(last_alert_at=NOW - GROUPING_WINDOW - timedelta(seconds=1))

    assert decide(alert("k2"), None, quiet, NOW).outcome is Outcome.OPEN


def test_an_alert_without_a_service_is_never_grouped_by_service() -> None:
    assert decide(alert("k2", service=""), None, group(service=""), NOW).outcome is Outcome.OPEN


def test_a_trigger_after_the_incident_ended_opens_a_new_one() -> None:
    assert decide(alert(), group(ended=True), None, NOW).outcome is Outcome.OPEN
    assert decide(alert("k2"), None, group(ended=True), NOW).outcome is Outcome.OPEN


def test_resolving_one_of_two_alerts_leaves_the_incident_as_it_is_and_the_last_moves_it_on() -> None:
    both = group(alerts={"k1": True, "k2": True})

    first = decide(alert("k1", "resolve"), both, None, NOW)
    assert first.outcome is Outcome.RESOLVE_ALERT and first.group is not None
    last = decide(alert("k2", "resolve"), first.group, None, NOW)
    assert last.outcome is Outcome.ALL_RESOLVED and last.group is not None and last.group.all_resolved


def test_acknowledge_and_a_resolve_nobody_fired_change_nothing() -> None:
    assert decide(alert(action="acknowledge"), group(), None, NOW).outcome is Outcome.NOTHING
    assert decide(alert("unknown", "resolve"), None, group(), NOW).outcome is Outcome.NOTHING
    assert decide(alert("k1", "resolve"), group(alerts={"k1": False}), None, NOW).outcome is Outcome.NOTHING
    assert decide(alert("k1", "resolve"), group(ended=True), None, NOW).outcome is Outcome.NOTHING


def test_keys_past_the_followed_ones_join_by_count_and_the_incident_then_waits_for_a_person() -> None:
    from opsdesk.alerts.grouping import MAX_TRACKED_KEYS

    # Given an incident following as many keys as it may, every one of them firing
    full = group(alerts={f"pod-{n}": True for n in range(MAX_TRACKED_KEYS)})

    # When one more key joins, and then every followed key resolves
    joined = decide(alert("pod-extra", service="checkout"), None, full, NOW).group
    assert joined is not None
    after = joined
    for n in range(MAX_TRACKED_KEYS):
        decision = decide(alert(f"pod-{n}", action="resolve"), after, None, NOW)
        assert decision.group is not None
        after = decision.group

    # Then the group did not grow, the newcomer was counted, and with a key it cannot see the incident stays open
    assert len(joined.alerts) == MAX_TRACKED_KEYS and joined.untracked == 1 and joined.alert_count == 2
    assert decision.outcome is Outcome.RESOLVE_ALERT and not after.all_resolved
    assert decide(alert("pod-extra", action="resolve"), after, None, NOW).outcome is Outcome.NOTHING


def test_a_followed_key_firing_again_is_still_followed_when_the_group_is_full() -> None:
    from opsdesk.alerts.grouping import MAX_TRACKED_KEYS

    full = group(alerts={f"pod-{n}": n != 0 for n in range(MAX_TRACKED_KEYS)})

    decision = decide(alert("pod-0"), full, None, NOW)

    assert decision.group is not None and decision.group.alerts["pod-0"] is True and decision.group.untracked == 0
