"""Every response write route refuses every bad body (tests/bad_input.py) in the response envelope (`{"detail"}`),
as do the module's own limits (Idempotency-Key, batch size, metadata size), oversized and tampered query values and
an incident id no incident can have; never a 500, and nothing of a refused request is stored."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.api.conftest import RunningStack
from tests.api.test_response_api import (
    ALICE,
    analysed,
    auth,
    base,
    event,
    events_of,
    ingest,
    listed,
    new_incident,
    pages,
    timeline,
    validation_locs,
)
from tests.bad_input import BODY_PROBES, WriteRoute, assert_refused, probe_write_routes

pytestmark = pytest.mark.xdist_group("local-stack")
LONG_ID = "a" * 500


def written(stack: RunningStack, incident_id: str) -> dict[str, Any]:
    """What a refused request must not change: the tenant's incidents, and this incident with its timeline, actions
    and events."""
    return {
        "incidents": sorted(i["id"] for page in pages(stack, "/api/incidents/", limit=200) for i in page),
        "incident": requests.get(f"{base(stack)}/api/incidents/{incident_id}", headers=auth(stack, ALICE),
                                 timeout=10).json(),
        "timeline": timeline(stack, incident_id),
        "actions": listed(stack, f"/api/incidents/{incident_id}/actions"),
        "events": events_of(stack, incident_id),
    }


def send(stack: RunningStack, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = auth(stack, ALICE) | kwargs.pop("headers", {})
    return requests.request(method, f"{base(stack)}{path}", headers=headers, timeout=30, **kwargs)


def test_every_response_write_route_refuses_every_probe_and_stores_nothing(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    root = base(stack)
    before = written(stack, incident_id)
    valid_event = event(incident_id)
    routes = [
        WriteRoute("POST", f"{root}/api/incidents/", {"title": "Probe", "severity": "low"}, "metadata"),
        WriteRoute("POST", f"{root}/api/incidents/", {"title": "Probe", "severity": "low"}, "title"),
        WriteRoute("POST", f"{root}/api/ingest/events", valid_event, "message"),
        WriteRoute("POST", f"{root}/api/ingest/events", valid_event, "metadata"),
        WriteRoute("POST", f"{root}/api/incidents/{incident_id}/actions", {"title": "Probe", "priority": 2},
                   "priority"),
        WriteRoute("POST", f"{root}/api/incidents/{incident_id}/actions", {"title": "Probe"}, "title"),
    ]

    probe_write_routes(routes, auth(stack, ALICE), "response")
    # The batch takes an array: each probe is sent as it is and as the one event of a batch.
    for field in ("metadata", "message"):
        for probe in BODY_PROBES:
            raw = probe.build(valid_event, field)
            for body, shape in ((raw, "as the body"), (b"[" + raw + b"]", "as the batch's event")):
                reply = send(stack, "POST", "/api/ingest/events/batch", data=body,
                             headers={"Content-Type": "application/json"})
                assert_refused(reply, "response", f"POST /api/ingest/events/batch with {probe.name} {shape}")

    assert written(stack, incident_id) == before


@pytest.mark.parametrize("batch", [False, True])
def test_an_idempotency_key_of_300_characters_is_refused_at_the_header(stack: RunningStack, batch: bool) -> None:
    incident_id = new_incident(stack)["id"]
    before = written(stack, incident_id)

    reply = ingest(stack, [event(incident_id)] if batch else event(incident_id), batch=batch, key="k" * 300)

    assert_refused(reply, "response", "a 300-character Idempotency-Key")
    assert validation_locs(reply) == [["header", "Idempotency-Key"]]
    assert written(stack, incident_id) == before


def test_a_batch_of_501_events_is_refused_whole(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    before = written(stack, incident_id)

    reply = ingest(stack, [event(incident_id, f"line {k}") for k in range(501)])

    assert_refused(reply, "response", "a batch of 501 events")
    assert validation_locs(reply) == [["body"]]
    assert written(stack, incident_id) == before


def test_20_kib_of_metadata_is_refused_on_every_route_that_takes_it(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    before = written(stack, incident_id)
    metadata = {"blob": "x" * 20 * 1024}

    single = ingest(stack, event(incident_id, metadata=metadata), batch=False)
    batch = ingest(stack, [event(incident_id), event(incident_id, metadata=metadata)])
    incident = send(stack, "POST", "/api/incidents/", json={"title": "Probe", "metadata": metadata})

    for reply, what in ((single, "an event"), (batch, "a batch"), (incident, "an incident")):
        assert_refused(reply, "response", f"{what} with 20 KiB of metadata")
    # One event's JSON is at most 32 KiB: the 20 KiB metadata is named as such, not as a body too large.
    assert validation_locs(single) == [["body", "metadata"]]
    assert validation_locs(batch) == [["body", 1, "metadata"]]
    assert validation_locs(incident) == [["body", "metadata"]]
    assert written(stack, incident_id) == before


def test_a_status_of_10000_characters_is_refused(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    action = send(stack, "POST", f"/api/incidents/{incident_id}/actions", json={"title": "Probe"}).json()
    before = written(stack, incident_id)
    status = "s" * 10_000

    incident_reply = send(stack, "PATCH", f"/api/incidents/{incident_id}/status", params={"status": status})
    action_reply = send(stack, "PATCH", f"/api/incidents/{incident_id}/actions/{action['id']}/status",
                        params={"status": status})
    listing = send(stack, "GET", "/api/incidents/", params={"status": status})

    assert_refused(incident_reply, "response", "a 10,000-character status")
    assert_refused(action_reply, "response", "a 10,000-character action status")
    assert_refused(listing, "response", "a 10,000-character status filter")
    assert written(stack, incident_id) == before


def list_paths(incident_id: str) -> list[str]:
    return ["/api/incidents/", f"/api/incidents/{incident_id}/timeline", f"/api/incidents/{incident_id}/actions",
            f"/api/ingest/events/{incident_id}"]


def test_a_100_kb_cursor_is_refused_on_every_list(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]

    for path in list_paths(incident_id):
        reply = send(stack, "GET", path, params={"cursor": "A" * 100_000})
        assert_refused(reply, "response", f"GET {path} with a 100 KB cursor")


def tampered(cursor: str) -> list[str]:
    """The cursor with one character of its payload changed, its signature cut short, and not a cursor at all."""
    index = len(cursor) // 3
    flipped = cursor[:index] + ("B" if cursor[index] != "B" else "C") + cursor[index + 1:]
    return [flipped, cursor[:-4], f"{cursor}x", "not-a-cursor", "e30", "e30.e30"]


def test_a_tampered_cursor_or_another_lists_cursor_is_a_422_at_the_query_cursor(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    assert ingest(stack, [event(incident_id, f"line {k}") for k in range(3)]).status_code == 201
    for title in ("First", "Second"):
        assert send(stack, "POST", f"/api/incidents/{incident_id}/actions", json={"title": title}).status_code == 201
    new_incident(stack)
    analysed(stack, incident_id)
    before = written(stack, incident_id)
    cursors = {}
    for path in list_paths(incident_id):
        reply = send(stack, "GET", path, params={"limit": 1})
        assert reply.status_code == 200 and reply.headers.get("X-Next-Cursor"), path
        cursors[path] = reply.headers["X-Next-Cursor"]

    for path, cursor in cursors.items():
        for bad in tampered(cursor):
            reply = send(stack, "GET", path, params={"limit": 1, "cursor": bad})
            assert_refused(reply, "response", f"GET {path} with the cursor {bad[:40]}")
            assert validation_locs(reply) == [["query", "cursor"]], (path, bad)
        for other_path, other in cursors.items():
            if other_path != path:
                reply = send(stack, "GET", path, params={"limit": 1, "cursor": other})
                assert validation_locs(reply) == [["query", "cursor"]], (path, other_path)
    assert written(stack, incident_id) == before


def test_an_incident_id_of_500_characters_is_not_found_on_every_route(stack: RunningStack) -> None:
    incident_id = new_incident(stack)["id"]
    action = send(stack, "POST", f"/api/incidents/{incident_id}/actions", json={"title": "Probe"}).json()
    before = written(stack, incident_id)

    not_found = {
        "get": send(stack, "GET", f"/api/incidents/{LONG_ID}"),
        "status": send(stack, "PATCH", f"/api/incidents/{LONG_ID}/status", params={"status": "closed"}),
        "timeline": send(stack, "GET", f"/api/incidents/{LONG_ID}/timeline"),
        "actions": send(stack, "GET", f"/api/incidents/{LONG_ID}/actions"),
        "add action": send(stack, "POST", f"/api/incidents/{LONG_ID}/actions", json={"title": "Probe"}),
        "move action": send(stack, "PATCH", f"/api/incidents/{LONG_ID}/actions/{action['id']}/status",
                            params={"status": "completed"}),
        "events": send(stack, "GET", f"/api/ingest/events/{LONG_ID}"),
    }
    single = ingest(stack, event(LONG_ID), batch=False)
    batch = ingest(stack, [event(incident_id), event(LONG_ID)])
    long_action = send(stack, "PATCH", f"/api/incidents/{incident_id}/actions/{LONG_ID}/status",
                       params={"status": "completed"})

    for route, reply in not_found.items():
        assert_refused(reply, "response", f"{route} with a 500-character incident id")
        assert (reply.status_code, reply.json()) == (404, {"detail": "Incident not found"}), route
    assert validation_locs(single) == [["body", "incident_id"]]
    assert validation_locs(batch) == [["body", 1, "incident_id"]]
    assert (long_action.status_code, long_action.json()) == (404, {"detail": "Action not found"})
    assert written(stack, incident_id) == before
