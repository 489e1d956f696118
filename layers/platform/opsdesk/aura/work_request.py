"""What a ticket asks for, as the reader (opsdesk.aura.intent) gives it to the planner: the action and every field
of the work, what it leaves open to ask, and the choices people make when asked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, replace
from typing import Any

from opsdesk.aura.answers import parse_answer
from opsdesk.aura.intent_words import Action
from opsdesk.aura.policy import is_production
from opsdesk.aura.software import BY_SPELLING, Software
from opsdesk.frozen import frozen

WORKLOAD_ACTIONS = frozenset(Action) - {Action.CREATE_NAMESPACE, Action.DELETE_NAMESPACE}


@frozen
class WorkRequest:
    action: Action | None
    name: str | None = None
    namespace: str | None = None
    kind: str = "Deployment"
    image: str | None = None
    tag: str | None = None
    """A new version when the ticket gives only that ("to 1.8.0"): the workload's image keeps its repository."""
    replicas: int | None = None
    port: int | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    resources: Mapping[str, str] = field(default_factory=dict)
    """`cpu`, `memory` (requests) and `storage` (a StatefulSet's volume)."""
    service_type: str = "ClusterIP"
    software: str | None = None
    production: bool = False
    set_aside: tuple[str, ...] = ()
    """Text not taken as the request: instructions to the agent, and code not read (not asked for, or not agreeing
    with the prose)."""
    read_from_code: tuple[str, ...] = ()
    """The code read beside the prose (opsdesk.aura.intent_fences): each command as written, or what a manifest
    declares. The plan names every one."""
    confidence: float = 0.0
    unmanaged: str | None = None
    """A Kubernetes kind the ticket asks for that the agent does not write (`ConfigMap`): no action is read, so
    the plan has no step and says why."""

    @property
    def product(self) -> Software | None:
        return BY_SPELLING.get(self.software) if self.software else None

    def open_choices(self) -> tuple[str, ...]:
        """What the work needs that the ticket left open, by answer key."""
        if self.action is None:
            return ()
        wanted: list[tuple[str, object]] = [("namespace", self.namespace)]
        if self.action in WORKLOAD_ACTIONS:
            wanted.insert(0, ("name", self.name))
        if self.action is Action.DEPLOY:
            wanted += [("image", self.image), ("replicas", self.replicas)]
        elif self.action is Action.SCALE:
            wanted.append(("replicas", self.replicas))
        elif self.action is Action.UPDATE_IMAGE:
            wanted.append(("image", self.image or self.tag))
        elif self.action is Action.UPDATE_CONFIG:
            wanted.append(("config", self.env or None))
        return tuple(key for key, value in wanted if value is None)

    def with_answers(self, answers: Mapping[str, str]) -> WorkRequest:
        """The request with the choices people made filled in (answers that do not parse are left open)."""
        request = self
        for key, text in answers.items():
            value = parse_answer(key, text)
            if value is not None:
                request = request.with_choice(key, value)
        return request

    def with_choice(self, key: str, value: str) -> WorkRequest:
        """The request with one choice made (`value` as parse_answer gives it)."""
        if key == "namespace":
            is_namespace_action = self.action in (Action.CREATE_NAMESPACE, Action.DELETE_NAMESPACE)
            return replace(self, namespace=value, name=value if is_namespace_action else self.name,
                           production=self.production or is_production(value))
        whole_image = ":" in value or "/" in value  # else a version of the image the workload runs
        changes: dict[str, dict[str, Any]] = {
            "name": {"name": value},
            "replicas": {"replicas": int(value) if value.isdigit() else None},
            "port": {"port": int(value) if value.isdigit() else None},
            "image": {"image": value if whole_image else None, "tag": None if whole_image else value},
            "config": {"env": {**self.env, **dict(pair.split("=", 1) for pair in value.split(",") if "=" in pair)}},
        }
        return replace(self, **changes[key]) if key in changes else self
