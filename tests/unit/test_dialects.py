"""Each module's error envelope, exactly as its document shows it (DESIGN.md §1)."""

from __future__ import annotations

import pytest

from opsdesk import dialects
from opsdesk.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    Unauthorized,
    ValidationFailed,
)

TITLE_REQUIRED = ValidationFailed(
    "Invalid request body",
    details=[
        FieldError("title", "Title is required"),
        FieldError("contexts.pipeline_stage", "Pipeline Stage is required"),
    ],
)

# (error, status, code) shared by the dialects that carry a code
KINDS = [
    pytest.param(TITLE_REQUIRED, 400, "VALIDATION_ERROR", id="validation"),
    pytest.param(Unauthorized(), 401, "UNAUTHORIZED", id="unauthorized"),
    pytest.param(Forbidden(), 403, "FORBIDDEN", id="forbidden"),
    pytest.param(NotFound("Issue not found"), 404, "NOT_FOUND", id="not_found"),
    pytest.param(Conflict("Cannot move"), 409, "CONFLICT", id="conflict"),
    pytest.param(RateLimited(), 429, "RATE_LIMITED", id="rate_limited"),
    pytest.param(DomainError(), 500, "INTERNAL_ERROR", id="internal"),
    pytest.param(ServiceUnavailable(), 503, "SERVICE_UNAVAILABLE", id="unavailable"),
]


def test_every_module_has_a_dialect() -> None:
    assert set(dialects.DIALECTS) == {"support", "helpdesk", "copilot", "response", "aura"}


# support: {"error":{"code","message","details":[{field,message}]}}


@pytest.mark.parametrize(("error", "status", "code"), KINDS)
def test_support_envelope_has_code_message_and_details_list(error: DomainError, status: int, code: str) -> None:
    got_status, body = dialects.support(error)

    assert got_status == status
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"] == error.message
    assert isinstance(body["error"]["details"], list)


def test_support_validation_lists_each_field_with_its_message() -> None:
    assert dialects.support(TITLE_REQUIRED) == (400, {"error": {
        "code": "VALIDATION_ERROR",
        "message": "Invalid request body",
        "details": [
            {"field": "title", "message": "Title is required"},
            {"field": "contexts.pipeline_stage", "message": "Pipeline Stage is required"},
        ],
    }})


def test_support_details_is_an_empty_list_when_there_are_none() -> None:
    assert dialects.support(NotFound("Issue not found")) == (404, {"error": {
        "code": "NOT_FOUND", "message": "Issue not found", "details": []}})


def test_internal_error_has_a_generic_message() -> None:
    _, body = dialects.support(DomainError())

    assert body["error"]["message"] == "Internal server error"


# helpdesk: {"error":"msg"} / {"errors":{field:msg}}


def test_helpdesk_validation_maps_fields_to_messages() -> None:
    assert dialects.helpdesk(TITLE_REQUIRED) == (400, {"errors": {
        "title": "Title is required", "contexts.pipeline_stage": "Pipeline Stage is required"}})


def test_helpdesk_validation_without_fields_is_a_plain_error() -> None:
    assert dialects.helpdesk(ValidationFailed("Invalid JSON")) == (400, {"error": "Invalid JSON"})


@pytest.mark.parametrize(("error", "status", "code"), KINDS[1:])
def test_helpdesk_other_errors_carry_only_the_message(error: DomainError, status: int, code: str) -> None:
    assert dialects.helpdesk(error) == (status, {"error": error.message})


# copilot: {"detail":"msg"}, 422 for validation


def test_copilot_validation_is_422_with_detail_naming_the_fields() -> None:
    assert dialects.copilot(TITLE_REQUIRED) == (422, {
        "detail": "title: Title is required; contexts.pipeline_stage: Pipeline Stage is required"})


def test_copilot_validation_without_fields_uses_the_message() -> None:
    assert dialects.copilot(ValidationFailed("Invalid JSON")) == (422, {"detail": "Invalid JSON"})


@pytest.mark.parametrize(("error", "status", "code"), KINDS[1:])
def test_copilot_other_errors_are_detail_strings(error: DomainError, status: int, code: str) -> None:
    assert dialects.copilot(error) == (status, {"detail": error.message})


# response: FastAPI's shape


def test_response_validation_is_422_with_fastapi_detail_list() -> None:
    status, body = dialects.response(ValidationFailed(details=[FieldError("severity", "Must be one of: low, high")]))

    assert status == 422
    assert body == {
        "detail": [{"loc": ["body", "severity"], "msg": "Must be one of: low, high", "type": "value_error"}]
    }


def test_response_validation_splits_dotted_field_paths_into_loc() -> None:
    _, body = dialects.response(ValidationFailed(details=[FieldError("context.planeSlug", "required")]))

    assert body["detail"][0]["loc"] == ["body", "context", "planeSlug"]


def test_response_validation_without_fields_uses_the_message() -> None:
    assert dialects.response(ValidationFailed("Invalid JSON")) == (422, {"detail": "Invalid JSON"})


@pytest.mark.parametrize(("error", "status", "code"), KINDS[1:])
def test_response_other_errors_are_detail_strings(error: DomainError, status: int, code: str) -> None:
    assert dialects.response(error) == (status, {"detail": error.message})


# aura: {"error":{"code","message","details":{}}}


@pytest.mark.parametrize(("error", "status", "code"), KINDS)
def test_aura_envelope_has_code_message_and_details_object(error: DomainError, status: int, code: str) -> None:
    got_status, body = dialects.aura(error)

    assert got_status == status
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["details"], dict)


def test_aura_validation_details_map_field_to_message() -> None:
    _, body = dialects.aura(TITLE_REQUIRED)

    assert body["error"]["details"] == {"title": "Title is required",
                                        "contexts.pipeline_stage": "Pipeline Stage is required"}


def test_aura_uses_the_module_specific_code_when_the_error_names_one() -> None:
    error = NotFound("Ticket not found", code="TICKET_NOT_FOUND")

    assert dialects.aura(error) == (404, {"error": {
        "code": "TICKET_NOT_FOUND", "message": "Ticket not found", "details": {}}})


def test_code_override_keeps_the_status_of_the_error_kind() -> None:
    status, body = dialects.aura(Conflict("Already assigned", code="TICKET_ALREADY_ASSIGNED"))

    assert status == 409
    assert body["error"]["code"] == "TICKET_ALREADY_ASSIGNED"


def test_on_field_builds_a_single_field_validation_error() -> None:
    error = ValidationFailed.on_field("page", "page must be a positive integer")

    assert error.details == [FieldError("page", "page must be a positive integer")]
    assert error.message == "Invalid request data"


@pytest.mark.parametrize("dialect", sorted(dialects.DIALECTS))
def test_no_dialect_renders_the_cause_of_an_error(dialect: str) -> None:
    # Given an internal error raised from an exception that carries sensitive text
    try:
        try:
            raise RuntimeError("password=hunter2 at db.internal:5432")
        except RuntimeError as exc:
            raise DomainError() from exc
    except DomainError as error:
        # When the dialect renders it
        status, body = dialects.DIALECTS[dialect](error)

    # Then the response is a 500 that says nothing of the cause
    assert status == 500
    assert "hunter2" not in repr(body)
