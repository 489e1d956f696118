"""The copilot's routes on moto (handlers in process, real Cognito users), against seeds/sre-copilot-api.md."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

from tests.integration.copilot import BASE, PASSWORD, CopilotCaller, customer_role, register, sign_in
from tests.integration.events import Caller

GROUPS = ("copilot_auth", "copilot_session", "copilot_projects", "copilot_incidents", "copilot_analytics",
          "copilot_monitoring")


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> list[ModuleType]:
    import importlib

    return [importlib.import_module(f"functions.{group}.handler") for group in GROUPS]


@pytest.fixture
def owner(handlers: list[ModuleType]) -> CopilotCaller:
    return register(handlers)


def new_incident(caller: Caller, **fields: Any) -> dict[str, Any]:
    reply = caller.post("/incidents", {"title": "High CPU usage on payment-api", "description": "CPU at 90%",
                                       "service_name": "payment-api", "severity": "high", **fields})
    assert reply.status == 200, reply.body
    return dict(reply.body)


def add_member(owner: CopilotCaller, handlers: list[ModuleType], role: str) -> CopilotCaller:
    """A user of the owner's tenant (invited by email, then signed in with a new password) with `role` in the
    owner's current project."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.test"
    project_id = current_project(owner)
    reply = owner.post(f"/projects/{project_id}/members", {"email": email, "role": role, "full_name": role.title()})
    assert reply.status == 201, reply.body
    temporary = temporary_password_of(email)
    return sign_in(handlers, email, temporary, new_password=PASSWORD)


def current_project(caller: Caller) -> str:
    return str(caller.get("/auth/me").body["project_id"])


def temporary_password_of(email: str) -> str:
    """The temporary password of the invitation SES sent to `email` (moto keeps the mails)."""
    import html
    import os
    import re

    from scripts.local.mailbox import mail_view, sent_messages

    for message in reversed(sent_messages(os.environ["AWS_REGION"])):
        view = mail_view(message)
        if email in view["to"]:
            found = re.search(r"temporary password: (\S+?)(?:<br>|\s)", html.unescape(view["body"]))
            assert found, view["body"]
            return found.group(1)
    raise AssertionError(f"no invitation mailed to {email}")


# Auth


def test_register_answers_the_documented_shape_with_a_slug_and_session_cookies(handlers: list[ModuleType]) -> None:
    owner = register(handlers, tenant_name="Acme Corporation")
    body = owner.signed_in.body

    assert set(body) == {"user", "tenant", "access_token", "token_type"}
    assert body["token_type"] == "bearer"
    assert set(body["user"]) == {"id", "email", "full_name", "tenant_id"}
    assert body["tenant"]["slug"].startswith("acme-corporation")
    assert body["user"]["tenant_id"] == body["tenant"]["id"]
    cookies = owner.signed_in.headers.get("Set-Cookie", "")
    assert "refresh_token=" in cookies or "access_token=" in cookies


def test_two_tenants_of_the_same_name_get_different_slugs(handlers: list[ModuleType]) -> None:
    name = f"Same Name {uuid.uuid4().hex[:6]}"
    first, second = register(handlers, tenant_name=name), register(handlers, tenant_name=name)

    assert first.signed_in.body["tenant"]["slug"] != second.signed_in.body["tenant"]["slug"]


def test_a_taken_email_is_409_and_a_wrong_password_401(owner: CopilotCaller, handlers: list[ModuleType]) -> None:
    anonymous = Caller("", handlers, base=BASE)
    again = anonymous.call("POST", f"{BASE}/auth/register", {"email": owner.email, "password": PASSWORD,
                                                             "full_name": "X", "tenant_name": "Y"}, anonymous=True)
    wrong = anonymous.call("POST", f"{BASE}/auth/login", {"email": owner.email, "password": "not-the-password-1"},
                           anonymous=True)
    missing = anonymous.call("POST", f"{BASE}/auth/login", {"email": owner.email}, anonymous=True)

    assert (again.status, again.body) == (409, {"detail": "Email already registered"})
    assert (wrong.status, wrong.body) == (401, {"detail": "Invalid email or password"})
    assert missing.status == 400 and "password" in missing.body["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_sign_in_a_cross_site_form_could_send_sets_no_session(owner: CopilotCaller, handlers: list[ModuleType],
                                                                content_type: str) -> None:
    # Given the bodies a form on another site can post without a CORS preflight (login CSRF: the victim's
    # browser would be signed in to the attacker's account)
    anonymous = Caller("", handlers, base=BASE)
    form = {"content-type": content_type, "origin": "https://evil.example"}
    refresh_token = re.search(r"refresh_token=([^;]+)", owner.signed_in.headers.get("Set-Cookie", ""))
    bodies = {
        "/auth/login": {"email": owner.email, "password": PASSWORD},
        "/auth/register": {"email": f"csrf-{uuid.uuid4().hex[:8]}@example.com", "password": PASSWORD,
                           "full_name": "X", "tenant_name": "Y"},
        "/auth/refresh": {"refresh_token": refresh_token.group(1) if refresh_token else "t"},
    }
    for path, body in bodies.items():
        # When one is posted with the type such a form sends
        reply = anonymous.call("POST", f"{BASE}{path}", body, anonymous=True, headers=form)

        # Then it is refused (login answers a bad request 400, as the document lists) and sets no cookie
        assert reply.status == (400 if path == "/auth/login" else 422), (path, reply.status, reply.body)
        assert "Content-Type" in json.dumps(reply.body), (path, reply.body)
        assert "Set-Cookie" not in reply.headers, path


