"""Kubernetes manifests the offline planner writes to the GitOps repository: a Namespace, a workload (Deployment,
or StatefulSet with its headless Service and volumes) with its Service and ConfigMap, a Service for an existing
workload; and edits of a workload manifest read from the repository (replicas, image, settings, a restart).

Output is deterministic (`yaml.safe_dump`, keys in the order Kubernetes documentation writes them), so the same
request renders the same bytes and a replayed write changes nothing. A value not yet known is a placeholder
(`${namespace}`) that `fill` replaces once a person has answered: the plan shows the manifest with its holes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from opsdesk.aura.tools import MANIFEST_ROOT, manifest_path
from opsdesk.frozen import frozen

__all__ = ["ManifestEditError", "NeedsChoice", "WorkloadSpec", "edit_workload", "fill", "fill_text", "manifest_path",
           "namespace_manifest", "namespace_manifest_path", "placeholder", "placeholders_in", "service_for",
           "service_path", "workload_manifest"]

MANAGED_BY = "opsdesk-aura"
NAME_LABEL = "app.kubernetes.io/name"
RESTART_ANNOTATION = "opsdesk.io/restarted-by"
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
DEFAULT_STORAGE = "1Gi"
PLACEHOLDER = re.compile(r"\$\{([a-z_]+)\}")
NUMERIC_CHOICES = frozenset({"replicas", "port"})


class ManifestEditError(ValueError):
    """A manifest read from the repository cannot be edited as asked (no such workload, not YAML)."""


class NeedsChoice(Exception):  # noqa: N818 - a signal, not an error: the agent asks a person
    """The edit needs a choice the ticket and the manifest leave open (e.g. which port to expose)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def placeholder(key: str) -> str:
    return "${" + key + "}"


