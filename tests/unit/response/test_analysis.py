"""An incident's AI analysis (opsdesk.response.analysis) and the service that runs it (opsdesk.response.analyst) on
the in-memory store: the summary, the root-cause threshold, suggested steps from opsdesk.analysis.remediation, the
failing service and detection time read from the events, waiting for a burst to end, and actions added once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from opsdesk.ai.usage import TokenUsage
from opsdesk.analysis.evidence import EvidenceBundle, Hypothesis
from opsdesk.analysis.providers import OfflineHypothesisProvider
from opsdesk.analysis.remediation import REMEDIATION
from opsdesk.auth import Principal
from opsdesk.pagination import CursorRequest
from opsdesk.response.analysis import (
    INGEST_LEASE_SECONDS,
    ROOT_CAUSE_CONFIDENCE,
    analyse,
    detected_at,
    evidence_for,
    failing_service,
    last_activity_at,
    suggested_steps,
    summary_of,
    wait_for_quiet,
)
from opsdesk.response.analyst import AnalysisService
from opsdesk.response.records import ActionStatus, EntryType, Event, Incident, IngestActivity, Level, Status
from opsdesk.response.requests import AddActionRequest, CreateIncidentRequest, parse_batch
from opsdesk.response.service import ResponseService
from tests.unit.fakes import FakeClock
from tests.unit.response_fakes import FakeResponseStore

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
POOL_LINE = "HikariPool-1 - Connection is not available, request timed out after 30000ms"


def incident(**fields: Any) -> Incident:
    made = {"id": "inc-1", "tenant_id": "t1", "title": "Checkout errors", "description": "Users see 502s",
            "status": Status.OPEN, "severity": "high", "source": "datadog", "tags": ("checkout",), "metadata": {},
            "created_at": T0, "updated_at": T0, **fields}
    return Incident(**made)


def event(minute: float, level: Level = "error", source: str = "checkout-7d9f8b6c5d-x2k4q",
          message: str = POOL_LINE, **fields: Any) -> Event:
    made = {"id": f"ev-{minute}-{source}", "incident_id": "inc-1", "event_type": "log", "message": message,
            "level": level, "source": source, "metadata": {}, "timestamp": T0 + timedelta(minutes=minute), **fields}
    return Event(**made)


def hypothesis(cause: str, confidence: float, rank: int = 1, supporting: tuple[str, ...] = (),
               contradicting: tuple[str, ...] = ()) -> Hypothesis:
    return Hypothesis(cause=cause, claim=f"claim of {cause}", description="because", confidence_score=confidence,
                      confidence_lower=confidence / 2, confidence_upper=min(1.0, confidence * 1.5), rank=rank,
                      supporting_evidence=supporting, contradicting_evidence=contradicting)


class Scripted:
    """A provider that answers the hypotheses it was given, and keeps the evidence it was asked about."""

    model_id = "scripted"

    def __init__(self, *hypotheses: Hypothesis) -> None:
        self.hypotheses = hypotheses
        self.bundles: list[EvidenceBundle] = []

    def generate(self, bundle: EvidenceBundle, *, feedback: Mapping[str, float] | None = None) -> Any:
        from opsdesk.analysis.providers import HypothesisResult

        self.bundles.append(bundle)
        return HypothesisResult(self.hypotheses, self.model_id, TokenUsage())


# The summary


def test_the_summary_names_the_counts_the_top_cause_its_evidence_and_the_runners_up() -> None:
    events = [event(0), event(4, source="checkout-7d9f8b6c5d-abcde"), event(10, "warning", "prometheus")]
    hypotheses = [hypothesis("connection_pool_exhaustion", 0.77, 1, ("a", "b", "c", "d"), ("x", "y", "z")),
                  hypothesis("bad_deploy", 0.2, 2), hypothesis("config_change", 0.1, 3),
                  hypothesis("disk_full", 0.05, 4)]

    assert summary_of(incident(), events, hypotheses) == (
        "3 events from 3 sources over 10 minutes (2 at error level or worse). "
        "Most likely connection pool exhaustion (77% confident): claim of connection_pool_exhaustion. "
        "Evidence: a; b; c. Against it: x; y. "
        "Also considered: a bad deployment (20%), a configuration change (10%).")


def test_the_summary_counts_in_the_singular_and_without_events() -> None:
    assert summary_of(incident(), [event(0, "info", "api")], [hypothesis("unknown_cause", 0.5)]) == (
        "1 event from 1 source over 1 minute (0 at error level or worse). "
        "Most likely unknown_cause (50% confident): claim of unknown_cause.")
    assert summary_of(incident(), [], []) == (
        "No events yet; this reads the incident's own description. The evidence points to no known cause yet; "
        "add logs, metrics or alerts to the incident.")


def test_the_offline_engine_names_the_pool_from_its_log_lines() -> None:
    events = [event(n, source=f"checkout-7d9f8b6c5d-x2k4{n}", message=f"{POOL_LINE[:-7]}{30000 + n}ms")
              for n in range(3)]
    events.append(event(4, "warning", "prometheus", "db connections at 100/100", event_type="metric"))

    result = analyse(incident(), events, OfflineHypothesisProvider())

    assert result.analysis.cause == "connection_pool_exhaustion" == result.hypotheses[0].cause
    assert result.analysis.ai_summary.startswith("4 events from 4 sources over 4 minutes (3 at error level or worse)."
                                                 " Most likely connection pool exhaustion (")
    assert result.analysis.root_cause == result.hypotheses[0].claim and "checkout" in result.analysis.root_cause
    assert result.analysis.events_read == 4 and result.analysis.model_id == OfflineHypothesisProvider().model_id


# The root cause and the suggested steps


@pytest.mark.parametrize(("confidence", "named"), [(ROOT_CAUSE_CONFIDENCE - 0.01, False),
                                                   (ROOT_CAUSE_CONFIDENCE, True), (0.9, True)])
def test_a_root_cause_is_named_only_from_the_confidence_threshold(confidence: float, named: bool) -> None:
    result = analyse(incident(), [event(0)], Scripted(hypothesis("bad_deploy", confidence)))

    assert result.analysis.root_cause == ("claim of bad_deploy" if named else None)
    assert (result.analysis.cause, result.analysis.confidence) == ("bad_deploy", confidence)
    lead = "Most likely a bad deployment" if named else "Possibly, with weak evidence, a bad deployment"
    assert lead in result.analysis.ai_summary
    assert result.analysis.suggested_actions  # weak evidence still suggests where to look


def test_no_hypothesis_names_no_cause_and_suggests_nothing() -> None:
    result = analyse(incident(), [event(0)], Scripted())

    assert (result.analysis.root_cause, result.analysis.cause, result.analysis.confidence) == (None, None, 0.0)
    assert result.steps == () and result.analysis.suggested_actions == ()


def test_steps_are_the_top_causes_remedies_then_a_close_runner_ups_first_with_priorities_1_to_n() -> None:
    steps = suggested_steps([hypothesis("bad_deploy", 0.6), hypothesis("config_change", 0.3, 2),
                             hypothesis("disk_full", 0.29, 3)])

    assert [(s.title, s.description) for s in steps] == [*REMEDIATION["bad_deploy"], REMEDIATION["config_change"][0]]
    assert [s.priority for s in steps] == [1, 2, 3, 4]


def test_a_distant_runner_up_adds_no_step() -> None:
    steps = suggested_steps([hypothesis("bad_deploy", 0.6), hypothesis("config_change", 0.29, 2)])

    assert [(s.title, s.description) for s in steps] == list(REMEDIATION["bad_deploy"])
    assert [s.priority for s in steps] == [1, 2, 3]


def test_a_cause_without_remedies_suggests_none_of_its_own() -> None:
    steps = suggested_steps([hypothesis("unknown_cause", 0.5), hypothesis("disk_full", 0.4, 2)])

    assert [(s.title, s.priority) for s in steps] == [(REMEDIATION["disk_full"][0][0], 1)]


def test_the_analysis_suggests_the_steps_titles_in_order() -> None:
    result = analyse(incident(), [event(0)], Scripted(hypothesis("disk_full", 0.8)))

    assert result.analysis.suggested_actions == tuple(title for title, _ in REMEDIATION["disk_full"])
    assert [s.priority for s in result.steps] == [1, 2, 3]


# What the analysis reads from the events


def test_the_failing_service_is_where_most_errors_come_from_without_pod_suffixes() -> None:
    events = [event(0, source="checkout-7d9f8b6c5d-x2k4q"), event(1, source="checkout-7d9f8b6c5d-9wz7p"),
              event(2, source="Checkout-2"), event(3, source="payments-api-5f6d7c8b9a-abcde"),
              *(event(4 + n, "info", "gateway") for n in range(10)),
              event(20, source="oncall-bot", event_type="user_action"),
              event(21, source="oncall-bot", event_type="user_action")]

    assert failing_service(incident(), events) == "checkout"


@pytest.mark.parametrize(("sources", "expected"), [
    (["gateway-5f6d7c8b9a", "gateway-5f6d7c8b9a", "api"], "gateway"),
    (["orders-0", "orders-1", "api"], "orders"),
    (["Inventory-Worker-7d9f8b6c5d-x2k4q"], "inventory-worker"),
    (["api-v2"], "api-v2"),
])
def test_without_errors_the_most_frequent_source_is_read(sources: list[str], expected: str) -> None:
    assert failing_service(incident(), [event(n, "info", s) for n, s in enumerate(sources)]) == expected


def test_without_sources_the_first_tag_else_the_incident_source_is_the_service() -> None:
    assert failing_service(incident(), [event(0, source="  ")]) == "checkout"
    assert failing_service(incident(tags=()), []) == "datadog"


@pytest.mark.parametrize("service", ["news-feed", "user-face", "web-decade"])
def test_a_service_name_ending_in_hex_letters_is_kept(service: str) -> None:
    assert failing_service(incident(), [event(0, source=service)]) == service


def test_trouble_seen_before_the_incident_was_opened_is_when_it_was_detected() -> None:
    events = [event(-30, "info"), event(-12, "warning"), event(-5, "critical"), event(-20, "error",
                                                                                      event_type="user_action")]

    assert detected_at(incident(), sorted(events, key=lambda e: e.timestamp)) == T0 - timedelta(minutes=12)


@pytest.mark.parametrize("events", [[], [event(-30, "info"), event(-20, "debug")], [event(5, "warning")],
                                    [event(-10, "error", event_type="user_action")]])
def test_without_earlier_trouble_detection_is_the_incidents_creation(events: list[Event]) -> None:
    assert detected_at(incident(), events) == T0


def test_the_evidence_carries_every_event_in_time_order_with_its_plain_metadata() -> None:
    events = [event(3, metadata={"pod": "checkout-1", "code": 503, "trace": {"a": 1}, "retry": True}),
              event(-12, "warning", "prometheus", "p99 latency 2s", event_type="metric")]

    bundle = evidence_for(incident(), events)

    assert (bundle.incident.service_name, bundle.incident.detected_at) == ("checkout", T0 - timedelta(minutes=12))
    assert [(o.id, o.kind, o.at) for o in bundle.observations] == [
        (f"event-{events[1].id}", "metric", events[1].timestamp), (f"event-{events[0].id}", "log", events[0].timestamp)]
    assert bundle.observations[1].details == {"pod": "checkout-1", "code": "503", "retry": "True"}


# Waiting for a burst to end


class Sleeper:
    """A sleep that moves the fake clock, and keeps the pauses asked for."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.pauses: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.clock.advance(seconds=seconds)


