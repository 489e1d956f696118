"""The helpdesk's handlers on moto: every core endpoint as the document shows it, the envelope of its errors,
tenant isolation on every ticket sub-resource, the agent role, lost-update protection under concurrent PATCHes
and unique consecutive numbers under concurrent creates."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest

from tests.integration.helpdesk import HelpdeskCaller

TICKET_FIELDS = {"id", "number", "title", "description", "requester_id", "priority", "status", "source",
                 "custom_json", "created_at", "updated_at", "sla"}
SLA_FIELDS = {"first_response_due_at", "resolution_due_at", "first_response_target_minutes",
              "resolution_target_minutes", "first_response_breached", "resolution_breached"}


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> dict[str, ModuleType]:
    from functions.helpdesk_attachments import handler as attachments
    from functions.helpdesk_health import handler as health
    from functions.helpdesk_people import handler as people
    from functions.helpdesk_reports import handler as reports
    from functions.helpdesk_tickets import handler as tickets

    return {"helpdesk_tickets": tickets, "helpdesk_people": people, "helpdesk_reports": reports,
            "helpdesk_health": health, "helpdesk_attachments": attachments}


@pytest.fixture
def agent(handlers: dict[str, ModuleType]) -> HelpdeskCaller:
    """An agent of a fresh tenant: every test has its own tenant."""
    return HelpdeskCaller(str(uuid.uuid4()), handlers, groups=("agent",))


@pytest.fixture
def user(agent: HelpdeskCaller) -> HelpdeskCaller:
    return agent.as_user()


@pytest.fixture
def outsider(handlers: dict[str, ModuleType]) -> HelpdeskCaller:
    """An agent (and admin) of another tenant."""
    return HelpdeskCaller(str(uuid.uuid4()), handlers, groups=("agent", "admin"))


def pool_user(local_aws: Any, tenant_id: str) -> str:
    """A user of the user pool (moto's Cognito) in `tenant_id`: their id, as `/me` gives it (the `sub`)."""
    from scripts.local.aws import client

    created = client("cognito-idp", local_aws.endpoint, local_aws.region).admin_create_user(
        UserPoolId=local_aws.user_pool_id, Username=f"{uuid.uuid4().hex[:12]}@example.test", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "custom:tenant_id", "Value": tenant_id}])
    return next(a["Value"] for a in created["User"]["Attributes"] if a["Name"] == "sub")


@pytest.fixture
def colleague(local_aws: Any, agent: HelpdeskCaller) -> str:
    return pool_user(local_aws, agent.tenant_id)


@pytest.fixture
def requester(agent: HelpdeskCaller) -> dict[str, Any]:
    reply = agent.post("/requesters", {"email": f"{uuid.uuid4().hex[:8]}@customer.example", "display_name": "Jane"})
    assert reply.status == 201, reply.body
    return dict(reply.body)


def new_ticket(caller: HelpdeskCaller, requester_id: str, **fields: Any) -> dict[str, Any]:
    body = {"title": "VPN drops every hour", "description": "The client disconnects on the hour.",
            "requester_id": requester_id, "priority": "normal", **fields}
    reply = caller.post("/tickets", body)
    assert reply.status == 201, reply.body
    return dict(reply.body)


# Health and the caller


def test_health_routes_answer_ok(agent: HelpdeskCaller) -> None:
    for path in ("/livez", "/healthz", "/readyz"):
        reply = agent.call("GET", "/helpdesk" + path, anonymous=True)
        assert (reply.status, reply.body) == (200, {"ok": True}), path


def test_readyz_is_a_500_in_the_envelope_when_a_table_cannot_be_read(agent: HelpdeskCaller,
                                                                      handlers: dict[str, ModuleType],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers["helpdesk_health"], "READY_TABLES", ("opsdesk-local-NoSuchTable",))

    reply = agent.call("GET", "/helpdesk/readyz", anonymous=True)

    assert reply.status == 500
    assert set(reply.body) == {"error"}


