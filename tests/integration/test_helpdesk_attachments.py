"""Ticket attachments through the helpdesk_attachments handler on moto: presign, a real HTTP PUT of the bytes to
the presigned URL, confirm, list, delete; tenant isolation and the confirm step's checks."""

from __future__ import annotations

import uuid
from types import ModuleType
from typing import Any

import pytest
import requests

from tests.integration.helpdesk import HelpdeskCaller

PDF = b"%PDF-1.4\n" + b"x" * 1000


@pytest.fixture(scope="module")
def handlers(local_aws: Any) -> dict[str, ModuleType]:
    from functions.helpdesk_attachments import handler as attachments
    from functions.helpdesk_people import handler as people
    from functions.helpdesk_tickets import handler as tickets

    return {"helpdesk_attachments": attachments, "helpdesk_people": people, "helpdesk_tickets": tickets}


@pytest.fixture(scope="module")
def s3(local_aws: Any) -> Any:
    from scripts.local.aws import client

    return client("s3", local_aws.endpoint, local_aws.region)


@pytest.fixture
def agent(handlers: dict[str, ModuleType]) -> HelpdeskCaller:
    return HelpdeskCaller(str(uuid.uuid4()), handlers, groups=("agent",))


@pytest.fixture
def user(agent: HelpdeskCaller) -> HelpdeskCaller:
    """A signed-in user of the agent's tenant without a role."""
    return agent.as_user()


@pytest.fixture
def ticket_id(agent: HelpdeskCaller) -> str:
    return create_ticket(agent)


def create_ticket(caller: HelpdeskCaller) -> str:
    requester = caller.post("/requesters", {"email": f"{uuid.uuid4().hex[:8]}@example.test",
                                             "display_name": "Req"})
    assert requester.status == 201, requester.body
    ticket = caller.post("/tickets", {"title": "Printer", "description": "Jammed", "priority": "normal",
                                      "requester_id": requester.body["id"]})
    assert ticket.status == 201, ticket.body
    return str(ticket.body["id"])


def upload(caller: HelpdeskCaller, ticket_id: str, data: bytes = PDF, *, filename: str = "scan.pdf",
           declared: int | None = None, mime: str = "application/pdf") -> tuple[str, dict[str, Any]]:
    """Presign, then PUT the bytes with a plain HTTP client as a browser would; (attachment_id, confirm body)."""
    size = len(data) if declared is None else declared
    presigned = caller.post(f"/tickets/{ticket_id}/attachments/presign",
                            {"filename": filename, "bytes": size, "mime": mime})
    assert presigned.status == 201, presigned.body
    put = requests.put(presigned.body["upload_url"], data=data, headers=presigned.body["headers"], timeout=10)
    assert put.status_code == 200, put.text
    attachment_id = presigned.body["attachment_id"]
    return attachment_id, {"attachment_id": attachment_id, "filename": filename, "bytes": size, "mime": mime}


def object_key(local_aws: Any, s3: Any, tenant_id: str, ticket_id: str, attachment_id: str) -> str | None:
    prefix = f"tenants/{tenant_id}/tickets/{ticket_id}/attachments/{attachment_id}/"
    found = s3.list_objects_v2(Bucket=local_aws.function_environment()["ATTACHMENTS_BUCKET"], Prefix=prefix)
    keys = [entry["Key"] for entry in found.get("Contents", [])]
    return keys[0] if keys else None


def test_presign_put_confirm_list_delete(local_aws: Any, s3: Any, agent: HelpdeskCaller, ticket_id: str) -> None:
    bucket = local_aws.function_environment()["ATTACHMENTS_BUCKET"]

    # Given a file uploaded with the presigned URL
    attachment_id, body = upload(agent, ticket_id)
    key = object_key(local_aws, s3, agent.tenant_id, ticket_id, attachment_id)
    assert key == f"tenants/{agent.tenant_id}/tickets/{ticket_id}/attachments/{attachment_id}/scan.pdf"
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == PDF

    # When it is confirmed, Then it is listed as the document shows it
    confirmed = agent.post(f"/tickets/{ticket_id}/attachments", body)
    assert (confirmed.status, confirmed.body) == (201, {"id": attachment_id})
    listed = agent.get(f"/tickets/{ticket_id}/attachments")
    assert listed.status == 200
    [entry] = listed.body
    assert set(entry) == {"id", "filename", "bytes", "mime", "created_at"}
    assert (entry["id"], entry["filename"], entry["bytes"], entry["mime"]) == (
        attachment_id, "scan.pdf", len(PDF), "application/pdf")
    # and it no longer carries the tag that lets the bucket expire unconfirmed uploads
    assert s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == []

    # When it is deleted, Then the item and the object are gone
    deleted = agent.delete(f"/tickets/{ticket_id}/attachments/{attachment_id}")
    assert (deleted.status, deleted.body) == (200, {"ok": True})
    assert agent.get(f"/tickets/{ticket_id}/attachments").body == []
    assert object_key(local_aws, s3, agent.tenant_id, ticket_id, attachment_id) is None
    assert agent.delete(f"/tickets/{ticket_id}/attachments/{attachment_id}").status == 404


