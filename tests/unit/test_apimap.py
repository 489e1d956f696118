"""The support document's rate-limit table, as the API map declares it."""

from __future__ import annotations

import pytest

from opsdesk.apimap import COPILOT, MODULES, SUPPORT, ApiModule, Auth, CookieSession, FunctionGroup
from opsdesk.settings import SessionSettings
from opsdesk.settings.copilot import CopilotAuthSettings


@pytest.mark.parametrize(("path", "per_minute"), [
    ("/api/chat", 10), ("/api/docs/search", 30), ("/api/docs/feedback", 100), ("/api/issues", 100),
    ("/api/issues/7f0e4c1a-0000-4000-8000-000000000000", 100), ("/api/customers", 100),
])
def test_each_route_gets_the_documented_limit(path: str, per_minute: int) -> None:
    limit = SUPPORT.rate_limit_for(path)

    assert limit is not None
    assert limit.per_minute == per_minute


def test_a_module_with_cookie_session_routes_must_declare_its_cookie() -> None:
    cookie_group = FunctionGroup(name="x_items", resources=("/items",), auth=Auth.COOKIE_JWT)

    with pytest.raises(ValueError, match="session cookie"):
        ApiModule(name="x", base_path="/x", dialect="support", groups=(cookie_group,))
    assert ApiModule(name="x", base_path="/x", dialect="support", groups=(cookie_group,),
                     session=CookieSession("x_session")).cookie_session.cookie == "x_session"


@pytest.mark.parametrize(("cookie_login", "always_on", "accepted"), [("off", False, False), ("on", False, True),
                                                                     ("off", True, True), ("on", True, True)])
def test_a_switchable_session_cookie_counts_only_when_the_stage_turns_the_login_on(
    cookie_login: str, always_on: bool, accepted: bool
) -> None:
    settings = SessionSettings.from_environment({"AWS_REGION": "us-east-1", "COGNITO_USER_POOL_ID": "p",
                                               "COGNITO_APP_CLIENT_ID": "c", "HELPDESK_COOKIE_LOGIN": cookie_login})

    assert settings.accepts_cookie(CookieSession("s", always_on=always_on)) is accepted
    assert settings.accepts_cookie(None) is False


def test_only_a_module_whose_tokens_live_otherwise_has_an_app_client_of_its_own() -> None:
    assert {module.name: module.own_client_setting for module in MODULES if module.own_client_setting} == {
        "copilot": "COPILOT_APP_CLIENT_ID"}


def test_the_copilot_signs_users_in_with_its_own_client_when_the_platform_gives_it_one() -> None:
    base = {"AWS_REGION": "us-east-1", "COGNITO_USER_POOL_ID": "p", "COGNITO_APP_CLIENT_ID": "platform",
            "INCIDENTS_TABLE_NAME": "incidents"}
    setting = COPILOT.own_client_setting
    assert setting is not None

    own = CopilotAuthSettings.from_environment({**base, setting: "copilot"})
    assert (own.sign_in_client_id, own.accepted_client_ids) == ("copilot", {"platform", "copilot"})
    assert CopilotAuthSettings.from_environment(base).sign_in_client_id == "platform"


@pytest.mark.parametrize("seconds", [60, 15 * 60 + 1, 25 * 3600])
def test_a_token_lifetime_cognito_cannot_give_a_client_is_refused(seconds: int) -> None:
    with pytest.raises(ValueError, match="whole minutes"):
        CookieSession("s", token_lifetime_seconds=seconds)
