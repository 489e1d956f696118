"""The one domain error hierarchy. Domain and data-access code raise these; each module's dialect
(opsdesk.dialects) renders them in the envelope its API document promises."""

from __future__ import annotations

from enum import StrEnum

from opsdesk.frozen import frozen


class ErrorKind(StrEnum):
    VALIDATION = "validation"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"


@frozen
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    kind: ErrorKind = ErrorKind.INTERNAL
    default_message = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[FieldError] | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details or []
        self.code = code
        """A module-specific code (e.g. aura's TICKET_NOT_FOUND) that replaces the dialect's default."""
        self.headers = headers or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    kind = ErrorKind.VALIDATION
    default_message = "Invalid request data"

    @classmethod
    def on_field(cls, field: str, message: str) -> ValidationFailed:
        return cls(details=[FieldError(field, message)])


class Unauthorized(DomainError):
    kind = ErrorKind.UNAUTHORIZED
    default_message = "Missing or invalid auth token"


class Forbidden(DomainError):
    kind = ErrorKind.FORBIDDEN
    default_message = "Insufficient permissions"


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND
    default_message = "Resource not found"


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT
    default_message = "Resource conflict"


class RateLimited(DomainError):
    kind = ErrorKind.RATE_LIMITED
    default_message = "Too many requests"


class ServiceUnavailable(DomainError):
    kind = ErrorKind.UNAVAILABLE
    default_message = "Service temporarily unavailable, retry later"
