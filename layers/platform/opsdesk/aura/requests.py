"""Request bodies of the aura API (seeds/aura-api.md), with the document's camelCase names, and what validates
them. Every refusal is VALIDATION_ERROR (400) with `details` naming the field; nothing is written. Unknown body
fields are ignored, and `status` (or any other field the document does not list) never reaches a ticket. This loads
pydantic: handlers import it inside the routes that take a body; the query parsers and the plain limits are in
opsdesk.aura.queries."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
)

from opsdesk.aura.queries import DEFAULT_ADDITIONAL_TURNS, MAX_TURNS_LIMIT
from opsdesk.aura.records import Priority
from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.validation import RequestBody, Stripped, field_errors

Title = Annotated[str, StringConstraints(min_length=1, max_length=200), Stripped()]
Description = Annotated[str, StringConstraints(min_length=1, max_length=20_000), Stripped()]
Reason = Annotated[str, StringConstraints(max_length=2_000), Stripped(blank=True)]


class Body(RequestBody):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class CreateTicketRequest(Body):
    title: Title
    description: Description
    priority: Priority = "medium"
    max_turns: StrictInt = Field(default=50, alias="maxTurns", ge=1, le=MAX_TURNS_LIMIT)
    """Beyond the document's create body (it lists `maxTurns` on PATCH): the budget can be set at once."""


class UpdateTicketRequest(Body):
    title: Title | None = None
    description: Description | None = None
    priority: Priority | None = None
    max_turns: StrictInt | None = Field(default=None, alias="maxTurns", ge=1, le=MAX_TURNS_LIMIT)

    @field_validator("title", "description", "priority", "max_turns", mode="before")
    @classmethod
    def _no_nulls(cls, value: Any) -> Any:
        # A before-validator runs on every field sent, so the error names the field (`details.title`).
        if value is None:
            raise ValueError("may be left out, not null")
        return value


PendingId = Annotated[str, StringConstraints(min_length=1, max_length=100)]
"""Beyond the document: the id of the question or action a response is for (`pendingQuestion.id`,
`pendingApproval.id`), so a response to what the caller saw never lands on something newer."""


class ApprovePlanRequest(Body):
    approved_by: Annotated[str, StringConstraints(max_length=200), Stripped(blank=True)] | None = Field(
        default=None, alias="approvedBy")
    plan_revision: Annotated[StrictInt, Field(ge=1)] | None = Field(default=None, alias="planRevision")
    """Beyond the document: the plan revision the caller approves (`plan.revision`)."""


class ApprovalRequest(Body):
    approved: StrictBool
    reason: Reason | None = None
    approval_id: PendingId | None = Field(default=None, alias="approvalId")


class AnswerRequest(Body):
    answer: Annotated[str, StringConstraints(min_length=1, max_length=2_000), Stripped()]
    question_id: PendingId | None = Field(default=None, alias="questionId")


class ResumeRequest(Body):
    additional_turns: StrictInt = Field(default=DEFAULT_ADDITIONAL_TURNS, alias="additionalTurns", ge=1,
                                  le=MAX_TURNS_LIMIT)


def parse_body(model: type[Body], raw: Any, *, optional: bool = False) -> Any:
    """`raw` (parsed JSON, or None for no body) as `model`; an absent body is `{}` where the document makes the
    body optional."""
    if raw is None and optional:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationFailed("Request body must be a JSON object",
                               details=[FieldError("body", "Request body must be a JSON object")])
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ValidationFailed(details=field_errors(exc)) from exc