def test_an_unconfirmed_upload_carries_the_pending_tag(local_aws: Any, s3: Any, agent: HelpdeskCaller,
                                                       ticket_id: str) -> None:
    attachment_id, _ = upload(agent, ticket_id)
    key = object_key(local_aws, s3, agent.tenant_id, ticket_id, attachment_id)

    tags = s3.get_object_tagging(Bucket=local_aws.function_environment()["ATTACHMENTS_BUCKET"], Key=key)["TagSet"]

    assert tags == [{"Key": "state", "Value": "pending"}]


def test_presign_answers_the_documented_fields(agent: HelpdeskCaller, ticket_id: str) -> None:
    reply = agent.post(f"/tickets/{ticket_id}/attachments/presign", {"filename": "notes.txt", "bytes": 12})

    assert reply.status == 201
    assert set(reply.body) == {"upload_url", "headers", "attachment_id"}
    assert reply.body["headers"]["Content-Type"] == "text/plain"
    assert reply.body["upload_url"].startswith("http")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"filename": "big.pdf", "bytes": 25 * 1024 * 1024 + 1, "mime": "application/pdf"}, "bytes"),
        ({"filename": "page.html", "bytes": 10, "mime": "text/html"}, "mime"),
        ({"filename": "setup.exe", "bytes": 10, "mime": "application/octet-stream"}, "filename"),
        ({"filename": "", "bytes": 10}, "filename"),
        ({"filename": "a.pdf", "bytes": 0}, "bytes"),
        ({"bytes": 10}, "filename"),
    ],
)
def test_presign_refuses_files_outside_the_limits(agent: HelpdeskCaller, ticket_id: str, body: dict[str, Any],
                                                  field: str) -> None:
    reply = agent.post(f"/tickets/{ticket_id}/attachments/presign", body)

    assert reply.status == 400
    assert field in reply.body["errors"]


def test_a_file_whose_name_says_no_type_is_uploaded_and_listed_as_a_download(agent: HelpdeskCaller,
                                                                              ticket_id: str) -> None:
    # Given a file without an extension, presigned without `mime` (the document's `mime?`)
    presigned = agent.post(f"/tickets/{ticket_id}/attachments/presign", {"filename": "README", "bytes": 5})
    assert presigned.status == 201, presigned.body
    assert presigned.body["headers"]["Content-Type"] == "application/octet-stream"

    # When it is PUT with the returned headers and confirmed, again without `mime`
    put = requests.put(presigned.body["upload_url"], data=b"hello", headers=presigned.body["headers"], timeout=10)
    assert put.status_code == 200, put.text
    confirmed = agent.post(f"/tickets/{ticket_id}/attachments",
                           {"attachment_id": presigned.body["attachment_id"], "filename": "README", "bytes": 5})

    # Then it is an attachment of the ticket, typed as a download
    assert confirmed.status == 201, confirmed.body
    listed = agent.get(f"/tickets/{ticket_id}/attachments").body
    assert [(a["filename"], a["mime"]) for a in listed] == [("README", "application/octet-stream")]


def test_confirm_of_an_object_larger_than_declared_is_refused_and_a_confirm_of_its_size_takes_it(
    local_aws: Any, s3: Any, agent: HelpdeskCaller, ticket_id: str
) -> None:
    # Given a client that declared 10 bytes but PUT 1 KiB (moto, like S3 without the signed length, takes it)
    attachment_id, body = upload(agent, ticket_id, declared=10)

    reply = agent.post(f"/tickets/{ticket_id}/attachments", body)

    assert reply.status == 400
    assert reply.body == {"errors": {"bytes": f"the uploaded file has {len(PDF)} bytes, not 10"}}
    assert agent.get(f"/tickets/{ticket_id}/attachments").body == []
    # Within the limit and of an allowed type, the object is kept: a confirm that states it takes it
    assert object_key(local_aws, s3, agent.tenant_id, ticket_id, attachment_id) is not None
    assert agent.post(f"/tickets/{ticket_id}/attachments", {**body, "bytes": len(PDF)}).status == 201


