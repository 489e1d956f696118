"""Ticket attachments: the rules of the presign and confirm steps (docs/decisions.md, Helpdesk).

Upload is two calls. Presign checks the declared name, size and type and answers a URL for one S3 PUT of that
object, under a key of the tenant and ticket; the client PUTs the bytes straight to S3 with the headers given.
Confirm checks that the object really exists with exactly the declared size and type (a presigned PUT alone
cannot enforce the length) and only then records the attachment; a mismatching object is deleted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from opsdesk.auth import Principal
from opsdesk.clock import is_uuid, new_id, to_rfc3339, utc_now
from opsdesk.errors import FieldError, Forbidden, NotFound, ValidationFailed
from opsdesk.frozen import frozen
from opsdesk.helpdesk.records import AGENT_GROUPS

if TYPE_CHECKING:  # request bodies load pydantic, which the routes that validate one load (opsdesk.http)
    from opsdesk.helpdesk.requests import AttachmentConfirm, AttachmentUpload

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * MIB
MAX_FILENAME_LENGTH = 255
MAX_KEY_FILENAME_LENGTH = 100
PENDING_TAG = "state=pending"
"""Tag of an uploaded object not confirmed yet: a lifecycle rule on the bucket expires such objects after a day,
and confirm removes the tag."""

# What a helpdesk takes as evidence: images, documents, text, logs and archives, and any other file as a download
# (OCTET_STREAM). No HTML, SVG or scripts: they would run in a browser that opened them from the bucket's origin.
OCTET_STREAM = "application/octet-stream"
"""The type of a file whose name says no type of the list (`README`, `trace.har`, `core.1234`): browsers download
it and never render or run it."""
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
    OCTET_STREAM: (),
}
TYPE_BY_EXTENSION = {ext: mime for mime, extensions in ALLOWED_TYPES.items() for ext in extensions}
REFUSED_EXTENSIONS = frozenset({
    # what a browser renders or runs, were it ever served with the type its name implies
    "htm", "html", "shtml", "xhtml", "xht", "mht", "mhtml", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs",
    # what Windows or macOS runs when an agent opens it, documents with macros, and the disk images that carry them
    "exe", "msi", "msix", "msixbundle", "appx", "appxbundle", "application", "bat", "cmd", "com", "scr", "pif",
    "cpl", "dll", "msc", "chm", "ps1", "psm1", "psd1", "vbs", "vbe", "jse", "wsf", "wsh", "wsc", "hta", "lnk", "url",
    "scf", "reg", "jar", "command", "docm", "dotm", "xlsm", "xltm", "pptm", "iso", "img", "vhd", "vhdx",
})
"""Names refused whatever type is declared (an `invoice.exe` sent as an image is still a program): a deny-list on top
of the allow-list of types, since OCTET_STREAM takes any other name."""

_INVISIBLE = frozenset({"Cc", "Cf"})
"""Unicode categories a name loses: control characters and invisible formatting characters."""
_UNSAFE_FOR_KEY = re.compile(r"[^A-Za-z0-9._-]+")


@frozen
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


@frozen
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
    """The name as shown: no path (either separator), no control or invisible formatting characters (bidi marks:
    "invoice\\u202Efdp.exe" would show as "invoiceexe.pdf"; zero-width spaces and soft hyphens: "page.ht\\u00adml"
    would show as "page.html"), NFC, trimmed, at most 255."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(char for char in base if unicodedata.category(char) not in _INVISIBLE)
    base = unicodedata.normalize("NFC", base).strip()
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


def landing_extensions(name: str) -> set[str]:
    """Every extension `name` may end in where it lands: as given, as Windows saves it (trailing dots and spaces
    dropped), as its compatibility form reads (full-width letters), and as the object key has it."""
    trimmed = name.rstrip(" ._")
    compatible = unicodedata.normalize("NFKC", name).rstrip(" ._")
    return {extension(name), extension(trimmed), extension(compatible), extension(key_filename(name))}


def attachment_key(tenant_id: str, ticket_id: str, attachment_id: str, filename: str) -> str:
    return f"tenants/{tenant_id}/tickets/{ticket_id}/attachments/{attachment_id}/{key_filename(filename)}"