def test_readyz_is_a_500_when_the_user_pools_signing_keys_cannot_be_read(agent: HelpdeskCaller,
                                                                         handlers: dict[str, ModuleType],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers["helpdesk_health"], "JWKS_URL", "http://127.0.0.1:9/.well-known/jwks.json")

    reply = agent.call("GET", "/helpdesk/readyz", anonymous=True)

    assert (reply.status, reply.body) == (500, {"error": "Not ready: sign-in keys are unreachable"})


def test_me_describes_the_caller_from_the_token(agent: HelpdeskCaller) -> None:
    reply = agent.get("/me")

    assert reply.status == 200
    assert reply.body == {"id": agent.user_id, "external_id": f"{agent.user_id}@example.test",
                          "email": f"{agent.user_id}@example.test", "display_name": agent.user_id,
                          "roles": ["agent"]}


def test_without_claims_every_route_is_a_401(agent: HelpdeskCaller) -> None:
    reply = agent.call("GET", "/helpdesk/me", anonymous=True)

    assert (reply.status, reply.body) == (401, {"error": "Missing or invalid auth token"})


# Requesters


def test_requesters_are_created_read_and_changed(agent: HelpdeskCaller) -> None:
    created = agent.post("/requesters", {"email": "sam@customer.example", "display_name": "Sam"})
    requester_id = created.body["id"]

    changed = agent.patch(f"/requesters/{requester_id}", {"display_name": "Sam Smith"})
    read = agent.get(f"/requesters/{requester_id}")

    assert created.status == 201
    assert created.body == {"id": requester_id, "email": "sam@customer.example", "display_name": "Sam"}
    assert (changed.status, changed.body["display_name"]) == (200, "Sam Smith")
    assert read.body == {"id": requester_id, "email": "sam@customer.example", "display_name": "Sam Smith"}


def test_a_requester_email_is_unique_in_the_tenant(agent: HelpdeskCaller, outsider: HelpdeskCaller) -> None:
    agent.post("/requesters", {"email": "dup@customer.example", "display_name": "A"})
    other = agent.post("/requesters", {"email": "other@customer.example", "display_name": "B"})

    duplicate = agent.post("/requesters", {"email": "DUP@customer.example", "display_name": "C"})
    taken = agent.patch(f"/requesters/{other.body['id']}", {"email": "dup@customer.example"})
    elsewhere = outsider.post("/requesters", {"email": "dup@customer.example", "display_name": "D"})

    assert duplicate.status == 400
    assert duplicate.body == {"errors": {"email": "A requester with this email already exists"}}
    assert taken.status == 400
    assert agent.get(f"/requesters/{other.body['id']}").body["email"] == "other@customer.example"
    assert elsewhere.status == 201


def test_a_requester_email_can_move_and_frees_the_old_one(agent: HelpdeskCaller) -> None:
    first = agent.post("/requesters", {"email": "old@customer.example", "display_name": "A"}).body

    agent.patch(f"/requesters/{first['id']}", {"email": "new@customer.example"})
    again = agent.post("/requesters", {"email": "old@customer.example", "display_name": "B"})

    assert again.status == 201


def test_requester_validation_names_each_field(agent: HelpdeskCaller) -> None:
    reply = agent.post("/requesters", {"email": "not-an-email"})

    assert reply.status == 400
    assert set(reply.body["errors"]) == {"email", "display_name"}


def test_another_tenants_requester_is_not_found(agent: HelpdeskCaller, outsider: HelpdeskCaller,
                                                requester: dict[str, Any]) -> None:
    assert outsider.get(f"/requesters/{requester['id']}").status == 404
    assert outsider.patch(f"/requesters/{requester['id']}", {"display_name": "X"}).status == 404


# Tickets


def test_create_answers_201_with_id_number_and_status(agent: HelpdeskCaller, requester: dict[str, Any]) -> None:
    first = new_ticket(agent, requester["id"])
    second = new_ticket(agent, requester["id"])

    assert set(first) == {"id", "number", "status"}
    assert (first["number"], second["number"], first["status"]) == (1, 2, "open")


