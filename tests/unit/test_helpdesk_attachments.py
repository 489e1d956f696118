"""Attachment rules: names, sizes, types, keys and the confirm check (opsdesk.helpdesk.attachments)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from opsdesk.errors import ValidationFailed
from opsdesk.helpdesk.attachments import (
    ALLOWED_TYPES,
    DEFAULT_MAX_BYTES,
    MIB,
    AttachmentConfirm,
    AttachmentUpload,
    attachment_key,
    check_upload,
    display_filename,
    key_filename,
    stored_object_problem,
)
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


def test_unknown_extension_without_a_type_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        check(upload(filename="blob.bin"))

    assert set(fields_of(refused)) == {"mime"}


@pytest.mark.parametrize("mime", ["text/html", "image/svg+xml", "application/javascript", "application/octet-stream",
                                  "application/x-msdownload"])
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
        check(upload(filename="x.exe", bytes=100 * MIB))

    assert set(fields_of(refused)) == {"bytes", "mime"}


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
    ],
)
def test_display_name_loses_paths_and_control_characters(given: str, shown: str) -> None:
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
    ("head", "problem"),
    [
        (None, "the file has not been uploaded"),
        ({"ContentLength": 999, "ContentType": "application/pdf"}, "the uploaded file has 999 bytes, not 1000"),
        ({"ContentLength": 30 * MIB, "ContentType": "application/pdf"}, f"has {30 * MIB} bytes, not 1000"),
        ({"ContentLength": 1000, "ContentType": "text/html"}, "type is text/html, not application/pdf"),
        ({"ContentLength": 1000}, "type is unknown"),
    ],
)
def test_object_that_differs_from_the_declaration_is_refused(head: dict[str, Any] | None, problem: str) -> None:
    spec = check(upload(mime="application/pdf", bytes=1000))

    assert problem in (stored_object_problem(spec, head) or "")
