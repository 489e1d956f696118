"""Attachment rules: names, sizes, types, keys and the confirm check (opsdesk.helpdesk.attachments)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from opsdesk.auth import Principal
from opsdesk.errors import Forbidden, NotFound, ValidationFailed
from opsdesk.helpdesk.attachments import (
    ALLOWED_TYPES,
    DEFAULT_MAX_BYTES,
    MIB,
    Attachment,
    AttachmentLimits,
    AttachmentService,
    attachment_key,
    check_upload,
    display_filename,
    key_filename,
    stored_object_problem,
)
from opsdesk.helpdesk.requests import AttachmentConfirm, AttachmentUpload
from opsdesk.validation import parse_model

TENANT, TICKET, ATTACHMENT = "tenant-a", "ticket-1", "att-1"


def upload(**body: Any) -> AttachmentUpload:
    return parse_model(AttachmentUpload, {"filename": "report.pdf", "bytes": 1000, **body})


def check(request: AttachmentUpload, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    return check_upload(request, tenant_id=TENANT, ticket_id=TICKET, attachment_id=ATTACHMENT, max_bytes=max_bytes)


def fields_of(error: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {d.field: d.message for d in error.value.details}


def test_default_limit_is_25_mib() -> None:
    assert DEFAULT_MAX_BYTES == 25 * 1024 * 1024


def test_upload_within_the_rules_gets_a_key_under_tenant_ticket_and_attachment() -> None:
    spec = check(upload(filename="Q3 report (final).pdf", mime="application/pdf"))

    assert spec.key == "tenants/tenant-a/tickets/ticket-1/attachments/att-1/Q3_report_final_.pdf"
    assert spec.filename == "Q3 report (final).pdf"
    assert (spec.mime, spec.size) == ("application/pdf", 1000)


def test_put_headers_fix_the_type_and_mark_the_object_pending() -> None:
    spec = check(upload(mime="application/pdf"))

    assert spec.put_headers() == {"Content-Type": "application/pdf", "x-amz-tagging": "state=pending"}


def test_size_exactly_at_the_limit_is_allowed_one_more_byte_is_not() -> None:
    assert check(upload(bytes=25 * MIB)).size == 25 * MIB

    with pytest.raises(ValidationFailed) as refused:
        check(upload(bytes=25 * MIB + 1))

    assert fields_of(refused) == {"bytes": f"bytes must be at most {25 * MIB} (25 MiB)"}


def test_limit_is_a_setting() -> None:
    with pytest.raises(ValidationFailed):
        check(upload(bytes=2 * MIB), max_bytes=MIB)


@pytest.mark.parametrize("size", [0, -1, "12", 1.5, True])
def test_size_must_be_a_positive_integer(size: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        upload(bytes=size)

    assert "bytes" in fields_of(refused)


def test_missing_type_is_taken_from_the_extension() -> None:
    assert check(upload(filename="screen.PNG")).mime == "image/png"
    assert check(upload(filename="app.log")).mime == "text/plain"


@pytest.mark.parametrize("filename", ["README", "trace.har", "core.1234", "capture.pcap", "blob.bin", ".env"])
def test_a_name_that_says_no_listed_type_is_taken_as_a_download(filename: str) -> None:
    assert check(upload(filename=filename)).mime == "application/octet-stream"
    assert check(upload(filename=filename, mime="application/octet-stream")).mime == "application/octet-stream"


@pytest.mark.parametrize("filename", ["page.html", "logo.SVG", "run.js", "setup.exe", "fix.ps1", "x.bat"])
@pytest.mark.parametrize("mime", [None, "application/octet-stream", "image/png"])
def test_pages_scripts_and_programs_are_refused_whatever_type_is_declared(filename: str, mime: str | None) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check(upload(filename=filename, mime=mime))

    assert set(fields_of(refused)) == {"filename"}


@pytest.mark.parametrize("filename", [
    "setup.exe.", "setup.exe_", "setup.exe ", "setup.exe%", "setup.ex\u00e9", "setup.\uff45\uff58\uff45",
    "page.html\u200b", "page.ht\u00adml", "page.htm\u2060l", "run\u202e.js", "disk.iso", "macro.xlsm",
])
def test_a_refused_name_disguised_by_dots_accents_widths_or_invisible_characters_is_refused(filename: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check(upload(filename=filename))

    assert set(fields_of(refused)) == {"filename"}


def test_invisible_formatting_characters_leave_the_shown_name() -> None:
    assert check(upload(filename="notes\u200b.t\u00adxt\ufeff")).filename == "notes.txt"


@pytest.mark.parametrize("mime", ["text/html", "image/svg+xml", "application/javascript", "application/x-msdownload"])
def test_types_outside_the_allow_list_are_refused(mime: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check(upload(filename="x.txt", mime=mime))

    assert fields_of(refused) == {"mime": f"mime {mime} is not an allowed type"}


def test_type_parameters_and_case_are_ignored() -> None:
    assert check(upload(filename="notes.txt", mime="Text/Plain; charset=utf-8")).mime == "text/plain"


def test_allow_list_has_no_active_content() -> None:
    assert not {"text/html", "image/svg+xml", "application/xhtml+xml", "text/javascript"} & set(ALLOWED_TYPES)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check(upload(filename="x.exe", bytes=100 * MIB, mime="text/html"))

    assert set(fields_of(refused)) == {"bytes", "filename", "mime"}


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        upload(key="tenants/other/x")

    assert set(fields_of(refused)) == {"key"}


# Names


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\photo.jpg", "photo.jpg"),
        ("  spaced.txt  ", "spaced.txt"),
        ("bell\x07\x00.txt", "bell.txt"),
        ("café.txt", "café.txt"),
        ("..", ""),
        ("dir/", ""),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\u2066report\u2069\u200f.pdf", "report.pdf"),
        ("next\x85line.txt", "nextline.txt"),
    ],
)
def test_display_name_loses_paths_control_and_bidi_formatting_characters(given: str, shown: str) -> None:
    assert display_filename(given) == shown


@pytest.mark.parametrize("name", ["", "/", "..", "\x00\x01"])
def test_a_name_that_is_no_file_is_refused(name: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        upload(filename=name)

    assert set(fields_of(refused)) == {"filename"}


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("Rapport été 2026.pdf", "Rapport_ete_2026.pdf"),
        (".htaccess", "htaccess"),
        ("日本語.txt", "txt"),
        ("a/b\\c?.txt", "a_b_c_.txt"),
        ("%2e%2e%2f.txt", "2e_2e_2f.txt"),
    ],
)
def test_key_name_is_plain_ascii_without_leading_dots(name: str, safe: str) -> None:
    assert key_filename(name) == safe


def test_long_names_are_cut_keeping_the_extension() -> None:
    long = "x" * 400 + ".pdf"

    assert display_filename(long) == "x" * 251 + ".pdf"
    assert key_filename(long) == "x" * 96 + ".pdf"


def test_key_cannot_leave_its_prefix_whatever_the_name() -> None:
    key = attachment_key(TENANT, TICKET, ATTACHMENT, "../../../other-tenant/secret")

    assert key.startswith("tenants/tenant-a/tickets/ticket-1/attachments/att-1/")
    assert ".." not in key.split("/")


# Confirm


def test_confirm_needs_the_uuid_presign_returned() -> None:
    attachment_id = str(uuid.uuid4())
    body = {"attachment_id": attachment_id.upper(), "filename": "a.pdf", "bytes": 10}

    assert parse_model(AttachmentConfirm, body).attachment_id == attachment_id
    with pytest.raises(ValidationFailed) as refused:
        parse_model(AttachmentConfirm, {**body, "attachment_id": "../x"})
    assert set(fields_of(refused)) == {"attachment_id"}


def test_object_of_the_declared_size_and_type_matches() -> None:
    spec = check(upload(mime="application/pdf", bytes=1000))

    assert stored_object_problem(spec, {"ContentLength": 1000, "ContentType": "application/pdf"}) is None


@pytest.mark.parametrize(
    ("head", "field", "problem"),
    [
        (None, "attachment_id", "the file has not been uploaded"),
        ({"ContentLength": 999, "ContentType": "application/pdf"}, "bytes", "uploaded file has 999 bytes, not 1000"),
        ({"ContentLength": 30 * MIB, "ContentType": "application/pdf"}, "bytes", f"has {30 * MIB} bytes, not 1000"),
        ({"ContentLength": 1000, "ContentType": "text/html"}, "mime", "type is text/html, not application/pdf"),
        ({"ContentLength": 1000}, "mime", "type is unknown"),
    ],
)
def test_object_that_differs_from_the_declaration_is_refused(
    head: dict[str, Any] | None, field: str, problem: str
) -> None:
    spec = check(upload(mime="application/pdf", bytes=1000))

    found = stored_object_problem(spec, head)

    assert found is not None
    assert found.field == field
    assert problem in found.message


# The service over an in-memory store and object store


class FakeObjects:
    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}
        self.presigned: list[dict[str, Any]] = []

    def presign_put(self, bucket: str, key: str, *, content_type: str, content_length: int, tagging: str,
                    expires_seconds: int) -> str:
        self.presigned.append({"bucket": bucket, "key": key, "type": content_type, "length": content_length,
                               "tagging": tagging, "expires": expires_seconds})
        return f"https://s3.test/{bucket}/{key}?signed"

    def upload(self, key: str, size: int, content_type: str, bucket: str = "att") -> None:
        self.objects[(bucket, key)] = {"ContentLength": size, "ContentType": content_type, "tags": "state=pending"}

    def head(self, bucket: str, key: str) -> dict[str, Any] | None:
        return self.objects.get((bucket, key))

    def clear_tags(self, bucket: str, key: str) -> None:
        self.objects[(bucket, key)]["tags"] = ""

    def delete(self, bucket: str, key: str) -> None:
        self.objects.pop((bucket, key), None)


class FakeAttachmentStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str, str], Attachment] = {}

    def list_attachments(self, tenant_id: str, ticket_id: str) -> list[Attachment]:
        return sorted((a for (t, k, _), a in self.items.items() if (t, k) == (tenant_id, ticket_id)),
                      key=lambda a: a.created_at)

    def get_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> Attachment | None:
        return self.items.get((tenant_id, ticket_id, attachment_id))

    def put_attachment(self, tenant_id: str, attachment: Attachment) -> bool:
        key = (tenant_id, attachment.ticket_id, attachment.id)
        if key in self.items:
            return False
        self.items[key] = attachment
        return True

    def delete_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> None:
        self.items.pop((tenant_id, ticket_id, attachment_id), None)


AGENT = Principal(user_id="agent-1", tenant_id=TENANT, username="agent", groups=frozenset({"agent"}))
UPLOADER = Principal(user_id="user-1", tenant_id=TENANT, username="user", groups=frozenset())
OTHER_USER = Principal(user_id="user-2", tenant_id=TENANT, username="other", groups=frozenset())


@pytest.fixture
def objects() -> FakeObjects:
    return FakeObjects()


@pytest.fixture
def store() -> FakeAttachmentStore:
    return FakeAttachmentStore()


@pytest.fixture
def service(store: FakeAttachmentStore, objects: FakeObjects) -> AttachmentService:
    counter = iter(range(1, 10_000))
    return AttachmentService(
        store, objects, "att", AttachmentLimits(max_bytes=10 * MIB, upload_url_seconds=600, per_ticket=3),
        clock=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        id_factory=lambda: str(uuid.UUID(int=next(counter), version=4)),
    )


def presign_and_upload(service: AttachmentService, objects: FakeObjects, principal: Principal = UPLOADER,
                       **body: Any) -> tuple[dict[str, Any], AttachmentConfirm]:
    request = upload(**{"filename": "log.txt", "bytes": 42, **body})
    answer = service.presign(principal, TICKET, request)
    key = objects.presigned[-1]["key"]
    objects.upload(key, request.bytes, objects.presigned[-1]["type"])
    confirm = parse_model(AttachmentConfirm, {"attachment_id": answer["attachment_id"], "filename": request.filename,
                                              "bytes": request.bytes, "mime": request.mime})
    return answer, confirm


def test_presign_answers_a_url_headers_and_an_id(service: AttachmentService, objects: FakeObjects) -> None:
    answer = service.presign(UPLOADER, TICKET, upload(filename="log.txt", bytes=42))

    assert set(answer) == {"upload_url", "headers", "attachment_id"}
    assert answer["headers"] == {"Content-Type": "text/plain", "x-amz-tagging": "state=pending"}
    assert objects.presigned == [{
        "bucket": "att", "key": f"tenants/{TENANT}/tickets/{TICKET}/attachments/{answer['attachment_id']}/log.txt",
        "type": "text/plain", "length": 42, "tagging": "state=pending", "expires": 600,
    }]


def test_presign_refuses_a_file_over_the_limit_and_signs_nothing(
    service: AttachmentService, objects: FakeObjects
) -> None:
    with pytest.raises(ValidationFailed):
        service.presign(UPLOADER, TICKET, upload(bytes=10 * MIB + 1))

    assert objects.presigned == []


def test_confirm_records_the_uploaded_file_and_clears_its_pending_tag(
    service: AttachmentService, objects: FakeObjects
) -> None:
    answer, confirm = presign_and_upload(service, objects)

    attachment = service.confirm(UPLOADER, TICKET, confirm)

    assert attachment.id == answer["attachment_id"]
    assert attachment.as_json() == {"id": attachment.id, "filename": "log.txt", "bytes": 42, "mime": "text/plain",
                                    "created_at": "2026-03-02T09:00:00.000Z"}
    assert [a.id for a in service.list(UPLOADER, TICKET)] == [attachment.id]
    assert objects.objects[("att", attachment.key)]["tags"] == ""


def test_confirm_without_an_upload_is_refused(service: AttachmentService, store: FakeAttachmentStore) -> None:
    answer = service.presign(UPLOADER, TICKET, upload(filename="a.txt", bytes=5))
    confirm = parse_model(AttachmentConfirm, {"attachment_id": answer["attachment_id"], "filename": "a.txt",
                                              "bytes": 5})

    with pytest.raises(ValidationFailed) as refused:
        service.confirm(UPLOADER, TICKET, confirm)

    assert fields_of(refused) == {"attachment_id": "the file has not been uploaded"}
    assert store.items == {}


def test_confirm_of_an_object_over_the_size_limit_deletes_it(
    service: AttachmentService, objects: FakeObjects, store: FakeAttachmentStore
) -> None:
    # Given a client that declared 42 bytes and uploaded 20 MiB
    _, confirm = presign_and_upload(service, objects)
    key = objects.presigned[-1]["key"]
    objects.upload(key, 20 * MIB, "text/plain")

    # When it confirms, Then it is refused, the object is gone and nothing is recorded
    with pytest.raises(ValidationFailed) as refused:
        service.confirm(UPLOADER, TICKET, confirm)

    assert set(fields_of(refused)) == {"bytes"}
    assert ("att", key) not in objects.objects
    assert store.items == {}


def test_a_confirm_that_misstates_a_good_upload_is_refused_and_a_corrected_one_takes_it(
    service: AttachmentService, objects: FakeObjects, store: FakeAttachmentStore
) -> None:
    # Given 42 bytes of text uploaded as presigned, and a confirm that says 43
    _, confirm = presign_and_upload(service, objects)
    key = objects.presigned[-1]["key"]
    wrong = parse_model(AttachmentConfirm, {**confirm.model_dump(), "bytes": 43})

    with pytest.raises(ValidationFailed) as refused:
        service.confirm(UPLOADER, TICKET, wrong)

    # Then the upload is kept (it is a file some confirm may take), and the corrected confirm records it
    assert fields_of(refused) == {"bytes": "the uploaded file has 42 bytes, not 43"}
    assert ("att", key) in objects.objects and store.items == {}
    assert service.confirm(UPLOADER, TICKET, confirm).bytes == 42


def test_confirm_of_an_object_of_another_allowed_type_is_refused_and_keeps_it(service: AttachmentService,
                                                                            objects: FakeObjects) -> None:
    _, confirm = presign_and_upload(service, objects)
    key = objects.presigned[-1]["key"]
    objects.upload(key, 42, "application/pdf")

    with pytest.raises(ValidationFailed) as refused:
        service.confirm(UPLOADER, TICKET, confirm)

    assert set(fields_of(refused)) == {"mime"}
    assert ("att", key) in objects.objects  # a confirm that says application/pdf could take it


def test_confirm_of_an_object_of_a_type_not_allowed_deletes_it(service: AttachmentService,
                                                               objects: FakeObjects) -> None:
    _, confirm = presign_and_upload(service, objects)
    key = objects.presigned[-1]["key"]
    objects.upload(key, 42, "text/html")

    with pytest.raises(ValidationFailed) as refused:
        service.confirm(UPLOADER, TICKET, confirm)

    assert set(fields_of(refused)) == {"mime"}
    assert ("att", key) not in objects.objects


def test_confirm_with_another_name_finds_no_object(service: AttachmentService, objects: FakeObjects) -> None:
    _, confirm = presign_and_upload(service, objects)

    with pytest.raises(ValidationFailed) as refused:
        service.confirm(UPLOADER, TICKET, confirm.model_copy(update={"filename": "other.txt"}))

    assert set(fields_of(refused)) == {"attachment_id"}


def test_confirming_twice_answers_the_same_attachment(service: AttachmentService, objects: FakeObjects) -> None:
    _, confirm = presign_and_upload(service, objects)

    first = service.confirm(UPLOADER, TICKET, confirm)
    second = service.confirm(UPLOADER, TICKET, confirm)

    assert first == second
    assert len(service.list(UPLOADER, TICKET)) == 1


def test_a_confirm_retried_after_its_tag_removal_failed_keeps_the_file(
    service: AttachmentService, objects: FakeObjects
) -> None:
    # Given a confirm that recorded the attachment, then failed to clear the object's pending tag (S3 throttled)
    _, confirm = presign_and_upload(service, objects)
    clear_tags = objects.clear_tags

    def throttled(bucket: str, key: str) -> None:
        raise RuntimeError("SlowDown")

    objects.clear_tags = throttled  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        service.confirm(UPLOADER, TICKET, confirm)
    objects.clear_tags = clear_tags  # type: ignore[method-assign]

    # When the client retries the confirm
    attachment = service.confirm(UPLOADER, TICKET, confirm)

    # Then the object is no longer pending, so the bucket's expiry of unconfirmed uploads leaves it
    assert objects.objects[("att", attachment.key)]["tags"] == ""


def test_a_second_put_of_the_upload_url_then_a_confirm_leaves_the_object_confirmed(
    service: AttachmentService, objects: FakeObjects
) -> None:
    # Given a confirmed attachment whose still valid upload URL is used again (S3 tags the object pending anew)
    _, confirm = presign_and_upload(service, objects)
    attachment = service.confirm(UPLOADER, TICKET, confirm)
    objects.upload(attachment.key, attachment.bytes, attachment.mime)

    # When it is confirmed again
    assert service.confirm(UPLOADER, TICKET, confirm) == attachment

    # Then the object is confirmed once more
    assert objects.objects[("att", attachment.key)]["tags"] == ""


def test_a_ticket_holds_a_bounded_number_of_attachments(service: AttachmentService, objects: FakeObjects) -> None:
    for _ in range(3):
        service.confirm(UPLOADER, TICKET, presign_and_upload(service, objects)[1])
    _, fourth = presign_and_upload(service, objects)

    with pytest.raises(ValidationFailed) as refused:
        service.confirm(UPLOADER, TICKET, fourth)

    assert fields_of(refused) == {"attachment_id": "a ticket holds at most 3 attachments"}
    assert len(objects.objects) == 3


def test_delete_removes_the_object_and_the_item(service: AttachmentService, objects: FakeObjects) -> None:
    attachment = service.confirm(UPLOADER, TICKET, presign_and_upload(service, objects)[1])

    service.delete(UPLOADER, TICKET, attachment.id.upper())

    assert objects.objects == {}
    assert service.list(UPLOADER, TICKET) == []


def test_an_agent_may_delete_anyones_attachment_another_user_may_not(
    service: AttachmentService, objects: FakeObjects
) -> None:
    attachment = service.confirm(UPLOADER, TICKET, presign_and_upload(service, objects)[1])

    with pytest.raises(Forbidden):
        service.delete(OTHER_USER, TICKET, attachment.id)
    service.delete(AGENT, TICKET, attachment.id)

    assert objects.objects == {}


@pytest.mark.parametrize("attachment_id", ["nope", "0b9e3c1e-5f7a-4d2b-9c8e-2a6f4d1b7e35"])
def test_deleting_an_unknown_attachment_is_not_found(service: AttachmentService, attachment_id: str) -> None:
    with pytest.raises(NotFound):
        service.delete(UPLOADER, TICKET, attachment_id)


def test_another_tenant_sees_no_attachments(service: AttachmentService, objects: FakeObjects) -> None:
    attachment = service.confirm(UPLOADER, TICKET, presign_and_upload(service, objects)[1])
    outsider = Principal(user_id="x", tenant_id="tenant-b", username="x", groups=frozenset({"agent"}))

    assert service.list(outsider, TICKET) == []
    with pytest.raises(NotFound):
        service.delete(outsider, TICKET, attachment.id)