def test_without_events_nothing_is_waited_for() -> None:
    clock = FakeClock(T0)
    sleep = Sleeper(clock)

    assert wait_for_quiet(lambda: None, clock, quiet_seconds=10, max_wait_seconds=60, sleep=sleep) == 0
    assert sleep.pauses == []


def test_a_quiet_incident_is_waited_for_until_its_quiet_time_has_passed() -> None:
    clock = FakeClock(T0)
    sleep = Sleeper(clock)
    last = T0 - timedelta(seconds=4)

    assert wait_for_quiet(lambda: last, clock, quiet_seconds=10, max_wait_seconds=60, sleep=sleep) == 6
    assert sleep.pauses == [6] and clock.now == T0 + timedelta(seconds=6)


def test_events_that_keep_arriving_keep_it_waiting_until_the_longest_wait() -> None:
    clock = FakeClock(T0)
    sleep = Sleeper(clock)

    waited = wait_for_quiet(lambda: clock.now - timedelta(seconds=1), clock, quiet_seconds=10, max_wait_seconds=30,
                            sleep=sleep)

    assert waited == 30 and sleep.pauses == [9, 9, 9, 3]


def test_an_event_during_the_wait_starts_the_quiet_time_again() -> None:
    clock = FakeClock(T0)
    sleep = Sleeper(clock)
    arrivals = [T0 - timedelta(seconds=4), T0 + timedelta(seconds=6)]

    def last_event_at() -> datetime:
        return max(a for a in arrivals if a <= clock.now)

    assert wait_for_quiet(last_event_at, clock, quiet_seconds=10, max_wait_seconds=60, sleep=sleep) == 16
    assert sleep.pauses == [6, 10]