def check_upload(
    request: AttachmentUpload, *, tenant_id: str, ticket_id: str, attachment_id: str, max_bytes: int
) -> UploadSpec:
    """Presign's and confirm's rules: a size within the limit, a name that is no page, script or program, and an
    allowed type (given, else the one its extension names, else OCTET_STREAM). Every problem at once, each named by
    its field."""
    problems: list[FieldError] = []
    if request.bytes > max_bytes:
        problems.append(FieldError("bytes", f"bytes must be at most {max_bytes} ({max_bytes // MIB} MiB)"))
    refused = sorted(landing_extensions(request.filename) & REFUSED_EXTENSIONS)
    if refused:
        problems.append(FieldError("filename", f".{refused[0]} files are not taken: pages, scripts and programs"))
    mime = request.mime or TYPE_BY_EXTENSION.get(extension(request.filename), OCTET_STREAM)
    if mime not in ALLOWED_TYPES:
        problems.append(FieldError("mime", f"mime {mime} is not an allowed type"))
    if problems:
        raise ValidationFailed(details=problems)
    key = attachment_key(tenant_id, ticket_id, attachment_id, request.filename)
    return UploadSpec(filename=request.filename, mime=mime, size=request.bytes, key=key)


def stored_object_problem(spec: UploadSpec, head: dict[str, Any] | None) -> FieldError | None:
    """What about the uploaded object differs from the declaration, named by the field it contradicts (None: it
    matches)."""
    if head is None:
        return FieldError("attachment_id", "the file has not been uploaded")
    size = int(head.get("ContentLength", -1))
    if size != spec.size:
        return FieldError("bytes", f"the uploaded file has {size} bytes, not {spec.size}")
    stored_type = _stored_type(head)
    if stored_type != spec.mime:
        return FieldError("mime", f"the uploaded file's type is {stored_type or 'unknown'}, not {spec.mime}")
    return None


def acceptable_object(head: dict[str, Any], max_bytes: int) -> bool:
    """Whether a stored object could be some confirm's file: not empty, within the size limit, an allowed type."""
    return 0 < int(head.get("ContentLength", -1)) <= max_bytes and _stored_type(head) in ALLOWED_TYPES


def _stored_type(head: dict[str, Any]) -> str:
    return str(head.get("ContentType") or "").split(";", 1)[0].strip().lower()


