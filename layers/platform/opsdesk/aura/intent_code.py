"""What a block of code in a ticket changes (opsdesk.aura.intent_fences decides whether it is read at all): kubectl
commands by their own verbs and options, Kubernetes manifests as YAML. Anything it does not understand exactly is
None: a command with an option it does not map, a manifest holding what the plan would drop, YAML with anchors or
deep nesting. A lone manifest of a kind the agent does not write is read as such (the ticket is one it cannot
do). Values are bounded as the prose's are (a count has at most three digits)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import field, replace
from typing import Any

from opsdesk.aura.intent_words import Action, unmanaged_kind
from opsdesk.aura.manifest_checks import DNS_LABEL
from opsdesk.frozen import frozen

MAX_CODE_CHARS = 8_000
MAX_COMMANDS = 10
MAX_COMMAND_CHARS = 500
"""A longer command is no request a person typed: it is not read (and the plan, which names every line read
uncut, stays short)."""
MAX_YAML_DEPTH = 12
MAX_YAML_EVENTS = 2_000
IMAGE = re.compile(r"[a-z0-9][a-z0-9._/-]*(?::\d+/[a-z0-9._/-]+)?(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?")
COUNT = re.compile(r"[0-9]{1,3}")
PROMPT = re.compile(r"(?:(?:[-*]|\d{1,2}[.)])\s+)?(?:\$\s*)?")
"""What may stand before a command read: a list marker ("- ", "1. ") and a `$` prompt."""

WORKLOAD_KINDS = {"deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment",
                  "sts": "StatefulSet", "statefulset": "StatefulSet", "statefulsets": "StatefulSet"}
SHORT_KINDS = {"ds": "DaemonSet", "cj": "CronJob", "cm": "ConfigMap", "svc": "Service", "service": "Service",
               "services": "Service", "ing": "Ingress", "po": "Pod", "pod": "Pod", "pods": "Pod", "job": "Job",
               "jobs": "Job", "rs": "ReplicaSet", "replicaset": "ReplicaSet", "sa": "ServiceAccount"}
NAMESPACE_KINDS = frozenset({"ns", "namespace", "namespaces"})
SERVICE_TYPES = {"clusterip": "ClusterIP", "nodeport": "NodePort", "loadbalancer": "LoadBalancer"}
READS = frozenset({"get", "describe", "logs", "top", "explain", "api-resources", "api-versions", "version",
                   "cluster-info", "events", "wait", "diff"})
VALUE_OPTIONS = frozenset({"-n", "--namespace", "--replicas", "--image", "--port", "--target-port", "--type", "-o",
                           "--output", "-c", "--container", "-e", "--env", "--name", "--timeout",
                           "--current-replicas", "--field-manager", "--grace-period", "--protocol"})
OPTIONS_READ = {
    "scale": frozenset({"--replicas"}), "create deployment": frozenset({"--image", "--replicas", "--port"}),
    "create deploy": frozenset({"--image", "--replicas", "--port"}), "expose": frozenset({"--port", "--type"}),
    "set env": frozenset({"--env"}),
}
"""Besides `-n`, the only options a change command may carry to be read: each one maps to a field of the plan."""
BESIDE_A_WORKLOAD = frozenset({"Service", "Namespace"})
"""Kinds a manifest to apply may hold beside its workload (named in the plan, not written by the agent)."""


@frozen
class CodeRequest:
    """The change code makes: its action and target, and what it sets."""

    action: Action | None
    name: str | None = None
    kind: str | None = None
    namespace: str | None = None
    image: str | None = None
    replicas: int | None = None
    port: int | None = None
    service_type: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    unmanaged: str | None = None
    """A kind the agent does not write (`DaemonSet`): the ticket is one it cannot do."""
    shown: tuple[str, ...] = ()
    """What the plan names: each command as written, or everything a manifest declares that is read."""

    @property
    def target(self) -> tuple[Any, ...]:
        return self.action, self.name, self.namespace, self.kind, self.unmanaged


def parsed(code: str) -> CodeRequest | None:
    """The change a fence's or a kubectl line's code makes, None when it is not code fully understood."""
    body = code.strip().strip("`~")
    lines = body.splitlines()
    if lines and re.fullmatch(r"[\w+-]*", lines[0].strip()):
        lines = lines[1:]  # the fence's language ("yaml", "bash") or nothing
    body = "\n".join(lines).replace("\\\n", " ")
    if len(body) > MAX_CODE_CHARS:
        return None
    commands = [line.strip() for line in body.splitlines() if line.strip()]
    if commands and all(re.match(PROMPT.pattern + r"kubectl\s", line) or line.startswith("#") for line in commands):
        return _commands(commands)
    return _manifests(body)


def one_change(changes: list[CodeRequest]) -> CodeRequest | None:
    """The change several commands or blocks make together, when they make one (to one target), else None."""
    if not changes or any(c.target != changes[0].target for c in changes):
        return None
    merged: CodeRequest | None = changes[0]
    for other in changes[1:]:
        merged = _merged(merged, other) if merged is not None else None
    return merged


def _merged(first: CodeRequest, other: CodeRequest) -> CodeRequest | None:
    """Two commands of one change (`set env` twice on one target): what both set, None where they disagree (a
    setting given two values included)."""
    pairs = ((first.image, other.image), (first.replicas, other.replicas), (first.port, other.port))
    if any(a is not None and b is not None and a != b for a, b in pairs) or any(
            first.env.get(key, value) != value for key, value in other.env.items()):
        return None
    return replace(first, image=first.image or other.image,
                   replicas=first.replicas if first.replicas is not None else other.replicas,
                   port=first.port or other.port, env={**first.env, **other.env}, shown=(*first.shown, *other.shown))


def _commands(lines: list[str]) -> CodeRequest | None:
    changes: list[CodeRequest] = []
    for line in lines:
        if line.startswith("#"):
            return None  # a comment may say anything about the commands around it
        if len(line) > MAX_COMMAND_CHARS:
            return None
        change = _command(PROMPT.sub("", line, count=1).strip())
        if change is None:
            return None
        if change.action is not None or change.unmanaged is not None:
            changes.append(change)
    return one_change(changes) if len(changes) <= MAX_COMMANDS else None


@frozen
class Command:
    rest: list[str]
    """The words after the verb."""
    options: dict[str, str]
    namespace: str | None
    shown: tuple[str, ...]

    def change(self, action: Action, target: list[str], **values: Any) -> CodeRequest | None:
        return _change(action, target, self.namespace, self.shown, **values)


def _command(line: str) -> CodeRequest | None:
    """One kubectl command: its change, `CodeRequest(None)` for a read, None for anything not understood."""
    try:
        tokens = shlex.split(line)
    except ValueError:
        return None
    words, options = _options(tokens[1:])
    if not words or any(t.startswith("#") or "$" in t or "`" in t for t in tokens):
        return None  # a comment may say anything about the command; a shell expansion is not its value
    if words[0] in READS:
        return CodeRequest(None)  # changes nothing, whatever its options
    namespace = options.pop("-n", None)
    reader = COMMAND_READERS.get(words[0])
    if reader is None or (namespace is not None and not DNS_LABEL.fullmatch(namespace)):
        return None
    if not set(options) <= OPTIONS_READ.get(" ".join(words[:2]), OPTIONS_READ.get(words[0], frozenset())):
        return None  # an option the reader does not map (`--local`, `--containers`, `--cascade`): not this change
    return reader(Command(words[1:], options, namespace, (line,)))


def _options(tokens: list[str]) -> tuple[list[str], dict[str, str]]:
    """The command's words and options; no words when an option is given twice or lacks its value (kubectl takes
    the last of two, a reader of the ticket the first)."""
    words: list[str] = []
    options: dict[str, str] = {}
    index = 0
    while index < len(tokens):
        token, value = tokens[index], ""
        if token.startswith("-") and "=" in token:
            token, value = token.split("=", 1)
        elif token in VALUE_OPTIONS:
            if index + 1 >= len(tokens):
                return [], options
            value = tokens[index + 1]
            index += 1
        elif token.startswith("-n") and not token.startswith("--") and len(token) > 2:
            token, value = "-n", token[2:]
        elif not token.startswith("-"):
            words.append(token)
            index += 1
            continue
        key = "-n" if token == "--namespace" else "--env" if token == "-e" else token
        if key in options:
            return [], options
        options[key] = value
        index += 1
    return words, options


def _create(c: Command) -> CodeRequest | None:
    if len(c.rest) == 2 and c.rest[0] in NAMESPACE_KINDS:
        return _namespace_change(Action.CREATE_NAMESPACE, c.rest[1], c.shown)
    if len(c.rest) == 2 and c.rest[0] in ("deployment", "deploy"):
        return c.change(Action.DEPLOY, c.rest, image=c.options.get("--image"), replicas=c.options.get("--replicas"),
                        port=c.options.get("--port"))
    return None


def _delete(c: Command) -> CodeRequest | None:
    if len(c.rest) == 2 and c.rest[0] in NAMESPACE_KINDS:
        return _namespace_change(Action.DELETE_NAMESPACE, c.rest[1], c.shown)
    return c.change(Action.DELETE_WORKLOAD, c.rest)


def _namespace_change(action: Action, name: str, shown: tuple[str, ...]) -> CodeRequest | None:
    return CodeRequest(action, name=name, namespace=name, shown=shown) if DNS_LABEL.fullmatch(name) else None


def _rollout(c: Command) -> CodeRequest | None:
    if c.rest[:1] == ["restart"]:
        return c.change(Action.RESTART, c.rest[1:])
    return CodeRequest(None) if c.rest[:1] in (["status"], ["history"]) else None  # undo, pause: not read


def _set(c: Command) -> CodeRequest | None:
    if len(c.rest) < 2:
        return None
    size = 1 if "/" in c.rest[1] else 2  # `deployment/api` or `deployment api`
    target = c.rest[1:1 + size]
    pairs = [*c.rest[1 + size:], *([c.options["--env"]] if "--env" in c.options else [])]
    if not pairs or not all("=" in pair for pair in pairs):
        return None
    if c.rest[0] == "image" and len(pairs) == 1:
        container, image = pairs[0].split("=", 1)
        # the workload's own container (or every one): another container's image is not the workload's
        return c.change(Action.UPDATE_IMAGE, target, image=image) if container in (target[-1].rsplit("/", 1)[-1],
                                                                                     "*") else None
    if c.rest[0] == "env" and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", pair) for pair in pairs):
        return c.change(Action.UPDATE_CONFIG, target, env=dict(pair.split("=", 1) for pair in pairs))
    return None


def _scale(c: Command) -> CodeRequest | None:
    return c.change(Action.SCALE, c.rest, replicas=c.options.get("--replicas"))


def _expose(c: Command) -> CodeRequest | None:
    kind = c.options.get("--type", "clusterip").lower()
    if kind not in SERVICE_TYPES:
        return None
    return c.change(Action.EXPOSE, c.rest, port=c.options.get("--port"), service_type=SERVICE_TYPES[kind])


COMMAND_READERS: dict[str, Callable[[Command], CodeRequest | None]] = {
    "create": _create, "delete": _delete, "rollout": _rollout, "set": _set, "scale": _scale, "expose": _expose}


def _change(action: Action, target: list[str], namespace: str | None, shown: tuple[str, ...], *,
            image: str | None = None, replicas: str | None = None, port: str | None = None,
            service_type: str | None = None, env: Mapping[str, str] | None = None) -> CodeRequest | None:
    """`kind/name` or `kind name`: a Deployment or StatefulSet the change is made to, or a kind the agent does not
    write. None when a value is not one the reader takes (an image it cannot parse, a count over three digits)."""
    if len(target) == 1 and "/" in target[0]:
        target = target[0].split("/", 1)
    if len(target) != 2 or not DNS_LABEL.fullmatch(target[1]):
        return None
    if (image is not None and not IMAGE.fullmatch(image)) or (replicas is not None and not COUNT.fullmatch(replicas)):
        return None
    if port is not None and not (re.fullmatch(r"[0-9]{1,5}", port) and 0 < int(port) < 65536):
        return None
    kind_word, name = target[0].lower().removesuffix(".apps"), target[1]
    if kind_word in WORKLOAD_KINDS:
        return CodeRequest(action, name=name, kind=WORKLOAD_KINDS[kind_word], namespace=namespace, image=image,
                           replicas=int(replicas) if replicas is not None else None,
                           port=int(port) if port is not None else None, service_type=service_type,
                           env=dict(env or {}), shown=shown)
    unmanaged = SHORT_KINDS.get(kind_word) or unmanaged_kind(kind_word)
    return CodeRequest(action, name=name, namespace=namespace, unmanaged=unmanaged, shown=shown) if unmanaged else None


def _manifests(body: str) -> CodeRequest | None:
    """Kubernetes manifests to apply: one Deployment or StatefulSet is deployed (a Service or Namespace beside it is
    named, not written); a lone Namespace is created; a lone kind the agent does not write is one it cannot do; part
    of a manifest (no `kind`) is not read: it would not say which workload it is of."""
    documents = _yaml_documents(body)
    if not documents or not all(isinstance(d, dict) and isinstance(d.get("kind"), str) and "apiVersion" in d
                                for d in documents):
        return None
    workloads = [d for d in documents if d["kind"] in ("Deployment", "StatefulSet") and d["apiVersion"] == "apps/v1"]
    if not workloads:
        return _lone_manifest(documents[0]) if len(documents) == 1 else None
    if len(workloads) > 1 or any(d["kind"] not in BESIDE_A_WORKLOAD or d["apiVersion"] != "v1"
                                 for d in documents if d is not workloads[0]):
        return None
    return _workload_manifest(workloads[0], documents)


def _workload_manifest(workload: dict[str, Any], documents: list[Any]) -> CodeRequest | None:
    name, namespace = _metadata(workload, "name"), _metadata(workload, "namespace")
    spec = _mapping(workload.get("spec"))
    if not _only_read_fields(spec) or not _container_read_whole(spec):
        return None  # what the plan's manifest would drop (init containers, commands, settings from a Secret)
    replicas = spec.get("replicas")
    if replicas is not None and not (isinstance(replicas, str) and COUNT.fullmatch(replicas)):
        return None
    image, env = _container(spec)
    port = _container_port(spec)
    beside = [f"{d['kind']} {_metadata(d, 'name') or ''}".strip() for d in documents if d is not workload]
    declared = [*([f"namespace {namespace}"] if namespace else []), *([f"image {image}"] if image else []),
                *([f"{replicas} replicas"] if replicas is not None else []), *([f"port {port}"] if port else []),
                *(f"{k}={v}" for k, v in env.items()), *([f"beside it, not written: {', '.join(beside)}"] if beside
                                                         else [])]
    return CodeRequest(Action.DEPLOY, name=name, kind=workload["kind"], namespace=namespace, image=image,
                       replicas=int(replicas) if replicas is not None else None, port=port, env=env,
                       shown=(f"a {workload['kind']} manifest: {name or 'no name'}"
                              + (f" ({'; '.join(declared)})" if declared else ""),))


def _yaml_documents(body: str) -> list[Any] | None:
    """The documents, every scalar a string (no dates, numbers or tags constructed), or None for YAML that is not
    plain data: anchors and aliases (a few lines can expand to gigabytes), nesting deeper than MAX_YAML_DEPTH."""
    import yaml  # noqa: PLC0415 - only a ticket with a manifest to apply needs it

    depth = events = 0
    try:
        for event in yaml.parse(body, Loader=yaml.SafeLoader):
            events += 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) or events > MAX_YAML_EVENTS:
                return None
            depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
            if depth > MAX_YAML_DEPTH:
                return None
        return [d for d in yaml.load_all(body, Loader=yaml.BaseLoader) if d is not None]
    except (yaml.YAMLError, RecursionError, ValueError):
        return None


WORKLOAD_SPEC_FIELDS = frozenset({"replicas", "selector", "template", "serviceName"})
POD_SPEC_FIELDS = frozenset({"containers"})
CONTAINER_FIELDS = frozenset({"name", "image", "env", "ports"})


def _only_read_fields(spec: dict[str, Any]) -> bool:
    """Whether the workload spec holds nothing but what the plan's own manifest carries over."""
    template = _mapping(spec.get("template"))
    pod = _mapping(template.get("spec"))
    containers = _list(pod.get("containers"))
    return (set(spec) <= WORKLOAD_SPEC_FIELDS and set(template) <= {"metadata", "spec"} and set(pod) <= POD_SPEC_FIELDS
            and all(isinstance(c, dict) and set(c) <= CONTAINER_FIELDS for c in containers))


