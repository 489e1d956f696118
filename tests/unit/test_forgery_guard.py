"""The cookie sessions' forgery guard (opsdesk.http): a write that rides on the session cookie is JSON, or has no
body at all and comes from no browser or from a listed origin. Bearer callers are not checked."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from opsdesk.apimap import COPILOT
from opsdesk.http import create_api, json_response
from opsdesk.restapi import RestApi
from opsdesk.settings import PlatformSettings
from scripts.local.gateway import LambdaContext
from scripts.local.rest_events import in_process_event

APP_ORIGIN = "https://app.opsdesk.test"
SIBLING_ORIGIN = "https://evil.opsdesk.test"
CLAIMS = {"sub": "u1", "custom:tenant_id": "t1", "email": "alice@acme.test", "token_use": "id"}


@pytest.fixture(scope="module")
def app() -> RestApi:
    settings = PlatformSettings.from_environment({"AWS_REGION": "eu-west-1", "CORS_ALLOWED_ORIGINS": APP_ORIGIN})
    made = create_api(replace(COPILOT, default_rate_limit=None, rate_limits=()), settings)  # no limiter table

    @made.post("/auth/logout")
    def logout() -> Any:
        return json_response(200, {"message": "Logged out"})

    return made


def status(app: RestApi, *, channel: str, headers: dict[str, str], body: str | None = None) -> int:
    _, event = in_process_event("POST", f"{COPILOT.base_path}/auth/logout", claims=CLAIMS, channel=channel,
                                headers={"content-type": "", **headers}, body=body)
    answer: dict[str, Any] = app.resolve(event, LambdaContext("copilot_auth", "eu-west-1"))
    return int(answer["statusCode"])


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, 200),  # no browser sent it: nothing to forge
    ({"origin": APP_ORIGIN}, 200),
    ({"origin": SIBLING_ORIGIN}, 403),  # a sibling subdomain is the same site: SameSite lets the cookie through
    ({"origin": "null"}, 403),  # a sandboxed frame
], ids=["no origin", "listed origin", "sibling origin", "opaque origin"])
def test_a_bodiless_cookie_write_needs_no_type_but_a_listed_origin_when_a_browser_sent_it(
        app: RestApi, headers: dict[str, str], expected: int) -> None:
    assert status(app, channel="cookie", headers=headers) == expected


def test_a_cookie_write_with_a_body_or_a_type_must_be_json(app: RestApi) -> None:
    assert status(app, channel="cookie", headers={"content-type": "text/plain"}, body="x=1") == 422
    assert status(app, channel="cookie", headers={"content-type": "application/x-www-form-urlencoded"}) == 422
    assert status(app, channel="cookie", headers={"content-type": "application/json"}, body="{}") == 200


def test_bearer_writes_are_not_checked(app: RestApi) -> None:
    assert status(app, channel="bearer", headers={"origin": SIBLING_ORIGIN}) == 200
    assert status(app, channel="bearer", headers={"content-type": "text/plain"}) == 200
