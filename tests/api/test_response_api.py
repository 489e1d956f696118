"""The response module on the local stack over HTTP and WebSocket, as a client of seeds/incident-response-api.md
would use it under `/response`: incidents and their statuses, event ingest (batches, idempotent retries), the
timeline, actions, another tenant's 404, the debounced AI analysis of a burst, incident rooms, health and metrics."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import websockets
from websockets.exceptions import InvalidStatus

from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")
DELIVERY_TIMEOUT = 15.0  # far above the expected delivery time: only a lost message fails
ANALYSIS_TIMEOUT = 20.0
SETTLE_SECONDS = 5.0  # after the analysis: long enough for a second (wrong) one to show
ALICE, BOB, CAROL = "alice@acme.test", "bob@acme.test", "carol@globex.test"

INCIDENT_FIELDS = {"id", "title", "description", "status", "severity", "source", "tags", "metadata", "created_at",
                   "updated_at", "resolved_at", "ai_summary", "root_cause", "suggested_actions", "mttr_minutes"}
EVENT_FIELDS = {"id", "incident_id", "event_type", "message", "level", "source", "metadata", "timestamp"}
ACTION_FIELDS = {"id", "incident_id", "title", "description", "status", "suggested_by", "priority", "created_at"}
ENTRY_FIELDS = {"id", "incident_id", "entry_type", "title", "description", "actor", "timestamp"}
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
POOL_LINES = (
    ("log", "error", "orders-api-5d8f9", "HikariPool-1 - Connection is not available, request timed out after 30000ms"),
    ("log", "error", "orders-api-5d8f9", "FATAL: remaining connection slots are reserved"),
    ("metric", "critical", "orders-db", "db.pool.active 100/100 (max)"),
    ("alert", "warning", "datadog", "p99 latency above 2s on orders-api"),
)

_tokens: dict[tuple[str, str], str] = {}


# Helpers (tests/api/test_response_bad_input.py uses them too)

def base(stack: RunningStack) -> str:
    return str(stack.info["modules"]["response"])


def id_token(stack: RunningStack, username: str) -> str:
    """A Cognito ID token of the demo user (they live an hour: one sign-in per user and stack)."""
    key = (str(stack.info["base_url"]), username)
    if key not in _tokens:
        _tokens[key] = stack.sign_in(username)["id"]
    return _tokens[key]


def auth(stack: RunningStack, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {id_token(stack, username)}"}


def room_url(stack: RunningStack, incident_id: str, username: str) -> str:
    root = str(stack.info["websocket"]).removesuffix("/ws")
    return f"{root}/response/ws/incidents/{incident_id}?token={id_token(stack, username)}"


def new_incident(stack: RunningStack, username: str = ALICE, **fields: Any) -> dict[str, Any]:
    body = {"title": f"Orders API 502s {uuid.uuid4().hex[:6]}", **fields}
    reply = requests.post(f"{base(stack)}/api/incidents/", json=body, headers=auth(stack, username), timeout=10)
    assert reply.status_code == 201, reply.text
    return reply.json()  # type: ignore[no-any-return]


def event(incident_id: str, message: str = "HikariPool-1 - Connection is not available",
          **fields: Any) -> dict[str, Any]:
    return {"incident_id": incident_id, "event_type": "log", "message": message, **fields}


def get(stack: RunningStack, path: str, username: str = ALICE, **params: Any) -> requests.Response:
    return requests.get(f"{base(stack)}{path}", params=params, headers=auth(stack, username), timeout=10)


def listed(stack: RunningStack, path: str, username: str = ALICE, **params: Any) -> list[dict[str, Any]]:
    reply = get(stack, path, username, **params)
    assert reply.status_code == 200, reply.text
    assert isinstance(reply.json(), list)
    return reply.json()  # type: ignore[no-any-return]


def pages(stack: RunningStack, path: str, username: str = ALICE, **params: Any) -> Iterator[list[dict[str, Any]]]:
    """Every page of a list, following X-Next-Cursor (a bounded walk: a cursor that loops fails the test)."""
    cursor: str | None = None
    for _ in range(200):
        reply = get(stack, path, username, **params, **({"cursor": cursor} if cursor else {}))
        assert reply.status_code == 200, reply.text
        yield reply.json()
        cursor = reply.headers.get("X-Next-Cursor")
        if not cursor:
            return
    pytest.fail(f"{path} never ended its pages")


def timeline(stack: RunningStack, incident_id: str, username: str = ALICE) -> list[dict[str, Any]]:
    return listed(stack, f"/api/incidents/{incident_id}/timeline", username)


def events_of(stack: RunningStack, incident_id: str, username: str = ALICE) -> list[dict[str, Any]]:
    return [e for page in pages(stack, f"/api/ingest/events/{incident_id}", username, limit=1000) for e in page]


def analysed(stack: RunningStack, incident_id: str) -> None:
    """Wait for the analysis that events start (it adds actions and a timeline entry of its own)."""
    deadline = time.monotonic() + ANALYSIS_TIMEOUT
    while not any(e["entry_type"] == "ai_analysis" for e in timeline(stack, incident_id)):
        assert time.monotonic() < deadline, "the events were never analysed"
        time.sleep(0.5)


def patch_status(stack: RunningStack, incident_id: str, status: str, username: str = ALICE) -> requests.Response:
    return requests.patch(f"{base(stack)}/api/incidents/{incident_id}/status", params={"status": status},
                          headers=auth(stack, username), timeout=10)


def ingest(stack: RunningStack, body: Any, username: str = ALICE, *, batch: bool = True,
           key: str | None = None) -> requests.Response:
    headers = auth(stack, username) | ({"Idempotency-Key": key} if key else {})
    path = "/api/ingest/events/batch" if batch else "/api/ingest/events"
    return requests.post(f"{base(stack)}{path}", json=body, headers=headers, timeout=30)


def validation_locs(reply: requests.Response) -> list[list[Any]]:
    """The `loc` of each error of a FastAPI-style 422."""
    assert reply.status_code == 422, reply.text
    detail = reply.json()["detail"]
    assert isinstance(detail, list) and detail, detail
    for error in detail:
        assert set(error) == {"loc", "msg", "type"} and isinstance(error["msg"], str), error
    return [error["loc"] for error in detail]


def metric(text: str, name: str) -> float:
    """One sample of Prometheus text: `name` with its labels exactly as written, e.g. `x{status="open"}`."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in the metrics"
    return float(match.group(1))


