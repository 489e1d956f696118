"""The Kubernetes kinds the agent may read, where each lives in the REST API, and the summary the agent sees of an
object: the same summary whether the object came from a real API server (opsdesk.aura.cluster.KubernetesApi) or
from the local simulated cluster (opsdesk.aura.cluster.LocalGitOps), so the agent cannot tell them apart."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from opsdesk.aura.tool_errors import ToolError
from opsdesk.frozen import frozen

MAX_ITEMS = 100
NAME = re.compile(r"(?=.{1,253}\Z)[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?")


@frozen
class KindInfo:
    kind: str
    """The agent's name (`deployment`), as kubectl spells the singular."""
    api_kind: str
    """The object's `kind` field (`Deployment`)."""
    group_path: str
    """`/api/v1` or `/apis/<group>/<version>`."""
    plural: str
    namespaced: bool = True

    def path(self, namespace: str | None, name: str | None) -> str:
        """The REST path: one object, a namespace's objects, or (without a namespace) the cluster's."""
        if not self.namespaced:
            return f"{self.group_path}/{self.plural}" + (f"/{name}" if name else "")
        scope = f"/namespaces/{namespace}" if namespace else ""
        return f"{self.group_path}{scope}/{self.plural}" + (f"/{name}" if name else "")


KINDS: dict[str, KindInfo] = {info.kind: info for info in (
    KindInfo("namespace", "Namespace", "/api/v1", "namespaces", namespaced=False),
    KindInfo("deployment", "Deployment", "/apis/apps/v1", "deployments"),
    KindInfo("statefulset", "StatefulSet", "/apis/apps/v1", "statefulsets"),
    KindInfo("service", "Service", "/api/v1", "services"),
    KindInfo("configmap", "ConfigMap", "/api/v1", "configmaps"),
    KindInfo("pod", "Pod", "/api/v1", "pods"),
)}
ALIASES = {"ns": "namespace", "namespaces": "namespace", "deploy": "deployment", "deployments": "deployment",
           "sts": "statefulset", "statefulsets": "statefulset", "svc": "service", "services": "service",
           "cm": "configmap", "configmaps": "configmap", "po": "pod", "pods": "pod"}
BY_API_KIND = {info.api_kind: info for info in KINDS.values()}


@frozen
class Query:
    """One kubectl_get, checked: names are Kubernetes names before they are put in a URL."""

    info: KindInfo
    namespace: str | None
    name: str | None


def parse_query(kind: str, namespace: str | None = None, name: str | None = None) -> Query:
    key = kind.strip().lower()
    info = KINDS.get(ALIASES.get(key, key))
    if info is None:
        raise ToolError(f"unknown kind; one of {', '.join(KINDS)}")
    for label, value in (("namespace", namespace), ("name", name)):
        if value is not None and not NAME.fullmatch(value):
            raise ToolError(f"the {label} is not a Kubernetes name (lowercase letters, digits, '-' and '.')")
    if not info.namespaced:
        # `kubectl_get namespace` with only a namespace given means that namespace.
        return Query(info, None, name or namespace)
    if name and not namespace:
        raise ToolError(f"a {info.kind} name needs its namespace")
    return Query(info, namespace or None, name or None)


def result(query: Query, objects: Sequence[Mapping[str, Any]], *, found: bool = True,
           truncated: bool = False) -> dict[str, Any]:
    """What kubectl_get returns: `items` always (one for a named object), `found` false for a missing one."""
    summarise = SUMMARIES[query.info.kind]
    shown = objects[:MAX_ITEMS]
    out: dict[str, Any] = {"kind": query.info.kind, "found": found, "items": [summarise(o) for o in shown],
                           "count": len(shown), "truncated": truncated or len(objects) > MAX_ITEMS}
    if query.namespace:
        out["namespace"] = query.namespace
    if query.name:
        out["name"] = query.name
    return out


