"""What counts as a credential in an integration's `config` (which every project member reads): the names of the
secrets an integration keeps in `credentials`, at any depth and in any spelling, and URLs carrying a user and
password. Integrations refuse them on write (opsdesk.copilot.integrations) and the view masks them in what was
stored before (opsdesk.copilot.views)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

CREDENTIAL_NAMES = frozenset({"api_key", "app_key", "token", "username", "password", "role_arn", "external_id",
                              "webhook_token"})
"""`webhook_token`: what the source sends with each webhook (opsdesk.alerts.webhooks); at least 16 characters.
`external_id` is named to refuse it: the platform sets it (aws_external_id)."""


def _credential_name(name: str) -> str:
    """A config key as compared with CREDENTIAL_NAMES: case, `-` and `_` aside (`Password`, `API-Key`, `apiKey`)."""
    return name.casefold().replace("-", "").replace("_", "")


_CREDENTIAL_KEYS = frozenset(map(_credential_name, CREDENTIAL_NAMES))
_USERINFO_URL = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@")
"""A URL whose authority carries userinfo (`https://user:password@host`)."""


def credentials_in(value: Any, path: str) -> list[str]:
    """The paths of the keys anywhere in `value` (objects and arrays, however nested) that name a credential."""
    if isinstance(value, Mapping):
        return [found for key, inner in value.items() for found in
                ([f"{path}.{key}"] if _credential_name(str(key)) in _CREDENTIAL_KEYS else
                 credentials_in(inner, f"{path}.{key}"))]
    if isinstance(value, list):
        return [found for index, inner in enumerate(value) for found in credentials_in(inner, f"{path}[{index}]")]
    return []


def urls_with_userinfo(value: Any, path: str) -> list[str]:
    """The paths of the strings anywhere in `value` that are URLs carrying a user or password."""
    if isinstance(value, Mapping):
        return [found for key, inner in value.items() for found in urls_with_userinfo(inner, f"{path}.{key}")]
    if isinstance(value, list):
        return [found for index, inner in enumerate(value) for found in urls_with_userinfo(inner, f"{path}[{index}]")]
    return [path] if isinstance(value, str) and _USERINFO_URL.match(value) else []


def masked_config(value: Any, mask: str) -> Any:
    """`value` with every credential's value and every URL's user and password replaced by `mask`: integrations
    saved before credentials were refused at every depth still hold some."""
    if isinstance(value, Mapping):
        return {key: mask if _credential_name(str(key)) in _CREDENTIAL_KEYS else masked_config(inner, mask)
                for key, inner in value.items()}
    if isinstance(value, list):
        return [masked_config(inner, mask) for inner in value]
    if isinstance(value, str) and _USERINFO_URL.match(value):
        scheme, _, rest = value.partition("://")
        return f"{scheme}://{mask}@{rest.partition('@')[2]}"
    return value