def test_get_returns_the_documented_ticket(agent: HelpdeskCaller, requester: dict[str, Any]) -> None:
    created = new_ticket(agent, requester["id"], priority="high", urgency=2, category="network",
                         subcategory="vpn", custom_json={"site": "Berlin", "seats": 3})

    ticket = agent.get(f"/tickets/{created['id']}").body

    assert set(ticket) >= TICKET_FIELDS
    assert set(ticket["sla"]) == SLA_FIELDS
    assert (ticket["number"], ticket["priority"], ticket["urgency"], ticket["source"]) == (1, "high", 2, "api")
    assert ticket["custom_json"] == {"site": "Berlin", "seats": 3}
    assert ticket["sla"]["first_response_target_minutes"] == 60
    assert "assignee_id" not in ticket  # optional fields are left out until set


def test_a_ticket_created_in_a_cookie_session_comes_from_the_web(agent: HelpdeskCaller,
                                                                 requester: dict[str, Any]) -> None:
    browser = agent.as_user(agent.user_id, ("agent",), channel="cookie")

    created = new_ticket(browser, requester["id"])

    assert agent.get(f"/tickets/{created['id']}").body["source"] == "web"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_cookie_session_write_that_is_not_json_is_refused_as_a_forgery_risk(
    agent: HelpdeskCaller, handlers: dict[str, ModuleType], requester: dict[str, Any], content_type: str
) -> None:
    # A page on another (even same-site) origin can make the browser POST these types with the cookie, no preflight
    from scripts.local.gateway import LambdaContext
    from tests.integration.helpdesk import helpdesk_event

    body = {"title": "Forged", "description": "x", "requester_id": requester["id"], "priority": "low"}
    results = {}
    for channel in ("cookie", "bearer"):
        event = helpdesk_event("POST", "/helpdesk/tickets", claims=agent.claims, body=body, channel=channel,
                               headers={"content-type": content_type})
        results[channel] = handlers["helpdesk_tickets"].lambda_handler(event, LambdaContext("test", "us-east-1"))

    assert results["cookie"]["statusCode"] == 400
    assert "Content-Type" in results["cookie"]["body"]
    assert results["bearer"]["statusCode"] == 201  # a bearer token cannot be forged by a page
    assert [t["title"] for t in agent.get("/tickets").body] == ["Forged"]


def test_create_validation_names_each_field_and_writes_nothing(agent: HelpdeskCaller) -> None:
    reply = agent.post("/tickets", {"title": "", "requester_id": "nope", "priority": "p1", "urgency": 9,
                                    "custom_json": "x"})

    assert reply.status == 400
    assert set(reply.body["errors"]) == {"title", "description", "requester_id", "priority", "urgency",
                                         "custom_json"}
    assert agent.get("/tickets").body == []


def test_create_needs_a_requester_of_the_callers_tenant(agent: HelpdeskCaller, outsider: HelpdeskCaller) -> None:
    foreign = outsider.post("/requesters", {"email": "f@x.example", "display_name": "F"}).body

    reply = agent.post("/tickets", {"title": "t", "description": "d", "requester_id": foreign["id"],
                                    "priority": "low"})

    assert (reply.status, reply.body) == (400, {"errors": {"requester_id": "Requester not found"}})


def test_lists_are_served_per_filter_newest_first(agent: HelpdeskCaller, requester: dict[str, Any]) -> None:
    low = new_ticket(agent, requester["id"], priority="low", title="Printer jam", description="Paper stuck")
    high = new_ticket(agent, requester["id"], priority="high", title="Server down", description="Outage")
    agent.patch(f"/tickets/{high['id']}", {"status": "pending", "team_id": "infra", "assignee_id": agent.user_id})

    def ids(query: str) -> list[str]:
        reply = agent.get(f"/tickets?{query}")
        assert reply.status == 200, reply.body
        return [t["id"] for t in reply.body]

    assert ids("") == [high["id"], low["id"]]
    assert ids("status=pending") == [high["id"]]
    assert ids("status=open") == [low["id"]]
    assert ids("priority=low") == [low["id"]]
    assert ids("team=infra") == [high["id"]]
    assert ids("team=none") == [low["id"]]
    assert ids(f"assignee={agent.user_id}") == [high["id"]]
    assert ids("assignee=me&status=pending&priority=high") == [high["id"]]
    assert ids("assignee=none") == [low["id"]]
    assert ids("search=printer") == [low["id"]]
    assert ids("search=outage&status=open") == []