def test_a_register_with_a_short_password_says_nothing_about_the_email(owner: CopilotCaller,
                                                                     handlers: list[ModuleType]) -> None:
    # Given a taken email and a free one, each sent with a password the pool's policy refuses
    anonymous = Caller("", handlers, base=BASE)
    replies = [anonymous.call("POST", f"{BASE}/auth/register", {"email": email, "password": "short",
                                                                "full_name": "X", "tenant_name": "Y"}, anonymous=True)
               for email in (owner.email, f"free-{uuid.uuid4().hex[:8]}@example.com")]

    # Then both are the same 422 on the password, answered before the directory is asked (it used to answer the
    # taken one 409, at no cost and leaving nothing behind)
    assert [r.status for r in replies] == [422, 422]
    assert replies[0].body == replies[1].body and "password" in json.dumps(replies[0].body)


def test_login_answers_the_user_with_project_and_role_and_the_projects(owner: CopilotCaller,
                                                                        handlers: list[ModuleType]) -> None:
    body = sign_in(handlers, owner.email).signed_in.body

    assert set(body["user"]) == {"id", "email", "full_name", "tenant_id", "project_id", "role"}
    assert body["user"]["role"] == "owner"
    assert body["projects"] == [{"id": body["user"]["project_id"], "name": "Default", "role": "owner"}]


def test_switching_project_works_only_for_a_project_of_the_user(owner: CopilotCaller,
                                                                handlers: list[ModuleType]) -> None:
    second = owner.post("/projects", {"name": "Staging"}).body
    other = register(handlers)

    switched = owner.post("/auth/switch-project", {"project_id": second["id"]})
    refused = other.post("/auth/switch-project", {"project_id": second["id"]})

    assert switched.status == 200 and switched.body["user"]["project_id"] == second["id"]
    assert owner.get("/auth/me").body["project_id"] == second["id"]
    assert refused.status == 404


def test_a_ws_token_is_short_lived_and_names_the_current_project(owner: CopilotCaller) -> None:
    from tests.integration.copilot import token_claims

    reply = owner.get("/auth/ws-token")
    claims = token_claims(reply.body["token"])

    assert reply.status == 200 and reply.body["expires_in"] <= 300
    assert claims["project_id"] == current_project(owner) and claims["custom:tenant_id"] == owner.tenant_id


def test_a_ws_token_names_the_session_it_was_asked_in(owner: CopilotCaller) -> None:
    # The realtime route refuses it, and its connection's subscribes, once that session is signed out.
    from tests.integration.copilot import token_claims

    owner.claims = owner.claims | {"origin_jti": "session-1", "jti": "token-1"}
    claims = token_claims(owner.get("/auth/ws-token").body["token"])

    assert claims["sid"] == "session-1"


# Projects and members


def test_a_user_sees_only_the_projects_they_belong_to(owner: CopilotCaller, handlers: list[ModuleType]) -> None:
    outsider = register(handlers)
    project_id = current_project(owner)

    assert [p["id"] for p in owner.get("/projects").body] == [project_id]
    assert outsider.get(f"/projects/{project_id}").status == 404
    assert outsider.get(f"/projects/{project_id}/members").status == 404