def placeholders_in(value: Any) -> set[str]:
    """The open choices a step's arguments still hold."""
    if isinstance(value, str):
        return set(PLACEHOLDER.findall(value))
    if isinstance(value, Mapping):
        return set().union(*(placeholders_in(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(placeholders_in(v) for v in value)) if value else set()
    return set()


def namespace_manifest_path(namespace: str) -> str:
    return f"{MANIFEST_ROOT}/{namespace}/namespace.yaml"


def service_path(namespace: str, name: str) -> str:
    return manifest_path(namespace, f"{name}-svc")


@frozen
class WorkloadSpec:
    """What a new workload's manifest says. Any field may hold a placeholder (`${replicas}`) instead."""

    name: str
    namespace: str
    image: str
    replicas: int | str
    kind: str = "Deployment"
    port: int | str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    resources: Mapping[str, str] = field(default_factory=dict)
    """`cpu` and `memory` requests; `storage` sizes a StatefulSet's volume."""
    data_path: str | None = None
    """Where a StatefulSet keeps its data (a volume per replica is mounted there)."""
    secret_env: tuple[str, ...] = ()
    service_type: str = "ClusterIP"


def _labels(name: str) -> dict[str, str]:
    return {NAME_LABEL: name, "app.kubernetes.io/managed-by": MANAGED_BY}


def _metadata(name: str, namespace: str, app: str) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": _labels(app)}


def namespace_manifest(namespace: str) -> str:
    return _dump([{"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": namespace, "labels": {"app.kubernetes.io/managed-by": MANAGED_BY}}}])


def workload_manifest(spec: WorkloadSpec) -> str:
    """The workload, its ConfigMap (when it has settings) and its Service(s), one file."""
    documents: list[dict[str, Any]] = []
    if spec.env:
        documents.append({"apiVersion": "v1", "kind": "ConfigMap",
                          "metadata": _metadata(f"{spec.name}-config", spec.namespace, spec.name),
                          "data": {key: str(value) for key, value in sorted(spec.env.items())}})
    stateful = spec.kind == "StatefulSet"
    workload_spec: dict[str, Any] = {"replicas": spec.replicas}
    if stateful:
        workload_spec["serviceName"] = spec.name
    workload_spec["selector"] = {"matchLabels": {NAME_LABEL: spec.name}}
    workload_spec["template"] = {"metadata": {"labels": _labels(spec.name)},
                                 "spec": {"containers": [_container(spec)]}}
    if stateful and spec.data_path:
        storage = spec.resources.get("storage", DEFAULT_STORAGE)
        workload_spec["volumeClaimTemplates"] = [{
            "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}}}]
    documents.append({"apiVersion": "apps/v1", "kind": "StatefulSet" if stateful else "Deployment",
                      "metadata": _metadata(spec.name, spec.namespace, spec.name), "spec": workload_spec})
    if spec.port is not None:
        if stateful:  # the StatefulSet's own Service: stable DNS names for its pods
            documents.append(_service(spec.name, spec.namespace, spec.name, {NAME_LABEL: spec.name}, port=spec.port,
                                      service_type="ClusterIP", headless=True))
        if not stateful or spec.service_type != "ClusterIP":
            name = spec.name if not stateful else f"{spec.name}-svc"
            documents.append(_service(name, spec.namespace, spec.name, {NAME_LABEL: spec.name}, port=spec.port,
                                      service_type=spec.service_type))
    return _dump(documents)


def _container(spec: WorkloadSpec) -> dict[str, Any]:
    container: dict[str, Any] = {"name": spec.name, "image": spec.image}
    if spec.port is not None:
        container["ports"] = [{"name": "main", "containerPort": spec.port}]
    if spec.env:
        container["envFrom"] = [{"configMapRef": {"name": f"{spec.name}-config"}}]
    if spec.secret_env:
        container["env"] = [{"name": variable, "valueFrom": {"secretKeyRef": {
            "name": f"{spec.name}-credentials", "key": "password"}}} for variable in spec.secret_env]
    requests = {key: spec.resources[key] for key in ("cpu", "memory") if key in spec.resources}
    if requests:
        container["resources"] = {"requests": requests}
    if spec.kind == "StatefulSet" and spec.data_path:
        container["volumeMounts"] = [{"name": "data", "mountPath": spec.data_path}]
    return container


def _service(name: str, namespace: str, app: str, selector: Mapping[str, Any], *, port: int | str,
             service_type: str, headless: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {"type": service_type}
    if headless:
        spec["clusterIP"] = "None"
    spec["selector"] = dict(selector)
    spec["ports"] = [{"name": "main", "port": port, "targetPort": port, "protocol": "TCP"}]
    return {"apiVersion": "v1", "kind": "Service", "metadata": _metadata(name, namespace, app), "spec": spec}


# Filling placeholders, editing what the repository holds


def fill(content: str, values: Mapping[str, str]) -> str:
    """The manifest with its placeholders replaced by the chosen values (a replica count or port as a number)."""
    if "${" not in content:
        return content
    return _dump([_filled(document, values) for document in _load(content)])


def fill_text(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _filled(value: Any, values: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole and whole.group(1) in values:
            chosen = values[whole.group(1)]
            return int(chosen) if whole.group(1) in NUMERIC_CHOICES and chosen.isdigit() else chosen
        return fill_text(value, values)
    if isinstance(value, dict):
        return {key: _filled(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, values) for item in value]
    return value


def edit_workload(content: str, name: str, changes: Mapping[str, str]) -> str:
    """The manifest with the workload `name` changed: `replicas`, `image` (a whole reference), `tag` (the same
    repository at another version), `env` (`KEY=value,...` set on its main container), `restart` (a token put on
    the pod template, which rolls the pods). Other documents in the file are kept as they are."""
    documents = _load(content)
    workload = _workload(documents, name)
    spec = workload.setdefault("spec", {})
    if "replicas" in changes:
        spec["replicas"] = int(changes["replicas"])
    template = spec.setdefault("template", {})
    container = _main_container(template, name)
    if "image" in changes:
        container["image"] = changes["image"]
    if "tag" in changes:
        container["image"] = f"{_repository(str(container.get('image', name)))}:{changes['tag']}"
    if "env" in changes:
        entries = [e for e in container.get("env") or [] if isinstance(e, dict)]
        for pair in filter(None, changes["env"].split(",")):
            key, _, value = pair.partition("=")
            entries = [e for e in entries if e.get("name") != key] + [{"name": key, "value": value}]
        container["env"] = entries
    if "restart" in changes:
        metadata = template.setdefault("metadata", {})
        metadata.setdefault("annotations", {})[RESTART_ANNOTATION] = changes["restart"]
    return _dump(documents)


def service_for(content: str, name: str, namespace: str, port: str | None, service_type: str) -> str:
    """A Service (`<name>-svc`) in front of the workload `name` of a manifest read from the repository: its
    selector is the workload's own; without a port given, the workload's first declared port."""
    workload = _workload(_load(content), name)
    selector = ((workload.get("spec") or {}).get("selector") or {}).get("matchLabels") or {NAME_LABEL: name}
    if not port:
        ports = _main_container(workload.get("spec", {}).get("template", {}), name).get("ports") or []
        declared = [p.get("containerPort") for p in ports if isinstance(p, dict) and p.get("containerPort")]
        if not declared:
            raise NeedsChoice("port")
        port = str(declared[0])
    return _dump([_service(f"{name}-svc", namespace, name, selector, port=int(port), service_type=service_type)])


def _workload(documents: list[dict[str, Any]], name: str) -> dict[str, Any]:
    workloads = [d for d in documents if d.get("kind") in WORKLOAD_KINDS]
    named = [d for d in workloads if (d.get("metadata") or {}).get("name") == name]
    if len(named) == 1 or (not named and len(workloads) == 1):
        return (named or workloads)[0]
    raise ManifestEditError(f"the manifest holds no single workload named {name}")


def _main_container(template: dict[str, Any], name: str) -> dict[str, Any]:
    pod = template.setdefault("spec", {})
    containers = [c for c in pod.get("containers") or [] if isinstance(c, dict)]
    if not containers:
        raise ManifestEditError(f"the workload {name} declares no container")
    return next((c for c in containers if c.get("name") == name), containers[0])


def _repository(image: str) -> str:
    without_digest = image.split("@", 1)[0]
    head, _, last = without_digest.rpartition("/")
    return f"{head}/{last.split(':', 1)[0]}" if head else last.split(":", 1)[0]


def _load(content: str) -> list[dict[str, Any]]:
    import yaml  # noqa: PLC0415 - only rendering needs it; the planner's import stays light

    try:
        documents = [d for d in yaml.safe_load_all(content) if d is not None]
    except yaml.YAMLError as exc:
        raise ManifestEditError("the manifest is not valid YAML") from exc
    if not all(isinstance(d, dict) for d in documents):
        raise ManifestEditError("the manifest holds a document that is not a Kubernetes object")
    return documents


def _dump(documents: list[dict[str, Any]]) -> str:
    import yaml  # noqa: PLC0415

    return str(yaml.safe_dump_all(documents, sort_keys=False, default_flow_style=False, width=120))