def test_a_write_under_way_counts_as_activity_now_until_its_lease_runs_out() -> None:
    written = T0 - timedelta(minutes=5)
    writing = IngestActivity(last_event_at=written, writes_in_flight=1, last_write_began_at=T0 - timedelta(seconds=3))
    leaked = IngestActivity(last_event_at=written, writes_in_flight=1,
                            last_write_began_at=T0 - timedelta(seconds=INGEST_LEASE_SECONDS))

    assert last_activity_at(writing, T0) == T0
    assert last_activity_at(leaked, T0) == written  # its process died: it holds nothing back any more
    assert last_activity_at(IngestActivity(last_event_at=written), T0) == written
    assert last_activity_at(None, T0) is None


def test_no_wait_at_all_when_the_longest_wait_is_zero() -> None:
    clock = FakeClock(T0)
    sleep = Sleeper(clock)

    assert wait_for_quiet(lambda: clock.now, clock, quiet_seconds=10, max_wait_seconds=0, sleep=sleep) == 0
    assert sleep.pauses == []


# The analysis service on the in-memory store


TENANT = "tenant-a"
PAGE = CursorRequest(limit=100)


@dataclass
class World:
    store: FakeResponseStore
    clock: FakeClock
    sleeper: Sleeper
    service: ResponseService
    analyst: AnalysisService
    oncall: Principal