def test_lists_page_with_a_cursor_header(agent: HelpdeskCaller, requester: dict[str, Any]) -> None:
    created = [new_ticket(agent, requester["id"])["id"] for _ in range(5)]

    first = agent.get("/tickets?limit=2")
    second = agent.get(f"/tickets?limit=2&cursor={first.headers['X-Next-Cursor']}")
    third = agent.get(f"/tickets?limit=2&cursor={second.headers['X-Next-Cursor']}")

    seen = [t["id"] for page in (first, second, third) for t in page.body]
    assert seen == list(reversed(created))
    assert "X-Next-Cursor" not in third.headers


@pytest.mark.parametrize("query", ["", "search=zebrafish"])
def test_a_page_ends_at_the_byte_budget_whatever_its_limit_and_its_cursor_loses_nothing(
        agent: HelpdeskCaller, requester: dict[str, Any], monkeypatch: pytest.MonkeyPatch, query: str) -> None:
    """Lambda answers at most 6 MB: a list or a search page stops at opsdesk.pagination.PAGE_BYTES (lowered here to
    about two tickets' worth) with the cursor of its last ticket."""
    from opsdesk import pagination

    created = [new_ticket(agent, requester["id"], title=f"zebrafish tank {n}", description="数" * 2_000)["id"]
               for n in range(5)]
    monkeypatch.setattr(pagination, "PAGE_BYTES", 2 * pagination.answer_bytes("数" * 2_000))

    pages, cursor = [], ""
    while True:
        reply = agent.get(f"/tickets?limit=100&{query}{'&cursor=' + cursor if cursor else ''}")
        assert reply.status == 200, reply.body
        pages.append([t["id"] for t in reply.body if t["id"] in created])
        cursor = reply.headers.get("X-Next-Cursor", "")
        if not cursor:
            break

    assert all(0 < len(page) <= 2 for page in pages[:3])
    assert [ticket for page in pages for ticket in page] == list(reversed(created))


def test_a_cursor_of_another_list_is_refused(agent: HelpdeskCaller, outsider: HelpdeskCaller,
                                             requester: dict[str, Any]) -> None:
    for _ in range(2):
        new_ticket(agent, requester["id"])
    cursor = agent.get("/tickets?limit=1").headers["X-Next-Cursor"]

    assert outsider.get(f"/tickets?cursor={cursor}").status == 400
    assert agent.get(f"/tickets?status=open&cursor={cursor}").status == 400
    assert agent.get("/tickets?cursor=garbage").body == {"errors": {"cursor": "Not a cursor of this list"}}


def test_only_agents_may_patch(agent: HelpdeskCaller, user: HelpdeskCaller, requester: dict[str, Any]) -> None:
    ticket = new_ticket(agent, requester["id"])

    refused = user.patch(f"/tickets/{ticket['id']}", {"priority": "high"})
    accepted = agent.patch(f"/tickets/{ticket['id']}", {"priority": "high", "urgency": 1,
                                                        "due_at": "2026-12-01T12:00:00Z"})

    assert (refused.status, refused.body) == (403, {"error": "Agent role required"})
    assert (accepted.status, accepted.body) == (200, {"ok": True})
    stored = agent.get(f"/tickets/{ticket['id']}").body
    assert (stored["priority"], stored["urgency"], stored["due_at"]) == ("high", 1, "2026-12-01T12:00:00.000Z")


