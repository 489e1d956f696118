"""Deployment settings from CDK context and OPSDESK_* environment variables."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.xdist_group("infra")


def _settings(context: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> Any:
    import aws_cdk as cdk

    from infra.settings import InfraSettings

    return InfraSettings.from_context(cdk.App(context=context or {}).node, environ=environ or {})


def test_defaults_describe_an_unprotected_dev_stage() -> None:
    settings = _settings()

    assert settings.stage == "dev"
    assert settings.deletion_protection is False
    assert settings.threat_protection is False
    assert settings.web_firewall is False
    assert settings.cors_allowed_origins == ("http://localhost:3000",)
    assert settings.log_retention_days == 14


def test_prod_protects_by_default_and_keeps_logs_a_year() -> None:
    settings = _settings({"stage": "prod", "corsAllowedOrigins": "https://app.example.com"})

    assert settings.deletion_protection is True
    assert settings.threat_protection is True
    assert settings.web_firewall is True
    assert settings.log_retention_days == 365


def test_prod_without_an_allowed_origin_is_refused() -> None:
    from infra.settings import SettingsError

    with pytest.raises(SettingsError, match="corsAllowedOrigins"):
        _settings({"stage": "prod"})


def test_command_line_context_arrives_as_text_and_is_parsed() -> None:
    settings = _settings({
        "deletionProtection": "true",
        "logRetentionDays": "30",
        "corsAllowedOrigins": "https://a.example.com, https://b.example.com/",
        "throttlingRateLimit": "20",
    })

    assert settings.deletion_protection is True
    assert settings.log_retention_days == 30
    assert settings.cors_allowed_origins == ("https://a.example.com", "https://b.example.com")
    assert settings.throttling_rate_limit == 20.0


def test_environment_variables_apply_when_context_is_silent() -> None:
    settings = _settings(environ={"OPSDESK_STAGE": "qa", "OPSDESK_CORS_ALLOWED_ORIGINS": '["https://qa.example.com"]'})

    assert settings.stage == "qa"
    assert settings.cors_allowed_origins == ("https://qa.example.com",)


def test_context_wins_over_the_environment() -> None:
    settings = _settings({"stage": "staging"}, environ={"OPSDESK_STAGE": "qa"})

    assert settings.stage == "staging"


@pytest.mark.parametrize(("context", "message"), [
    ({"stage": "Prod_1"}, "stage"),
    ({"logRetentionDays": "10"}, "logRetentionDays"),
    ({"deletionProtection": "maybe"}, "deletionProtection"),
    ({"throttlingRateLimit": "-1"}, "throttlingRateLimit"),
    ({"corsAllowedOrigins": '["https://app.example.com", "*"]'}, "corsAllowedOrigins"),
    ({"domainName": "api.example.com"}, "certificateArn"),
])
def test_invalid_settings_stop_synth_with_the_setting_named(context: dict[str, Any], message: str) -> None:
    from infra.settings import SettingsError

    with pytest.raises(SettingsError, match=message):
        _settings(context)


def test_python_entry_point_takes_context_pairs_like_the_cdk_cli() -> None:
    from infra.app import parse_context

    context = parse_context(["-c", "stage=prod", "--context", "corsAllowedOrigins=https://app.example.com/?a=b"])

    assert context == {"stage": "prod", "corsAllowedOrigins": "https://app.example.com/?a=b"}


def test_the_cookie_login_is_off_unless_set() -> None:
    prod = {"stage": "prod", "corsAllowedOrigins": "https://app.example.com"}

    assert _settings().cookie_login is False
    assert _settings(prod).cookie_login is False
    assert _settings({**prod, "cookieLogin": "true"}).cookie_login is True
    assert _settings(environ={"OPSDESK_COOKIE_LOGIN": "true"}).cookie_login is True
