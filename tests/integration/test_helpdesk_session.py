"""/login and /logout against moto's Cognito, and the session authorizer's handler with the cookie /login set:
the cookie's attributes, the documented errors, and the switch that turns the cookie login off."""

from __future__ import annotations

import dataclasses
import json
import uuid
from types import ModuleType
from typing import Any

import pytest

from scripts.local.gateway import LambdaContext
from tests.integration.helpdesk import HelpdeskCaller

PASSWORD = "Helpdesk-test-2026!"
METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:api/local/GET/me"


@pytest.fixture(scope="module")
def session_handler(local_aws: Any) -> ModuleType:
    from functions.helpdesk_session import handler

    return handler


@pytest.fixture(scope="module")
def authorizer_handler(local_aws: Any) -> ModuleType:
    from functions.session_authorizer import handler

    return handler


@pytest.fixture(scope="module")
def username(local_aws: Any) -> str:
    from scripts.local.aws import create_user

    name = f"agent-{uuid.uuid4().hex[:8]}@acme.test"
    create_user(local_aws, name, PASSWORD, str(uuid.uuid4()), ("agent",))
    return name


@pytest.fixture
def caller(session_handler: ModuleType) -> HelpdeskCaller:
    return HelpdeskCaller("unused", {"helpdesk_session": session_handler})


def login(caller: HelpdeskCaller, body: Any) -> Any:
    return caller.call("POST", "/helpdesk/login", body, anonymous=True)