@pytest.fixture
def world() -> World:
    store, clock = FakeResponseStore(), FakeClock(T0)
    sleeper = Sleeper(clock)
    return World(store, clock, sleeper, ResponseService(store, clock=clock),
                 AnalysisService(store, OfflineHypothesisProvider(), quiet_seconds=10, max_wait_seconds=60,
                                 clock=clock, sleep=sleeper),
                 Principal(user_id="u1", tenant_id=TENANT, username="olive", groups=frozenset(), name="Olive Oncall"))


@pytest.fixture
def pool_incident(world: World) -> Incident:
    made = world.service.create_incident(world.oncall, CreateIncidentRequest(title="Checkout errors", severity="high",
                                                                             tags=["checkout"]))
    world.service.ingest(world.oncall, parse_batch([
        {"incident_id": made.id, "event_type": "log", "level": "error", "source": f"checkout-7d9f8b6c5d-x2k4{n}",
         "message": f"HikariPool-1 - Connection is not available, request timed out after {30000 + n}ms"}
        for n in range(5)]))
    return made


def test_an_analysis_waits_for_quiet_then_stores_its_findings_and_new_actions(world: World,
                                                                              pool_incident: Incident) -> None:
    service, oncall, store = world.service, world.oncall, world.store
    assert store.pending  # the ingest requested it

    analysis = world.analyst.run(TENANT, pool_incident.id)

    assert analysis is not None and analysis.cause == "connection_pool_exhaustion" and analysis.events_read == 5
    assert world.sleeper.pauses == [10]  # the burst ended as the ingest answered: one quiet period
    found = service.get_incident(oncall, pool_incident.id)
    assert (found.ai_summary, found.root_cause, found.suggested_actions, found.analysis_count) == (
        analysis.ai_summary, analysis.root_cause, analysis.suggested_actions, 1)
    assert found.updated_at == world.clock.now > pool_incident.updated_at  # the analysis changed the incident
    actions = service.actions(oncall, pool_incident.id, PAGE).items
    assert [(a.title, a.priority, a.suggested_by, a.status) for a in actions] == [
        (title, n, "ai", ActionStatus.PENDING) for n, (title, _) in
        enumerate(REMEDIATION["connection_pool_exhaustion"], start=1)]
    entry = service.timeline(oncall, pool_incident.id, PAGE).items[-1]
    assert (entry.entry_type, entry.actor, entry.description) == (EntryType.AI_ANALYSIS, "ai", analysis.ai_summary)
    assert entry.title == f"AI analysis: connection pool exhaustion ({round(analysis.confidence * 100)}%)"
    assert entry.details == {"model_id": analysis.model_id, "events_read": 5, "cause": "connection_pool_exhaustion"}
    [pushed] = [e for _, e in store.published if e.type == "ai_analysis"]
    assert pushed.stream == f"incident:{pool_incident.id}" and len(pushed.envelope["actions"]) == len(actions)
    assert pushed.data["root_cause"] == analysis.root_cause
    assert store.pending == {}  # events from now on request the next analysis


