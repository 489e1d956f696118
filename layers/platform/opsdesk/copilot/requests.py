"""Request bodies of the copilot API, with the document's field names (snake_case). They load pydantic, so a
handler imports one in the route that validates it; the query parsers and plain constants are in
opsdesk.copilot.queries, which loads no pydantic."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, StrictBool, StringConstraints, field_validator

from opsdesk.copilot.records import IncidentState, Role, Severity
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.identity import PASSWORD_MIN_LENGTH
from opsdesk.validation import EmailText, RequestBody, Stripped, email_address

Text = Annotated[str, StringConstraints(min_length=1, max_length=200), Stripped()]
LongText = Annotated[str, StringConstraints(max_length=10_000), Stripped(blank=True)]


def _email(value: str) -> str:
    return email_address(value).lower()


Email = Annotated[EmailText, StringConstraints(min_length=3)]


class Body(RequestBody):
    model_config = ConfigDict(extra="ignore")


NewPassword = Annotated[str, StringConstraints(min_length=PASSWORD_MIN_LENGTH, max_length=256)]
"""The pool's policy, checked before Cognito is called: a register with a short password and a taken email was a
409, with a free email a 422 that created nothing, so anyone could test emails for free."""


class RegisterRequest(Body):
    email: Email
    password: NewPassword
    full_name: Text
    tenant_name: Text

    _email = field_validator("email")(_email)


class LoginRequest(Body):
    email: Email
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    new_password: NewPassword | None = None
    """Beyond the document: an invited user's first sign-in chooses their password (the mailed one is temporary)."""

    _email = field_validator("email")(_email)


class RefreshRequest(Body):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=8192)] | None = None


class SwitchProjectRequest(Body):
    project_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CreateProjectRequest(Body):
    name: Text
    description: LongText = ""


class UpdateProjectRequest(Body):
    name: Text | None = None
    description: LongText | None = None


class AddMemberRequest(Body):
    """By `user_id` (someone of the tenant) or `email` (invited when not yet a user of the tenant)."""

    email: Email | None = None
    user_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    full_name: Text | None = None
    role: Role = Role.MEMBER

    _email = field_validator("email")(lambda v: None if v is None else _email(v))

    def model_post_init(self, context: Any) -> None:
        if self.email is None and self.user_id is None:
            raise ValidationFailed(details=[FieldError("email", "email or user_id is required")])


class UpdateMemberRequest(Body):
    role: Role


class CreateIncidentRequest(Body):
    title: Text
    description: LongText = ""
    service_name: Annotated[str, StringConstraints(min_length=1, max_length=128), Stripped()]
    severity: Severity


class StateChangeRequest(Body):
    state: IncidentState


class HypothesisFeedbackRequest(Body):
    """Beyond the document: a responder confirms or rejects a hypothesis (`user_feedback`)."""

    feedback: Literal["confirmed", "rejected"]


class IntegrationCreateRequest(Body):
    type: Literal["prometheus", "grafana", "datadog", "cloudwatch", "pagerduty"]
    name: Text
    config: dict[str, Any] = {}
    """Non-secret settings: `url`, `region`, and the routing rules of the alert-ingest path."""
    credentials: dict[str, Annotated[str, StringConstraints(max_length=4096)]] = {}
    """Secrets (`api_key`, `app_key`, `token`, `username`, `password`, `role_arn`, `webhook_token`): kept in Secrets
    Manager, never returned."""
    enabled: StrictBool = True


class IntegrationUpdateRequest(Body):
    name: Text | None = None
    config: dict[str, Any] | None = None
    credentials: dict[str, Annotated[str, StringConstraints(max_length=4096)]] | None = None
    enabled: StrictBool | None = None


class TestConnectionRequest(Body):
    type: Literal["prometheus", "grafana", "datadog", "cloudwatch", "pagerduty"]
    config: dict[str, Any] = {}
    credentials: dict[str, Annotated[str, StringConstraints(max_length=4096)]] = {}

