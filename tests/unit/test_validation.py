"""Request bodies: JSON parsing, size limit, and pydantic errors turned into field paths and messages."""

from __future__ import annotations

import json
from typing import Any

import pytest

from opsdesk.errors import FieldError, ValidationFailed
from opsdesk.jsonbody import MAX_JSON_DEPTH, parse_json_body
from opsdesk.support.requests import CreateIssueRequest, UpdateIssueRequest
from opsdesk.validation import field_path, parse_model

UUID = "8d3b1f9c-2f57-4d0e-9c1e-6a1b2c3d4e5f"
CREATE = {
    "customerId": UUID,
    "environmentId": UUID,
    "submitterHandle": "john.doe@company.com",
    "primaryPlaneId": UUID,
    "title": "Pipeline timeout during deployment",
    "description": "Detailed description of the issue...",
}


def fields_of(error: ValidationFailed) -> list[str]:
    return [d.field for d in error.details]


def validation_error(model: Any, data: Any) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        parse_model(model, data)
    return caught.value


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("contexts", 0, "value"), "contexts[0].value"),
        (("secondaryPlaneIds", 2), "secondaryPlaneIds[2]"),
        (("title",), "title"),
        (("context", "planeSlug"), "context.planeSlug"),
        ((), "body"),
    ],
)
def test_field_path_joins_names_with_dots_and_indexes_with_brackets(location: tuple[Any, ...], path: str) -> None:
    assert field_path(location) == path


def test_missing_fields_are_each_named_as_required() -> None:
    error = validation_error(CreateIssueRequest, {})

    assert error.details == [
        FieldError("customerId", "customerId is required"),
        FieldError("environmentId", "environmentId is required"),
        FieldError("submitterHandle", "submitterHandle is required"),
        FieldError("primaryPlaneId", "primaryPlaneId is required"),
        FieldError("title", "title is required"),
        FieldError("description", "description is required"),
    ]


def test_nested_missing_field_has_its_full_path() -> None:
    error = validation_error(CreateIssueRequest, {**CREATE, "contexts": [{"planeContextId": UUID}]})

    assert error.details == [FieldError("contexts[0].value", "value is required")]


def test_nested_bad_id_has_its_full_path() -> None:
    error = validation_error(CreateIssueRequest, {**CREATE, "contexts": [{"planeContextId": UUID, "value": "x"},
                                                                         {"planeContextId": "nope", "value": "x"}]})

    assert error.details == [FieldError("contexts[1].planeContextId", "must be a UUID")]


def test_validator_messages_lose_pydantics_prefix() -> None:
    error = validation_error(CreateIssueRequest, {**CREATE, "customerId": "abc"})

    assert error.details == [FieldError("customerId", "must be a UUID")]


def test_blank_title_is_refused() -> None:
    assert fields_of(validation_error(CreateIssueRequest, {**CREATE, "title": "   "})) == ["title"]


def test_repeated_secondary_plane_is_refused() -> None:
    error = validation_error(CreateIssueRequest, {**CREATE, "secondaryPlaneIds": [UUID, UUID.upper()]})

    assert error.details == [FieldError("secondaryPlaneIds", "must not repeat a plane")]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.com/x", "file:///etc/passwd", "https://"])
def test_pipeline_url_must_be_http_or_https(url: str) -> None:
    error = validation_error(CreateIssueRequest, {**CREATE, "pipelineUrl": url})

    assert error.details == [FieldError("pipelineUrl", "must be an http or https URL")]


def test_ids_are_normalised_to_lowercase() -> None:
    request = parse_model(CreateIssueRequest, {**CREATE, "customerId": UUID.upper()})

    assert request.customerId == UUID


def test_unknown_fields_on_create_are_ignored() -> None:
    request = parse_model(CreateIssueRequest, {**CREATE, "status": "closed", "displayId": "ISS-2024-9999"})

    assert not hasattr(request, "displayId")


@pytest.mark.parametrize("field", ["displayId", "customerId", "createdAt", "version", "tenantId"])
def test_patch_refuses_a_field_that_cannot_be_set_by_name(field: str) -> None:
    error = validation_error(UpdateIssueRequest, {"status": "in_progress", field: "x"})

    assert error.details == [FieldError(field, f"{field} is not a field that can be set")]


def test_several_problems_are_reported_together() -> None:
    error = validation_error(UpdateIssueRequest, {"title": "", "pipelineUrl": "ftp://x", "owner": "me"})

    assert sorted(fields_of(error)) == ["owner", "pipelineUrl", "title"]


@pytest.mark.parametrize("data", [[], "text", 42, None, [{"title": "x"}]])
def test_body_that_is_not_an_object_is_refused_as_body(data: Any) -> None:
    error = validation_error(UpdateIssueRequest, data)

    assert error.details == [FieldError("body", "Request body must be a JSON object")]


