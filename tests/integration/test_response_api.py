"""The response module's handlers on moto: incidents and their statuses, ingest, timeline, actions, analysis, health
and metrics, as seeds/incident-response-api.md describes them, each tenant seeing only its own."""

from __future__ import annotations

import threading
import uuid
from types import ModuleType
from typing import Any

import pytest

from tests.integration.events import Caller, LambdaContext, in_process_event

BASE = "/response"
INCIDENT_FIELDS = {"id", "title", "description", "status", "severity", "source", "tags", "metadata", "created_at",
                   "updated_at", "resolved_at", "ai_summary", "root_cause", "suggested_actions", "mttr_minutes"}
EVENT_FIELDS = {"id", "incident_id", "event_type", "message", "level", "source", "metadata", "timestamp"}
ACTION_FIELDS = {"id", "incident_id", "title", "description", "status", "suggested_by", "priority", "created_at"}
ENTRY_FIELDS = {"id", "incident_id", "entry_type", "title", "description", "actor", "timestamp"}


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> list[ModuleType]:
    from functions.response_health import handler as health
    from functions.response_incidents import handler as incidents
    from functions.response_ingest import handler as ingest

    return [incidents, ingest, health]


@pytest.fixture
def oncall(handlers: list[ModuleType]) -> Caller:
    return Caller(str(uuid.uuid4()), handlers, user_id=f"user-{uuid.uuid4().hex[:8]}", base=BASE)


@pytest.fixture
def outsider(handlers: list[ModuleType]) -> Caller:
    return Caller(str(uuid.uuid4()), handlers, base=BASE)


def open_incident(caller: Caller, **fields: Any) -> dict[str, Any]:
    body = {"title": "Database connection timeout", "description": "Users experiencing 502 errors",
            "severity": "high", "source": "datadog", "tags": ["database", "postgres"], "metadata": {}, **fields}
    reply = caller.post("/api/incidents/", body)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def test_an_incident_is_created_open_with_every_documented_field(oncall: Caller) -> None:
    incident = open_incident(oncall)
    assert set(incident) == INCIDENT_FIELDS
    assert incident["status"] == "open" and incident["resolved_at"] is None and incident["mttr_minutes"] is None
    assert incident["suggested_actions"] == [] and incident["tags"] == ["database", "postgres"]
    assert oncall.get(f"/api/incidents/{incident['id']}").body == incident


def test_lists_answer_with_and_without_the_trailing_slash_and_filter_by_status(oncall: Caller) -> None:
    first, second = open_incident(oncall, title="one"), open_incident(oncall, title="two")
    oncall.call("PATCH", f"{BASE}/api/incidents/{first['id']}/status?status=investigating")
    everything = oncall.get("/api/incidents/?limit=50")
    assert [i["id"] for i in everything.body] == [second["id"], first["id"]]
    assert oncall.get("/api/incidents").body == everything.body
    assert [i["id"] for i in oncall.get("/api/incidents/?status=investigating").body] == [first["id"]]
    assert [i["id"] for i in oncall.get("/api/incidents/?status=open").body] == [second["id"]]


def test_a_list_pages_with_the_cursor_of_its_header(oncall: Caller) -> None:
    made = [open_incident(oncall, title=f"incident {n}")["id"] for n in range(5)]
    seen: list[str] = []
    reply = oncall.get("/api/incidents/?limit=2")
    while True:
        seen += [i["id"] for i in reply.body]
        cursor = reply.headers.get("X-Next-Cursor")
        if not cursor:
            break
        reply = oncall.get(f"/api/incidents/?limit=2&cursor={cursor}")
    assert seen == made[::-1]


def test_resolving_sets_resolved_at_and_mttr_and_reopening_clears_them(oncall: Caller) -> None:
    incident = open_incident(oncall)
    path = f"{BASE}/api/incidents/{incident['id']}/status"
    assert oncall.call("PATCH", f"{path}?status=investigating").body["status"] == "investigating"
    resolved = oncall.call("PATCH", f"{path}?status=resolved").body
    assert resolved["resolved_at"] is not None and resolved["mttr_minutes"] is not None
    reopened = oncall.call("PATCH", f"{path}?status=open").body
    assert reopened["status"] == "open" and reopened["resolved_at"] is None and reopened["mttr_minutes"] is None


