"""Alerts applied to a project on moto (opsdesk.alerts.ingest): one incident per dedup key and per service within
the grouping window, in the copilot and in the response module, resolves that move incidents on but never to
resolved, redeliveries that change nothing, and concurrent duplicates that open one incident."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from opsdesk.alerts.grouping import Outcome
from opsdesk.alerts.records import Alert, AlertAction


@pytest.fixture
def project(local_aws: Any) -> tuple[str, str]:
    from opsdesk.copilot.records import Member, Project, Role, Tenant, User
    from opsdesk.copilot.repository import CopilotRepository

    tenant_id, user_id, project_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(UTC)
    CopilotRepository().create_tenant(
        Tenant(tenant_id, "Alerts", f"alerts-{tenant_id[:8]}", now),
        User(user_id, tenant_id, f"{user_id}@alerts.test", "Owner", project_id, {project_id: Role.OWNER}),
        Project(project_id, tenant_id, "Production", "", now, now),
        Member(project_id, user_id, f"{user_id}@alerts.test", "Owner", Role.OWNER, now))
    return tenant_id, project_id


@pytest.fixture
def ingest(local_aws: Any) -> Any:
    from opsdesk.alerts.ingest import AlertIngest
    from opsdesk.alerts.repository import AlertGroupRepository
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.eventlog import EventLog
    from opsdesk.response.repository import ResponseRepository
    from opsdesk.response.service import ResponseService

    return AlertIngest(AlertGroupRepository(), CopilotRepository(EventLog()),
                       ResponseService(ResponseRepository(EventLog())))


def alert(key: str = "fp-1", action: AlertAction = "trigger", service: str = "checkout") -> Alert:
    return Alert(source="alertmanager", dedup_key=key, action=action, severity="high", name="HighErrorRate",
                 summary="5xx above 5% on checkout", service=service,
                 starts_at=datetime.now(UTC) - timedelta(minutes=2))


def copilot_incidents(tenant_id: str, project_id: str) -> list[Any]:
    from opsdesk.copilot.records import IncidentFilters
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.pagination import OffsetRequest

    return CopilotRepository().query_incidents(tenant_id, project_id, IncidentFilters(), OffsetRequest(0, 100))


def response_incident(tenant_id: str, incident_id: str) -> Any:
    from opsdesk.response.repository import ResponseRepository

    return ResponseRepository().get_incident(tenant_id, incident_id)


def group_of(tenant_id: str, project_id: str, key: str) -> Any:
    from opsdesk.alerts.repository import AlertGroupRepository

    return AlertGroupRepository().by_dedup_key(tenant_id, project_id, key)


def test_a_first_alert_opens_one_incident_in_the_copilot_and_in_the_response_module(ingest: Any,
                                                                                    project: tuple[str, str]) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.response.repository import ResponseRepository

    tenant_id, project_id = project
    assert ingest.apply(Target(tenant_id, project_id), alert(), "delivery-1") is Outcome.OPEN

    (incident,) = copilot_incidents(tenant_id, project_id)
    assert incident.title == "HighErrorRate" and incident.service_name == "checkout" and incident.state == "detected"
    stored = group_of(tenant_id, project_id, "fp-1")
    response = response_incident(tenant_id, stored.response_incident_id)
    assert response is not None and response.source == "alertmanager" and response.tags == ("checkout",)
    events = ResponseRepository().list_events(tenant_id, response.id, 10, None).items
    assert [(e.event_type, e.level) for e in events] == [("alert", "error")]


def test_the_response_incident_an_alert_opens_is_written_with_its_alert_event_in_one_write(
        ingest: Any, project: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.response.repository import ResponseRepository

    def failing_event_write(*_: Any) -> int:
        raise RuntimeError("the separate event write")

    # No one may read the incident before its event: the event rides in the incident's own transaction, so the
    # separate event write (what a joining alert uses) is never reached for an alert that opens one.
    monkeypatch.setattr(ResponseRepository, "store_events", failing_event_write)
    tenant_id, project_id = project
    target, first = Target(tenant_id, project_id), alert()
    assert ingest.apply(target, first, "delivery-1") is Outcome.OPEN
    assert ingest.apply(target, first, "delivery-1") is Outcome.NOTHING  # a redelivery stores nothing twice

    stored = group_of(tenant_id, project_id, "fp-1")
    response = response_incident(tenant_id, stored.response_incident_id)
    assert response is not None and response.event_count == 1
    (event,) = ResponseRepository().list_events(tenant_id, response.id, 10, None).items
    assert (event.event_type, event.level, event.source) == ("alert", "error", "checkout")
    with pytest.raises(RuntimeError, match="separate event write"):  # a joining alert ingests into the incident
        ingest.apply(target, alert("fp-2"), "delivery-2")


def test_the_copilot_incident_an_alert_opens_is_written_with_that_alert_before_anything_ranks_it(
        ingest: Any, project: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.eventlog import EventLog
    from opsdesk.events import project_stream

    def failing_alert_write(*_: Any) -> None:
        raise RuntimeError("the separate alert write")

    # incident.created starts the hypothesis ranker, which reads the incident's alerts: the opening alert is in the
    # incident's own transaction, so the separate alert write (a joining alert's) is never reached.
    monkeypatch.setattr(CopilotRepository, "save_alert", failing_alert_write)
    tenant_id, project_id = project
    target, first = Target(tenant_id, project_id), alert()
    assert ingest.apply(target, first, "delivery-1") is Outcome.OPEN

    (incident,) = copilot_incidents(tenant_id, project_id)
    now = datetime.now(UTC)
    (listed,) = CopilotRepository().alerts_between(tenant_id, project_id, now - timedelta(hours=1), now, 10)
    assert (listed.incident_id, listed.fingerprint, listed.status) == (incident.id, "fp-1", "firing")
    written = [e.type for e in EventLog().read_after(tenant_id, project_stream("incidents", project_id), 0)]
    fired = [e.type for e in EventLog().read_after(tenant_id, project_stream("alerts", project_id), 0)]
    assert (written, fired) == (["incident.created"], ["alert.fired"])
    with pytest.raises(RuntimeError, match="separate alert write"):  # a joining alert is written on its own
        ingest.apply(target, alert("fp-2"), "delivery-2")


def test_alert_fired_describes_the_alert_with_its_sources_description_else_its_summary(
        ingest: Any, project: tuple[str, str]) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.copilot.views import alert_view
    from opsdesk.eventlog import EventLog
    from opsdesk.events import project_stream

    tenant_id, project_id = project
    described = replace(alert("fp-described"), description="checkout answers 7.3% of requests with 5xx")
    ingest.apply(Target(tenant_id, project_id), described, "delivery-described")
    ingest.apply(Target(tenant_id, project_id), alert("fp-summary", service="billing"), "delivery-summary")

    fired = [e.data for e in EventLog().read_after(tenant_id, project_stream("alerts", project_id), 0)
             if e.type == "alert.fired"]
    assert [(f["alertname"], f["service"], f["description"]) for f in fired] == [
        ("HighErrorRate", "checkout", "checkout answers 7.3% of requests with 5xx"),
        ("HighErrorRate", "billing", "5xx above 5% on checkout")]
    now = datetime.now(UTC)
    listed = CopilotRepository().alerts_between(tenant_id, project_id, now - timedelta(hours=1), now, 10)
    assert sorted(alert_view(a)["description"] for a in listed) == [
        "5xx above 5% on checkout", "checkout answers 7.3% of requests with 5xx"]


def test_repeats_and_other_alerts_of_the_service_join_and_a_redelivery_changes_nothing(
    ingest: Any, project: tuple[str, str],
) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.response.repository import ResponseRepository

    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    ingest.apply(target, alert(), "d1")
    assert ingest.apply(target, alert(), "d2") is Outcome.JOIN
    second_key = alert("fp-2")
    assert ingest.apply(target, second_key, "d3") is Outcome.JOIN
    assert ingest.apply(target, second_key, "d3") is Outcome.NOTHING  # the same delivery again

    assert len(copilot_incidents(tenant_id, project_id)) == 1
    stored = group_of(tenant_id, project_id, "fp-2")
    assert stored.group.alert_count == 3 and set(stored.group.alerts) == {"fp-1", "fp-2"}
    # Each alert once per state in the response module: the repeat of fp-1 only counts.
    assert len(ResponseRepository().list_events(tenant_id, stored.response_incident_id, 10, None).items) == 2


def test_alerts_from_a_source_whose_clock_runs_ahead_reach_the_response_incident_at_our_time(
    ingest: Any, project: tuple[str, str],
) -> None:
    from dataclasses import replace

    from opsdesk.alerts.ingest import Target
    from opsdesk.response.repository import ResponseRepository

    # Given a source whose clock runs a day ahead: the response module refuses events dated past a clock's skew
    tenant_id, project_id = project
    target, ahead = Target(tenant_id, project_id), datetime.now(UTC) + timedelta(days=1)

    # When its alert opens an incident and another of its alerts joins it
    assert ingest.apply(target, replace(alert(), starts_at=ahead), "d1") is Outcome.OPEN
    assert ingest.apply(target, replace(alert("fp-2"), starts_at=ahead), "d2") is Outcome.JOIN

    # Then both are events of the response incident, dated no later than now
    stored = group_of(tenant_id, project_id, "fp-2")
    events = ResponseRepository().list_events(tenant_id, stored.response_incident_id, 10, None).items
    assert len(events) == 2 and all(e.timestamp <= datetime.now(UTC) for e in events)


def test_a_redelivery_of_alerts_dated_ahead_of_our_clock_is_applied_as_the_first_delivery_was(
        project: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.alerts.ingest import AlertIngest, Target
    from opsdesk.alerts.repository import AlertGroupRepository
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.eventlog import EventLog
    from opsdesk.response.repository import ResponseRepository
    from opsdesk.response.service import ResponseService

    # Given a source whose clock runs 30 s ahead of ours, and our clock, which moves between deliveries
    tenant_id, project_id = project
    clock = [datetime.now(UTC)]
    ingest = AlertIngest(AlertGroupRepository(), CopilotRepository(EventLog()),
                         ResponseService(ResponseRepository(EventLog())), clock=lambda: clock[0])
    target, ahead = Target(tenant_id, project_id), clock[0] + timedelta(seconds=30)
    opening, joining = replace(alert(), starts_at=ahead), replace(alert("fp-2"), starts_at=ahead)
    assert ingest.apply(target, opening, "d1") is Outcome.OPEN

    def cut_short(*_: Any) -> None:
        raise RuntimeError("the function timed out")

    # When it is delivered again a second later (its response event went in under the delivery's Idempotency-Key)
    clock[0] += timedelta(seconds=1)
    assert ingest.apply(target, opening, "d1") is Outcome.NOTHING  # was: Idempotency-Key reused, for ever

    # And another's effects are cut short after its response ingest, and it is delivered again a second later
    monkeypatch.setattr(AlertGroupRepository, "effects_done", cut_short)
    with pytest.raises(RuntimeError):
        ingest.apply(target, joining, "d2")
    monkeypatch.undo()
    clock[0] += timedelta(seconds=1)
    assert ingest.apply(target, joining, "d2") is Outcome.NOTHING

    # Then the response incident has each alert once, dated no later than its delivery
    stored = group_of(tenant_id, project_id, "fp-2")
    events = ResponseRepository().list_events(tenant_id, stored.response_incident_id, 10, None).items
    assert len(events) == 2 and all(e.timestamp < ahead for e in events)


def test_a_redelivery_publishes_nothing_again_on_the_alerts_channel(
        ingest: Any, project: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.eventlog import EventLog
    from opsdesk.events import project_stream
    from opsdesk.response.repository import ResponseRepository
    from opsdesk.response.service import ResponseService

    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    first, second, third = (replace(alert(f"fp-{n}"), name=f"Alert{n}") for n in (1, 2, 3))

    def cut_short(*_: Any, **__: Any) -> None:
        raise RuntimeError("the function timed out")

    # Given two alerts of one event applied, and a third whose effects were cut short after its alert.fired
    assert [ingest.apply(target, a, d) for d, a in (("e1:0", first), ("e1:1", second))] == [Outcome.OPEN,
                                                                                             Outcome.JOIN]
    monkeypatch.setattr(ResponseService, "ingest", cut_short)
    with pytest.raises(RuntimeError):
        ingest.apply(target, third, "e2:0")
    monkeypatch.undo()

    # When their events are delivered again, three times
    for _ in range(3):
        assert {ingest.apply(target, a, d) for d, a in (("e1:0", first), ("e1:1", second), ("e2:0", third))} == {
            Outcome.NOTHING}

    # Then each alert was announced once, and the cut-short one reached the response incident
    fired = [e.data["alertname"] for e in EventLog().read_after(tenant_id, project_stream("alerts", project_id), 0)
             if e.type == "alert.fired"]
    assert fired == ["Alert1", "Alert2", "Alert3"]
    stored = group_of(tenant_id, project_id, "fp-3")
    assert len(ResponseRepository().list_events(tenant_id, stored.response_incident_id, 10, None).items) == 3


def test_a_new_alert_joining_an_incident_asks_for_its_hypotheses_to_be_ranked_again(
        ingest: Any, project: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.copilot_hypotheses import handler
    from opsdesk.alerts.ingest import Target
    from opsdesk.eventlog import EventLog
    from opsdesk.events import project_stream, stream_pk

    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    ingest.apply(target, alert(), "r1")  # opens: incident.created ranks it
    ingest.apply(target, alert(), "r2")  # the same alert again: no new evidence
    ingest.apply(target, alert("fp-other"), "r3")  # another alert of the service joins
    ingest.apply(target, alert("fp-other", action="resolve"), "r4")

    stream = project_stream("ranking", project_id)
    requested = EventLog().read_after(tenant_id, stream, 0)
    (incident,) = copilot_incidents(tenant_id, project_id)
    assert [(e.type, e.data) for e in requested] == [("hypotheses.requested", {"id": incident.id})]

    ranked: list[tuple[str, str, str]] = []
    monkeypatch.setattr(handler.service, "generate", lambda *args, **_: ranked.append(args) or [])
    handler.handle_record({"eventName": "INSERT", "dynamodb": {"NewImage": {
        "pk": {"S": stream_pk(tenant_id, stream)}, "sk": {"S": "E#000000000001"},
        "type": {"S": "hypotheses.requested"}, "data": {"S": json.dumps(requested[0].data)}}}})
    assert ranked == [(tenant_id, project_id, incident.id)]


def test_resolving_every_alert_mitigates_and_monitors_but_never_resolves(ingest: Any,
                                                                          project: tuple[str, str]) -> None:
    from opsdesk.alerts.ingest import Target

    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    ingest.apply(target, alert("fp-1"), "d1")
    ingest.apply(target, alert("fp-2"), "d2")
    assert ingest.apply(target, alert("fp-1", "resolve"), "d3") is Outcome.RESOLVE_ALERT
    assert ingest.apply(target, alert("fp-2", "resolve"), "d4") is Outcome.ALL_RESOLVED

    (incident,) = copilot_incidents(tenant_id, project_id)
    assert incident.state == "mitigated"
    stored = group_of(tenant_id, project_id, "fp-1")
    assert response_incident(tenant_id, stored.response_incident_id).status == "monitoring"


def test_an_alert_firing_again_in_a_mitigated_incident_takes_both_incidents_back_to_investigating(
        ingest: Any, project: tuple[str, str]) -> None:
    from opsdesk.alerts.ingest import Target

    # Given an incident mitigated when its one alert resolved
    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    ingest.apply(target, alert("fp-1"), "d1")
    assert ingest.apply(target, alert("fp-1", "resolve"), "d2") is Outcome.ALL_RESOLVED

    # When the alert fires again
    assert ingest.apply(target, alert("fp-1"), "d3") is Outcome.JOIN

    # Then the impact is back: the copilot incident investigates again and the response incident too
    (incident,) = copilot_incidents(tenant_id, project_id)
    assert incident.state == "investigating"
    stored = group_of(tenant_id, project_id, "fp-1")
    assert response_incident(tenant_id, stored.response_incident_id).status == "investigating"


def test_a_resolve_handled_before_its_trigger_keeps_the_late_trigger_from_opening_an_incident(
        ingest: Any, project: tuple[str, str]) -> None:
    from dataclasses import replace

    from opsdesk.alerts.ingest import Target

    # Given a CloudWatch OK handled before its ALARM (the queue keeps no order; the ALARM failed once)
    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    now = datetime.now(UTC)
    fired = replace(alert("arn:alarm"), starts_at=now - timedelta(minutes=9))
    resolved_at = now - timedelta(minutes=1)
    ok = replace(alert("arn:alarm", "resolve"), starts_at=resolved_at, ends_at=resolved_at)
    assert ingest.apply(target, ok, "ok") is Outcome.NOTHING

    # When the ALARM comes, older than the OK
    outcome = ingest.apply(target, fired, "alarm")

    # Then nothing opens: the alarm is over; and an ALARM after the OK opens an incident as ever
    assert outcome is Outcome.NOTHING and copilot_incidents(tenant_id, project_id) == []
    again = replace(alert("arn:alarm"), starts_at=now)
    assert ingest.apply(target, again, "alarm-2") is Outcome.OPEN
    assert len(copilot_incidents(tenant_id, project_id)) == 1


def test_a_resolve_dated_by_its_own_time_updates_the_alert_s_one_list_item(ingest: Any,
                                                                           project: tuple[str, str]) -> None:
    from pathlib import Path

    from opsdesk.alerts.ingest import Target
    from opsdesk.alerts.normalise import normalise
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.pagination import OffsetRequest

    # Given a CloudWatch alarm and its OK: the OK's alert starts when the alarm left ALARM, not when it entered it
    tenant_id, project_id = project
    sample = json.loads((Path(__file__).resolve().parents[1] / "data" / "alerts" / "cloudwatch-alarm.json").read_text())
    fired, ended = datetime.now(UTC) - timedelta(minutes=20), datetime.now(UTC) - timedelta(minutes=2)
    alarm = {**sample, "detail": {**sample["detail"], "state": {**sample["detail"]["state"],
                                                                "timestamp": fired.isoformat()}}}
    ok = {**sample, "id": "ok-event", "detail": {**sample["detail"], "state": {
        "value": "OK", "reason": "Threshold no longer crossed", "timestamp": ended.isoformat()}}}

    # When both are applied
    for event in (alarm, ok):
        (item,) = normalise(event)
        ingest.apply(Target(tenant_id, project_id), item, f"{event['id']}:0")

    # Then the alert is listed once, resolved, from when it fired to when it ended (was: a second item, and the
    # first firing for ever)
    (listed,) = CopilotRepository().query_alerts(tenant_id, project_id, OffsetRequest(0, 10))
    assert listed.status == "resolved"
    assert abs(listed.starts_at - fired) < timedelta(seconds=1) and listed.ends_at is not None
    assert abs(listed.ends_at - ended) < timedelta(seconds=1)


def test_an_incident_past_its_followed_keys_stores_a_bounded_group_and_waits_for_a_person(
        ingest: Any, project: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.alerts import grouping
    from opsdesk.alerts.ingest import Target

    monkeypatch.setattr(grouping, "MAX_TRACKED_KEYS", 2)
    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    for number, key in enumerate(("fp-1", "fp-2", "fp-3")):
        ingest.apply(target, alert(key), f"t{number}")
    assert ingest.apply(target, alert("fp-1", "resolve"), "r1") is Outcome.RESOLVE_ALERT
    assert ingest.apply(target, alert("fp-2", "resolve"), "r2") is Outcome.RESOLVE_ALERT

    version = group_of(tenant_id, project_id, "fp-3").group.version
    ingest.apply(target, alert("fp-3"), "t3")  # re-sent while it fires, as Alertmanager re-sends: counted only

    stored = group_of(tenant_id, project_id, "fp-3")
    assert stored.group.alerts == {"fp-1": False, "fp-2": False} and stored.group.untracked == 1
    assert stored.group.alert_count == 4 and stored.group.version == version
    (incident,) = copilot_incidents(tenant_id, project_id)
    assert incident.state != "mitigated"


def test_a_group_following_as_many_keys_as_it_may_of_the_longest_widest_characters_stays_writable(
        ingest: Any, project: tuple[str, str]) -> None:
    from opsdesk.alerts.grouping import MAX_TRACKED_KEYS, decide
    from opsdesk.alerts.ingest import Target
    from opsdesk.alerts.repository import AlertGroupRepository, StoredGroup

    # Given the group of 200 firing keys of 255 characters of 4 bytes each (Alertmanager fingerprints are free text)
    tenant_id, project_id = project
    keys = [chr(0x1F600 + n % 64) * 254 + chr(0x20000 + n) for n in range(MAX_TRACKED_KEYS)]
    now, group = datetime.now(UTC), None
    for key in keys:
        group = decide(alert(key), None, group, now).group
    assert group is not None and len(group.alerts) == MAX_TRACKED_KEYS

    # When it is written whole, as each change writes it (past 400 KB DynamoDB refused it, and every later change)
    AlertGroupRepository().commit(tenant_id, project_id, after=StoredGroup(replace(group, incident_id="inc-wide"),
                                  "response-wide"), before=None, dedup_key=keys[0], key_was=None,
                                  delivery_id="d-wide", now=now, counts=True)

    # Then it is stored, and the alerts it follows still resolve one by one
    assert ingest.apply(Target(tenant_id, project_id), alert(keys[0], "resolve"), "r-wide") is Outcome.RESOLVE_ALERT
    stored = group_of(tenant_id, project_id, keys[0])
    assert len(stored.group.alerts) == MAX_TRACKED_KEYS and list(stored.group.alerts.values()).count(False) == 1


def test_a_trigger_of_a_group_whose_opening_effects_never_succeeded_opens_its_incident(
        ingest: Any, project: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.pagination import OffsetRequest

    def throttled(*_: Any, **__: Any) -> None:
        raise RuntimeError("throttled")

    # Given a group whose opening delivery was decided but whose effects failed (it went to the dead-letter queue)
    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    monkeypatch.setattr(CopilotRepository, "create_incident", throttled)
    with pytest.raises(RuntimeError):
        ingest.apply(target, alert(), "lost")
    monkeypatch.undo()

    # When the alert is sent again (a new delivery), and again
    ingest.apply(target, alert(), "again-1")
    ingest.apply(target, alert(), "again-2")

    # Then its incident exists in both modules, with the alert listed once (until then: a counter, and no incident)
    (incident,) = copilot_incidents(tenant_id, project_id)
    stored = group_of(tenant_id, project_id, "fp-1")
    assert incident.id == stored.group.incident_id and stored.group.alert_count == 3
    assert [a.fingerprint for a in CopilotRepository().query_alerts(tenant_id, project_id, OffsetRequest(0, 10))] == [
        "fp-1"]
    assert response_incident(tenant_id, stored.response_incident_id) is not None


def test_a_trigger_after_a_person_resolved_the_incident_opens_a_new_one(ingest: Any,
                                                                         project: tuple[str, str]) -> None:
    from dataclasses import replace

    from opsdesk.alerts.ingest import Target
    from opsdesk.copilot import workflow
    from opsdesk.copilot.records import IncidentState
    from opsdesk.copilot.repository import CopilotRepository

    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    ingest.apply(target, alert(), "d1")
    (first,) = copilot_incidents(tenant_id, project_id)
    CopilotRepository().update_incident(tenant_id, first, workflow.moved(first, IncidentState.RESOLVED,
                                                                         datetime.now(UTC)))

    assert ingest.apply(target, alert(), "d2") is Outcome.OPEN
    assert len(copilot_incidents(tenant_id, project_id)) == 2
    assert replace(first).id != group_of(tenant_id, project_id, "fp-1").group.incident_id


def test_two_hundred_concurrent_duplicates_open_one_incident(ingest: Any, project: tuple[str, str]) -> None:
    from opsdesk.alerts.ingest import Target

    tenant_id, project_id = project
    target = Target(tenant_id, project_id)
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def deliver(start: int) -> None:
        for n in range(start, start + 20):
            outcome = ingest.apply(target, alert(), f"dup-{n}")
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=deliver, args=(start,)) for start in range(0, 200, 20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count(Outcome.OPEN) == 1 and outcomes.count(Outcome.JOIN) == 199
    assert len(copilot_incidents(tenant_id, project_id)) == 1
    assert group_of(tenant_id, project_id, "fp-1").group.alert_count == 200


def test_concurrent_first_alerts_of_one_service_open_one_incident(ingest: Any, project: tuple[str, str]) -> None:
    # Different dedup keys of one service at once (a webhook's alerts applied side by side, or deliveries of
    # several sources): each may decide to open, only one may, and the others join it
    from concurrent.futures import ThreadPoolExecutor

    from opsdesk.alerts.ingest import Target

    tenant_id, project_id = project
    target = Target(tenant_id, project_id)

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda n: ingest.apply(target, alert(f"pod-{n}"), f"first-{n}"), range(16)))

    assert outcomes.count(Outcome.OPEN) == 1 and outcomes.count(Outcome.JOIN) == 15
    (incident,) = copilot_incidents(tenant_id, project_id)
    assert {group_of(tenant_id, project_id, f"pod-{n}").group.incident_id for n in range(16)} == {incident.id}


def test_an_alert_whose_service_name_is_as_long_as_an_alert_may_carry_opens_its_incidents(
        ingest: Any, project: tuple[str, str]) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.alerts.normalise_fields import MAX_IDENTIFIER
    from opsdesk.response.repository import ResponseRepository

    tenant_id, project_id = project
    service = "s" * MAX_IDENTIFIER  # longer than the response module's names (200) and tags (100)

    long_named = alert(service=service)
    assert ingest.apply(Target(tenant_id, project_id), long_named, "delivery-long") is Outcome.OPEN

    group = group_of(tenant_id, project_id, "fp-1")
    incident = response_incident(tenant_id, group.response_incident_id)
    assert incident is not None
    assert incident.tags == (service[:100],)
    [event] = ResponseRepository().list_events(tenant_id, incident.id, 10, None).items
    assert event.source == service[:200]
    # a redelivery replays its ingest (the same body under the delivery's key), it does not fail as a changed one
    assert ingest.apply(Target(tenant_id, project_id), long_named, "delivery-long") is Outcome.NOTHING
    assert len(ResponseRepository().list_events(tenant_id, incident.id, 10, None).items) == 1


def test_an_alert_whose_service_is_blank_names_its_source_instead(ingest: Any, project: tuple[str, str]) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.response.repository import ResponseRepository

    tenant_id, project_id = project

    ingest.apply(Target(tenant_id, project_id), alert(service="   "), "delivery-blank")

    incident = response_incident(tenant_id, group_of(tenant_id, project_id, "fp-1").response_incident_id)
    assert incident is not None and incident.tags == ()
    [event] = ResponseRepository().list_events(tenant_id, incident.id, 10, None).items
    assert event.source == "alertmanager"


def test_one_delivery_routed_to_two_projects_of_a_tenant_opens_an_incident_in_each(
        ingest: Any, project: tuple[str, str]) -> None:
    from opsdesk.alerts.ingest import Target
    from opsdesk.copilot.records import Member, Project, Role
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.response.repository import ResponseRepository

    # Given a second project in the tenant (a CloudWatch alarm routes to every project watching its account)
    tenant_id, first = project
    second, now = str(uuid.uuid4()), datetime.now(UTC)
    repository = CopilotRepository()
    [owner] = repository.list_members(tenant_id, first)
    user = repository.get_user(tenant_id, owner.user_id)
    assert user is not None
    repository.create_project(Project(second, tenant_id, "Staging", "", now, now),
                              Member(second, user.id, user.email, "Owner", Role.OWNER, now), user)
    firing = alert()

    # When one delivery of an alert reaches both
    outcomes = [ingest.apply(Target(tenant_id, p, integration_id=f"int-{p[:8]}"), firing, "delivery-both")
                for p in (first, second)]

    # Then each project has its own incident, and so has the response module, with the alert as its event
    assert outcomes == [Outcome.OPEN, Outcome.OPEN]
    opened = [copilot_incidents(tenant_id, p) for p in (first, second)]
    assert [len(incidents) for incidents in opened] == [1, 1]
    assert opened[0][0].id != opened[1][0].id
    for p in (first, second):
        response = response_incident(tenant_id, group_of(tenant_id, p, "fp-1").response_incident_id)
        assert response is not None
        assert len(ResponseRepository().list_events(tenant_id, response.id, 10, None).items) == 1


def test_an_alarm_reaches_every_project_routing_its_account_and_region_past_a_page_of_routes(local_aws: Any) -> None:
    from opsdesk.alerts.routes import RouteRepository, route_entries, route_item

    routes = RouteRepository(cache_seconds=0)  # binds the table
    # Given 150 projects of a tenant whose cloudwatch integrations watch one account and region
    tenant_id = str(uuid.uuid4())
    projects = [(tenant_id, str(uuid.uuid4())) for _ in range(150)]
    config = {"account_id": "210987654321", "region": "eu-west-1"}
    for tenant_id, project_id in projects:
        for entry in route_entries(tenant_id, project_id, f"int-{project_id[:8]}", "cloudwatch", config=config,
                                   enabled=True, verified_account=config["account_id"]):
            route_item(entry).save()
    alarm = replace(alert(), source="cloudwatch", route={"account": "210987654321", "region": "eu-west-1"})

    # When the alert path looks up where the alarm goes, it names every one of them
    targets = routes.targets(alarm)
    assert sorted((t.tenant_id, t.project_id) for t in targets) == sorted(projects)
