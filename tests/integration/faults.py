"""DynamoDB faults the in-process moto does not make by itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def applied_then_failed(monkeypatch: pytest.MonkeyPatch) -> Iterator[bool]:
    """DynamoDB applying the next transaction Transactions.commit runs but answering it with a 500, so the writer
    retries a write that did commit. The iterator is spent once that answer was given."""
    from botocore.exceptions import ClientError
    from pynamodb.exceptions import TransactWriteError

    from opsdesk import dynamo

    failures = iter([True])

    class AppliedThenFailed(dynamo.TransactWrite):  # type: ignore[misc, name-defined]
        def _commit(self) -> Any:
            response = super()._commit()
            if next(failures, False):
                error = ClientError({"Error": {"Code": "InternalServerError", "Message": "boom"},
                                     "ResponseMetadata": {"HTTPStatusCode": 500}}, "TransactWriteItems")
                raise TransactWriteError("Failed to write transaction items", error)
            return response

    monkeypatch.setattr(dynamo, "TransactWrite", AppliedThenFailed)  # what Transactions.commit runs
    return failures
