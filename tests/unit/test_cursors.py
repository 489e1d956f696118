"""Signed cursors: what a client hands back works; anything else is a 400 naming `cursor`."""

from __future__ import annotations

import base64
import json

import pytest

from opsdesk.cursors import MAX_CURSOR_LENGTH, CursorCodec
from opsdesk.errors import FieldError, ValidationFailed

KEY = b"k" * 32
LAST = {"pk": {"S": "T#t1#TICKETS"}, "sk": {"S": "2026-01-01T00:00:00.000Z#abc"}}
SCOPE = "T#t1#TICKETS"


def refused(codec: CursorCodec, cursor: str, scope: str = SCOPE) -> None:
    with pytest.raises(ValidationFailed) as caught:
        codec.decode(cursor, scope)
    assert caught.value.details == [FieldError("cursor", "Not a cursor of this list")]


def test_a_cursor_reads_back_as_the_key_it_was_made_from() -> None:
    codec = CursorCodec(KEY)

    assert codec.decode(codec.encode(LAST, SCOPE), SCOPE) == LAST


def test_no_cursor_is_the_first_page() -> None:
    assert CursorCodec(KEY).decode(None, SCOPE) is None
    assert CursorCodec(KEY).decode("", SCOPE) is None


def test_a_cursor_of_another_list_or_tenant_is_refused() -> None:
    codec = CursorCodec(KEY)

    refused(codec, codec.encode(LAST, SCOPE), "T#t2#TICKETS")


def test_a_cursor_signed_with_another_key_is_refused() -> None:
    refused(CursorCodec(b"z" * 32), CursorCodec(KEY).encode(LAST, SCOPE))


def test_a_cursor_whose_key_was_changed_keeps_no_valid_tag() -> None:
    codec = CursorCodec(KEY)
    payload, _, tag = codec.encode(LAST, SCOPE).partition(".")
    steered = {**LAST, "sk": {"S": "9999"}}
    forged = base64.urlsafe_b64encode(json.dumps(steered, separators=(",", ":"), sort_keys=True).encode())

    refused(codec, f"{forged.decode().rstrip('=')}.{tag}")
    refused(codec, payload)


@pytest.mark.parametrize("cursor", ["%%%", "a.b.c", ".", "x" * (MAX_CURSOR_LENGTH + 1), "é.é", "AAAA.AAAA"])
def test_garbage_is_refused_not_followed(cursor: str) -> None:
    refused(CursorCodec(KEY), cursor)


def test_the_key_is_read_once_and_only_when_a_cursor_is_first_needed() -> None:
    reads: list[int] = []

    def source() -> bytes:
        reads.append(1)
        return KEY

    codec = CursorCodec(source)
    assert reads == []
    codec.decode(codec.encode(LAST, SCOPE), SCOPE)
    codec.encode(LAST, SCOPE)

    assert reads == [1]


def test_a_short_signing_key_is_refused() -> None:
    with pytest.raises(RuntimeError):
        CursorCodec(b"short").encode(LAST, SCOPE)
