"""Ticket attachments: the rules of the presign and confirm steps (docs/decisions.md, Helpdesk).

Upload is two calls. Presign checks the declared name, size and type and answers a URL for one S3 PUT of that
object, under a key of the tenant and ticket; the client PUTs the bytes straight to S3 with the headers given.
Confirm checks that the object really exists with exactly the declared size and type (a presigned PUT alone
cannot enforce the length) and only then records the attachment; a mismatching object is deleted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from opsdesk.clock import is_uuid
from opsdesk.errors import FieldError, ValidationFailed

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * MIB
MAX_FILENAME_LENGTH = 255
MAX_KEY_FILENAME_LENGTH = 100
PENDING_TAG = "state=pending"
"""Tag of an uploaded object not confirmed yet: a lifecycle rule on the bucket expires such objects after a day,
and confirm removes the tag."""

# What a helpdesk takes as evidence: images, documents, text, logs and archives. No HTML, SVG or scripts: they
# would run in a browser that opened them from the bucket's origin.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/pdf": ("pdf",),
    "text/plain": ("txt", "log"),
    "text/csv": ("csv",),
    "text/markdown": ("md",),
    "application/json": ("json",),
    "application/zip": ("zip",),
    "application/gzip": ("gz",),
    "message/rfc822": ("eml",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
}
TYPE_BY_EXTENSION = {ext: mime for mime, extensions in ALLOWED_TYPES.items() for ext in extensions}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE_FOR_KEY = re.compile(r"[^A-Za-z0-9._-]+")


class AttachmentUpload(BaseModel):
    """Presign's body `{filename, bytes, mime?}`."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=1024)
    bytes: int = Field(strict=True, gt=0)
    mime: str | None = Field(default=None, max_length=255)

    @field_validator("filename")
    @classmethod
    def _clean_name(cls, value: str) -> str:
        cleaned = display_filename(value)
        if not cleaned:
            raise ValueError("filename must name a file")
        return cleaned

    @field_validator("mime")
    @classmethod
    def _lower_mime(cls, value: str | None) -> str | None:
        return value.split(";", 1)[0].strip().lower() if value else None


class AttachmentConfirm(AttachmentUpload):
    """Confirm's body `{attachment_id, filename, bytes, mime?}`: what presign was given, and its id."""

    attachment_id: str = Field(min_length=1, max_length=64)

    @field_validator("attachment_id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        if len(value) != 36 or not is_uuid(value):  # noqa: PLR2004 - the canonical 8-4-4-4-12 form
            raise ValueError("attachment_id must be the id presign returned")
        return value.lower()


@dataclass(frozen=True)
class Attachment:
    id: str
    ticket_id: str
    filename: str
    bytes: int
    mime: str
    key: str
    created_at: str
    created_by: str

    def as_json(self) -> dict[str, Any]:
        """As the document lists it: `{id, filename, bytes, mime, created_at}`."""
        return {"id": self.id, "filename": self.filename, "bytes": self.bytes, "mime": self.mime,
                "created_at": self.created_at}


@dataclass(frozen=True)
class UploadSpec:
    """A checked upload: the name shown in lists, its content type, size and the object key."""

    filename: str
    mime: str
    size: int
    key: str

    def put_headers(self) -> dict[str, str]:
        """The headers the client sends with its PUT; they are signed into the URL, so S3 refuses other values."""
        return {"Content-Type": self.mime, "x-amz-tagging": PENDING_TAG}


def display_filename(name: str) -> str:
    """The name as shown: no path (either separator), no control characters, NFC, trimmed, at most 255."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFC", _CONTROL.sub("", base)).strip()
    if base in {".", ".."}:
        return ""
    return _truncate_keeping_extension(base, MAX_FILENAME_LENGTH)


def key_filename(name: str) -> str:
    """The name as it goes into the object key: ASCII letters, digits, `.`, `_`, `-`; no leading dot; short."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    safe = _UNSAFE_FOR_KEY.sub("_", ascii_name).strip("._") or "file"
    return _truncate_keeping_extension(safe, MAX_KEY_FILENAME_LENGTH)


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def attachment_key(tenant_id: str, ticket_id: str, attachment_id: str, filename: str) -> str:
    return f"tenants/{tenant_id}/tickets/{ticket_id}/attachments/{attachment_id}/{key_filename(filename)}"


def check_upload(
    request: AttachmentUpload, *, tenant_id: str, ticket_id: str, attachment_id: str, max_bytes: int
) -> UploadSpec:
    """Presign's and confirm's rules: a size within the limit and an allowed type (given, or known from the
    file's extension). Every problem at once, each named by its field."""
    problems: list[FieldError] = []
    if request.bytes > max_bytes:
        problems.append(FieldError("bytes", f"bytes must be at most {max_bytes} ({max_bytes // MIB} MiB)"))
    mime = request.mime or TYPE_BY_EXTENSION.get(extension(request.filename))
    if mime is None:
        problems.append(FieldError("mime", "mime is required: the file's type is not known from its name"))
    elif mime not in ALLOWED_TYPES:
        problems.append(FieldError("mime", f"mime {mime} is not an allowed type"))
    if problems or mime is None:
        raise ValidationFailed(details=problems)
    key = attachment_key(tenant_id, ticket_id, attachment_id, request.filename)
    return UploadSpec(filename=request.filename, mime=mime, size=request.bytes, key=key)


def stored_object_problem(spec: UploadSpec, head: dict[str, Any] | None) -> str | None:
    """Why the uploaded object does not match what was declared (None: it matches)."""
    if head is None:
        return "the file has not been uploaded"
    size = int(head.get("ContentLength", -1))
    if size != spec.size:
        return f"the uploaded file has {size} bytes, not {spec.size}"
    stored_type = str(head.get("ContentType") or "").split(";", 1)[0].strip().lower()
    if stored_type != spec.mime:
        return f"the uploaded file's type is {stored_type or 'unknown'}, not {spec.mime}"
    return None


def _truncate_keeping_extension(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and len(ext) < limit // 2:
        return stem[: limit - len(ext) - 1] + "." + ext
    return name[:limit]