def test_a_status_change_during_the_analysis_is_kept_and_the_room_hears_the_incident_as_it_is_now(
        world: World, pool_incident: Incident, monkeypatch: pytest.MonkeyPatch) -> None:
    store, service, oncall = world.store, world.service, world.oncall
    save = store.save_analysis
    changed: list[Incident] = []

    def a_person_acts_first(incident: Incident, *args: Any) -> bool:
        if not changed:  # between the analysis's read and its write
            world.clock.advance(seconds=1)
            changed.append(service.change_status(oncall, pool_incident.id, Status.INVESTIGATING))
        return save(incident, *args)

    monkeypatch.setattr(store, "save_analysis", a_person_acts_first)

    analysis = world.analyst.run(TENANT, pool_incident.id)

    found = service.get_incident(oncall, pool_incident.id)
    assert analysis is not None and found.ai_summary == analysis.ai_summary
    assert found.status is Status.INVESTIGATING and found.updated_at >= changed[0].updated_at
    [pushed] = [e for _, e in store.published if e.type == "ai_analysis"]
    assert pushed.data["status"] == Status.INVESTIGATING.value


def test_an_analysis_waits_while_a_batch_is_being_written_however_long_it_takes(world: World,
                                                                                pool_incident: Incident) -> None:
    """The burst's next batch began before the first quiet period ended and is still being written after it: the
    analysis must not run in the middle of the burst."""
    store, clock = world.store, world.clock
    store.begin_ingest(TENANT, [pool_incident.id], clock.now)
    writes_left = [3]

    def slow_sleep(seconds: float) -> None:
        world.sleeper(seconds)
        writes_left[0] -= 1
        if writes_left[0] == 0:
            store.end_ingest(TENANT, [pool_incident.id])

    analyst = AnalysisService(store, OfflineHypothesisProvider(), quiet_seconds=10, max_wait_seconds=600,
                              clock=clock, sleep=slow_sleep)
    assert analyst.run(TENANT, pool_incident.id) is not None
    assert world.sleeper.pauses == [10, 10, 10]  # two while writing, then a quiet period after the write ended


