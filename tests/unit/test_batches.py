"""Partial batch responses for the queue and stream consumers (opsdesk.batches)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from opsdesk.batches import BatchFailed, attribute_value, inserted_image, partial_batch_response


def sqs(message_id: str, body: str = "{}") -> dict[str, Any]:
    return {"messageId": message_id, "body": body, "eventSource": "aws:sqs"}


def stream(sequence: str, event_name: str = "INSERT", image: dict[str, Any] | None = None) -> dict[str, Any]:
    change: dict[str, Any] = {"SequenceNumber": sequence}
    if image is not None:
        change["NewImage"] = image
    return {"eventName": event_name, "eventSource": "aws:dynamodb", "dynamodb": change}


def test_only_the_records_that_raise_are_reported_and_the_rest_are_all_handled() -> None:
    handled: list[str] = []

    def handle(record: Any) -> None:
        handled.append(record["messageId"])
        if record["body"] == "bad":
            raise RuntimeError("boom")

    answer = partial_batch_response({"Records": [sqs("a"), sqs("b", "bad"), sqs("c")]}, handle)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "b"}]}
    assert handled == ["a", "b", "c"]


def test_a_stream_record_is_reported_by_its_sequence_number() -> None:
    def fail_the_second(record: Any) -> None:
        if record["dynamodb"]["SequenceNumber"] == "200":
            raise ValueError("no")

    answer = partial_batch_response({"Records": [stream("100"), stream("200")]}, fail_the_second)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "200"}]}


def test_a_batch_whose_every_record_failed_fails_the_invocation_so_the_errors_alarm_counts_it() -> None:
    # Powertools' processor raises here too: a partial answer naming every record would be a success to Lambda.
    def fail(record: Any) -> None:
        raise ValueError("no")

    with pytest.raises(BatchFailed, match="all 2 records"):
        partial_batch_response({"Records": [sqs("a"), sqs("b")]}, fail)


def test_an_event_without_records_reports_nothing() -> None:
    assert partial_batch_response({}, lambda record: None) == {"batchItemFailures": []}


def test_an_inserted_item_is_read_as_python_values() -> None:
    image = {"pk": {"S": "T#a"}, "seq": {"N": "12"}, "ok": {"BOOL": True}, "gone": {"NULL": True},
             "blob": {"B": "aGk="}, "tags": {"SS": ["x", "y"]}, "sizes": {"NS": ["1", "2.5"]},
             "meta": {"M": {"n": {"N": "3"}, "list": {"L": [{"S": "v"}, {"N": "4"}]}}}}

    assert inserted_image(stream("1", image=image)) == {
        "pk": "T#a", "seq": Decimal(12), "ok": True, "gone": None, "blob": b"hi", "tags": {"x", "y"},
        "sizes": {Decimal(1), Decimal("2.5")}, "meta": {"n": Decimal(3), "list": ["v", Decimal(4)]}}


@pytest.mark.parametrize("record", [stream("1", "MODIFY", {"pk": {"S": "a"}}), stream("1", "REMOVE"), stream("1"),
                                    {"eventName": "INSERT"}])
def test_a_change_a_removal_or_an_insert_without_its_image_has_no_inserted_item(record: dict[str, Any]) -> None:
    assert inserted_image(record) is None


def test_an_unknown_attribute_type_is_refused() -> None:
    with pytest.raises(ValueError, match="'X'"):
        attribute_value({"X": "1"})
