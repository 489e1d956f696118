"""The REST resolver (opsdesk.restapi): how it routes a proxy event, runs middlewares and error handlers, and
writes the answer API Gateway reads. The modules' handlers are tested through it everywhere else; this pins down
the resolver's own rules, the ones Powertools' resolver had, which the handlers rely on."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from opsdesk.restapi import APPLICATION_JSON, CorsPolicy, NextMiddleware, Response, RestApi

ORIGIN = "https://app.opsdesk.test"


def event(method: str, path: str, headers: dict[str, str] | None = None, body: str | None = None,
          **extra: Any) -> dict[str, Any]:
    return {"httpMethod": method, "path": path, "headers": headers or {}, "body": body, **extra}


def answer(app: RestApi, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    return app.resolve(event(method, path, **kwargs), None)


def json_body(reply: dict[str, Any]) -> Any:
    return json.loads(reply["body"])


@pytest.fixture
def app() -> RestApi:
    made = RestApi(strip_prefixes=("/support",))

    @made.get("/api/issues/<issue_id>")
    def one(issue_id: str) -> dict[str, Any]:
        return {"id": issue_id}

    @made.get("/api/issues/stats")
    def stats() -> dict[str, Any]:
        return {"stats": True}

    @made.post("/api/issues")
    def create() -> tuple[dict[str, Any], int]:
        return {"created": True}, 201

    return made


def test_a_static_route_wins_over_a_parameter_route_registered_before_it(app: RestApi) -> None:
    assert json_body(answer(app, "GET", "/api/issues/stats")) == {"stats": True}
    assert json_body(answer(app, "GET", "/api/issues/42")) == {"id": "42"}


def test_a_parameter_matches_one_segment_only(app: RestApi) -> None:
    assert answer(app, "GET", "/api/issues/42/comments")["statusCode"] == 404


def test_trailing_slashes_reach_the_same_route(app: RestApi) -> None:
    assert answer(app, "POST", "/api/issues/")["statusCode"] == 201
    assert json_body(answer(app, "GET", "/api/issues/42//")) == {"id": "42"}


def test_the_base_path_is_stripped_when_the_request_came_through_the_custom_domain(app: RestApi) -> None:
    assert json_body(answer(app, "GET", "/support/api/issues/7")) == {"id": "7"}
    assert answer(app, "GET", "/supportx/api/issues/7")["statusCode"] == 404


def test_a_route_answers_only_its_method(app: RestApi) -> None:
    assert answer(app, "DELETE", "/api/issues/7")["statusCode"] == 404
    assert answer(app, "post", "/api/issues")["statusCode"] == 201


def test_a_plain_return_is_json_and_a_tuple_names_the_status(app: RestApi) -> None:
    reply = answer(app, "POST", "/api/issues")
    assert reply["statusCode"] == 201
    assert reply["multiValueHeaders"]["Content-Type"] == [APPLICATION_JSON]
    assert reply["isBase64Encoded"] is False


def test_json_bodies_write_decimals_as_text() -> None:
    made = RestApi()
    made.get("/n")(lambda: {"n": Decimal("1.5")})
    assert answer(made, "GET", "/n")["body"] == '{"n":"1.5"}'


def test_bytes_are_sent_base64_encoded_and_headers_and_cookies_as_lists() -> None:
    made = RestApi()

    class Cookie:
        def __str__(self) -> str:
            return "session=abc; Secure"

    made.get("/file")(lambda: Response(200, "application/octet-stream", b"\x00\xff",
                                       headers={"X-Many": ["a", "b"]}, cookies=[Cookie(), Cookie()]))
    reply = answer(made, "GET", "/file")
    assert base64.b64decode(reply["body"]) == b"\x00\xff" and reply["isBase64Encoded"] is True
    assert reply["multiValueHeaders"]["X-Many"] == ["a", "b"]
    assert reply["multiValueHeaders"]["Set-Cookie"] == ["session=abc; Secure"] * 2


def test_middlewares_run_first_added_outermost_around_every_request_unknown_routes_too(app: RestApi) -> None:
    seen: list[str] = []

    def tagging(name: str) -> Any:
        def middleware(api: RestApi, next_middleware: NextMiddleware) -> Response[Any]:
            seen.append(f"{name} in")
            response = next_middleware(api)
            response.headers[f"X-{name}"] = "1"
            seen.append(f"{name} out")
            return response

        return middleware

    app.use(middlewares=[tagging("outer")])
    app.use(middlewares=[tagging("inner")])
    reply = answer(app, "GET", "/api/issues/1")
    assert seen == ["outer in", "inner in", "inner out", "outer out"]
    assert {"X-outer", "X-inner"} <= set(reply["multiValueHeaders"])
    seen.clear()
    assert answer(app, "GET", "/nowhere")["statusCode"] == 404 and seen[0] == "outer in"


def test_an_error_is_handled_by_the_handler_of_its_nearest_class() -> None:
    made = RestApi()

    class Refused(Exception):
        pass

    class Gone(Refused):
        pass

    @made.get("/gone")
    def gone() -> Any:
        raise Gone()

    made.exception_handler(Exception)(lambda error: Response(500, APPLICATION_JSON, {"h": "any"}))
    made.exception_handler(Refused)(lambda error: Response(410, APPLICATION_JSON, {"h": type(error).__name__}))
    reply = answer(made, "GET", "/gone")
    assert (reply["statusCode"], json_body(reply)) == (410, {"h": "Gone"})


def test_an_error_raised_in_a_middleware_reaches_the_handlers_too() -> None:
    made = RestApi()
    made.get("/x")(lambda: {"ok": True})

    def refuse(api: RestApi, next_middleware: NextMiddleware) -> Response[Any]:
        raise PermissionError("no")

    made.use(middlewares=[refuse])
    made.exception_handler(PermissionError)(lambda error: Response(403, APPLICATION_JSON, {"refused": True}))
    assert answer(made, "GET", "/x")["statusCode"] == 403


def test_an_unknown_route_goes_to_the_not_found_handler(app: RestApi) -> None:
    app.not_found(lambda _: Response(404, APPLICATION_JSON, {"code": "NOT_FOUND"}))
    assert json_body(answer(app, "GET", "/elsewhere")) == {"code": "NOT_FOUND"}


def test_cors_headers_go_to_listed_origins_only_on_every_answer() -> None:
    made = RestApi(cors=CorsPolicy((ORIGIN,), ("X-Next-Cursor",), allow_credentials=True))
    made.get("/x")(lambda: {"ok": True})
    listed = answer(made, "GET", "/x", headers={"Origin": ORIGIN})["multiValueHeaders"]
    assert listed["Access-Control-Allow-Origin"] == [ORIGIN]
    assert listed["Access-Control-Allow-Credentials"] == ["true"]
    assert listed["Access-Control-Expose-Headers"] == ["X-Next-Cursor"] and listed["Vary"] == ["Origin"]
    assert "Access-Control-Allow-Headers" not in listed  # preflights are API Gateway's to answer
    other = answer(made, "GET", "/x", headers={"origin": "https://evil.test"})["multiValueHeaders"]
    assert not any(name.startswith("Access-Control") for name in other)
    unknown = answer(made, "GET", "/missing", headers={"origin": ORIGIN})
    assert unknown["statusCode"] == 404 and unknown["multiValueHeaders"]["Access-Control-Allow-Origin"] == [ORIGIN]


def test_the_origin_is_read_from_multi_value_headers_when_headers_lack_it() -> None:
    made = RestApi(cors=CorsPolicy((ORIGIN,)))
    made.get("/x")(lambda: {"ok": True})
    reply = made.resolve({"httpMethod": "GET", "path": "/x", "headers": None,
                          "multiValueHeaders": {"Origin": [ORIGIN]}}, None)
    assert reply["multiValueHeaders"]["Access-Control-Allow-Origin"] == [ORIGIN]


def test_of_two_origins_sent_the_first_decides_as_api_gateway_lists_them() -> None:
    made = RestApi(cors=CorsPolicy((ORIGIN,)))
    made.get("/x")(lambda: {"ok": True})
    # API Gateway keeps the last value in `headers` and every value, in order, in `multiValueHeaders`.
    reply = made.resolve({"httpMethod": "GET", "path": "/x", "headers": {"Origin": ORIGIN},
                          "multiValueHeaders": {"Origin": ["https://evil.test", ORIGIN]}}, None)
    assert "Access-Control-Allow-Origin" not in reply["multiValueHeaders"]


def test_a_rule_written_with_a_trailing_slash_is_the_same_route() -> None:
    made = RestApi()
    made.get("/x/")(lambda: {"ok": True})
    made.get("/")(lambda: {"root": True})
    assert answer(made, "GET", "/x")["statusCode"] == 200
    assert json_body(answer(made, "GET", "/")) == {"root": True}
    assert [route.rule for route in made.routes] == ["/x", "/"]


def test_a_not_found_handler_may_answer_with_a_plain_body() -> None:
    made = RestApi()
    made.not_found(lambda _: {"missing": True})
    reply = answer(made, "GET", "/nowhere")
    assert (reply["statusCode"], json_body(reply)) == (200, {"missing": True})


def test_a_preflight_that_reaches_the_function_is_answered_empty_with_its_methods(app: RestApi) -> None:
    app.cors = CorsPolicy((ORIGIN,))
    reply = answer(app, "OPTIONS", "/api/issues", headers={"Origin": ORIGIN})
    assert reply["statusCode"] == 204 and reply["body"] == ""
    assert reply["multiValueHeaders"]["Access-Control-Allow-Methods"] == ["GET,OPTIONS,POST"]


def test_request_headers_are_read_whatever_their_case(app: RestApi) -> None:
    seen: dict[str, Any] = {}

    @app.get("/api/echo")
    def echo() -> dict[str, Any]:
        seen["type"] = app.current_event.headers.get("content-type")
        seen["has"] = "X-Custom" in app.current_event.headers
        return {}

    answer(app, "GET", "/api/echo", headers={"Content-Type": "text/plain", "x-custom": "1"})
    assert seen == {"type": "text/plain", "has": True}


def test_the_resolver_loads_no_powertools_and_no_third_party_package() -> None:
    code = ("import sys; before = set(sys.modules); import opsdesk.restapi; "
            "print(sorted({m.split('.')[0] for m in set(sys.modules) - before}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}).stdout
    assert "aws_lambda_powertools" not in loaded and "pydantic" not in loaded, loaded