@pytest.mark.parametrize(("role", "allowed"), [
    ("viewer", set()), ("member", {"incident"}), ("admin", {"incident", "members", "integration"}),
])
def test_each_role_may_do_what_the_role_table_says(owner: CopilotCaller, handlers: list[ModuleType], role: str,
                                                   allowed: set[str]) -> None:
    user = add_member(owner, handlers, role)
    project_id = current_project(owner)

    attempts = {
        "incident": user.post("/incidents", {"title": "t", "service_name": "s", "severity": "low"}).status,
        "members": user.post(f"/projects/{project_id}/members",
                             {"email": f"x-{uuid.uuid4().hex[:6]}@example.test", "role": "viewer"}).status,
        "integration": user.post(f"/projects/{project_id}/monitoring/integrations",
                                 {"type": "prometheus", "name": "p", "config": {"url": "https://p.example"}}).status,
        "rename": user.patch(f"/projects/{project_id}", {"name": "renamed"}).status,
    }

    assert {name for name, status in attempts.items() if status in (200, 201)} == allowed
    assert all(status == 403 for name, status in attempts.items() if name not in allowed)
    assert user.get(f"/projects/{project_id}").status == 200


def test_the_last_owner_can_be_neither_demoted_nor_removed(owner: CopilotCaller) -> None:
    project_id = current_project(owner)

    demote = owner.patch(f"/projects/{project_id}/members/{owner.user_id}", {"role": "admin"})
    remove = owner.delete(f"/projects/{project_id}/members/{owner.user_id}")

    assert (demote.status, remove.status) == (409, 409)


def test_a_project_whose_delete_is_under_way_and_its_members_cannot_change_and_the_409_says_why(
        owner: CopilotCaller) -> None:
    from opsdesk.copilot import keys
    from opsdesk.copilot.items import RecordItem

    project = owner.post("/projects", {"name": "Going"}).body
    # Given the project marked by a delete still removing its members (CopilotStore.delete_project)
    marked = RecordItem.deletingSince.set("2026-03-02T10:00:00Z")
    RecordItem(keys.tenant_pk(owner.tenant_id), keys.project_sk(project["id"])).update(actions=[marked])

    reply = owner.post(f"/projects/{project['id']}/members", {"email": "late@example.com", "role": "viewer"})
    renamed = owner.patch(f"/projects/{project['id']}", {"name": "Renamed"})  # it would cut the delete short

    assert (reply.status, renamed.status) == (409, 409)
    assert "being deleted" in reply.body["detail"] and "being deleted" in renamed.body["detail"]


def test_a_deleted_project_leaves_nothing_readable(owner: CopilotCaller) -> None:
    project = owner.post("/projects", {"name": "Doomed"}).body
    owner.post("/auth/switch-project", {"project_id": project["id"]})
    incident = new_incident(owner)

    assert owner.delete(f"/projects/{project['id']}").status == 204
    assert owner.get(f"/projects/{project['id']}").status == 404
    assert owner.get(f"/incidents/{incident['id']}").status in (403, 404)
    assert project["id"] not in [p["id"] for p in owner.get("/projects").body]


def test_a_deleted_projects_integrations_go_with_their_credentials_and_alert_routes(
        owner: CopilotCaller, local_aws: Any) -> None:
    import boto3

    from opsdesk.alerts.routes import RouteRepository

    project = owner.post("/projects", {"name": "Doomed"}).body
    base = f"/projects/{project['id']}/monitoring/integrations"
    made = owner.post(base, {"type": "grafana", "name": "Grafana", "config": {"url": "https://grafana.example"},
                             "credentials": {"webhook_token": "w" * 24}}).body
    secrets = boto3.client("secretsmanager", region_name=local_aws.region, endpoint_url=local_aws.endpoint)
    named = f"{owner.tenant_id}/{made['id']}"
    [stored] = [s for s in secrets.list_secrets()["SecretList"] if s["Name"].endswith(named)]

    assert owner.delete(f"/projects/{project['id']}").status == 204

    assert RouteRepository(cache_seconds=0).webhook(made["id"]) is None  # its webhook answers 401 now
    assert "DeletedDate" in secrets.describe_secret(SecretId=stored["ARN"])  # scheduled, as DELETE does it


def test_a_credential_deleted_twice_is_deleted_without_an_error(local_aws: Any) -> None:
    from opsdesk.secrets import SecretsManagerStore
    from scripts.local.aws import INTEGRATION_SECRET_PREFIX

    secrets = SecretsManagerStore(INTEGRATION_SECRET_PREFIX, region=local_aws.region, endpoint_url=local_aws.endpoint)
    reference = secrets.put(str(uuid.uuid4()), str(uuid.uuid4()), {"api_key": "k"})

    secrets.delete(reference)
    secrets.delete(reference)  # a second delete of the integration (or its project's) raced the first