def _truncate_keeping_extension(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and len(ext) < limit // 2:
        return stem[: limit - len(ext) - 1] + "." + ext
    return name[:limit]


# The service: plain Python over a store of attachment items and an object store (both protocols).

MAX_ATTACHMENTS_PER_TICKET = 100
"""The list has no pagination in the document, so a ticket holds a bounded number of attachments."""
ATTACHMENT_NOT_FOUND = "Attachment not found"


class AttachmentStore(Protocol):
    def list_attachments(self, tenant_id: str, ticket_id: str) -> list[Attachment]:
        """Oldest first."""
        ...

    def get_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> Attachment | None: ...

    def put_attachment(self, tenant_id: str, attachment: Attachment) -> bool:
        """Store it unless an attachment with its id exists (then False, nothing written)."""
        ...

    def delete_attachment(self, tenant_id: str, ticket_id: str, attachment_id: str) -> None: ...


class ObjectPort(Protocol):
    def presign_put(self, bucket: str, key: str, *, content_type: str, content_length: int, tagging: str,
                    expires_seconds: int) -> str: ...

    def head(self, bucket: str, key: str) -> dict[str, Any] | None: ...

    def clear_tags(self, bucket: str, key: str) -> None: ...

    def delete(self, bucket: str, key: str) -> None: ...


@frozen
class AttachmentLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    upload_url_seconds: int = 900
    per_ticket: int = MAX_ATTACHMENTS_PER_TICKET


class AttachmentService:
    """Attachments of a ticket the caller's tenant has (the handler resolves the ticket first: 404 otherwise)."""

    def __init__(
        self,
        store: AttachmentStore,
        objects: ObjectPort,
        bucket: str,
        limits: AttachmentLimits = AttachmentLimits(),  # noqa: B008 - a frozen value
        *,
        clock: Callable[[], datetime] = utc_now,
        id_factory: Callable[[], str] = new_id,
    ) -> None:
        self._store = store
        self._objects = objects
        self._bucket = bucket
        self._limits = limits
        self._clock = clock
        self._new_id = id_factory

    def list(self, principal: Principal, ticket_id: str) -> list[Attachment]:
        return self._store.list_attachments(principal.tenant_id, ticket_id)

    def presign(self, principal: Principal, ticket_id: str, request: AttachmentUpload) -> dict[str, Any]:
        """`{upload_url, headers, attachment_id}`: one PUT of exactly this file, for a few minutes."""
        attachment_id = self._new_id()
        spec = check_upload(request, tenant_id=principal.tenant_id, ticket_id=ticket_id,
                            attachment_id=attachment_id, max_bytes=self._limits.max_bytes)
        url = self._objects.presign_put(self._bucket, spec.key, content_type=spec.mime, content_length=spec.size,
                                        tagging=PENDING_TAG, expires_seconds=self._limits.upload_url_seconds)
        return {"upload_url": url, "headers": spec.put_headers(), "attachment_id": attachment_id}

    def confirm(self, principal: Principal, ticket_id: str, request: AttachmentConfirm) -> Attachment:
        """Record the uploaded file once S3 holds exactly what was declared, else a 400 naming what differs. An
        object no confirm could take (too large, a type not allowed) is deleted then; one that only contradicts
        this confirm's numbers stays, so a corrected confirm succeeds (unconfirmed objects expire by the bucket's
        rule). Confirming the same upload again answers the same id and takes the object out of that
        expiry again."""
        spec = check_upload(request, tenant_id=principal.tenant_id, ticket_id=ticket_id,
                            attachment_id=request.attachment_id, max_bytes=self._limits.max_bytes)
        existing = self._store.get_attachment(principal.tenant_id, ticket_id, request.attachment_id)
        if existing is not None:
            same = self._same_upload(existing, spec)
            # Cleared again: a confirm whose tag removal failed, or a second PUT of the still valid URL (it tags the
            # object pending anew), would leave a listed attachment to the bucket's expiry of unconfirmed uploads.
            self._objects.clear_tags(self._bucket, spec.key)
            return same
        head = self._objects.head(self._bucket, spec.key)
        problem = stored_object_problem(spec, head)
        if problem is not None:
            if head is not None and not acceptable_object(head, self._limits.max_bytes):
                self._objects.delete(self._bucket, spec.key)
            raise ValidationFailed(details=[problem])
        if len(self._store.list_attachments(principal.tenant_id, ticket_id)) >= self._limits.per_ticket:
            self._objects.delete(self._bucket, spec.key)
            raise ValidationFailed(details=[FieldError(
                "attachment_id", f"a ticket holds at most {self._limits.per_ticket} attachments")])
        attachment = Attachment(id=request.attachment_id, ticket_id=ticket_id, filename=spec.filename,
                                bytes=spec.size, mime=spec.mime, key=spec.key,
                                created_at=to_rfc3339(self._clock()), created_by=principal.user_id)
        if not self._store.put_attachment(principal.tenant_id, attachment):
            # A concurrent confirm of the same upload won.
            found = self._store.get_attachment(principal.tenant_id, ticket_id, request.attachment_id)
            return self._same_upload(found, spec) if found else attachment
        # Confirmed: no longer subject to the bucket's expiry of unconfirmed uploads.
        self._objects.clear_tags(self._bucket, spec.key)
        return attachment

    def delete(self, principal: Principal, ticket_id: str, attachment_id: str) -> None:
        """The object, then the item (a failure in between leaves the item, so the delete can be retried).
        Its uploader and agents may delete an attachment; others get a 403."""
        found = (self._store.get_attachment(principal.tenant_id, ticket_id, attachment_id.lower())
                 if is_uuid(attachment_id) else None)
        if found is None:
            raise NotFound(ATTACHMENT_NOT_FOUND)
        if found.created_by != principal.user_id and not principal.groups & AGENT_GROUPS:
            raise Forbidden("Only the uploader or an agent may delete an attachment")
        self._objects.delete(self._bucket, found.key)
        self._store.delete_attachment(principal.tenant_id, ticket_id, found.id)

    @staticmethod
    def _same_upload(existing: Attachment, spec: UploadSpec) -> Attachment:
        if existing.key != spec.key or existing.bytes != spec.size or existing.mime != spec.mime:
            raise ValidationFailed(details=[FieldError("attachment_id", "attachment_id is already confirmed")])
        return existing
