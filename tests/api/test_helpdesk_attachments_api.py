"""Helpdesk attachments over HTTP against the local stack: presign, a plain `requests.put` of the bytes to the
returned URL (moto's S3), confirm, list, delete (the object is gone), and another tenant's 404."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
import requests

from tests.api.conftest import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")

ALICE, BOB, CAROL = "alice@acme.test", "bob@acme.test", "carol@globex.test"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def helpdesk(stack: RunningStack) -> str:
    return f"{stack.info['base_url']}/helpdesk"


def new_ticket(stack: RunningStack, username: str) -> str:
    headers = stack.headers(username)
    requester = requests.post(f"{helpdesk(stack)}/requesters", headers=headers, timeout=10,
                              json={"email": f"{uuid.uuid4().hex[:8]}@customer.test", "display_name": "Dana"})
    assert requester.status_code == 201, requester.text
    ticket = requests.post(f"{helpdesk(stack)}/tickets", headers=headers, timeout=10, json={
        "title": "Screenshot of the error", "description": "See attached", "priority": "normal",
        "requester_id": requester.json()["id"]})
    assert ticket.status_code == 201, ticket.text
    return str(ticket.json()["id"])


def s3(stack: RunningStack) -> Any:
    return boto3.client("s3", endpoint_url=stack.info["aws_endpoint"], region_name=stack.info["region"],
                        aws_access_key_id="local", aws_secret_access_key="local")


def prefix_of(stack: RunningStack, username: str, ticket_id: str, attachment_id: str) -> str:
    tenant = next(u["tenant_id"] for u in stack.info["users"] if u["username"] == username)
    return f"tenants/{tenant}/tickets/{ticket_id}/attachments/{attachment_id}/"


def objects_under(stack: RunningStack, prefix: str) -> list[str]:
    listed = s3(stack).list_objects_v2(Bucket="opsdesk-local-attachments", Prefix=prefix)
    return [entry["Key"] for entry in listed.get("Contents", [])]


def test_upload_with_a_plain_http_put_then_confirm_list_and_delete(stack: RunningStack) -> None:
    headers = stack.headers(ALICE)
    ticket_id = new_ticket(stack, ALICE)
    base = f"{helpdesk(stack)}/tickets/{ticket_id}/attachments"

    # Given a presigned upload
    presigned = requests.post(f"{base}/presign", headers=headers, timeout=10,
                              json={"filename": "error screen.png", "bytes": len(PNG), "mime": "image/png"})
    assert presigned.status_code == 201, presigned.text
    upload = presigned.json()
    assert set(upload) == {"upload_url", "headers", "attachment_id"}

    # When the file is PUT to the URL by a plain HTTP client, Then S3 holds it under the tenant and ticket
    put = requests.put(upload["upload_url"], data=PNG, headers=upload["headers"], timeout=10)
    assert put.status_code == 200, put.text
    prefix = prefix_of(stack, ALICE, ticket_id, upload["attachment_id"])
    assert objects_under(stack, prefix) == [prefix + "error_screen.png"]

    # When it is confirmed, Then it is listed
    confirmed = requests.post(base, headers=headers, timeout=10, json={
        "attachment_id": upload["attachment_id"], "filename": "error screen.png", "bytes": len(PNG),
        "mime": "image/png"})
    assert (confirmed.status_code, confirmed.json()) == (201, {"id": upload["attachment_id"]})
    listed = requests.get(base, headers=headers, timeout=10).json()
    assert [(a["id"], a["filename"], a["bytes"], a["mime"]) for a in listed] == [
        (upload["attachment_id"], "error screen.png", len(PNG), "image/png")]

    # When it is deleted, Then the list is empty and the object is gone
    deleted = requests.delete(f"{base}/{upload['attachment_id']}", headers=headers, timeout=10)
    assert (deleted.status_code, deleted.json()) == (200, {"ok": True})
    assert requests.get(base, headers=headers, timeout=10).json() == []
    assert objects_under(stack, prefix) == []


def test_a_confirm_that_does_not_match_the_upload_is_refused(stack: RunningStack) -> None:
    headers = stack.headers(ALICE)
    ticket_id = new_ticket(stack, ALICE)
    base = f"{helpdesk(stack)}/tickets/{ticket_id}/attachments"
    upload = requests.post(f"{base}/presign", headers=headers, timeout=10,
                           json={"filename": "a.png", "bytes": 100, "mime": "image/png"}).json()
    requests.put(upload["upload_url"], data=PNG, headers=upload["headers"], timeout=10)
    assert objects_under(stack, prefix_of(stack, ALICE, ticket_id, upload["attachment_id"])) != []

    refused = requests.post(base, headers=headers, timeout=10, json={
        "attachment_id": upload["attachment_id"], "filename": "a.png", "bytes": 100, "mime": "image/png"})

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["bytes"]
    # The file is one a confirm may take (within the limit, an allowed type): it is kept for a corrected confirm.
    assert objects_under(stack, prefix_of(stack, ALICE, ticket_id, upload["attachment_id"])) != []
    corrected = requests.post(base, headers=headers, timeout=10, json={
        "attachment_id": upload["attachment_id"], "filename": "a.png", "bytes": len(PNG), "mime": "image/png"})
    assert corrected.status_code == 201


def test_another_tenant_gets_404_and_a_user_without_the_role_may_list(stack: RunningStack) -> None:
    ticket_id = new_ticket(stack, ALICE)
    base = f"{helpdesk(stack)}/tickets/{ticket_id}/attachments"

    assert requests.get(base, headers=stack.headers(CAROL), timeout=10).status_code == 404
    assert requests.post(f"{base}/presign", headers=stack.headers(CAROL), timeout=10,
                         json={"filename": "a.png", "bytes": 10}).status_code == 404
    assert requests.get(base, headers=stack.headers(BOB), timeout=10).status_code == 200


def test_without_a_token_it_is_401(stack: RunningStack) -> None:
    reply = requests.get(f"{helpdesk(stack)}/tickets/{uuid.uuid4()}/attachments", timeout=10)

    assert reply.status_code == 401
    assert reply.json() == {"error": "Missing or invalid auth token"}
