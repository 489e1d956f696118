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

    assert PlatformSettings.model_validate({**base, "ALLOWED_ORIGINS": "https://a.example, https://b.example"}
                                           ).allowed_origins == ["https://a.example", "https://b.example"]
    assert SessionSettings.model_validate({**base, "AUTH_MODE": "local"}).cookie_login_enabled
    assert not SessionSettings.model_validate({**base, "AUTH_MODE": "oidc"}).cookie_login_enabled
    assert not SessionSettings.model_validate(base).cookie_login_enabled


@pytest.mark.parametrize("origins", ["*", "https://a.example, *"])
def test_a_wildcard_origin_stops_the_cold_start(origins: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", origins)
    load_settings.cache_clear()

    with pytest.raises(SettingsError, match="'\\*' is not allowed"):
        load_settings(PlatformSettings)