def _container(spec: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """The image and settings of a workload spec's one container (with a sidecar, which is the workload's is open)."""
    pod = _mapping(_mapping(spec.get("template")).get("spec"))
    containers = [c for c in _list(pod.get("containers")) if isinstance(c, dict)]
    only = containers[0] if len(containers) == 1 else {}
    image = only.get("image") if isinstance(only.get("image"), str) and IMAGE.fullmatch(only["image"]) else None
    env = {e["name"]: e["value"] for e in _list(only.get("env"))
           if isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("value"), str)}
    return image, env


def _container_read_whole(spec: dict[str, Any]) -> bool:
    """Whether the plan carries everything of the one container: settings as plain values (not from a Secret) and at
    most one port."""
    containers = _list(_mapping(_mapping(spec.get("template")).get("spec")).get("containers"))
    for container in (c for c in containers if isinstance(c, dict)):
        env = _list(container.get("env"))
        if any(not (isinstance(e, dict) and set(e) == {"name", "value"}) for e in env) or len(
                _list(container.get("ports"))) > 1:
            return False
    return True


def _container_port(spec: dict[str, Any]) -> int | None:
    containers = _list(_mapping(_mapping(spec.get("template")).get("spec")).get("containers"))
    ports = [p for c in containers if isinstance(c, dict) for p in _list(c.get("ports"))]
    port = _mapping(ports[0]).get("containerPort") if len(ports) == 1 else None
    return int(port) if isinstance(port, str) and re.fullmatch(r"[0-9]{1,5}", port) and 0 < int(port) < 65536 \
        else None


def _lone_manifest(document: dict[str, Any]) -> CodeRequest | None:
    if document["kind"] in ("Deployment", "StatefulSet") or not re.fullmatch(r"[A-Z][A-Za-z]{1,40}", document["kind"]):
        return None  # a workload kind of another API group (`evil.example.com/v1`), or no kind's name at all
    name = _metadata(document, "name")
    if document["kind"] == "Namespace" and name:
        return CodeRequest(Action.CREATE_NAMESPACE, name=name, namespace=name, shown=(f"a Namespace {name}",))
    return CodeRequest(None, namespace=_metadata(document, "namespace"), unmanaged=document["kind"],
                       shown=(f"a {document['kind']} manifest",))


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _metadata(document: dict[str, Any], key: str) -> str | None:
    value = _mapping(document.get("metadata")).get(key)
    return value if isinstance(value, str) and DNS_LABEL.fullmatch(value) else None
