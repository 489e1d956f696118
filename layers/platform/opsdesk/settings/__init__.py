"""Settings read from the environment and validated once, at cold start.

One frozen dataclass per function family; domain code receives values, never reads os.environ. A field names its
environment variable and its bounds with `setting(...)`; `load_settings` converts and checks every field and names
each variable that is missing or wrong. Settings need only text, numbers, yes/no and choices, so this module checks
them itself: pydantic's import and schema build were ~50 ms of every function's cold start (docs/benchmarks.md),
and request bodies, which need pydantic, load it on the first request that has one.

The families live in this package's modules and are declared when first named (`from opsdesk.settings import
SupportSettings`): a function declares its own family and the ones it builds on, not all 31."""

from __future__ import annotations

import dataclasses
import importlib
import os
import re
import types
from collections.abc import Callable, Mapping
from functools import cache
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    Union,
    dataclass_transform,
    get_args,
    get_origin,
    get_type_hints,
)

if TYPE_CHECKING:  # the families, for type checkers; at run time __getattr__ imports each when named
    from opsdesk.settings.alerts import AlertIngestSettings
    from opsdesk.settings.aura import AuraAgentSettings, AuraSettings
    from opsdesk.settings.chat import ChatSettings
    from opsdesk.settings.copilot import (
        CopilotAuthSettings,
        CopilotIntegrationSettings,
        CopilotProjectsSettings,
        CopilotSettings,
        HypothesisSettings,
        WebhookSettings,
    )
    from opsdesk.settings.helpdesk import (
        HelpdeskAttachmentSettings,
        HelpdeskExportSettings,
        HelpdeskMailSettings,
        HelpdeskMetricsSettings,
        HelpdeskSettings,
        HelpdeskSlaCheckSettings,
    )
    from opsdesk.settings.identity import SessionSettings, TokenSettings, UserLookupSettings
    from opsdesk.settings.platform import ConnectionSettings, EventLogSettings, RateLimitSettings
    from opsdesk.settings.response import ResponseAnalysisSettings, ResponseSettings
    from opsdesk.settings.streams import (
        AuraStreamSettings,
        EventStreamSettings,
        HelpdeskStreamSettings,
        RealtimeSettings,
    )
    from opsdesk.settings.support import DocsSettings, SearchSettings, SupportSettings

__all__ = [
    "AlertIngestSettings",
    "AuraAgentSettings",
    "AuraSettings",
    "AuraStreamSettings",
    "ChatSettings",
    "ConnectionSettings",
    "CopilotAuthSettings",
    "CopilotIntegrationSettings",
    "CopilotProjectsSettings",
    "CopilotSettings",
    "DEFAULT_BEDROCK_MODEL_ID",
    "DocsSettings",
    "EventLogSettings",
    "EventStreamSettings",
    "FAMILY_MODULES",
    "HelpdeskAttachmentSettings",
    "HelpdeskExportSettings",
    "HelpdeskMailSettings",
    "HelpdeskMetricsSettings",
    "HelpdeskSettings",
    "HelpdeskSlaCheckSettings",
    "HelpdeskStreamSettings",
    "HypothesisSettings",
    "MAIL_ADDRESS_PATTERN",
    "PUBLIC_URL_PATTERN",
    "PlatformSettings",
    "RateLimitSettings",
    "RealtimeSettings",
    "ResponseAnalysisSettings",
    "ResponseSettings",
    "SearchSettings",
    "SessionSettings",
    "Settings",
    "SettingsError",
    "SupportSettings",
    "TokenSettings",
    "UserLookupSettings",
    "WebhookSettings",
    "empty_is_unset",
    "load_settings",
    "setting",
]

DEFAULT_BEDROCK_MODEL_ID = "amazon.nova-lite-v1:0"
"""On-demand in the regions the platform targets, with Converse streaming and tool use."""
MAIL_ADDRESS_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$"
PUBLIC_URL_PATTERN = r"^https?://[^/\s?#]+(?:/[^\s?#]*)?$"
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "on"})
FALSE_WORDS = frozenset({"0", "false", "f", "no", "n", "off"})


class SettingsError(ValueError):
    """A variable is missing or wrong: the function does not start."""