def test_a_move_the_table_forbids_is_a_409_and_an_unknown_status_a_422(oncall: Caller) -> None:
    incident = open_incident(oncall)
    path = f"{BASE}/api/incidents/{incident['id']}/status"
    assert oncall.call("PATCH", f"{path}?status=closed").status == 200
    refused = oncall.call("PATCH", f"{path}?status=monitoring")
    assert refused.status == 409 and "closed" in refused.body["detail"]
    unknown = oncall.call("PATCH", f"{path}?status=done")
    assert unknown.status == 422
    assert unknown.body["detail"][0]["loc"] == ["query", "status"]
    assert oncall.call("PATCH", path).status == 422


def test_two_concurrent_status_changes_cannot_both_win(oncall: Caller) -> None:
    incident = open_incident(oncall)
    path = f"{BASE}/api/incidents/{incident['id']}/status"
    answers: list[int] = []
    threads = [threading.Thread(target=lambda s=s: answers.append(oncall.call("PATCH", f"{path}?status={s}").status))
               for s in ("investigating", "identified", "monitoring", "closed") * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers) <= {200, 409} and 409 in answers
    changes = [e for e in oncall.get(f"/api/incidents/{incident['id']}/timeline").body
               if e["entry_type"] == "status_change"]
    # Every change that won starts from the status the one before it left: no two changes moved from one status.
    moves = [e["description"].split(" ")[::2][:2] for e in changes]
    assert [before for before, _ in moves] == ["open", *(after for _, after in moves[:-1])]
    assert oncall.get(f"/api/incidents/{incident['id']}").body["status"] == moves[-1][1]


def test_the_timeline_names_who_did_what_in_time_order(oncall: Caller) -> None:
    incident = open_incident(oncall)
    oncall.call("PATCH", f"{BASE}/api/incidents/{incident['id']}/status?status=investigating")
    entries = oncall.get(f"/api/incidents/{incident['id']}/timeline").body
    assert [e["entry_type"] for e in entries] == ["system_event", "status_change"]
    assert all(set(e) == ENTRY_FIELDS for e in entries)
    assert all(e["actor"] == f"{oncall.user_id}@example.test" for e in entries)  # the token's user name
    assert entries[0]["timestamp"] <= entries[1]["timestamp"]


def test_one_event_is_ingested_and_listed(oncall: Caller) -> None:
    incident = open_incident(oncall)
    reply = oncall.post("/api/ingest/events", {
        "incident_id": incident["id"], "event_type": "log", "message": "PostgreSQL connection pool exhausted",
        "level": "error", "source": "api-server-01", "metadata": {}})
    assert reply.status == 201, reply.body
    assert set(reply.body) == EVENT_FIELDS
    assert oncall.get(f"/api/ingest/events/{incident['id']}?limit=100").body == [reply.body]


def test_a_batch_with_bad_events_names_each_and_stores_nothing(oncall: Caller) -> None:
    incident = open_incident(oncall)
    good = {"incident_id": incident["id"], "event_type": "log", "message": "ok"}
    reply = oncall.post("/api/ingest/events/batch", [good, {**good, "level": "loud"}, {**good, "message": ""},
                                                     {"incident_id": incident["id"]}])
    assert reply.status == 422
    located = {tuple(d["loc"]) for d in reply.body["detail"]}
    assert ("body", 1, "level") in located and ("body", 2, "message") in located
    assert ("body", 3, "event_type") in located
    assert oncall.get(f"/api/ingest/events/{incident['id']}").body == []


def test_a_batch_naming_an_unknown_incident_is_refused_whole(oncall: Caller, outsider: Caller) -> None:
    mine, theirs = open_incident(oncall), open_incident(outsider)
    reply = oncall.post("/api/ingest/events/batch", [
        {"incident_id": mine["id"], "event_type": "log", "message": "a"},
        {"incident_id": theirs["id"], "event_type": "log", "message": "b"}])
    assert (reply.status, reply.body) == (404, {"detail": "Incident not found: [1].incident_id"})
    assert oncall.get(f"/api/ingest/events/{mine['id']}").body == []
    single = oncall.post("/api/ingest/events", {"incident_id": theirs["id"], "event_type": "log", "message": "x"})
    assert single.status == 404


def test_a_retried_batch_with_its_idempotency_key_stores_nothing_twice(oncall: Caller) -> None:
    incident = open_incident(oncall)
    batch = [{"incident_id": incident["id"], "event_type": "metric", "message": f"cpu {n}%", "level": "warning"}
             for n in range(30)]
    headers = {"Idempotency-Key": f"batch-{uuid.uuid4()}"}
    first = oncall.call("POST", f"{BASE}/api/ingest/events/batch", batch, headers=headers)
    again = oncall.call("POST", f"{BASE}/api/ingest/events/batch", batch, headers=headers)
    assert first.status == again.status == 201 and first.body == again.body
    assert len(oncall.get(f"/api/ingest/events/{incident['id']}?limit=1000").body) == 30
    other = oncall.call("POST", f"{BASE}/api/ingest/events/batch", batch[:3], headers=headers)
    assert other.status == 422 and other.body["detail"][0]["loc"] == ["header", "Idempotency-Key"]