def _get(obj: Mapping[str, Any] | Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _base(obj: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": _get(obj, "metadata", "name")}
    if _get(obj, "metadata", "namespace"):
        out["namespace"] = _get(obj, "metadata", "namespace")
    return out


def _images(obj: Mapping[str, Any]) -> list[str]:
    containers = _get(obj, "spec", "template", "spec", "containers") or _get(obj, "spec", "containers") or []
    return [str(c.get("image")) for c in containers if isinstance(c, Mapping) and c.get("image")][:10]


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _namespace(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {**_base(obj), "phase": _get(obj, "status", "phase")}


def _workload(obj: Mapping[str, Any]) -> dict[str, Any]:
    replicas = _get(obj, "spec", "replicas")
    return {**_base(obj), "replicas": 1 if replicas is None else _int(replicas),
            "readyReplicas": _int(_get(obj, "status", "readyReplicas")),
            "updatedReplicas": _int(_get(obj, "status", "updatedReplicas")),
            "availableReplicas": _int(_get(obj, "status", "availableReplicas")), "images": _images(obj)}


def _statefulset(obj: Mapping[str, Any]) -> dict[str, Any]:
    summary = _workload(obj)
    summary.pop("availableReplicas")
    return summary


def _service(obj: Mapping[str, Any]) -> dict[str, Any]:
    ports = _get(obj, "spec", "ports") or []
    return {**_base(obj), "type": _get(obj, "spec", "type") or "ClusterIP", "clusterIP": _get(obj, "spec", "clusterIP"),
            "ports": [{"port": p.get("port"), "targetPort": p.get("targetPort"), "protocol": p.get("protocol", "TCP")}
                      for p in ports if isinstance(p, Mapping)][:20]}


def _configmap(obj: Mapping[str, Any]) -> dict[str, Any]:
    # Keys only: a value is the application's data, not the agent's to read through a summary.
    data = _get(obj, "data") or {}
    return {**_base(obj), "keys": sorted(data)[:50] if isinstance(data, Mapping) else []}


def _pod(obj: Mapping[str, Any]) -> dict[str, Any]:
    statuses = [s for s in _get(obj, "status", "containerStatuses") or [] if isinstance(s, Mapping)]
    containers = _get(obj, "spec", "containers") or statuses
    ready = sum(1 for s in statuses if s.get("ready"))
    return {**_base(obj), "phase": _get(obj, "status", "phase"), "ready": f"{ready}/{len(containers)}",
            "restarts": sum(_int(s.get("restartCount")) for s in statuses), "node": _get(obj, "spec", "nodeName")}


SUMMARIES: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "namespace": _namespace, "deployment": _workload, "statefulset": _statefulset, "service": _service,
    "configmap": _configmap, "pod": _pod,
}


# The local simulated cluster's live view (opsdesk.aura.cluster.LocalGitOps): applied manifests with the status
# a real cluster would report, so the summaries above read them as they read an API server's objects.

WORKLOADS = frozenset({"Deployment", "StatefulSet"})
BUILTIN_NAMESPACES = ("default", "kube-system")
LOCAL_NODE = "local-node"


@frozen
class Rollout:
    """How long a simulated rollout takes: a fixed start, then one replica ready after another."""

    start_seconds: float = 1.0
    seconds_per_replica: float = 0.2

    def ready(self, replicas: int, applied_at: float, now: float) -> int:
        elapsed = now - applied_at - self.start_seconds
        if elapsed < 0:
            return 0
        if self.seconds_per_replica <= 0:
            return replicas
        return min(replicas, int(elapsed / self.seconds_per_replica))

    def done_at(self, replicas: int, applied_at: float) -> float:
        return applied_at + self.start_seconds + self.seconds_per_replica * replicas


def replicas_of(manifest: Mapping[str, Any]) -> int:
    replicas = _get(manifest, "spec", "replicas")
    return 1 if replicas is None else _int(replicas)


def live_objects(applied: Mapping[str, Mapping[str, Any]], now: float, rollout: Rollout) -> list[dict[str, Any]]:
    """Every object of the simulated cluster: the applied ones (`{"manifest", "applied_at"}` by key), the pods
    their workloads run, and the namespaces they live in."""
    objects: list[dict[str, Any]] = []
    namespaces = set(BUILTIN_NAMESPACES)
    for key in sorted(applied):
        record = applied[key]
        live = json.loads(json.dumps(record["manifest"]))
        kind, namespace = live.get("kind"), _get(live, "metadata", "namespace")
        if namespace:
            namespaces.add(str(namespace))
        if kind == "Namespace":
            namespaces.add(str(_get(live, "metadata", "name")))
            continue
        if kind in WORKLOADS:
            replicas = replicas_of(live)
            ready = rollout.ready(replicas, float(record["applied_at"]), now)
            live["status"] = {"replicas": replicas, "readyReplicas": ready, "updatedReplicas": replicas,
                              **({"availableReplicas": ready} if kind == "Deployment" else {})}
            objects.extend(_pods(live, replicas, ready))
        elif kind == "Service" and isinstance(live.get("spec"), dict):
            live["spec"].setdefault("clusterIP", _cluster_ip(key))
        objects.append(live)
    objects.extend({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name},
                    "status": {"phase": "Active"}} for name in sorted(namespaces))
    return objects


def _pods(workload: Mapping[str, Any], replicas: int, ready: int) -> list[dict[str, Any]]:
    name, namespace = _get(workload, "metadata", "name"), _get(workload, "metadata", "namespace")
    pod_spec = _get(workload, "spec", "template", "spec") or {}
    containers = [c for c in pod_spec.get("containers") or [] if isinstance(c, Mapping)]
    template_hash = _digest(json.dumps(pod_spec, sort_keys=True))[:10]
    pods = []
    for index in range(replicas):
        running = index < ready
        pod_name = (f"{name}-{index}" if workload.get("kind") == "StatefulSet"
                    else f"{name}-{template_hash}-{_digest(f'{name}/{index}')[:5]}")
        pods.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": pod_name, "namespace": namespace},
                     "spec": {"containers": containers, "nodeName": LOCAL_NODE},
                     "status": {"phase": "Running" if running else "Pending",
                                "containerStatuses": [{"name": c.get("name"), "ready": running, "restartCount": 0}
                                                      for c in containers]}})
    return pods


def _cluster_ip(key: str) -> str:
    value = int(_digest(key)[:4], 16)
    return f"10.96.{value >> 8}.{(value & 0xFF) or 1}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