@dataclasses.dataclass(frozen=True)
class Variable:
    """How one field is read from the environment: its variable (the first of `names` that is set wins) and what
    its value must satisfy. Bounds apply to a value that was set; a default is taken as it is."""

    names: tuple[str, ...]
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    gt: float | None = None
    ge: float | None = None
    le: float | None = None
    before: Callable[[str], str | None] | None = None
    """Rewrites the text before it is converted; None means the variable counts as unset."""
    check: Callable[[Any], str | None] | None = None
    """Returns what is wrong with a converted value, or None."""

    @property
    def name(self) -> str:
        return self.names[0]


def setting(env: str, *, default: Any = dataclasses.MISSING, also: tuple[str, ...] = (),
            min_length: int | None = None, max_length: int | None = None, pattern: str | None = None,
            gt: float | None = None, ge: float | None = None, le: float | None = None,
            before: Callable[[str], str | None] | None = None, check: Callable[[Any], str | None] | None = None
            ) -> Any:
    """A settings field read from the variable `env` (or, when it is unset, the first of `also` that is set)."""
    variable = Variable((env, *also), min_length, max_length, pattern, gt, ge, le, before, check)
    return dataclasses.field(default=default, metadata={Variable: variable})


def empty_is_unset(text: str) -> str | None:
    """An empty variable is an unset one (a stage turns mail off with `HELPDESK_MAIL_FROM=`); a trailing `/` of a
    URL is dropped so links built on it have no `//`."""
    return text.strip().rstrip("/") or None


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(setting,))
class Settings:
    """The base of every settings family: each subclass is made a frozen, keyword-only dataclass."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True, kw_only=True)(cls)

    @classmethod
    def variable_name(cls, field_name: str) -> str:
        """The environment variable `field_name` is read from (infra sets it by this name)."""
        return _variables(cls)[field_name][0].name

    @classmethod
    def from_environment(cls: type[SettingsT], environment: Mapping[str, str]) -> SettingsT:
        """Convert and check every field; SettingsError names each variable that is missing or wrong."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for field_name, (variable, kind) in _variables(cls).items():
            name = next((name for name in variable.names if name in environment), variable.name)
            text = environment.get(name)
            if text is not None and variable.before is not None:
                text = variable.before(text)
            if text is None:
                if _is_required(cls, field_name):
                    problems.append(f"{variable.name}: required")
                continue
            try:
                values[field_name] = _checked(variable, _converted(text, kind))
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
        if problems:
            raise SettingsError(f"invalid configuration for {cls.__name__}: {', '.join(problems)}")
        return cls(**values)


SettingsT = TypeVar("SettingsT", bound=Settings)


def _variables(model: type[Settings]) -> dict[str, tuple[Variable, Any]]:
    """Each field's variable and type, worked out on the model's first use and kept on the model."""
    known: dict[str, tuple[Variable, Any]] | None = model.__dict__.get("_variables")
    if known is None:
        hints = get_type_hints(model)
        known = {f.name: (f.metadata[Variable], hints[f.name]) for f in dataclasses.fields(model)}  # type: ignore[arg-type]
        type.__setattr__(model, "_variables", known)
    return known


def _is_required(model: type[Settings], field_name: str) -> bool:
    field = model.__dataclass_fields__[field_name]  # type: ignore[attr-defined]
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _converted(text: str, kind: Any) -> Any:
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):  # `X | None`: a set variable is an X
        kind = next(arg for arg in get_args(kind) if arg is not type(None))
        origin = get_origin(kind)
    if origin is Literal:
        if text not in get_args(kind):
            raise ValueError("one of " + ", ".join(repr(choice) for choice in get_args(kind)))
        return text
    if kind is bool:
        word = text.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise ValueError("true or false")
        return word in TRUE_WORDS
    if kind is int:
        return _ascii_number(text, int, "a whole number")
    if kind is float:
        return _ascii_number(text, float, "a number")
    if kind is str:
        return text
    raise TypeError(f"settings cannot hold a {kind!r}")


def _ascii_number(text: str, convert: Callable[[str], Any], what: str) -> Any:
    """ASCII digits only: int() and float() also read other scripts' digits."""
    digits = text.strip()
    try:
        if not digits.isascii():
            raise ValueError
        return convert(digits)
    except ValueError:
        raise ValueError(what) from None