async def receive_type(ws: Any, kind: str, timeout: float = DELIVERY_TIMEOUT) -> dict[str, Any]:
    """The next message of `kind`, skipping others (an analysis may announce itself in between)."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
        if message.get("type") == kind:
            return message  # type: ignore[no-any-return]


# Incidents

def test_creating_an_incident_answers_201_with_every_documented_field_and_get_and_list_show_it(
        stack: RunningStack) -> None:
    created = new_incident(stack, title="Database connection timeout", description="Users experiencing 502 errors",
                           severity="high", source="datadog", tags=["database", "postgres", "database"],
                           metadata={"region": "eu-west-1", "replicas": 3})

    fetched = get(stack, f"/api/incidents/{created['id']}")
    first = listed(stack, "/api/incidents/")[0]
    without_slash = listed(stack, "/api/incidents")[0]

    assert set(created) == INCIDENT_FIELDS
    assert {k: created[k] for k in ("title", "description", "status", "severity", "source", "tags", "metadata")} == {
        "title": "Database connection timeout", "description": "Users experiencing 502 errors", "status": "open",
        "severity": "high", "source": "datadog", "tags": ["database", "postgres"],
        "metadata": {"region": "eu-west-1", "replicas": 3}}
    assert created["resolved_at"] is None and created["mttr_minutes"] is None
    assert created["ai_summary"] is None and created["root_cause"] is None and created["suggested_actions"] == []
    assert RFC3339_UTC.match(created["created_at"]) and created["updated_at"] == created["created_at"]
    assert fetched.status_code == 200 and fetched.json() == created
    assert first == created and without_slash == created  # newest first, both spellings of the path


def test_an_incident_with_only_a_title_gets_the_documented_defaults(stack: RunningStack) -> None:
    reply = requests.post(f"{base(stack)}/api/incidents", json={"title": "  Checkout slow  "},  # no slash
                          headers=auth(stack, ALICE), timeout=10)
    created = reply.json()

    assert reply.status_code == 201 and set(created) == INCIDENT_FIELDS
    assert (created["title"], created["description"], created["severity"], created["source"], created["tags"],
            created["metadata"], created["status"]) == ("Checkout slow", "", "medium", "manual", [], {}, "open")


def test_the_status_filter_and_cursor_paging_walk_each_incident_once_newest_first(stack: RunningStack) -> None:
    mine = [new_incident(stack, username=BOB) for _ in range(3)]
    for incident in mine:
        assert patch_status(stack, incident["id"], "monitoring", BOB).status_code == 200

    whole = listed(stack, "/api/incidents/", BOB, status="monitoring", limit=200)
    paged = list(pages(stack, "/api/incidents/", BOB, status="monitoring", limit=2))
    everything = [i["id"] for page in pages(stack, "/api/incidents/", BOB, limit=3) for i in page]

    assert all(len(page) <= 2 for page in paged) and len(paged) >= 2
    assert [i["id"] for page in paged for i in page] == [i["id"] for i in whole]
    assert {i["status"] for i in whole} == {"monitoring"}
    assert [i["id"] for i in whole[:3]] == [i["id"] for i in reversed(mine)]
    assert len(everything) == len(set(everything)) and {i["id"] for i in mine} <= set(everything)
    created = [i["created_at"] for i in listed(stack, "/api/incidents/", BOB, limit=200)]
    assert created == sorted(created, reverse=True)


def test_the_incident_list_limit_is_bounded_and_a_bad_one_is_a_query_error(stack: RunningStack) -> None:
    for _ in range(2):
        new_incident(stack)
    assert len(listed(stack, "/api/incidents/", limit=1)) == 1
    assert len(listed(stack, "/api/incidents/", limit=200)) <= 200
    for bad in ("0", "-1", "abc", "201", "100000"):
        assert validation_locs(get(stack, "/api/incidents/", limit=bad)) == [["query", "limit"]]
    assert validation_locs(get(stack, "/api/incidents/", status="solved")) == [["query", "status"]]


# Statuses

def test_resolving_sets_resolved_at_and_mttr_and_reopening_clears_them(stack: RunningStack) -> None:
    incident = new_incident(stack)
    incident_id = incident["id"]

    investigating = patch_status(stack, incident_id, "investigating")
    resolved = patch_status(stack, incident_id, "resolved")
    again = patch_status(stack, incident_id, "resolved")
    reopened = patch_status(stack, incident_id, "open")
    closed = patch_status(stack, incident_id, "closed")  # closed without being resolved first
    reopened_from_closed = patch_status(stack, incident_id, "open")

    assert investigating.status_code == 200 and investigating.json()["status"] == "investigating"
    assert investigating.json()["resolved_at"] is None and investigating.json()["updated_at"] >= incident["updated_at"]
    assert resolved.status_code == 200
    body = resolved.json()
    assert body["status"] == "resolved" and RFC3339_UTC.match(body["resolved_at"])
    assert isinstance(body["mttr_minutes"], int | float) and body["mttr_minutes"] >= 0
    assert body["resolved_at"] >= body["created_at"]
    assert again.status_code == 200 and again.json() == body  # the same status again changes nothing
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["resolved_at"], reopened.json()["mttr_minutes"]) == (
        "open", None, None)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["resolved_at"] is not None and closed.json()["mttr_minutes"] is not None
    assert reopened_from_closed.status_code == 200
    assert reopened_from_closed.json()["resolved_at"] is None and reopened_from_closed.json()["mttr_minutes"] is None
    assert get(stack, f"/api/incidents/{incident_id}").json() == reopened_from_closed.json()
    changes = [e for e in timeline(stack, incident_id) if e["entry_type"] == "status_change"]
    assert len(changes) == 5  # the repeated `resolved` wrote nothing


@pytest.mark.parametrize(("path", "target"), [
    (("resolved",), "identified"), (("resolved",), "monitoring"),
    (("closed",), "investigating"), (("closed",), "resolved"), (("resolved", "closed"), "investigating"),
])
def test_a_forbidden_status_move_is_a_409_and_changes_nothing(stack: RunningStack, path: tuple[str, ...],
                                                              target: str) -> None:
    incident_id = new_incident(stack)["id"]
    for status in path:
        assert patch_status(stack, incident_id, status).status_code == 200
    before, entries = get(stack, f"/api/incidents/{incident_id}").json(), timeline(stack, incident_id)

    refused = patch_status(stack, incident_id, target)

    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert isinstance(detail, str) and path[-1] in detail and target in detail
    assert get(stack, f"/api/incidents/{incident_id}").json() == before
    assert timeline(stack, incident_id) == entries


@pytest.mark.parametrize("query", ["?status=solved", "?status=", "", "?status=OPEN", "?state=closed"])
def test_an_unknown_or_missing_status_is_a_422_at_the_query_status(stack: RunningStack, query: str) -> None:
    incident_id = new_incident(stack)["id"]

    reply = requests.patch(f"{base(stack)}/api/incidents/{incident_id}/status{query}", headers=auth(stack, ALICE),
                           timeout=10)

    assert validation_locs(reply) == [["query", "status"]]
    assert get(stack, f"/api/incidents/{incident_id}").json()["status"] == "open"


# Events

def test_ingesting_one_event_answers_201_with_the_stored_event(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]

    plain = ingest(stack, event(incident_id, "Connection refused"), batch=False)
    full = ingest(stack, event(incident_id, "db.pool.active 100/100", event_type="metric", level="critical",
                               source="orders-db", metadata={"pool": "primary"},
                               timestamp="2026-01-01T10:00:00+02:00"), batch=False)

    assert plain.status_code == 201 and set(plain.json()) == EVENT_FIELDS
    assert {k: plain.json()[k] for k in ("incident_id", "event_type", "message", "level", "source", "metadata")} == {
        "incident_id": incident_id, "event_type": "log", "message": "Connection refused", "level": "info",
        "source": "", "metadata": {}}
    assert RFC3339_UTC.match(plain.json()["timestamp"])
    assert full.status_code == 201
    assert {k: full.json()[k] for k in ("event_type", "level", "source", "metadata")} == {
        "event_type": "metric", "level": "critical", "source": "orders-db", "metadata": {"pool": "primary"}}
    assert full.json()["timestamp"].startswith("2026-01-01T08:00:00")  # the moment, in UTC
    assert events_of(stack, incident_id) == [full.json(), plain.json()]  # time order, oldest first


def test_a_batch_answers_201_with_its_events_and_the_list_pages_in_time_order(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    minutes = [7, 2, 9, 0, 5]
    batch = [event(incident_id, f"line at minute {m}", timestamp=f"2026-03-01T12:{m:02d}:00Z") for m in minutes]

    reply = ingest(stack, batch)
    paged = list(pages(stack, f"/api/ingest/events/{incident_id}", limit=2))

    assert reply.status_code == 201
    stored = reply.json()
    assert [e["message"] for e in stored] == [f"line at minute {m}" for m in minutes]  # as sent
    assert all(set(e) == EVENT_FIELDS and e["incident_id"] == incident_id for e in stored)
    assert len({e["id"] for e in stored}) == 5
    assert [len(page) for page in paged][:3] == [2, 2, 1]
    assert [e for page in paged for e in page] == sorted(stored, key=lambda e: e["timestamp"])
    assert events_of(stack, incident_id) == sorted(stored, key=lambda e: e["timestamp"])


def test_a_batch_with_a_bad_event_is_refused_whole_naming_each_and_stores_nothing(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    others = new_incident(stack, username=CAROL)["id"]
    good = [event(incident_id, f"line {k}") for k in range(3)]

    bad_level = ingest(stack, [*good, event(incident_id, level="fatal")])
    two_bad = ingest(stack, [event(incident_id, event_type="syslog"), *good, event(incident_id, message="")])
    unknown = ingest(stack, [*good, event(str(uuid.uuid4()))])
    another_tenants = ingest(stack, [*good, event(others)])
    single_unknown = ingest(stack, event(str(uuid.uuid4())), batch=False)
    empty = ingest(stack, [])
    not_an_array = ingest(stack, good[0])

    assert validation_locs(bad_level) == [["body", 3, "level"]]
    assert validation_locs(two_bad) == [["body", 0, "event_type"], ["body", 4, "message"]]
    for refused in (unknown, another_tenants):  # a 404 as for a single event, naming the event
        assert (refused.status_code, refused.json()) == (404, {"detail": "Incident not found: [3].incident_id"})
    assert single_unknown.status_code == 404 and single_unknown.json() == {"detail": "Incident not found"}
    assert validation_locs(empty) == [["body"]] and validation_locs(not_an_array) == [["body"]]
    assert events_of(stack, incident_id) == []
    assert events_of(stack, others, CAROL) == []


def test_a_retry_with_the_same_idempotency_key_stores_nothing_twice(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    batch = [event(incident_id, f"retry line {k}") for k in range(4)]
    batch_key, single_key = f"batch-{uuid.uuid4()}", f"single-{uuid.uuid4()}"

    first = ingest(stack, batch, key=batch_key)
    retried = ingest(stack, batch, key=batch_key)
    single = ingest(stack, event(incident_id, "single line"), batch=False, key=single_key)
    single_retried = ingest(stack, event(incident_id, "single line"), batch=False, key=single_key)
    other_body = ingest(stack, batch[:3], key=batch_key)
    other_route = ingest(stack, batch[0], batch=False, key=batch_key)

    assert first.status_code == 201 and retried.status_code == 201 and retried.json() == first.json()
    assert single.status_code == 201 and single_retried.json() == single.json()
    assert validation_locs(other_body) == [["header", "Idempotency-Key"]]
    assert validation_locs(other_route) == [["header", "Idempotency-Key"]]
    assert sorted(e["id"] for e in events_of(stack, incident_id)) == sorted(
        e["id"] for e in [*first.json(), single.json()])


# Timeline and actions

def test_the_timeline_records_each_change_with_its_type_and_actor(stack: RunningStack) -> None:
    incident_id = new_incident(stack, username=ALICE)["id"]
    assert patch_status(stack, incident_id, "investigating", BOB).status_code == 200
    action = requests.post(f"{base(stack)}/api/incidents/{incident_id}/actions", json={"title": "Restart pods"},
                           headers=auth(stack, BOB), timeout=10).json()
    moved = requests.patch(f"{base(stack)}/api/incidents/{incident_id}/actions/{action['id']}/status",
                           params={"status": "in_progress"}, headers=auth(stack, ALICE), timeout=10)
    assert moved.status_code == 200

    entries = timeline(stack, incident_id, BOB)

    assert all(set(e) == ENTRY_FIELDS and e["incident_id"] == incident_id for e in entries)
    assert all(RFC3339_UTC.match(e["timestamp"]) and e["title"] for e in entries)
    assert [(e["entry_type"], e["actor"]) for e in entries] == [
        ("system_event", ALICE), ("status_change", BOB), ("user_action", BOB), ("user_action", ALICE)]
    assert [e["timestamp"] for e in entries] == sorted(e["timestamp"] for e in entries)
    assert "open" in entries[1]["description"] and "investigating" in entries[1]["description"]
    assert "Restart pods" in entries[2]["title"] and "Restart pods" in entries[3]["title"]


def test_actions_are_added_by_a_person_and_moved_through_their_statuses(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    actions = f"{base(stack)}/api/incidents/{incident_id}/actions"

    added = requests.post(actions, json={"title": "Raise the pool size", "description": "to 200", "priority": 2},
                          headers=auth(stack, BOB), timeout=10)
    action = added.json()

    def move(status: str) -> requests.Response:
        return requests.patch(f"{actions}/{action['id']}/status", params={"status": status},
                              headers=auth(stack, ALICE), timeout=10)

    assert added.status_code == 201 and set(action) == ACTION_FIELDS
    assert {k: action[k] for k in ("incident_id", "title", "description", "status", "suggested_by", "priority")} == {
        "incident_id": incident_id, "title": "Raise the pool size", "description": "to 200", "status": "pending",
        "suggested_by": BOB, "priority": 2}
    assert listed(stack, f"/api/incidents/{incident_id}/actions") == [action]
    for status in ("in_progress", "failed", "pending", "skipped", "pending", "in_progress", "in_progress"):
        reply = move(status)
        assert reply.status_code == 200 and reply.json()["status"] == status, (status, reply.text)
    completed = move("completed")
    assert completed.status_code == 200 and completed.json() == {**action, "status": "completed"}
    for status in ("pending", "in_progress", "failed", "skipped"):
        refused = move(status)
        assert refused.status_code == 409 and isinstance(refused.json()["detail"], str), status
    assert validation_locs(move("done")) == [["query", "status"]]
    assert listed(stack, f"/api/incidents/{incident_id}/actions")[0]["status"] == "completed"
    unknown = requests.patch(f"{actions}/{uuid.uuid4()}/status", params={"status": "pending"},
                             headers=auth(stack, ALICE), timeout=10)
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Action not found"}


@pytest.mark.parametrize(("body", "loc"), [
    ({"title": "x", "priority": 0}, ["body", "priority"]), ({"title": "x", "priority": 11}, ["body", "priority"]),
    ({"title": ""}, ["body", "title"]), ({"priority": 3}, ["body", "title"]),
])
def test_a_bad_action_is_a_422_naming_the_field_and_adds_nothing(stack: RunningStack, body: dict[str, Any],
                                                                 loc: list[Any]) -> None:
    incident_id = new_incident(stack)["id"]

    reply = requests.post(f"{base(stack)}/api/incidents/{incident_id}/actions", json=body,
                          headers=auth(stack, ALICE), timeout=10)

    assert validation_locs(reply) == [loc]
    assert listed(stack, f"/api/incidents/{incident_id}/actions") == []


# Tenants and sign-in

def test_another_tenants_incident_is_not_found_on_every_route(stack: RunningStack) -> None:
    incident_id = new_incident(stack, username=ALICE)["id"]
    assert ingest(stack, [event(incident_id)]).status_code == 201
    analysed(stack, incident_id)  # the analysis the event starts changes the incident: let it land first
    action = requests.post(f"{base(stack)}/api/incidents/{incident_id}/actions", json={"title": "Page the DBA"},
                           headers=auth(stack, ALICE), timeout=10).json()
    root, carol = base(stack), auth(stack, CAROL)
    before = {path: get(stack, path).json() for path in (
        f"/api/incidents/{incident_id}", f"/api/incidents/{incident_id}/timeline",
        f"/api/incidents/{incident_id}/actions", f"/api/ingest/events/{incident_id}")}

    replies = {
        "get": requests.get(f"{root}/api/incidents/{incident_id}", headers=carol, timeout=10),
        "status": requests.patch(f"{root}/api/incidents/{incident_id}/status?status=closed", headers=carol,
                                 timeout=10),
        "timeline": requests.get(f"{root}/api/incidents/{incident_id}/timeline", headers=carol, timeout=10),
        "actions": requests.get(f"{root}/api/incidents/{incident_id}/actions", headers=carol, timeout=10),
        "add action": requests.post(f"{root}/api/incidents/{incident_id}/actions", json={"title": "x"},
                                    headers=carol, timeout=10),
        "move action": requests.patch(f"{root}/api/incidents/{incident_id}/actions/{action['id']}/status"
                                      "?status=completed", headers=carol, timeout=10),
        "events": requests.get(f"{root}/api/ingest/events/{incident_id}", headers=carol, timeout=10),
        "ingest": ingest(stack, event(incident_id), CAROL, batch=False),
    }

    for route, reply in replies.items():
        assert (reply.status_code, reply.json()) == (404, {"detail": "Incident not found"}), route
    assert incident_id not in {i["id"] for page in pages(stack, "/api/incidents/", CAROL, limit=200) for i in page}
    assert {path: get(stack, path).json() for path in before} == before


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_every_route_but_health_and_metrics_needs_a_signed_in_user(stack: RunningStack, token: str | None) -> None:
    incident_id = new_incident(stack)["id"]
    root = base(stack)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    routes = [
        ("GET", "/api/incidents/", None), ("POST", "/api/incidents/", {"title": "x"}),
        ("GET", f"/api/incidents/{incident_id}", None), ("PATCH", f"/api/incidents/{incident_id}/status?status=closed",
                                                         None),
        ("GET", f"/api/incidents/{incident_id}/timeline", None), ("GET", f"/api/incidents/{incident_id}/actions", None),
        ("POST", f"/api/incidents/{incident_id}/actions", {"title": "x"}),
        ("PATCH", f"/api/incidents/{incident_id}/actions/x/status?status=completed", None),
        ("POST", "/api/ingest/events", event(incident_id)), ("POST", "/api/ingest/events/batch", [event(incident_id)]),
        ("GET", f"/api/ingest/events/{incident_id}", None),
    ]

    for method, path, body in routes:
        reply = requests.request(method, f"{root}{path}", json=body, headers=headers, timeout=10)
        assert reply.status_code == 401, (method, path, reply.status_code)
        assert isinstance(reply.json()["detail"], str), (method, path)
    assert get(stack, f"/api/incidents/{incident_id}").json()["status"] == "open"
    assert events_of(stack, incident_id) == []


# AI analysis

def test_a_burst_of_1000_events_is_analysed_once_with_summary_root_cause_and_ai_actions(stack: RunningStack) -> None:
    incident = new_incident(stack, title="Orders API timing out", severity="critical", source="datadog",
                            tags=["database"])
    incident_id = incident["id"]
    batches = [[dict(zip(("event_type", "level", "source", "message"), POOL_LINES[(b * 100 + k) % len(POOL_LINES)],
                         strict=True), incident_id=incident_id) for k in range(100)] for b in range(10)]

    async def scenario() -> list[dict[str, Any]]:
        async with websockets.connect(room_url(stack, incident_id, BOB)) as ws:
            with requests.Session() as session:
                session.headers.update(auth(stack, ALICE))
                for batch in batches:  # back to back: one burst
                    reply = await asyncio.to_thread(session.post, f"{base(stack)}/api/ingest/events/batch",
                                                    json=batch, timeout=30)
                    assert reply.status_code == 201, reply.text
            deadline = time.monotonic() + ANALYSIS_TIMEOUT
            while time.monotonic() < deadline and not any(
                    e["entry_type"] == "ai_analysis" for e in await asyncio.to_thread(timeline, stack, incident_id)):
                await asyncio.sleep(0.5)
            await asyncio.sleep(SETTLE_SECONDS)
            got: list[dict[str, Any]] = []
            try:
                while True:
                    got.append(json.loads(await asyncio.wait_for(ws.recv(), 1.0)))
            except TimeoutError:
                return got

    pushed = asyncio.run(scenario())
    entries = timeline(stack, incident_id)
    result = get(stack, f"/api/incidents/{incident_id}").json()
    ai_actions = [a for a in listed(stack, f"/api/incidents/{incident_id}/actions") if a["suggested_by"] == "ai"]

    analyses = [e for e in entries if e["entry_type"] == "ai_analysis"]
    assert len(analyses) == 1, [e["title"] for e in analyses]
    assert analyses[0]["actor"] == "ai" and analyses[0]["description"]
    assert len(events_of(stack, incident_id)) == 1000
    assert isinstance(result["ai_summary"], str) and result["ai_summary"]
    assert isinstance(result["root_cause"], str) and "connection pool" in result["root_cause"].lower()
    assert result["suggested_actions"] and all(isinstance(t, str) and t for t in result["suggested_actions"])
    assert [a["title"] for a in sorted(ai_actions, key=lambda a: a["priority"])] == result["suggested_actions"]
    assert sorted(a["priority"] for a in ai_actions) == list(range(1, len(ai_actions) + 1))
    assert all(a["status"] == "pending" for a in ai_actions)
    announced = [m for m in pushed if m["type"] == "ai_analysis"]
    assert len(announced) == 1
    assert announced[0]["data"]["root_cause"] == result["root_cause"] and announced[0]["entry"] == analyses[0]


# Rooms

def test_a_room_message_reaches_every_member_and_is_stored_as_a_comment(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with websockets.connect(room_url(stack, incident_id, ALICE)) as alice, \
                websockets.connect(room_url(stack, incident_id, BOB)) as bob:
            await alice.send(json.dumps({"user": "John Doe", "message": "Investigating the issue..."}))
            return await receive_type(alice, "comment"), await receive_type(bob, "comment")

    to_alice, to_bob = asyncio.run(scenario())

    assert to_alice == to_bob
    assert {k: to_bob[k] for k in ("type", "user", "message", "actor", "incident_id")} == {
        "type": "comment", "user": "John Doe", "message": "Investigating the issue...", "actor": ALICE,
        "incident_id": incident_id}
    assert {"channel", "id", "timestamp"} <= set(to_bob)
    entry = to_bob["data"]
    assert set(entry) == ENTRY_FIELDS
    assert (entry["entry_type"], entry["actor"], entry["description"]) == ("comment", ALICE,
                                                                           "Investigating the issue...")
    assert entry in timeline(stack, incident_id, BOB)


def test_a_user_of_another_tenant_or_without_a_token_is_refused_at_the_room_handshake(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    root = str(stack.info["websocket"]).removesuffix("/ws")

    async def connect(url: str) -> None:
        async with websockets.connect(url):
            pass

    with pytest.raises(InvalidStatus) as other_tenant:
        asyncio.run(connect(room_url(stack, incident_id, CAROL)))
    with pytest.raises(InvalidStatus) as no_token:
        asyncio.run(connect(f"{root}/response/ws/incidents/{incident_id}"))
    with pytest.raises(InvalidStatus) as no_incident:
        asyncio.run(connect(room_url(stack, str(uuid.uuid4()), ALICE)))

    assert other_tenant.value.response.status_code == 403
    assert no_token.value.response.status_code == 403
    assert no_incident.value.response.status_code == 403


def test_status_changes_actions_and_ingested_events_reach_the_room(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    actions = f"{base(stack)}/api/incidents/{incident_id}/actions"

    async def scenario() -> dict[str, Any]:
        got: dict[str, Any] = {}
        async with websockets.connect(room_url(stack, incident_id, BOB)) as bob:
            got["patched"] = await asyncio.to_thread(lambda: patch_status(stack, incident_id, "identified").json())
            got["status_change"] = await receive_type(bob, "status_change")
            got["added"] = await asyncio.to_thread(lambda: requests.post(
                actions, json={"title": "Fail over", "priority": 1}, headers=auth(stack, ALICE), timeout=10).json())
            got["action_created"] = await receive_type(bob, "action_created")
            got["moved"] = await asyncio.to_thread(lambda: requests.patch(
                f"{actions}/{got['added']['id']}/status", params={"status": "in_progress"},
                headers=auth(stack, ALICE), timeout=10).json())
            got["action_updated"] = await receive_type(bob, "action_updated")
            got["ingested"] = await asyncio.to_thread(lambda: ingest(
                stack, [event(incident_id, f"line {k}") for k in range(3)]).json())
            got["events"] = await receive_type(bob, "events")
        return got

    got = asyncio.run(scenario())
    entries = timeline(stack, incident_id)

    change = got["status_change"]
    assert change["data"] == got["patched"] and change["data"]["status"] == "identified"
    assert change["incident_id"] == incident_id and {"channel", "id", "timestamp"} <= set(change)
    assert change["entry"] in entries and change["entry"]["entry_type"] == "status_change"
    assert change["entry"]["actor"] == ALICE
    assert got["action_created"]["data"] == got["added"] and got["action_created"]["entry"] in entries
    assert got["action_updated"]["data"] == got["moved"] and got["action_updated"]["data"]["status"] == "in_progress"
    assert got["events"]["data"] == {"incident_id": incident_id, "count": 3, "events": got["ingested"]}


# Health and metrics

def test_health_answers_healthy_without_sign_in(stack: RunningStack) -> None:
    reply = requests.get(f"{base(stack)}/health", timeout=10)

    assert reply.status_code == 200 and reply.json() == {"status": "healthy"}


def test_metrics_count_incidents_events_and_resolutions_without_naming_a_tenant_or_incident(
        stack: RunningStack) -> None:
    def scrape() -> str:
        reply = requests.get(f"{base(stack)}/metrics", timeout=10)
        assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
        return reply.text

    before = scrape()
    incident = new_incident(stack, severity="low")
    assert ingest(stack, [event(incident["id"], f"line {k}") for k in range(3)]).status_code == 201
    assert patch_status(stack, incident["id"], "resolved").status_code == 200
    after = scrape()

    def delta(name: str) -> float:
        return metric(after, name) - metric(before, name)

    assert delta('opsdesk_response_incidents_created_total{severity="low"}') == 1
    assert delta('opsdesk_response_incidents_created_total{severity="high"}') == 0
    assert delta('opsdesk_response_incidents{status="resolved"}') == 1
    assert delta('opsdesk_response_incidents{status="open"}') == 0
    assert delta("opsdesk_response_events_ingested_total") == 3
    assert delta("opsdesk_response_mttr_minutes_count") == 1
    assert metric(after, 'opsdesk_response_mttr_minutes_bucket{le="+Inf"}') == metric(
        after, "opsdesk_response_mttr_minutes_count")
    assert "opsdesk_response_analyses_total " in after
    payload = id_token(stack, ALICE).split(".")[1]
    tenant_id = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["custom:tenant_id"]
    assert incident["id"] not in after and tenant_id not in after
    assert not re.search(r"(tenant|incident)(_id)?=", after)