def test_a_credential_is_tagged_with_its_integrations_type_even_one_stored_before_tags(local_aws: Any) -> None:
    import boto3

    from opsdesk.secrets import TYPE_TAG, SecretsManagerStore
    from scripts.local.aws import INTEGRATION_SECRET_PREFIX

    secrets = SecretsManagerStore(INTEGRATION_SECRET_PREFIX, region=local_aws.region, endpoint_url=local_aws.endpoint)
    client = boto3.client("secretsmanager", region_name=local_aws.region, endpoint_url=local_aws.endpoint)
    tenant = str(uuid.uuid4())

    tagged = secrets.put(tenant, str(uuid.uuid4()), {"role_arn": "arn:aws:iam::123456789012:role/r"}, kind="cloudwatch")
    older = secrets.put(tenant, "older", {"role_arn": "arn:aws:iam::123456789012:role/r"})
    secrets.put(tenant, "older", {"role_arn": "arn:aws:iam::123456789012:role/r"}, kind="cloudwatch")

    for reference in (tagged, older):  # the scheduled check's grant reads only secrets with this tag
        assert {"Key": TYPE_TAG, "Value": "cloudwatch"} in client.describe_secret(SecretId=reference)["Tags"]


# Incidents


def test_an_incident_is_created_detected_with_the_documented_fields(owner: CopilotCaller) -> None:
    incident = new_incident(owner)

    assert set(incident) == {"id", "title", "description", "service_name", "severity", "state", "detected_at",
                             "project_id", "created_at"}
    assert incident["state"] == "detected" and incident["project_id"] == current_project(owner)
    listed = owner.get("/incidents").body
    assert listed[0]["id"] == incident["id"] and "updated_at" in listed[0] and "acknowledged_at" in listed[0]


