"""The helpdesk's in-process caller: the shared one (tests/integration/events.py) with paths under /helpdesk and a
fresh user by default; its routes take the session authorizer's context (JSON claims and the channel)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

from opsdesk.apimap import HELPDESK
from tests.integration.events import Caller, rest_event

BASE = HELPDESK.base_path


def helpdesk_event(method: str, url: str, *, claims: Mapping[str, Any] | None, body: Any = None,
                   channel: str = "bearer", headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    return rest_event(method, url, claims=claims, body=body, channel=channel, headers=headers)


class HelpdeskCaller(Caller):
    def __init__(self, tenant_id: str, handlers: Mapping[str, ModuleType] | Iterable[ModuleType],
                 user_id: str | None = None, groups: tuple[str, ...] = (), channel: str = "bearer") -> None:
        super().__init__(tenant_id, handlers, user_id or str(uuid.uuid4()), groups, channel, base=BASE)