def test_a_retried_incident_create_with_its_idempotency_key_opens_one_incident(oncall: Caller) -> None:
    body = {"title": f"Checkout 5xx {uuid.uuid4().hex[:6]}", "severity": "high", "tags": ["checkout"],
            "metadata": {"region": "eu-west-1", "pods": [1, 2]}}
    headers = {"Idempotency-Key": f"open-{uuid.uuid4()}"}

    first = oncall.call("POST", f"{BASE}/api/incidents/", body, headers=headers)
    again = oncall.call("POST", f"{BASE}/api/incidents/", body, headers=headers)
    other = oncall.call("POST", f"{BASE}/api/incidents/", {**body, "severity": "low"}, headers=headers)
    without = [oncall.call("POST", f"{BASE}/api/incidents/", body) for _ in range(2)]

    assert first.status == again.status == 201 and first.body == again.body
    assert other.status == 422 and other.body["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert [r.status for r in without] == [201, 201] and without[0].body["id"] != without[1].body["id"]
    for bad_key in ("k" * 300, "clé-é", "tab\there"):
        refused = oncall.call("POST", f"{BASE}/api/incidents/", body, headers={"Idempotency-Key": bad_key})
        assert refused.status == 422 and refused.body["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    listed = [i for i in oncall.get("/api/incidents/?limit=200").body if i["title"] == body["title"]]
    assert len(listed) == 3  # a refused key opened nothing
    opened = [e for e in oncall.get(f"/api/incidents/{first.body['id']}/timeline").body
              if e["entry_type"] == "system_event"]
    assert len(opened) == 1


def test_a_large_batch_with_an_idempotency_key_is_stored_and_replayed(oncall: Caller) -> None:
    # 450 events of 1 KB: their whole JSON would not fit one DynamoDB item (400 KB), which the key's record was
    incident = open_incident(oncall)
    batch = [{"incident_id": incident["id"], "event_type": "log", "message": f"{n:04d} " + "x" * 1_000}
             for n in range(450)]
    headers = {"Idempotency-Key": f"large-{uuid.uuid4()}"}

    first = oncall.call("POST", f"{BASE}/api/ingest/events/batch", batch, headers=headers)
    again = oncall.call("POST", f"{BASE}/api/ingest/events/batch", batch, headers=headers)

    assert first.status == again.status == 201 and first.body == again.body
    assert len(first.body) == 450 and [e["message"][:4] for e in again.body] == [f"{n:04d}" for n in range(450)]
    stored = oncall.get(f"/api/ingest/events/{incident['id']}?limit=1000").body
    assert sorted(e["id"] for e in stored) == sorted(e["id"] for e in first.body)


def test_events_list_in_time_order_with_a_limit_and_a_cursor(oncall: Caller) -> None:
    incident = open_incident(oncall)
    times = ["2026-03-02T14:05:00Z", "2026-03-02T14:01:00Z", "2026-03-02T14:03:00Z"]
    oncall.post("/api/ingest/events/batch", [{"incident_id": incident["id"], "event_type": "log", "message": t,
                                              "timestamp": t} for t in times])
    first = oncall.get(f"/api/ingest/events/{incident['id']}?limit=2")
    rest = oncall.get(f"/api/ingest/events/{incident['id']}?limit=2&cursor={first.headers['X-Next-Cursor']}")
    assert [e["message"] for e in first.body + rest.body] == sorted(times)


def test_another_tenants_incident_is_a_404_on_every_route(oncall: Caller, outsider: Caller) -> None:
    incident = open_incident(oncall)
    iid = incident["id"]
    for method, path in (("GET", f"/api/incidents/{iid}"), ("PATCH", f"/api/incidents/{iid}/status?status=closed"),
                         ("GET", f"/api/incidents/{iid}/timeline"), ("GET", f"/api/incidents/{iid}/actions"),
                         ("GET", f"/api/ingest/events/{iid}")):
        reply = outsider.call(method, BASE + path)
        assert reply.status == 404 and reply.body == {"detail": "Incident not found"}, path
    assert outsider.get("/api/incidents/").body == []


def test_people_add_actions_and_move_them_through_their_statuses(oncall: Caller) -> None:
    incident = open_incident(oncall)
    made = oncall.post(f"/api/incidents/{incident['id']}/actions", {"title": "Restart the pool", "priority": 1})
    assert made.status == 201 and set(made.body) == ACTION_FIELDS and made.body["status"] == "pending"
    path = f"{BASE}/api/incidents/{incident['id']}/actions/{made.body['id']}/status"
    assert oncall.call("PATCH", f"{path}?status=in_progress").body["status"] == "in_progress"
    assert oncall.call("PATCH", f"{path}?status=completed").body["status"] == "completed"
    assert oncall.call("PATCH", f"{path}?status=pending").status == 409
    kinds = [e["entry_type"] for e in oncall.get(f"/api/incidents/{incident['id']}/timeline").body]
    assert kinds.count("user_action") == 3


def test_an_analysis_sets_summary_root_cause_and_ai_actions(oncall: Caller, local_aws: Any) -> None:
    from opsdesk.analysis.providers import OfflineHypothesisProvider
    from opsdesk.eventlog import EventLog
    from opsdesk.response.analyst import AnalysisService
    from opsdesk.response.repository import ResponseRepository

    incident = open_incident(oncall, title="Checkout errors", description="")
    oncall.post("/api/ingest/events/batch", [
        {"incident_id": incident["id"], "event_type": "log", "level": "error", "source": "checkout-7f9c",
         "message": "HikariPool-1 - Connection is not available, request timed out after 30000ms"},
        {"incident_id": incident["id"], "event_type": "metric", "level": "critical", "source": "checkout-db",
         "message": "db.pool.active at max (100/100)", "metadata": {"metric": "db.pool.active", "value": 100}},
    ])
    analyst = AnalysisService(ResponseRepository(EventLog()), OfflineHypothesisProvider(), quiet_seconds=0,
                              max_wait_seconds=0)  # as response_analysis builds it: the analysis is announced
    analysis = analyst.run(oncall.tenant_id, incident["id"])
    assert analysis is not None and analysis.cause == "connection_pool_exhaustion"
    analysed = oncall.get(f"/api/incidents/{incident['id']}").body
    assert analysed["ai_summary"] and analysed["root_cause"] and analysed["suggested_actions"]
    actions = oncall.get(f"/api/incidents/{incident['id']}/actions").body
    assert [a["suggested_by"] for a in actions] == ["ai"] * len(actions)
    assert [a["priority"] for a in actions] == list(range(1, len(actions) + 1))
    assert [a["title"] for a in actions] == analysed["suggested_actions"]
    assert analyst.run(oncall.tenant_id, incident["id"]) is None  # the same events again: nothing to add
    oncall.post("/api/ingest/events/batch", [
        {"incident_id": incident["id"], "event_type": "log", "level": "error", "source": "checkout-7f9c",
         "message": "HikariPool-1 - Connection is not available, request timed out after 30000ms"}])
    again = analyst.run(oncall.tenant_id, incident["id"])
    assert again is not None
    assert len(oncall.get(f"/api/incidents/{incident['id']}/actions").body) == len(actions)
    entries = oncall.get(f"/api/incidents/{incident['id']}/timeline").body
    assert [e["actor"] for e in entries if e["entry_type"] == "ai_analysis"] == ["ai", "ai"]


def test_health_answers_healthy_and_metrics_name_no_tenant(oncall: Caller) -> None:
    incident = open_incident(oncall, severity="critical")
    health = oncall.call("GET", f"{BASE}/health", anonymous=True)
    assert health.status == 200 and health.body == {"status": "healthy"}
    from functions.response_health import handler

    _, event = in_process_event("GET", f"{BASE}/metrics", claims=None)
    result = handler.lambda_handler(event, LambdaContext("test", "us-east-1"))
    assert result["statusCode"] == 200
    text = result["body"]
    assert 'opsdesk_response_incidents_created_total{severity="critical"}' in text
    assert "opsdesk_response_mttr_minutes_bucket{le=\"+Inf\"}" in text
    assert oncall.tenant_id not in text and incident["id"] not in text


def test_an_ingest_through_the_handler_publishes_the_rooms_events_message(oncall: Caller) -> None:
    from opsdesk.eventlog import EventLog

    incident = open_incident(oncall, title="Room probe")
    stored = oncall.post("/api/ingest/events/batch", [
        {"incident_id": incident["id"], "event_type": "log", "level": "error", "source": "api", "message": "m"}]).body

    room = EventLog().read_after(oncall.tenant_id, f"incident:{incident['id']}", 0)

    [message] = [e for e in room if e.type == "events"]
    assert message.data == {"incident_id": incident["id"], "count": 1, "events": stored}