@pytest.mark.parametrize("raw", ["{", "{'a': 1}", "not json", b"\xff\xfe", "   ", b'{"title": "\xff\xfe\xfa"}',
                                 '{"title": "' + "\ud83d" + '"}'])
def test_invalid_json_is_refused_as_body(raw: str | bytes) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_json_body(raw, 1024)

    assert caught.value.details == [FieldError("body", "Request body is not valid JSON")]


@pytest.mark.parametrize("raw", [None, "", b""])
def test_missing_body_is_refused_as_body(raw: str | bytes | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_json_body(raw, 1024)

    assert caught.value.details == [FieldError("body", "Request body is required")]


def test_body_over_the_limit_is_refused_as_body() -> None:
    raw = json.dumps({"description": "x" * 2000})

    with pytest.raises(ValidationFailed) as caught:
        parse_json_body(raw, 1024)

    assert caught.value.details == [FieldError("body", "Request body is larger than 1024 bytes")]


def test_body_at_the_limit_is_accepted() -> None:
    raw = json.dumps({"d": "x" * 100})

    assert parse_json_body(raw, len(raw)) == {"d": "x" * 100}
    assert parse_json_body(raw.encode(), len(raw)) == {"d": "x" * 100}


def test_body_over_the_limit_in_bytes_is_refused_even_when_it_has_fewer_characters() -> None:
    # Given a body of 1000 characters that is 2002 bytes in UTF-8 (API Gateway hands the body over as str)
    raw = json.dumps({"d": "é" * 990}, ensure_ascii=False)
    assert len(raw) < 1024 < len(raw.encode("utf-8"))

    # When it is parsed with a 1024-byte limit, Then it is refused
    with pytest.raises(ValidationFailed):
        parse_json_body(raw, 1024)


def test_wrong_type_for_a_union_field_is_named_by_its_field_path() -> None:
    error = validation_error(CreateIssueRequest, {**CREATE, "contexts": [{"planeContextId": UUID, "value": 5}]})

    assert set(fields_of(error)) == {"contexts[0].value"}



@pytest.mark.parametrize("raw", ["[" * 50_000 + "]" * 50_000, '{"a":' * 20_000 + "1" + "}" * 20_000,
                                 '{"custom_json": ' + '{"k":' * 1_000 + "1" + "}" * 1_001,
                                 "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)])
def test_a_body_nested_past_the_limit_is_refused_before_anything_recurses(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_json_body(raw, 10_000_000)

    assert caught.value.details == [FieldError("body", f"Request body nests objects and arrays more than "
                                                       f"{MAX_JSON_DEPTH} deep")]


def test_a_body_nested_to_the_limit_is_accepted_and_brackets_in_strings_do_not_count() -> None:
    raw = "[" * MAX_JSON_DEPTH + json.dumps("[[[{{{\\\"]]]" * 20) + "]" * MAX_JSON_DEPTH

    value = parse_json_body(raw, 10_000)

    for _ in range(MAX_JSON_DEPTH):
        value = value[0]
    assert value == "[[[{{{\\\"]]]" * 20


def test_depth_counting_stays_linear_on_a_body_of_unterminated_escaped_quotes() -> None:
    # Given 256 KB of `"\"\"\"...` with no closing quote (quadratic for a naive string pattern)
    raw = '{"a": "' + '\\"' * 87_000

    # When it is parsed, Then it is refused as invalid JSON (a quadratic scan would take minutes here)
    with pytest.raises(ValidationFailed):
        parse_json_body(raw, 1_000_000)


@pytest.mark.parametrize("raw", ['{"n": NaN}', '{"n": Infinity}', '{"n": -Infinity}', '{"n": 1e309}',
                                 '{"n": -1e400}', '{"n": ' + "9" * 39 + "}"])
def test_a_number_that_cannot_be_stored_or_read_back_is_refused(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_json_body(raw, 1024)

    assert [d.field for d in caught.value.details] == ["body"]


def test_the_largest_numbers_json_and_dynamodb_can_both_keep_are_accepted() -> None:
    assert parse_json_body('{"n": 1.7e308, "i": ' + "9" * 38 + "}", 1024) == {"n": 1.7e308, "i": int("9" * 38)}


def test_an_unpaired_surrogate_escape_anywhere_is_refused_and_a_paired_one_is_text() -> None:
    from opsdesk.errors import ValidationFailed
    from opsdesk.jsonbody import parse_json_body

    for body in (b'{"metadata": {"\\ud800": 1}}', b'{"tags": ["ok", "\\udfff"]}', b'{"a": "x\\uDC00y"}'):
        with pytest.raises(ValidationFailed) as refused:
            parse_json_body(body, 1_000)
        assert refused.value.details[0].field == "body"
    assert parse_json_body(b'{"a": "\\ud83d\\ude00"}', 1_000) == {"a": "\U0001f600"}