def authorize(handler: ModuleType, headers: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = handler.lambda_handler({"type": "REQUEST", "methodArn": METHOD_ARN, "headers": headers,
                                                       "stageVariables": {"module": "helpdesk"}},
                                                    LambdaContext("authorizer", "us-east-1"))
    return result


def test_login_sets_the_session_cookie_for_the_tokens_lifetime(caller: HelpdeskCaller, username: str) -> None:
    reply = login(caller, {"username": username, "password": PASSWORD})

    assert (reply.status, reply.body) == (200, {"ok": True})
    cookie = reply.headers["Set-Cookie"]
    attributes = cookie.split("; ")
    assert attributes[0].startswith("helpdesk_session=ey")
    assert {"HttpOnly", "Secure", "SameSite=Strict", "Path=/helpdesk"} <= set(attributes)
    max_age = int(next(a for a in attributes if a.startswith("Max-Age=")).removeprefix("Max-Age="))
    assert 3500 < max_age <= 3600


def test_the_authorizer_lets_the_cookie_in_as_the_signed_in_user(caller: HelpdeskCaller, username: str,
                                                                 authorizer_handler: ModuleType) -> None:
    cookie = login(caller, {"username": username, "password": PASSWORD}).headers["Set-Cookie"].split(";")[0]

    answer = authorize(authorizer_handler, {"Cookie": f"theme=dark; {cookie}"})

    assert answer["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    assert answer["context"]["channel"] == "cookie"
    assert json.loads(answer["context"]["claims"])["cognito:username"] == username


def test_the_authorizer_answers_api_gateways_unauthorized_without_a_token(authorizer_handler: ModuleType) -> None:
    with pytest.raises(Exception, match="^Unauthorized$"):
        authorize(authorizer_handler, {"Cookie": "helpdesk_session=forged"})


@pytest.mark.parametrize(("body", "status"), [
    pytest.param({"username": "nobody@acme.test", "password": PASSWORD}, 401, id="unknown-user"),
    pytest.param("WRONG", 400, id="not-json"),
    pytest.param({"username": "x"}, 400, id="no-password"),
])
def test_login_errors_are_in_the_documents_envelope(caller: HelpdeskCaller, body: Any, status: int) -> None:
    reply = login(caller, body)

    assert reply.status == status
    assert "Set-Cookie" not in reply.headers
    assert set(reply.body) == ({"error"} if status == 401 else {"errors"})


def test_a_wrong_password_is_a_401(caller: HelpdeskCaller, username: str) -> None:
    reply = login(caller, {"username": username, "password": "not-the-password"})

    assert (reply.status, reply.body) == (401, {"error": "Invalid username or password"})


def test_logout_clears_the_cookie(caller: HelpdeskCaller) -> None:
    reply = caller.call("POST", "/helpdesk/logout", anonymous=True)

    assert (reply.status, reply.body) == (200, {"ok": True})
    assert reply.headers["Set-Cookie"].startswith("helpdesk_session=; Max-Age=0;")


def test_logout_ends_the_session_so_a_copy_of_the_cookie_is_refused(caller: HelpdeskCaller, username: str,
                                                                     authorizer_handler: ModuleType) -> None:
    cookie = login(caller, {"username": username, "password": PASSWORD}).headers["Set-Cookie"].split(";")[0]
    other_browser = login(caller, {"username": username, "password": PASSWORD}).headers["Set-Cookie"].split(";")[0]

    reply = caller.call("POST", "/helpdesk/logout", anonymous=True, headers={"Cookie": cookie})

    assert (reply.status, reply.body) == (200, {"ok": True})
    with pytest.raises(Exception, match="^Unauthorized$"):
        authorize(authorizer_handler, {"Cookie": cookie})
    # One browser's logout leaves the user's other sign-ins alone.
    assert authorize(authorizer_handler, {"Cookie": other_browser})["policyDocument"]["Statement"][0]["Effect"] == \
        "Allow"


def test_logout_with_a_forged_cookie_clears_it_and_ends_no_session(caller: HelpdeskCaller, username: str,
                                                                   authorizer_handler: ModuleType) -> None:
    # The real token with its signature changed names the same session (origin_jti) but does not verify.
    cookie = login(caller, {"username": username, "password": PASSWORD}).headers["Set-Cookie"].split(";")[0]
    header, payload, signature = cookie.removeprefix("helpdesk_session=").split(".")
    forged = f"helpdesk_session={header}.{payload}.{signature[::-1]}"

    reply = caller.call("POST", "/helpdesk/logout", anonymous=True, headers={"Cookie": forged})

    assert (reply.status, reply.body) == (200, {"ok": True})
    assert reply.headers["Set-Cookie"].startswith("helpdesk_session=; Max-Age=0;")
    assert authorize(authorizer_handler, {"Cookie": cookie})["policyDocument"]["Statement"][0]["Effect"] == "Allow"


@pytest.mark.parametrize("value", [
    pytest.param("x", id="not-a-token"),
    pytest.param("ey.!!.??", id="not-base64"),
    pytest.param("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", id="alg-none"),
    pytest.param("ey" + "A" * 8000, id="huge"),
    pytest.param("\u00e9t\u00e9", id="not-ascii"),
])
def test_logout_with_a_cookie_that_is_no_token_answers_200_and_clears_it(caller: HelpdeskCaller, value: str) -> None:
    reply = caller.call("POST", "/helpdesk/logout", anonymous=True, headers={"Cookie": f"helpdesk_session={value}"})

    assert (reply.status, reply.body) == (200, {"ok": True})
    assert reply.headers["Set-Cookie"].startswith("helpdesk_session=; Max-Age=0;")


def test_with_the_cookie_login_off_login_and_logout_are_404(caller: HelpdeskCaller, username: str,
                                                             session_handler: ModuleType,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_handler, "settings",
                        dataclasses.replace(session_handler.settings, cookie_login="off"))

    assert login(caller, {"username": username, "password": PASSWORD}).status == 404
    assert caller.call("POST", "/helpdesk/logout", anonymous=True).status == 404


def test_the_authorizer_refuses_to_run_for_a_stage_that_names_no_cookie_session_module(
    authorizer_handler: ModuleType,
) -> None:
    for stage_variables in (None, {"module": "support"}, {"module": "nonexistent"}):
        with pytest.raises(RuntimeError, match="cookie-session modules"):
            authorizer_handler.lambda_handler({"type": "REQUEST", "methodArn": METHOD_ARN, "headers": {},
                                               "stageVariables": stage_variables},
                                              LambdaContext("authorizer", "us-east-1"))