def _checked(variable: Variable, value: Any) -> Any:
    if isinstance(value, str):
        if variable.min_length is not None and len(value) < variable.min_length:
            raise ValueError(f"at least {variable.min_length} characters")
        if variable.max_length is not None and len(value) > variable.max_length:
            raise ValueError(f"at most {variable.max_length} characters")
        if variable.pattern is not None and re.search(variable.pattern, value) is None:
            raise ValueError(f"does not match {variable.pattern}")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if variable.gt is not None and not value > variable.gt:
            raise ValueError(f"greater than {_number(variable.gt)}")
        if variable.ge is not None and not value >= variable.ge:
            raise ValueError(f"at least {_number(variable.ge)}")
        if variable.le is not None and not value <= variable.le:
            raise ValueError(f"at most {_number(variable.le)}")
    if variable.check is not None and (problem := variable.check(value)) is not None:
        raise ValueError(problem)
    return value


def _number(bound: float) -> str:
    """A bound as the variable would be written: 5368709120, not 5.36871e+09."""
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _no_wildcard(origins: str) -> str | None:
    if any(origin.strip() == "*" for origin in origins.split(",")):
        return "list the origins; '*' is not allowed"
    return None


class PlatformSettings(Settings):
    aws_region: str = setting("AWS_REGION", min_length=1)
    aws_endpoint_url: str | None = setting("AWS_ENDPOINT_URL", default=None)
    """Set locally (moto server); unset on AWS."""
    service_name: str = setting("POWERTOOLS_SERVICE_NAME", default="opsdesk")
    max_body_bytes: int = setting("MAX_BODY_BYTES", default=262_144, gt=0)
    expected_client_id: str | None = setting("COGNITO_APP_CLIENT_ID", default=None)
    """The platform's app client, whose tokens the API accepts. API Gateway's Cognito authorizer checks the pool
    and the signature but not the audience, so the function checks `aud` itself."""
    module_client_ids: str = setting("COGNITO_MODULE_CLIENT_IDS", default="")
    """Comma-separated app clients of modules whose tokens live otherwise than the platform's (the copilot's
    15 minutes, CookieSession.token_lifetime_seconds): their tokens are accepted too."""
    cors_allowed_origins: str = setting("CORS_ALLOWED_ORIGINS", default="", also=("ALLOWED_ORIGINS",),
                                        check=_no_wildcard)
    """Comma-separated origins the browser may call from; empty means no CORS headers. `ALLOWED_ORIGINS` is the
    helpdesk document's name for it. Never `*`: the cookie modules send credentials, and an allow-list is the
    platform's rule (docs/decisions.md, CORS)."""

    @property
    def accepted_client_ids(self) -> frozenset[str]:
        """Every app client of the platform's pool whose ID tokens the API accepts (empty: `aud` unchecked)."""
        named = [self.expected_client_id or "", *self.module_client_ids.split(",")]
        return frozenset(client.strip() for client in named if client.strip())

    @property
    def allowed_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_allowed_origins.split(",") if origin.strip()]


FAMILY_MODULES = {
    "EventLogSettings": "platform",
    "ConnectionSettings": "platform",
    "RateLimitSettings": "platform",
    "TokenSettings": "identity",
    "SessionSettings": "identity",
    "UserLookupSettings": "identity",
    "SupportSettings": "support",
    "SearchSettings": "support",
    "DocsSettings": "support",
    "ChatSettings": "chat",
    "HelpdeskSettings": "helpdesk",
    "HelpdeskMailSettings": "helpdesk",
    "HelpdeskAttachmentSettings": "helpdesk",
    "HelpdeskExportSettings": "helpdesk",
    "HelpdeskSlaCheckSettings": "helpdesk",
    "HelpdeskMetricsSettings": "helpdesk",
    "CopilotSettings": "copilot",
    "CopilotAuthSettings": "copilot",
    "CopilotIntegrationSettings": "copilot",
    "CopilotProjectsSettings": "copilot",
    "HypothesisSettings": "copilot",
    "WebhookSettings": "copilot",
    "ResponseSettings": "response",
    "ResponseAnalysisSettings": "response",
    "AlertIngestSettings": "alerts",
    "AuraSettings": "aura",
    "AuraAgentSettings": "aura",
    "EventStreamSettings": "streams",
    "RealtimeSettings": "streams",
    "HelpdeskStreamSettings": "streams",
    "AuraStreamSettings": "streams",
}
"""Which module of this package declares each settings model."""


def __getattr__(name: str) -> Any:
    module = FAMILY_MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


@cache
def load_settings(model: type[SettingsT]) -> SettingsT:
    """Validate the environment against `model`; a missing or bad variable stops the cold start loudly."""
    return model.from_environment(os.environ)