def test_confirm_of_an_object_of_another_type_is_refused(agent: HelpdeskCaller, ticket_id: str) -> None:
    presigned = agent.post(f"/tickets/{ticket_id}/attachments/presign",
                           {"filename": "scan.pdf", "bytes": len(PDF), "mime": "application/pdf"})
    requests.put(presigned.body["upload_url"], data=PDF, headers={"Content-Type": "text/html"}, timeout=10)

    reply = agent.post(f"/tickets/{ticket_id}/attachments", {
        "attachment_id": presigned.body["attachment_id"], "filename": "scan.pdf", "bytes": len(PDF),
        "mime": "application/pdf"})

    assert reply.status == 400
    assert set(reply.body["errors"]) == {"mime"}


def test_confirm_without_an_upload_is_refused(agent: HelpdeskCaller, ticket_id: str) -> None:
    presigned = agent.post(f"/tickets/{ticket_id}/attachments/presign", {"filename": "a.txt", "bytes": 3})

    reply = agent.post(f"/tickets/{ticket_id}/attachments",
                       {"attachment_id": presigned.body["attachment_id"], "filename": "a.txt", "bytes": 3})

    assert reply.status == 400
    assert reply.body == {"errors": {"attachment_id": "the file has not been uploaded"}}


def test_confirming_twice_is_one_attachment(agent: HelpdeskCaller, ticket_id: str) -> None:
    attachment_id, body = upload(agent, ticket_id)

    first = agent.post(f"/tickets/{ticket_id}/attachments", body)
    second = agent.post(f"/tickets/{ticket_id}/attachments", body)

    assert (first.status, second.status) == (201, 201)
    assert first.body == second.body == {"id": attachment_id}
    assert len(agent.get(f"/tickets/{ticket_id}/attachments").body) == 1


def test_uploader_and_agents_may_delete_others_may_not(agent: HelpdeskCaller, user: HelpdeskCaller,
                                                       ticket_id: str) -> None:
    attachment_id, body = upload(user, ticket_id)
    assert user.post(f"/tickets/{ticket_id}/attachments", body).status == 201
    bystander = agent.as_user()

    assert bystander.delete(f"/tickets/{ticket_id}/attachments/{attachment_id}").status == 403
    assert agent.delete(f"/tickets/{ticket_id}/attachments/{attachment_id}").status == 200


def test_unknown_ticket_is_not_found_on_every_route(agent: HelpdeskCaller) -> None:
    missing = str(uuid.uuid4())

    assert agent.get(f"/tickets/{missing}/attachments").status == 404
    assert agent.post(f"/tickets/{missing}/attachments/presign", {"filename": "a.txt", "bytes": 3}).status == 404
    assert agent.post(f"/tickets/{missing}/attachments",
                      {"attachment_id": str(uuid.uuid4()), "filename": "a.txt", "bytes": 3}).status == 404
    assert agent.delete(f"/tickets/{missing}/attachments/{uuid.uuid4()}").status == 404
    assert agent.get("/tickets/not-a-uuid/attachments").status == 404


def test_another_tenant_gets_404_on_every_route_of_a_ticket(
    local_aws: Any, s3: Any, handlers: dict[str, ModuleType], agent: HelpdeskCaller, ticket_id: str
) -> None:
    # Given an attachment of tenant A's ticket
    attachment_id, body = upload(agent, ticket_id)
    assert agent.post(f"/tickets/{ticket_id}/attachments", body).status == 201
    outsider = HelpdeskCaller(str(uuid.uuid4()), handlers, groups=("agent", "admin"))

    # Then tenant B's agent finds nothing of it and can change nothing
    assert outsider.get(f"/tickets/{ticket_id}/attachments").status == 404
    presign = outsider.post(f"/tickets/{ticket_id}/attachments/presign", {"filename": "a.txt", "bytes": 3})
    assert presign.status == 404
    assert outsider.post(f"/tickets/{ticket_id}/attachments", body).status == 404
    assert outsider.delete(f"/tickets/{ticket_id}/attachments/{attachment_id}").status == 404
    assert [a["id"] for a in agent.get(f"/tickets/{ticket_id}/attachments").body] == [attachment_id]
    assert object_key(local_aws, s3, agent.tenant_id, ticket_id, attachment_id) is not None


def test_anonymous_caller_is_unauthorized(agent: HelpdeskCaller, ticket_id: str) -> None:
    reply = agent.call("GET", f"/helpdesk/tickets/{ticket_id}/attachments", anonymous=True)

    assert reply.status == 401
    assert reply.body == {"error": "Missing or invalid auth token"}