def test_patch_refuses_unknown_fields_and_reopens_a_closed_ticket(agent: HelpdeskCaller,
                                                                  requester: dict[str, Any]) -> None:
    ticket = new_ticket(agent, requester["id"])
    agent.patch(f"/tickets/{ticket['id']}", {"status": "closed"})

    unknown = agent.patch(f"/tickets/{ticket['id']}", {"number": 99})
    reopened = agent.patch(f"/tickets/{ticket['id']}", {"status": "open"})
    bad_status = agent.patch(f"/tickets/{ticket['id']}", {"status": "reopened"})

    assert (unknown.status, unknown.body) == (400, {"errors": {"number": "number is not a field that can be set"}})
    assert (reopened.status, reopened.body) == (200, {"ok": True})
    assert agent.get(f"/tickets/{ticket['id']}").body["status"] == "open"
    assert bad_status.status == 400 and set(bad_status.body["errors"]) == {"status"}


def test_resolve_then_reopen_moves_the_metrics(agent: HelpdeskCaller, user: HelpdeskCaller,
                                               requester: dict[str, Any]) -> None:
    from opsdesk.clock import parse_rfc3339

    ticket = new_ticket(agent, requester["id"], priority="urgent")
    agent.patch(f"/tickets/{ticket['id']}", {"status": "resolved"})
    stored = agent.get(f"/tickets/{ticket['id']}").body
    took_ms = (parse_rfc3339(stored["updated_at"]) - parse_rfc3339(stored["created_at"])) // timedelta(milliseconds=1)

    resolved = (agent.get("/metrics/sla").body, agent.get("/metrics/resolution").body)
    agent.patch(f"/tickets/{ticket['id']}", {"status": "open"})
    reopened = (agent.get("/metrics/sla").body, agent.get("/metrics/resolution").body)

    assert resolved == ({"total": 1, "met": 1, "sla_attainment": 1.0}, {"avg_resolution_ms": took_ms})
    assert reopened == ({"total": 0, "met": 0, "sla_attainment": 0.0}, {"avg_resolution_ms": 0})
    # created today (or yesterday, if the test ran across midnight UTC)
    assert sum(day["count"] for day in agent.get("/metrics/tickets").body["daily"][-2:]) == 1
    assert user.get("/metrics/sla").status == 403


