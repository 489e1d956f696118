"""The bad-input probe set: what an attacker sends to any JSON write route, and what must come back.

Every module's API tests run these over their own write routes (tests/api/test_bad_input_api.py does support and
helpdesk): each probe must be refused with a 4xx in the module's own error envelope, never a 500 and never a
plain-text answer, and must leave nothing written. A probe builds its body from a valid body of the route, so the
ones that hide the poison inside a field reach past the JSON parser to the models and stores.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import requests

DEEP = 1_000
"""Levels of nesting inside one field: deep enough to break a recursive serializer, shallow enough to parse."""


@dataclass(frozen=True)
class BodyProbe:
    name: str
    build: Callable[[dict[str, Any], str], bytes]
    """(a valid body of the route, the name of one of its fields) -> the bytes to send."""


def _in_field(valid: dict[str, Any], field: str, raw_value: str) -> bytes:
    """The valid body with `field` replaced by raw JSON text (which json.dumps could not write: NaN, 1e309)."""
    marker = "__opsdesk_probe__"
    text = json.dumps({**valid, field: marker})
    return text.replace(json.dumps(marker), raw_value, 1).encode("utf-8")


BODY_PROBES: tuple[BodyProbe, ...] = (
    BodyProbe("invalid UTF-8 in a field",
              lambda valid, field: _in_field(valid, field, '"__bytes__"').replace(b"__bytes__", b"\xff\xfe\xfa")),
    BodyProbe("50,000 nested arrays", lambda valid, field: b"[" * 50_000 + b"]" * 50_000),
    BodyProbe("20,000 nested objects", lambda valid, field: b'{"a":' * 20_000 + b"1" + b"}" * 20_000),
    BodyProbe("1,000 levels inside a field",
              lambda valid, field: _in_field(valid, field, '{"k":' * DEEP + "1" + "}" * DEEP)),
    BodyProbe("NaN in a field", lambda valid, field: _in_field(valid, field, "NaN")),
    BodyProbe("Infinity in a field", lambda valid, field: _in_field(valid, field, "Infinity")),
    BodyProbe("1e309 in a field", lambda valid, field: _in_field(valid, field, "1e309")),
    BodyProbe("an unpaired surrogate inside an object field",
              lambda valid, field: _in_field(valid, field, '{"\\ud800": "\\udfff"}')),
    BodyProbe("NaN inside an object field", lambda valid, field: _in_field(valid, field, '{"x": NaN}')),
    BodyProbe("truncated JSON", lambda valid, field: json.dumps(valid).encode()[:-1]),
    BodyProbe("not an object", lambda valid, field: b'["a", "b"]'),
)


def envelope_problems(dialect: str, status: int, content_type: str, body: bytes) -> list[str]:
    """What is wrong with an error answer for a module of `dialect` (empty: a proper refusal)."""
    problems = []
    if not 400 <= status < 500:
        problems.append(f"status {status} is not a 4xx")
    if "application/json" not in content_type:
        return [*problems, f"content type {content_type!r} is not JSON: {body[:120]!r}"]
    try:
        data = json.loads(body)
    except ValueError:
        return [*problems, f"the body is not JSON: {body[:120]!r}"]
    if not ENVELOPES[dialect](data):
        problems.append(f"not the {dialect} envelope: {data!r}"[:300])
    return problems


def _support_or_aura(data: Any) -> bool:
    error = data.get("error") if isinstance(data, dict) else None
    return isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)


def _helpdesk(data: Any) -> bool:
    return isinstance(data, dict) and (isinstance(data.get("error"), str) or isinstance(data.get("errors"), dict))


def _detail(data: Any) -> bool:
    return isinstance(data, dict) and "detail" in data


ENVELOPES: dict[str, Callable[[Any], bool]] = {
    "support": _support_or_aura,
    "aura": _support_or_aura,
    "helpdesk": _helpdesk,
    "copilot": _detail,
    "response": _detail,
}


@dataclass(frozen=True)
class WriteRoute:
    method: str
    url: str
    valid_body: dict[str, Any]
    field: str
    """A field of the body that the in-field probes poison."""


def assert_refused(reply: requests.Response, dialect: str, what: str) -> None:
    problems = envelope_problems(dialect, reply.status_code, reply.headers.get("content-type", ""), reply.content)
    assert not problems, f"{what}: {problems}"
    # Refused for what it carried, not by a rate limit before it was read.
    assert reply.status_code != 429, what


def probe_write_routes(routes: Sequence[WriteRoute], headers: dict[str, str], dialect: str,
                       probes: Sequence[BodyProbe] = BODY_PROBES) -> None:
    """Every probe (of `probes`) on every route, sent as JSON with `headers`; each must be refused in `dialect`'s
    envelope."""
    for route in routes:
        for probe in probes:
            reply = requests.request(route.method, route.url, data=probe.build(route.valid_body, route.field),
                                     headers={**headers, "Content-Type": "application/json"}, timeout=30)
            assert_refused(reply, dialect, f"{route.method} {route.url} with {probe.name}")