def test_an_analysis_waits_no_longer_than_what_its_invocation_has_left(world: World,
                                                                      pool_incident: Incident) -> None:
    """Records of a stream batch run one after another, each allowed the service's longest wait: the handler gives
    each what the invocation has left, so ten incidents still receiving events cannot outlast its timeout."""
    store, clock = world.store, world.clock
    store.begin_ingest(TENANT, [pool_incident.id], clock.now)  # a write under way: the analysis would wait

    analyst = AnalysisService(store, OfflineHypothesisProvider(), quiet_seconds=10, max_wait_seconds=600,
                              clock=clock, sleep=world.sleeper)
    assert analyst.run(TENANT, pool_incident.id, wait_at_most=25) is not None
    assert sum(world.sleeper.pauses) == 25
    assert analyst.run(TENANT, pool_incident.id, wait_at_most=-3) is None  # nothing new; and no wait at all
    assert sum(world.sleeper.pauses) == 25


def test_a_second_analysis_adds_no_action_the_incident_already_has(world: World, pool_incident: Incident) -> None:
    service, oncall = world.service, world.oncall
    world.analyst.run(TENANT, pool_incident.id)
    first = service.actions(oncall, pool_incident.id, PAGE).items
    service.change_action_status(oncall, pool_incident.id, first[0].id, ActionStatus.COMPLETED)
    world.clock.advance(minutes=5)
    service.ingest(oncall, parse_batch([{"incident_id": pool_incident.id, "event_type": "log", "level": "error",
                                         "message": "HikariPool-1 - Connection is not available"}]))

    analysis = world.analyst.run(TENANT, pool_incident.id)

    assert analysis is not None and analysis.events_read == 6
    titles = [a.title for a in service.actions(oncall, pool_incident.id, PAGE).items]
    assert len(titles) == len(set(titles)) == len(first)
    assert service.get_incident(oncall, pool_incident.id).analysis_count == 2
    assert [e.entry_type for e in service.timeline(oncall, pool_incident.id, PAGE).items].count(
        EntryType.AI_ANALYSIS) == 2


def test_a_second_request_for_events_already_analysed_adds_nothing(world: World, pool_incident: Incident) -> None:
    """An ingest whose events were stored before an analysis read them, but whose request came after that analysis
    started, asks again for the same events: one analysis, one timeline entry."""
    service, oncall = world.service, world.oncall
    assert world.analyst.run(TENANT, pool_incident.id) is not None
    published = len(world.store.published)

    assert world.analyst.run(TENANT, pool_incident.id) is None

    assert service.get_incident(oncall, pool_incident.id).analysis_count == 1
    assert [e.entry_type for e in service.timeline(oncall, pool_incident.id, PAGE).items].count(
        EntryType.AI_ANALYSIS) == 1
    assert len(world.store.published) == published


def test_an_action_a_person_added_is_not_suggested_again_whatever_its_case(world: World,
                                                                          pool_incident: Incident) -> None:
    world.service.add_action(world.oncall, pool_incident.id, AddActionRequest(title="RELIEVE THE CONNECTION POOL"))

    world.analyst.run(TENANT, pool_incident.id)

    titles = [a.title.lower() for a in world.service.actions(world.oncall, pool_incident.id, PAGE).items]
    assert titles.count("relieve the connection pool") == 1 and len(titles) == 3


def test_an_action_a_person_added_after_two_hundred_others_is_not_suggested_again(world: World,
                                                                                  pool_incident: Incident) -> None:
    # The first page of actions the analysis reads holds 200: the 201st is found by its title
    for n in range(200):
        world.service.add_action(world.oncall, pool_incident.id, AddActionRequest(title=f"check {n}"))
    world.service.add_action(world.oncall, pool_incident.id, AddActionRequest(title="Relieve the connection pool"))

    world.analyst.run(TENANT, pool_incident.id)

    titles = [a.title.lower() for a in world.store.action_items[TENANT, pool_incident.id].values()]
    assert titles.count("relieve the connection pool") == 1


def test_an_analysis_of_a_gone_incident_returns_none_and_stores_nothing(world: World) -> None:
    assert world.analyst.run(TENANT, "gone-incident") is None
    assert world.sleeper.pauses == [] and world.store.metrics()["analyses"] == 0 and world.store.published == []