def test_spilled_aggregates_are_summed_exactly(agent: HelpdeskCaller, requester: dict[str, Any]) -> None:
    """Every write adds to spill items of the aggregates (as after a lost race, opsdesk.dynamo.counter_sk): the
    totals and the metrics sum them with their items."""
    from opsdesk.clock import parse_rfc3339
    from opsdesk.dynamo import spilling_counters
    from opsdesk.helpdesk.repository import TicketRepository

    took_ms: list[int] = []
    with spilling_counters():
        tickets = [new_ticket(agent, requester["id"], priority="urgent") for _ in range(5)]
        for ticket in tickets[:3]:
            assert agent.patch(f"/tickets/{ticket['id']}", {"status": "resolved"}).status == 200
            stored = agent.get(f"/tickets/{ticket['id']}").body
            took = parse_rfc3339(stored["updated_at"]) - parse_rfc3339(stored["created_at"])
            took_ms.append(took // timedelta(milliseconds=1))
        assert agent.patch(f"/tickets/{tickets[0]['id']}", {"status": "open"}).status == 200  # counted out again

    totals = TicketRepository().totals(agent.tenant_id)
    assert (totals.created, totals.resolved, totals.met, totals.resolution_ms) == (5, 2, 2, sum(took_ms[1:]))
    assert agent.get("/metrics/sla").body == {"total": 2, "met": 2, "sla_attainment": 1.0}
    assert agent.get("/metrics/resolution").body == {"avg_resolution_ms": sum(took_ms[1:]) // 2}
    # created today (or yesterday, if the test ran across midnight UTC)
    assert sum(day["count"] for day in agent.get("/metrics/tickets").body["daily"][-2:]) == 5


# Comments and watchers


def test_comments_internal_ones_for_agents_only(agent: HelpdeskCaller, user: HelpdeskCaller,
                                                requester: dict[str, Any]) -> None:
    ticket = new_ticket(agent, requester["id"])
    path = f"/tickets/{ticket['id']}/comments"

    public = agent.post(path, {"body_md": "We are **on it**", "is_internal": False, "author_id": agent.user_id})
    internal = agent.post(path, {"body_md": "Looks like the gateway", "is_internal": True,
                                 "author_id": agent.user_id})
    refused = user.post(path, {"body_md": "let me see", "is_internal": True, "author_id": user.user_id})

    assert public.status == 201 and set(public.body) == {"id"}
    assert internal.status == 201
    assert refused.status == 400
    assert refused.body == {"errors": {"is_internal": "Only agents may post internal comments"}}
    assert [c["body_md"] for c in agent.get(path).body] == ["We are **on it**", "Looks like the gateway"]
    assert user.get(path).body == [{"id": public.body["id"], "ticket_id": ticket["id"], "author_id": agent.user_id,
                                    "body_md": "We are **on it**", "is_internal": False,
                                    "created_at": agent.get(path).body[0]["created_at"]}]


def test_comment_validation_names_the_fields(agent: HelpdeskCaller, requester: dict[str, Any]) -> None:
    ticket = new_ticket(agent, requester["id"])

    reply = agent.post(f"/tickets/{ticket['id']}/comments", {"is_internal": "yes", "author_id": "bad id!"})

    assert reply.status == 400
    assert set(reply.body["errors"]) == {"body_md", "is_internal", "author_id"}


def test_a_comment_without_is_internal_or_author_id_is_refused_naming_them(agent: HelpdeskCaller,
                                                                           requester: dict[str, Any]) -> None:
    # The document writes the body as { body_md, is_internal, author_id }, none of them optional
    path = f"/tickets/{new_ticket(agent, requester['id'])['id']}/comments"

    only_text = agent.post(path, {"body_md": "On it"})
    no_author = agent.post(path, {"body_md": "On it", "is_internal": False})

    assert (only_text.status, set(only_text.body["errors"])) == (400, {"is_internal", "author_id"})
    assert (no_author.status, set(no_author.body["errors"])) == (400, {"author_id"})
    assert agent.get(path).body == []  # nothing half-written


def test_watchers_are_added_listed_and_removed(agent: HelpdeskCaller, user: HelpdeskCaller,
                                               requester: dict[str, Any]) -> None:
    ticket = new_ticket(agent, requester["id"])
    path = f"/tickets/{ticket['id']}/watchers"

    added = user.post(path, {"user_id": user.user_id})
    again = user.post(path, {"user_id": user.user_id})
    for_someone = user.post(path, {"user_id": agent.user_id})
    listed = agent.get(path)
    removed = user.delete(f"{path}/{user.user_id}")

    assert (added.status, added.body, again.status) == (201, {"ok": True}, 201)
    assert for_someone.status == 400
    assert listed.body == [user.user_id]
    assert (removed.status, removed.body) == (200, {"ok": True})
    assert agent.get(path).body == []


# Tenant isolation


def test_another_tenants_ticket_is_a_404_on_every_sub_resource(agent: HelpdeskCaller, outsider: HelpdeskCaller,
                                                               requester: dict[str, Any]) -> None:
    ticket_id = new_ticket(agent, requester["id"])["id"]
    agent.post(f"/tickets/{ticket_id}/watchers", {"user_id": agent.user_id})
    calls = [
        ("GET", f"/tickets/{ticket_id}", None),
        ("PATCH", f"/tickets/{ticket_id}", {"priority": "low"}),
        ("GET", f"/tickets/{ticket_id}/comments", None),
        ("POST", f"/tickets/{ticket_id}/comments", {"body_md": "hi", "is_internal": False,
                                                    "author_id": outsider.user_id}),
        ("GET", f"/tickets/{ticket_id}/watchers", None),
        ("POST", f"/tickets/{ticket_id}/watchers", {"user_id": outsider.user_id}),
        ("DELETE", f"/tickets/{ticket_id}/watchers/{agent.user_id}", None),
        ("GET", f"/tickets/{ticket_id}/attachments", None),
    ]

    for method, path, body in calls:
        reply = outsider.call(method, "/helpdesk" + path, body)
        assert (reply.status, reply.body) == (404, {"error": "Ticket not found"}), (method, path)
    assert outsider.get("/tickets").body == []
    assert agent.get(f"/tickets/{ticket_id}/watchers").body == [agent.user_id]
    assert agent.get(f"/tickets/{ticket_id}").body["priority"] == "normal"


def test_assignees_and_watchers_are_users_of_the_tenant_looked_up_in_the_user_pool(
        local_aws: Any, agent: HelpdeskCaller, requester: dict[str, Any], colleague: str) -> None:
    ticket = new_ticket(agent, requester["id"])
    path = f"/tickets/{ticket['id']}"
    elsewhere = pool_user(local_aws, str(uuid.uuid4()))

    assert agent.patch(path, {"assignee_id": colleague}).status == 200
    assert agent.post(f"{path}/watchers", {"user_id": colleague}).status == 201
    for stranger in (elsewhere, str(uuid.uuid4()), "not-a-user"):
        assigning = agent.patch(path, {"assignee_id": stranger})
        watching = agent.post(f"{path}/watchers", {"user_id": stranger})
        assert (assigning.status, watching.status) == (400, 400), stranger
        assert list(assigning.body["errors"]) == ["assignee_id"]
        assert list(watching.body["errors"]) == ["user_id"]

    assert agent.get(path).body["assignee_id"] == colleague
    assert agent.get(f"{path}/watchers").body == [colleague]


# Concurrency


def test_concurrent_patches_of_different_fields_lose_no_update(agent: HelpdeskCaller, requester: dict[str, Any],
                                                               colleague: str) -> None:
    ticket = new_ticket(agent, requester["id"])
    changes = [{"priority": "urgent"}, {"urgency": 3}, {"assignee_id": colleague}, {"team_id": "network"},
               {"due_at": "2026-12-24T18:00:00Z"}, {"scheduled_at": "2026-12-20T09:00:00Z"},
               {"custom_json": {"site": "Lyon"}}, {"status": "pending"}]
    agents = [agent.as_user(groups=("agent",)) for _ in changes]

    with ThreadPoolExecutor(max_workers=len(changes)) as pool:
        replies = list(pool.map(lambda pair: pair[0].patch(f"/tickets/{ticket['id']}", pair[1]),
                                zip(agents, changes, strict=True)))

    assert [r.status for r in replies] == [200] * len(changes)
    stored = agent.get(f"/tickets/{ticket['id']}").body
    assert (stored["priority"], stored["urgency"], stored["assignee_id"], stored["team_id"]) == (
        "urgent", 3, colleague, "network")
    assert (stored["due_at"], stored["scheduled_at"]) == ("2026-12-24T18:00:00.000Z", "2026-12-20T09:00:00.000Z")
    assert (stored["custom_json"], stored["status"]) == ({"site": "Lyon"}, "pending")


def test_concurrent_resolves_count_the_ticket_once(agent: HelpdeskCaller, requester: dict[str, Any]) -> None:
    ticket = new_ticket(agent, requester["id"])

    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda _: agent.patch(f"/tickets/{ticket['id']}", {"status": "resolved"}),
                                range(6)))

    assert [r.status for r in replies] == [200] * 6
    assert agent.get("/metrics/sla").body["total"] == 1


def test_concurrent_creates_get_unique_consecutive_numbers(agent: HelpdeskCaller,
                                                           requester: dict[str, Any]) -> None:
    with ThreadPoolExecutor(max_workers=10) as pool:
        created = list(pool.map(lambda _: new_ticket(agent, requester["id"]), range(20)))

    assert sorted(t["number"] for t in created) == list(range(1, 21))
    assert len(agent.get("/tickets?limit=100").body) == 20
