"""Bedrock's ConverseStream at its boundary: a real boto3 `bedrock-runtime` client whose HTTP exchange is served
from recorded stream events.

The recorded events (JSON fixtures in `recorded/`, each the list of events one ConverseStream call streamed, in
the shapes boto3 hands to callers) are encoded as AWS event-stream frames (`application/vnd.amazon.eventstream`),
so they pass through botocore's own event-stream decoder and response parser, exception events included. The
client validates and serializes every request with botocore's service model as it would for AWS, and the request
that would have been sent is kept for the test to read."""

from __future__ import annotations

import binascii
import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.config import Config
from botocore.model import Shape, StructureShape

RECORDED = Path(__file__).parent / "recorded"
STRING_HEADER = 7


def recorded(name: str) -> list[list[dict[str, Any]]]:
    """The calls of one recorded conversation: one list of stream events per ConverseStream call."""
    calls: list[list[dict[str, Any]]] = json.loads((RECORDED / f"{name}.json").read_text())["calls"]
    return calls


def stream_shape() -> StructureShape:
    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    output = model.operation_model("ConverseStream").output_shape
    assert output is not None
    shape = output.members["stream"]
    assert isinstance(shape, StructureShape)
    return shape


def input_shape() -> Shape:
    model = botocore.session.get_session().get_service_model("bedrock-runtime")
    shape = model.operation_model("ConverseStream").input_shape
    assert shape is not None
    return shape


def _headers(headers: dict[str, str]) -> bytes:
    encoded = b""
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        encoded += struct.pack("!B", len(raw_name)) + raw_name
        encoded += struct.pack("!BH", STRING_HEADER, len(raw_value)) + raw_value
    return encoded


def frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One event-stream message: prelude (total length, headers length, CRC), headers, payload, message CRC."""
    encoded_headers = _headers(headers)
    total = 12 + len(encoded_headers) + len(payload) + 4
    prelude = struct.pack("!II", total, len(encoded_headers))
    prelude += struct.pack("!I", binascii.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + encoded_headers + payload
    return message + struct.pack("!I", binascii.crc32(message) & 0xFFFFFFFF)


def encode_event(event: dict[str, Any]) -> bytes:
    """A recorded event ({memberName: body}) as Bedrock sends it: an event, or a modeled exception."""
    ((name, body),) = event.items()
    payload = json.dumps(body).encode()
    if name.endswith("Exception"):
        return frame({":message-type": "exception", ":exception-type": name,
                      ":content-type": "application/json"}, payload)
    return frame({":message-type": "event", ":event-type": name, ":content-type": "application/json"}, payload)


class _RawStream:
    """What botocore reads an event stream from (urllib3's response offers the same `stream()`)."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    def stream(self, amt: int = 1024, decode_content: bool = True) -> Iterator[bytes]:
        for chunk in self._chunks:
            # Split frames across reads, as a network does, so the decoder has to reassemble them.
            for start in range(0, len(chunk), 37):
                yield chunk[start : start + 37]

    def close(self) -> None:
        pass


class RecordedConverse:
    """A bedrock-runtime client serving `calls` in order; `requests` holds each request body it was sent."""

    def __init__(self, calls: list[list[dict[str, Any]]], region: str = "us-east-1") -> None:
        self._calls = list(calls)
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        # The public endpoint, named: in a test session other fixtures set AWS_ENDPOINT_URL (moto) for the process.
        self.client = boto3.client(
            "bedrock-runtime", region_name=region, aws_access_key_id="test", aws_secret_access_key="test",
            endpoint_url=f"https://bedrock-runtime.{region}.amazonaws.com",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )
        self.client.meta.events.register("before-send.bedrock-runtime.ConverseStream", self._send)

    def _send(self, request: Any, **_: Any) -> AWSResponse:
        self.requests.append(json.loads(request.body))
        self.paths.append(request.url)
        if not self._calls:
            raise AssertionError("the adapter made more ConverseStream calls than were recorded")
        events = self._calls.pop(0)
        raw = _RawStream([encode_event(event) for event in events])
        headers = HTTPHeaders()
        headers["content-type"] = "application/vnd.amazon.eventstream"
        return AWSResponse(request.url, 200, headers, raw)

    @property
    def calls_left(self) -> int:
        return len(self._calls)


def shape_problems(value: Any, shape: Shape, path: str = "") -> list[str]:
    """Where `value` does not fit `shape` of the service model: unknown or missing members, wrong types."""
    problems: list[str] = []
    if shape.type_name == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            return [f"{path or 'event'}: expected an object"]
        for name, member_value in value.items():
            member = shape.members.get(name)
            if member is None:
                problems.append(f"{path}.{name}: not a member of {shape.name}")
            else:
                problems += shape_problems(member_value, member, f"{path}.{name}")
        problems += [f"{path}.{name}: required" for name in shape.required_members if name not in value]
    elif shape.type_name == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        for index, item in enumerate(value):
            problems += shape_problems(item, shape.member, f"{path}[{index}]")  # type: ignore[attr-defined]
    elif shape.type_name == "string" and not isinstance(value, str):
        problems.append(f"{path}: expected a string")
    elif shape.type_name in ("integer", "long") and not (isinstance(value, int) and not isinstance(value, bool)):
        problems.append(f"{path}: expected an integer")
    elif shape.type_name == "boolean" and not isinstance(value, bool):
        problems.append(f"{path}: expected a boolean")
    return problems
