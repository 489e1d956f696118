"""Settings validated once from the environment (load_settings is cached: cleared around every test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from opsdesk.settings import PlatformSettings, SettingsError, SupportSettings, TokenSettings, load_settings


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_REGION", "AWS_ENDPOINT_URL", "SUPPORT_TABLE_NAME", "MAX_BODY_BYTES", "COGNITO_USER_POOL_ID",
                 "COGNITO_APP_CLIENT_ID", "COGNITO_ISSUER", "COGNITO_JWKS_URL", "POWERTOOLS_SERVICE_NAME"):
        monkeypatch.delenv(name, raising=False)
    load_settings.cache_clear()
    yield
    load_settings.cache_clear()


def test_support_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("SUPPORT_TABLE_NAME", "opsdesk-support")

    settings = load_settings(SupportSettings)

    assert settings.aws_region == "eu-west-1"
    assert settings.support_table_name == "opsdesk-support"
    assert settings.aws_endpoint_url is None
    assert settings.max_body_bytes == 262_144
    assert settings.service_name == "opsdesk"


def test_settings_are_validated_once_and_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    first = load_settings(PlatformSettings)
    monkeypatch.setenv("AWS_REGION", "us-east-1")

    assert load_settings(PlatformSettings) is first


def test_missing_variable_stops_the_cold_start_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")

    with pytest.raises(SettingsError, match="SUPPORT_TABLE_NAME"):
        load_settings(SupportSettings)


def test_bad_body_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("MAX_BODY_BYTES", "0")

    with pytest.raises(SettingsError, match="MAX_BODY_BYTES"):
        load_settings(PlatformSettings)


def test_token_settings_derive_issuer_and_jwks_url_from_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("COGNITO_USER_POOL_ID", "eu-west-1_AbC")
    monkeypatch.setenv("COGNITO_APP_CLIENT_ID", "client")

    settings = load_settings(TokenSettings)

    assert settings.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
    assert settings.jwks_url == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC/.well-known/jwks.json"


def test_token_settings_overrides_win(monkeypatch: pytest.MonkeyPatch) -> None:
    # The local stack: moto signs with the AWS issuer but serves the keys on loopback
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("COGNITO_USER_POOL_ID", "eu-west-1_AbC")
    monkeypatch.setenv("COGNITO_APP_CLIENT_ID", "client")
    monkeypatch.setenv("COGNITO_JWKS_URL", "http://127.0.0.1:5000/eu-west-1_AbC/.well-known/jwks.json")

    settings = load_settings(TokenSettings)

    assert settings.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC"
    assert settings.jwks_url == "http://127.0.0.1:5000/eu-west-1_AbC/.well-known/jwks.json"


def test_the_helpdesk_documents_names_configure_cors_and_the_cookie_login() -> None:
    from opsdesk.settings import SessionSettings

    base = {"AWS_REGION": "eu-west-1", "COGNITO_USER_POOL_ID": "eu-west-1_abc", "COGNITO_APP_CLIENT_ID": "client"}

    assert PlatformSettings.from_environment({**base, "ALLOWED_ORIGINS": "https://a.example, https://b.example"}
                                           ).allowed_origins == ["https://a.example", "https://b.example"]
    assert SessionSettings.from_environment({**base, "AUTH_MODE": "local"}).cookie_login_enabled
    assert not SessionSettings.from_environment({**base, "AUTH_MODE": "oidc"}).cookie_login_enabled
    assert not SessionSettings.from_environment(base).cookie_login_enabled


@pytest.mark.parametrize("origins", ["*", "https://a.example, *"])
def test_a_wildcard_origin_stops_the_cold_start(origins: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", origins)
    load_settings.cache_clear()

    with pytest.raises(SettingsError, match="'\\*' is not allowed"):
        load_settings(PlatformSettings)


def test_each_kind_of_value_is_converted_from_its_text() -> None:
    from opsdesk.settings import AuraAgentSettings

    settings = AuraAgentSettings.from_environment({
        "AWS_REGION": "eu-west-1", "TICKETS_TABLE_NAME": "tickets", "AURA_PLAN_APPROVAL_REQUIRED": "False",
        "AURA_RUN_LEASE_SECONDS": " 120 ", "AURA_TURN_TIME_BUDGET_SECONDS": "2.5", "AURA_GITOPS": "local"})

    assert (settings.plan_approval_required, settings.run_lease_seconds) == (False, 120)
    assert (settings.turn_time_budget_seconds, settings.gitops) == (2.5, "local")
    assert settings.workspace_dir == "/tmp/aura-workspaces"


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("AURA_PLAN_APPROVAL_REQUIRED", "maybe", "true or false"),
    ("AURA_RUN_LEASE_SECONDS", "1.5", "a whole number"),
    ("AURA_RUN_LEASE_SECONDS", "\u0663\u0660\u0660", "a whole number"),
    ("AURA_RUN_LEASE_SECONDS", "29", "at least 30"),
    ("AURA_TURN_TIME_BUDGET_SECONDS", "0", "greater than 0"),
    ("AURA_TURN_TIME_BUDGET_SECONDS", "\uff12.5", "a number"),
    ("AURA_GITOPS", "flux", "one of 'local', 'argocd'"),
    ("AURA_ENVIRONMENT", "", "at least 1 characters"),
])
def test_a_wrong_value_is_refused_naming_its_variable_and_what_it_must_be(name: str, value: str,
                                                                          problem: str) -> None:
    from opsdesk.settings import AuraAgentSettings

    with pytest.raises(SettingsError) as refused:
        AuraAgentSettings.from_environment({"AWS_REGION": "eu-west-1", "TICKETS_TABLE_NAME": "tickets", name: value})

    assert f"{name}: {problem}" in str(refused.value)


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(SettingsError) as refused:
        SupportSettings.from_environment({"MAX_BODY_BYTES": "-1"})

    assert str(refused.value) == ("invalid configuration for SupportSettings: AWS_REGION: required, "
                                  "MAX_BODY_BYTES: greater than 0, SUPPORT_TABLE_NAME: required")


def test_an_empty_mail_sender_is_unset_and_a_trailing_slash_is_dropped() -> None:
    from opsdesk.settings import HelpdeskMailSettings

    settings = HelpdeskMailSettings.from_environment({
        "AWS_REGION": "eu-west-1", "TICKETS_TABLE_NAME": "tickets", "HELPDESK_MAIL_FROM": " ",
        "HELPDESK_PUBLIC_URL": "https://desk.example/"})

    assert (settings.mail_from, settings.public_url) == (None, "https://desk.example")


def test_the_variable_a_field_is_read_from_is_named_by_the_model() -> None:
    assert SupportSettings.variable_name("support_table_name") == "SUPPORT_TABLE_NAME"
    assert PlatformSettings.variable_name("cors_allowed_origins") == "CORS_ALLOWED_ORIGINS"


def test_loading_settings_imports_no_pydantic() -> None:
    # pydantic's import was ~50 ms of every cold start; request bodies load it when one is validated.
    import subprocess
    import sys

    probe = ("import os, sys; os.environ.update(AWS_REGION='eu-west-1', SUPPORT_TABLE_NAME='support'); "
             "from opsdesk.settings import SupportSettings, load_settings; load_settings(SupportSettings); "
             "print('pydantic' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)

    assert result.stdout.strip() == "False"


def test_a_refusal_names_the_variable_that_was_set_and_writes_its_bound_as_a_whole_number() -> None:
    from opsdesk.settings import HelpdeskAttachmentSettings

    with pytest.raises(SettingsError) as refused:
        HelpdeskAttachmentSettings.from_environment({
            "AWS_REGION": "eu-west-1", "TICKETS_TABLE_NAME": "tickets", "ATTACHMENTS_BUCKET": "bucket",
            "ALLOWED_ORIGINS": "*", "ATTACHMENT_MAX_BYTES": str(6 * 1024**3)})

    assert "ALLOWED_ORIGINS: list the origins" in str(refused.value)
    assert "ATTACHMENT_MAX_BYTES: at most 5368709120" in str(refused.value)