def test_a_skip_deeper_than_lists_are_read_is_empty_past_the_end_and_a_422_within_a_longer_list(
        owner: CopilotCaller, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        new_incident(owner, title=f"incident {n}")

    far = owner.get("/incidents?skip=10000")
    monkeypatch.setattr("opsdesk.pagination.MAX_OFFSET", 2)  # lists read 2 deep: the 3 incidents are longer
    within = owner.get("/incidents?skip=2")
    past = owner.get("/incidents?skip=5000")
    monkeypatch.setattr("opsdesk.pagination.MAX_OFFSET", 3)
    at_the_end = owner.get("/incidents?skip=3")

    assert (far.status, far.body) == (200, [])
    assert within.status == 422 and "skip" in within.body["detail"]
    assert past.status == 422  # the list is longer than it is read, so how long is not known
    assert (at_the_end.status, at_the_end.body) == (200, [])


def test_lists_page_with_skip_and_limit_and_filter_by_severity_and_state(owner: CopilotCaller) -> None:
    made = [new_incident(owner, severity="critical" if n % 2 else "low", title=f"incident {n}") for n in range(5)]
    owner.patch(f"/incidents/{made[0]['id']}/state", {"state": "acknowledged"})

    page = owner.get("/incidents?skip=1&limit=2").body
    critical = owner.get("/incidents?severity=critical").body
    acknowledged = owner.get("/incidents?state=acknowledged&severity=low").body
    bad = owner.get("/incidents?severity=urgent")

    assert [i["title"] for i in page] == ["incident 3", "incident 2"]
    assert {i["title"] for i in critical} == {"incident 1", "incident 3"}
    assert [i["id"] for i in acknowledged] == [made[0]["id"]]
    assert bad.status == 422 and "severity" in bad.body["detail"]


def test_state_changes_follow_the_transition_table_and_record_their_time(owner: CopilotCaller) -> None:
    incident = new_incident(owner)
    path = f"/incidents/{incident['id']}/state"

    investigating = owner.patch(path, {"state": "investigating"})
    illegal = owner.patch(path, {"state": "detected"})
    unknown = owner.patch(path, {"state": "done"})

    assert investigating.status == 200
    assert set(investigating.body) == {"id", "state", "investigating_started_at"}
    assert illegal.status == 409 and "investigating" in illegal.body["detail"]
    assert unknown.status == 422
    detail = owner.get(f"/incidents/{incident['id']}").body
    assert detail["acknowledged_at"] is not None and detail["state"] == "investigating"
    workflow = owner.get(f"/incidents/{incident['id']}/workflow").body
    assert workflow["current_state"] == "investigating"
    metrics = owner.get(f"/incidents/{incident['id']}/metrics").body
    assert metrics["time_to_acknowledge_minutes"] is not None


def test_another_tenants_incident_is_404(owner: CopilotCaller, handlers: list[ModuleType]) -> None:
    incident = new_incident(owner)
    outsider = register(handlers)

    assert outsider.get(f"/incidents/{incident['id']}").status == 404
    assert outsider.patch(f"/incidents/{incident['id']}/state", {"state": "acknowledged"}).status == 404


def test_hypotheses_are_ranked_from_evidence_and_take_feedback(owner: CopilotCaller) -> None:
    from opsdesk.analysis.providers import OfflineHypothesisProvider
    from opsdesk.copilot.hypotheses import HypothesisService
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.eventlog import EventLog

    incident = new_incident(owner, title="Checkout 5xx", description="x509: certificate has expired",
                            service_name="checkout")
    HypothesisService(CopilotRepository(EventLog()), OfflineHypothesisProvider()).generate(
        owner.tenant_id, incident["project_id"], incident["id"])

    hypotheses = owner.get(f"/incidents/{incident['id']}/hypotheses").body
    assert hypotheses and [h["rank"] for h in hypotheses] == sorted(h["rank"] for h in hypotheses)
    assert set(hypotheses[0]) == {"id", "incident_id", "claim", "description", "confidence_score",
                                  "confidence_lower", "confidence_upper", "rank", "supporting_evidence",
                                  "contradicting_evidence", "user_feedback", "created_at"}
    top = hypotheses[0]
    assert top["confidence_lower"] <= top["confidence_score"] <= top["confidence_upper"]
    judged = owner.post(f"/incidents/{incident['id']}/hypotheses/{top['id']}/feedback", {"feedback": "confirmed"})
    assert judged.status == 200 and judged.body["user_feedback"] == "confirmed"
    usage = owner.get("/analytics/token-usage").body
    assert usage["total_requests"] >= 1 and usage["total_tokens"] > 0
    today = datetime.now(UTC).date()
    # "start_date: 7 days ago" by default, through today
    assert [day["date"] for day in usage["timeline"]] == [str(today - timedelta(days=n)) for n in range(7, -1, -1)]
    assert owner.get(f"/analytics/incident-metrics/{incident['id']}").body["request_count"] == 1


def test_a_hypothesis_keeps_its_id_and_feedback_when_ranked_again_and_the_prior_moves_once(
        owner: CopilotCaller) -> None:
    from opsdesk.analysis.providers import OfflineHypothesisProvider
    from opsdesk.copilot.hypotheses import HypothesisService
    from opsdesk.copilot.repository import CopilotRepository
    from opsdesk.eventlog import EventLog

    repository = CopilotRepository(EventLog())
    ranker = HypothesisService(repository, OfflineHypothesisProvider())
    incident = new_incident(owner, title="Checkout 5xx", description="x509: certificate has expired",
                            service_name="checkout")
    ranker.generate(owner.tenant_id, incident["project_id"], incident["id"])
    top = owner.get(f"/incidents/{incident['id']}/hypotheses").body[0]
    feedback = f"/incidents/{incident['id']}/hypotheses/{top['id']}/feedback"
    assert owner.post(feedback, {"feedback": "confirmed"}).status == 200

    # An alert joins the incident: the same ranker runs again (hypotheses.requested).
    ranker.generate(owner.tenant_id, incident["project_id"], incident["id"])
    again = owner.get(f"/incidents/{incident['id']}/hypotheses").body
    confirmed_again = owner.post(feedback, {"feedback": "confirmed"})

    assert [(h["id"], h["user_feedback"]) for h in again] == [(top["id"], "confirmed")]
    assert confirmed_again.status == 200 and confirmed_again.body["user_feedback"] == "confirmed"
    assert repository.cause_priors(owner.tenant_id, incident["project_id"]) == {"expired_certificate": 1.0}
    assert owner.get(f"/incidents/{incident['id']}/metrics").body["ai_requests"] == 2


def test_a_redelivered_stream_record_ranks_and_counts_nothing_more(owner: CopilotCaller) -> None:
    from functions.copilot_hypotheses import handler
    from opsdesk.eventlog import EventLog
    from opsdesk.events import project_stream, stream_pk
    from scripts.local.gateway import LambdaContext

    incident = new_incident(owner, title="Checkout 5xx", description="x509: certificate has expired",
                            service_name="checkout")
    stream = project_stream("incidents", incident["project_id"])
    (created,) = [e for e in EventLog().read_after(owner.tenant_id, stream, 0) if e.type == "incident.created"]

    def record(sequence: str, sk: str, data: str) -> dict[str, Any]:
        return {"eventName": "INSERT", "dynamodb": {"SequenceNumber": sequence, "NewImage": {
            "pk": {"S": stream_pk(owner.tenant_id, stream)}, "sk": {"S": sk},
            "type": {"S": "incident.created"}, "data": {"S": data}}}}

    # A batch whose first record fails: Lambda delivers it again from there, the one that succeeded with it
    batch = {"Records": [record("99", "E#999999999999", "not json"),
                         record("100", f"E#{created.id:012d}", json.dumps(created.data))]}
    context = LambdaContext("copilot_hypotheses", "us-east-1")
    assert handler.lambda_handler(batch, context) == {"batchItemFailures": [{"itemIdentifier": "99"}]}
    first = owner.get(f"/incidents/{incident['id']}/hypotheses").body
    assert handler.lambda_handler(batch, context) == {"batchItemFailures": [{"itemIdentifier": "99"}]}

    assert owner.get(f"/incidents/{incident['id']}/hypotheses").body == first and first
    assert owner.get(f"/analytics/incident-metrics/{incident['id']}").body["request_count"] == 1
    assert owner.get("/analytics/token-usage").body["total_requests"] == 1


# Integrations and alerts


def test_integration_credentials_are_kept_secret_and_shown_masked(owner: CopilotCaller) -> None:
    project_id = current_project(owner)
    base = f"/projects/{project_id}/monitoring/integrations"

    created = owner.post(base, {"type": "grafana", "name": "Grafana", "config": {"url": "https://grafana.example"},
                                "credentials": {"api_key": "glsa_secret_value"}})
    listed = owner.get(base)

    assert created.status == 201
    assert created.body["credentials"] == {"api_key": "********"}
    assert "glsa_secret_value" not in str(listed.body) and "glsa_secret_value" not in str(created.body)
    leaked = owner.post(base, {"type": "grafana", "name": "G", "config": {"api_key": "x"}})
    assert leaked.status == 422


def test_a_project_full_of_integrations_refuses_another_with_a_409_and_its_pages_hold_every_one(
        owner: CopilotCaller, handlers: list[ModuleType]) -> None:
    from opsdesk.copilot.records import MAX_PROJECT_INTEGRATIONS, PROJECT_INTEGRATIONS_FULL, Integration

    project_id = current_project(owner)
    base = f"/projects/{project_id}/monitoring/integrations"
    (monitoring,) = [h for h in handlers if h.__name__ == "functions.copilot_monitoring.handler"]
    # Given a project holding as many integrations as it may (stored directly: the rate limit is 100 a minute)
    first = owner.post(base, {"type": "prometheus", "name": "p", "config": {"url": "https://p.example"}}).body
    at = datetime(2026, 3, 2, tzinfo=UTC)
    for n in range(MAX_PROJECT_INTEGRATIONS - 1):
        monitoring.repository.save_integration(tenant_of(owner), Integration(
            str(uuid.uuid4()), project_id, "prometheus", f"p{n}", {}, None, (), True, at, at), create=True)

    refused = owner.post(base, {"type": "grafana", "name": "g", "config": {"url": "https://g.example"},
                                "credentials": {"api_key": "k"}})
    pages = [owner.get(f"{base}?skip={skip}&limit=40").body for skip in (0, 40, 80)]

    assert refused.status == 409 and refused.body == {"detail": PROJECT_INTEGRATIONS_FULL}
    listed = [i["id"] for page in pages for i in page]
    assert len(listed) == len(set(listed)) == MAX_PROJECT_INTEGRATIONS and first["id"] in listed


def test_a_webhook_token_too_short_for_the_webhook_to_accept_is_refused_when_the_integration_is_made(
    owner: CopilotCaller,
) -> None:
    from opsdesk.alerts.webhooks import MIN_TOKEN_LENGTH
    from opsdesk.copilot.integrations import WEBHOOK_TOKEN_MIN_LENGTH

    base = f"/projects/{current_project(owner)}/monitoring/integrations"
    body = {"type": "prometheus", "name": "Alertmanager", "config": {}}

    short = owner.post(base, {**body, "credentials": {"webhook_token": "t" * (MIN_TOKEN_LENGTH - 1)}})
    enough = owner.post(base, {**body, "credentials": {"webhook_token": "t" * MIN_TOKEN_LENGTH}})

    assert WEBHOOK_TOKEN_MIN_LENGTH == MIN_TOKEN_LENGTH  # what the webhook verifier accepts
    assert short.status == 422 and "webhook_token" in short.body["detail"]
    assert enough.status == 201


def aws_account() -> str:
    """An AWS account no other case's tenant holds (one tenant's integrations at a time route an account)."""
    return f"{uuid.uuid4().int % 10**12:012d}"


@pytest.mark.parametrize(("config", "field"), [
    ({"account_id": "1" * 3000, "region": "us-east-1"}, "account_id"),
    ({"account_id": "123456789012", "region": "us-east-1/../" + "x" * 2000}, "region"),
    ({"account_id": "12345678901", "region": "us-east-1"}, "account_id"),
    ({"account_id": "123456789012", "region": "eu-west-1", "alarm_name_prefix": "p" * 256}, "alarm_name_prefix"),
], ids=["account-too-long", "region-not-a-region", "account-11-digits", "prefix-too-long"])
def test_a_cloudwatch_route_the_alert_path_could_not_key_is_refused_naming_the_field(
        owner: CopilotCaller, config: dict[str, str], field: str) -> None:
    base = f"/projects/{current_project(owner)}/monitoring/integrations"

    reply = owner.post(base, {"type": "cloudwatch", "name": "CloudWatch", "config": config})

    assert reply.status == 422 and f"config.{field}" in str(reply.body["detail"])
    assert owner.post(base, {"type": "cloudwatch", "name": "CloudWatch",
                             "config": {"account_id": aws_account(), "region": "eu-west-1"}}).status == 201


def test_route_fields_are_checked_for_cloudwatch_only_and_an_empty_one_is_not_set(owner: CopilotCaller) -> None:
    base = f"/projects/{current_project(owner)}/monitoring/integrations"

    datadog = owner.post(base, {"type": "datadog", "name": "Datadog", "config": {"region": "us5"}})
    cloudwatch = owner.post(base, {"type": "cloudwatch", "name": "CloudWatch", "config": {
        "account_id": aws_account(), "region": "eu-west-1", "alarm_name_prefix": ""}})

    assert (datadog.status, cloudwatch.status) == (201, 201)


def tenant_of(caller: CopilotCaller) -> str:
    return str(caller.signed_in.body["user"]["tenant_id"])


def test_a_cloudwatch_account_routes_once_a_role_in_it_is_assumed_and_only_for_the_tenant_that_proved_it(
        owner: CopilotCaller, handlers: list[ModuleType]) -> None:
    base = f"/projects/{current_project(owner)}/monitoring/integrations"
    other = register(handlers)
    other_base = f"/projects/{current_project(other)}/monitoring/integrations"
    account = aws_account()
    watching = {"account_id": account, "region": "eu-west-1"}
    their_role = customer_role(account, tenant_of(other))

    # Named without a role: saved, routing nothing, holding nothing
    named = owner.post(base, {"type": "cloudwatch", "name": "CW", "config": watching})
    # So the tenant whose role the account has proves it and holds it
    proven = other.post(other_base, {"type": "cloudwatch", "name": "CW", "config": watching,
                                     "credentials": {"role_arn": their_role}})
    # Their role does not let the first tenant in (its external ID is not the one the role asks for)
    deputy = owner.patch(f"{base}/{named.body['id']}", {"credentials": {"role_arn": their_role}})
    # And a role of its own in that account is still a 409 while the other holds it
    taken = owner.patch(f"{base}/{named.body['id']}", {"credentials": {
        "role_arn": customer_role(account, tenant_of(owner))}})

    assert (named.status, named.body["verified_account"]) == (201, None)
    assert (proven.status, proven.body["verified_account"]) == (201, account), proven.body
    assert deputy.status == 422 and "AccessDenied" in str(deputy.body["detail"]), deputy.body
    assert taken.status == 409 and account in taken.body["detail"]
    assert owner.get(f"{base}/{named.body['id']}").body["credentials"] == {}  # the refused updates stored nothing


def test_a_role_that_lets_the_platform_in_without_the_external_id_proves_nothing(owner: CopilotCaller) -> None:
    base = f"/projects/{current_project(owner)}/monitoring/integrations"
    account = aws_account()
    careless = customer_role(account, tenant_of(owner), requires_external_id=False)

    reply = owner.post(base, {"type": "cloudwatch", "name": "CW", "config": {"account_id": account,
                                                                             "region": "eu-west-1"},
                              "credentials": {"role_arn": careless}})

    assert reply.status == 422 and "without the external ID" in str(reply.body["detail"]), reply.body
    assert owner.get(base).body == []


def test_a_role_outside_the_account_or_an_external_id_of_the_callers_choosing_is_422_and_stores_nothing(
        owner: CopilotCaller) -> None:
    base = f"/projects/{current_project(owner)}/monitoring/integrations"
    account = aws_account()
    watching = {"account_id": account, "region": "eu-west-1"}

    elsewhere = owner.post(base, {"type": "cloudwatch", "name": "CW", "config": watching,
                                  "credentials": {"role_arn": customer_role(aws_account(), tenant_of(owner))}})
    chosen = owner.post(base, {"type": "cloudwatch", "name": "CW", "config": watching, "credentials": {
        "role_arn": customer_role(account, tenant_of(owner)), "external_id": "opsdesk-someone-else"}})

    assert elsewhere.status == 422 and "credentials.role_arn" in str(elsewhere.body["detail"])
    assert chosen.status == 422 and "credentials.external_id" in str(chosen.body["detail"])
    assert owner.get(base).body == []


def test_a_cloudwatch_test_shows_the_tenants_external_id_and_a_passing_one_proves_the_account(
        owner: CopilotCaller, handlers: list[ModuleType]) -> None:
    from dataclasses import replace

    base = f"/projects/{current_project(owner)}/monitoring/integrations"
    account = aws_account()
    watching = {"account_id": account, "region": "eu-west-1"}
    tenant_id = tenant_of(owner)
    external_id = f"opsdesk-{tenant_id}"
    without_role = owner.post(f"{base}/test-connection", {"type": "cloudwatch", "config": watching})
    # Given an integration with its role stored before accounts were proven (as scripts/migrate_account_proofs
    # leaves one)
    made = owner.post(base, {"type": "cloudwatch", "name": "CW", "config": watching,
                             "credentials": {"role_arn": customer_role(account, tenant_id)}}).body
    (monitoring,) = [h for h in handlers if h.__name__ == "functions.copilot_monitoring.handler"]
    stored = monitoring.repository.get_integration(tenant_id, current_project(owner), made["id"])
    monitoring.repository.save_integration(tenant_id, replace(stored, verified_account=None), create=False)
    unproven = owner.get(f"{base}/{made['id']}").body

    tested = owner.post(f"{base}/{made['id']}/test", {})
    switched_off = owner.patch(f"{base}/{made['id']}", {"enabled": False}).body
    switched_on = owner.patch(f"{base}/{made['id']}", {"enabled": True}).body

    assert without_role.body["success"] is False and without_role.body["details"]["external_id"] == external_id
    assert (made["verified_account"], unproven["verified_account"]) == (account, None)
    assert tested.body["success"] is True and tested.body["details"]["external_id"] == external_id, tested.body
    assert owner.get(f"{base}/{made['id']}").body["verified_account"] == account
    assert (switched_off["verified_account"], switched_on["verified_account"]) == (None, account)


def test_a_connection_test_to_a_private_address_is_refused_cleanly(owner: CopilotCaller) -> None:
    project_id = current_project(owner)

    reply = owner.post(f"/projects/{project_id}/monitoring/integrations/test-connection",
                       {"type": "prometheus", "config": {"url": "https://169.254.169.254/"}})

    assert reply.status == 200
    assert reply.body["success"] is False and "refused" in reply.body["message"]


def test_rate_limit_headers_count_down_with_seconds_to_reset(owner: CopilotCaller) -> None:
    first, second = owner.get("/projects"), owner.get("/projects")

    assert first.headers["X-RateLimit-Limit"] == "100"
    assert int(second.headers["X-RateLimit-Remaining"]) < int(first.headers["X-RateLimit-Remaining"])
    assert 0 <= int(second.headers["X-RateLimit-Reset"]) <= 60


def test_of_two_concurrent_state_changes_one_wins_and_the_other_is_409(owner: CopilotCaller) -> None:
    from concurrent.futures import ThreadPoolExecutor

    incident = new_incident(owner)
    path = f"/incidents/{incident['id']}/state"
    owner.patch(path, {"state": "investigating"})

    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda state: owner.patch(path, {"state": state}), ["mitigated", "inconclusive"]))

    statuses = sorted(r.status for r in replies)
    final = owner.get(f"/incidents/{incident['id']}").body["state"]
    assert statuses in ([200, 409], [200, 200])
    if statuses == [200, 409]:
        winner = next(r for r in replies if r.status == 200)
        assert final == winner.body["state"]
    else:  # the second saw the first's result and its move was legal from there: applied in order, none lost
        assert final in ("mitigated", "inconclusive")



def test_projects_and_members_lists_take_the_documents_skip_and_limit(owner: CopilotCaller) -> None:
    for n in range(3):
        assert owner.post("/projects", {"name": f"Extra {n}"}).status == 201
    everything = owner.get("/projects?limit=100").body

    assert len(everything) == 4 and len(owner.get("/projects").body) == 4  # default limit 10
    assert owner.get("/projects?skip=1&limit=2").body == everything[1:3]
    assert owner.get("/projects?skip=x").status == 422
    over = owner.get("/projects?limit=101")  # the document: "max: 100"
    assert over.status == 422 and "limit" in over.body["detail"]
    members = owner.get(f"/projects/{current_project(owner)}/members?skip=0&limit=1").body
    assert len(members) == 1
