"""Every signed-in route of every module refuses a bad token, derived from the modules' OpenAPI documents (which a
unit test holds equal to the handlers' routes, so a new route is attacked without an edit here): no token, garbage,
`alg: none`, HS256 signed with the pool's public key, an unknown key id, a tampered payload, an expired token, an
access token instead of the ID token, another pool's token and another app client's token are each a 401 in the
module's own error envelope (the document's 401 answer), by header and, for cookie modules, by session cookie."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from jsonschema import Draft202012Validator

from opsdesk.apidocs import module_document
from opsdesk.apimap import MODULES, ApiModule
from tests.api.conftest import RunningStack
from tests.api.test_gateway_auth import OTHER_POOL_ISSUER, moto_signing_key, reissued

pytestmark = pytest.mark.xdist_group("local-stack")

ALICE = "alice@acme.test"
METHODS = ("get", "post", "put", "patch", "delete")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}".encode()
    return f"{signing_input.decode()}.{_b64(sign(signing_input))}"


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def bad_tokens(stack: RunningStack) -> dict[str, str | None]:
    """Each kind of bad token, made from a real ID token of the pool."""
    signed_in = stack.sign_in(ALICE)
    token, claims = signed_in["id"], _claims(signed_in["id"])
    key, kid = moto_signing_key()
    public_pem = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key)).public_key().public_bytes(  # type: ignore[union-attr]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header, payload, signature = token.split(".")
    tampered = _b64(json.dumps(claims | {"custom:tenant_id": "someone-else"}).encode())
    cognito = stack.cognito()
    other_client = cognito.create_user_pool_client(
        UserPoolId=stack.info["user_pool_id"], ClientName=f"attacker-{time.time_ns()}",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    return {
        "none": None,
        "garbage": "not-a-jwt",
        "alg-none": _unsigned({"alg": "none", "typ": "JWT"}, claims, lambda _: b""),
        "hs256-with-the-public-key": _unsigned({"alg": "HS256", "typ": "JWT", "kid": kid}, claims,
                                               lambda data: hmac.new(public_pem, data, hashlib.sha256).digest()),
        "unknown-kid": _resigned_with_kid(token, "not-a-key-of-the-pool"),
        "tampered-payload": f"{header}.{tampered}.{signature}",
        "expired": reissued(token, exp=int(time.time()) - 60, iat=int(time.time()) - 3700),
        "access-token": signed_in["access"],
        "another-pool": reissued(token, iss=OTHER_POOL_ISSUER),
        "another-app-client": stack.sign_in(ALICE, client_id=other_client)["id"],
    }


def _resigned_with_kid(token: str, kid: str) -> str:
    key, _ = moto_signing_key()
    private = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(key))
    return jwt.encode(_claims(token), private, algorithm="RS256", headers={"kid": kid})  # type: ignore[arg-type]


@cache
def document(module: ApiModule) -> dict[str, Any]:
    return module_document(module)


def signed_in_operations(module: ApiModule) -> Iterator[tuple[str, str]]:
    """(method, request path) of every operation of the module's document that needs a signed-in user; each
    `{name}` filled with an id of nobody's."""
    for path, item in document(module)["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is not None and operation.get("security") != []:
                yield method.upper(), re.sub(r"{[^{}]+}", "00000000-0000-4000-8000-000000000000", path)


def error_schema(module: ApiModule) -> Draft202012Validator:
    built = document(module)
    answer = built["components"]["responses"]
    schema = next(iter(answer.values()))["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": built["components"]})


ROUTES = [(module, method, path) for module in MODULES for method, path in signed_in_operations(module)]


@dataclass(frozen=True)
class Tokens:
    bad: dict[str, str | None]
    good: str


@pytest.fixture(scope="module")
def tokens(stack: RunningStack) -> Tokens:
    return Tokens(bad_tokens(stack), stack.sign_in(ALICE)["id"])


def test_there_are_signed_in_routes_of_every_module_to_attack() -> None:
    assert {module.name for module, _, _ in ROUTES} == {module.name for module in MODULES}
    assert len(ROUTES) > 80


@pytest.mark.parametrize(("module", "method", "path"), ROUTES,
                         ids=[f"{m.name}:{method} {path}" for m, method, path in ROUTES])
def test_every_bad_token_is_a_401_in_the_modules_envelope(stack: RunningStack, tokens: Tokens, module: ApiModule,
                                                          method: str, path: str) -> None:
    url = f"{stack.info['base_url']}{module.base_path}{path}"
    validator = error_schema(module)
    channels: list[tuple[str, Callable[[str], dict[str, str]]]] = [
        ("header", lambda token: {"Authorization": f"Bearer {token}"})]
    if module.session is not None:
        channels.append(("cookie", lambda token, cookie=module.session.cookie: {"Cookie": f"{cookie}={token}"}))
    attempts = [(f"{kind}/{channel}", {"Content-Type": "application/json"} | ({} if token is None else carry(token)))
                for kind, token in tokens.bad.items() for channel, carry in channels
                if token is not None or channel == "header"]

    def attempt(headers: dict[str, str]) -> requests.Response:
        return requests.request(method, url, headers=headers, data="{}" if method != "GET" else None, timeout=15)

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = dict(zip([name for name, _ in attempts], pool.map(attempt, [h for _, h in attempts]), strict=True))
    assert {name: reply.status_code for name, reply in replies.items() if reply.status_code != 401} == {}
    for reply in replies.values():
        validator.validate(reply.json())
    for channel, carry in channels:  # the control: the route lets a good token past its authorizer
        # The logout route ends the session it is called with: it gets one of its own for each channel.
        valid = stack.sign_in(ALICE)["id"] if path.endswith("/logout") else tokens.good
        reply = requests.request(method, url, headers={"Content-Type": "application/json"} | carry(valid),
                                 data="{}" if method != "GET" else None, timeout=15, stream=True)
        reply.close()  # a stream route would go on: its status is enough
        assert reply.status_code != 401, f"{channel}: {reply.status_code}"
