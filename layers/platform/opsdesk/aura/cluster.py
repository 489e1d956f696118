"""What the agent reads of a cluster and asks of Argo CD, behind two protocols with two implementations each:
the real APIs over HTTP through the guarded client (KubernetesApi, ArgoCdApi) and the local stack's stand-in for a
cluster with Argo CD (LocalGitOps), whose answers have the same shapes (opsdesk.aura.kube_objects).

HTTP answers map onto the tool contract: 401/403 and other 4xx are ToolError (the agent is told), 429, 5xx and a
network failure are ToolOutage (the turn is retried); a policy refusal of the URL is a ToolError."""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from opsdesk.aura.git_trees import commit_tree, files_under, open_repo, read_blob, resolve
from opsdesk.aura.kube_objects import WORKLOADS, Rollout, live_objects, parse_query, replicas_of, result
from opsdesk.aura.manifest_checks import MANIFEST_SUFFIXES, check_manifest, parse_documents
from opsdesk.aura.tool_errors import ToolError, ToolOutage
from opsdesk.frozen import frozen
from opsdesk.outbound import OutboundFailed, OutboundRefused, OutboundResponse

APP_NAME = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")
REVISION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,254}")
ALREADY_RUNNING = "another operation is already in progress"
RUNNING = "Running"
SUCCEEDED = "Succeeded"
SYNCED = "Synced"
OUT_OF_SYNC = "OutOfSync"
HEALTHY = "Healthy"
PROGRESSING = "Progressing"
MISSING = "Missing"
UNKNOWN = "Unknown"
STATE_FILE = "cluster.json"
CLUSTER_SCOPED = frozenset({"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                            "PersistentVolume", "StorageClass", "PriorityClass"})


@frozen
class SyncStarted:
    app: str
    revision: str
    operation: str
    phase: str
    """The sync operation's phase (`Running`, `Succeeded`); the rollout's progress is the app's health."""

    def as_result(self) -> dict[str, Any]:
        return {"app": self.app, "revision": self.revision, "operation": self.operation, "phase": self.phase}


@frozen
class AppHealth:
    app: str
    sync: str
    """`Synced`, `OutOfSync` or `Unknown`."""
    health: str
    """`Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing` or `Unknown`."""
    phase: str | None = None
    """The last sync operation's phase."""
    revision: str | None = None
    """The revision the app is synced to."""

    def as_result(self) -> dict[str, Any]:
        out: dict[str, Any] = {"app": self.app, "sync": self.sync, "health": self.health}
        if self.phase:
            out["phase"] = self.phase
        if self.revision:
            out["revision"] = self.revision
        return out


class ClusterReader(Protocol):
    def get(self, kind: str, namespace: str | None = None, name: str | None = None) -> dict[str, Any]:
        """kubectl_get's result (opsdesk.aura.kube_objects.result); a missing named object is `found: false`."""
        ...


class GitOpsController(Protocol):
    def sync(self, app: str, revision: str, prune: bool) -> SyncStarted:
        """Start syncing `app` to `revision`. Asking again for the sync that is running is harmless."""
        ...

    def health(self, app: str) -> AppHealth: ...


class HttpRequester(Protocol):
    """What the adapters need of opsdesk.outbound.GuardedHttpClient (tests may serve a fake)."""

    def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None,
                body: bytes | None = None) -> OutboundResponse: ...


def check_app(app: str) -> str:
    if not APP_NAME.fullmatch(app):
        raise ToolError("the app is not an Argo CD application name (a namespace name: lowercase letters, digits, "
                        "dashes)")
    return app


def check_revision(revision: str) -> str:
    if not REVISION.fullmatch(revision) or ".." in revision:
        raise ToolError("the revision is not a commit sha or a branch name")
    return revision


class _JsonApi:
    """Bearer-token JSON calls to one base URL through the guarded client."""

    service = "the API"

    def __init__(self, base_url: str, token: str | None, client: HttpRequester) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._client = client

    def _call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body).encode()
        try:
            response = self._client.request(method, self._base + path, headers=headers, body=data)
        except OutboundRefused as exc:
            raise ToolError(f"{self.service} URL is not allowed: {exc}") from exc
        except OutboundFailed as exc:
            raise ToolOutage(f"{self.service} could not be reached: {exc}") from exc
        status = response.status
        if status == 429 or status >= 500:
            raise ToolOutage(f"{self.service} answered {status}")
        if status in (401, 403):
            raise ToolError(f"{self.service} refused the call ({status}): the token lacks the permission, or the "
                            "object does not exist")
        payload = response.json()
        if 200 <= status < 300 and not isinstance(payload, dict):
            raise ToolError(f"{self.service} answered with no JSON object (or one too large)")
        return status, payload


def _message(payload: Any) -> str:
    """The API's own error message (Kubernetes Status.message, Argo CD's gRPC-gateway `message`), capped."""
    text = payload.get("message") if isinstance(payload, dict) else None
    return str(text)[:200] if text else "no message"


class KubernetesApi(_JsonApi):
    service = "the Kubernetes API"

    def get(self, kind: str, namespace: str | None = None, name: str | None = None) -> dict[str, Any]:
        query = parse_query(kind, namespace, name)
        path = query.info.path(query.namespace, query.name)
        if not query.name:
            path += "?limit=100"
        status, payload = self._call("GET", path)
        if status == 404:
            return result(query, [], found=False)
        if status != 200:
            raise ToolError(f"{self.service} answered {status}: {_message(payload)}")
        if query.name:
            return result(query, [payload])
        items = [item for item in payload.get("items") or [] if isinstance(item, dict)]
        more = bool((payload.get("metadata") or {}).get("continue"))
        return result(query, items, truncated=more)


class ArgoCdApi(_JsonApi):
    service = "Argo CD"

    def sync(self, app: str, revision: str, prune: bool) -> SyncStarted:
        check_app(app)
        check_revision(revision)
        status, payload = self._call("POST", f"/api/v1/applications/{quote(app)}/sync",
                                     {"revision": revision, "prune": prune})
        if status == 200:
            return SyncStarted(app, revision, _operation_id(app, payload), RUNNING)
        if ALREADY_RUNNING in _message(payload):
            running = self._running_sync(app)
            if running is not None and running.revision == revision:
                return running  # the same sync asked for again (a replayed call): it is already under way
            raise ToolError(f"another sync of {app} is running; check its health and sync again when it ends")
        if status == 404:
            raise ToolError(f"Argo CD has no application {app}")
        raise ToolError(f"{self.service} refused the sync ({status}): {_message(payload)}")

    def health(self, app: str) -> AppHealth:
        check_app(app)
        status, payload = self._call("GET", f"/api/v1/applications/{quote(app)}")
        if status == 404:
            return AppHealth(app, UNKNOWN, MISSING)
        if status != 200:
            raise ToolError(f"{self.service} answered {status}: {_message(payload)}")
        state = payload.get("status") or {}
        return AppHealth(app, str(_dig(state, "sync", "status") or UNKNOWN),
                         str(_dig(state, "health", "status") or UNKNOWN),
                         _str_or_none(_dig(state, "operationState", "phase")),
                         _str_or_none(_dig(state, "sync", "revision")))

    def _running_sync(self, app: str) -> SyncStarted | None:
        status, payload = self._call("GET", f"/api/v1/applications/{quote(app)}")
        if status != 200:
            return None
        # `operation` is set while an operation runs; operationState tells its phase once the controller took it.
        revision = _dig(payload, "operation", "sync", "revision") or _dig(
            payload, "status", "operationState", "operation", "sync", "revision")
        phase = _dig(payload, "status", "operationState", "phase") or RUNNING
        if not revision or phase not in (RUNNING, "Terminating"):
            return None
        return SyncStarted(app, str(revision), _operation_id(app, payload), str(phase))


def _operation_id(app: str, payload: Mapping[str, Any]) -> str:
    """Argo CD names no operation: the application's resource version when the operation was recorded."""
    started = _dig(payload, "status", "operationState", "startedAt")
    version = _dig(payload, "metadata", "resourceVersion")
    return f"{app}@{version or started or 'unknown'}"


def _dig(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _str_or_none(value: Any) -> str | None:
    return str(value) if value else None



class LocalGitOps:
    """The local stack's cluster with Argo CD: a sync reads `apps/<app>/` at a revision of the bare repository,
    checks every manifest (opsdesk.aura.manifest_checks) and applies them into a cluster kept as JSON in
    `state_dir`; a rollout then takes `start_seconds + seconds_per_replica * replicas` of the injected clock.
    Several processes may share the folder: a sync holds a file lock, and the state is replaced atomically."""

    def __init__(self, remote_path: str, state_dir: str, *, clock: Callable[[], float] = time.time,
                 rollout: Rollout | None = None) -> None:
        self._remote = remote_path
        self._dir = Path(state_dir)
        self._clock = clock
        self._rollout = rollout or Rollout()

    def sync(self, app: str, revision: str, prune: bool) -> SyncStarted:
        check_app(app)
        check_revision(revision)
        with self._locked():
            state = self._load()
            sha, desired = self._manifests_at(app, revision)
            now = self._clock()
            applied: dict[str, Any] = state["objects"]
            changed = [key for key, manifest in desired.items()
                       if applied.get(key, {}).get("manifest") != manifest or applied[key]["app"] != app]
            for key in changed:  # an unchanged object keeps its rollout time: syncing again restarts nothing
                applied[key] = {"app": app, "manifest": desired[key], "applied_at": now}
            leftover = [key for key, record in applied.items() if record["app"] == app and key not in desired]
            if prune:
                for key in leftover:
                    del applied[key]
            previous = state["apps"].get(app)
            if previous and previous["revision"] == sha and not changed and not (prune and leftover):
                return SyncStarted(app, revision, previous["operation"], SUCCEEDED)  # nothing to do: a replay
            state["operations"] += 1
            operation = f"local-{state['operations']}"
            state["apps"][app] = {"target": revision, "revision": sha, "operation": operation, "synced_at": now,
                                  "resources": sorted(desired)}
            self._save(state)
        return SyncStarted(app, revision, operation, SUCCEEDED)

    def health(self, app: str) -> AppHealth:
        check_app(app)
        state = self._load()
        record = state["apps"].get(app)
        if record is None:
            return AppHealth(app, UNKNOWN, MISSING)
        owned = {key: o for key, o in state["objects"].items() if o["app"] == app}
        with closing(open_repo(self._remote)) as repo:
            current = resolve(repo, record["target"])
        in_sync = current == record["revision"] and sorted(owned) == record["resources"]
        now = self._clock()
        rolling = any(now < self._rollout.done_at(replicas_of(o["manifest"]), float(o["applied_at"]))
                      for o in owned.values() if o["manifest"].get("kind") in WORKLOADS)
        health = MISSING if not owned else PROGRESSING if rolling else HEALTHY
        return AppHealth(app, SYNCED if in_sync else OUT_OF_SYNC, health, SUCCEEDED, record["revision"])

    def get(self, kind: str, namespace: str | None = None, name: str | None = None) -> dict[str, Any]:
        query = parse_query(kind, namespace, name)
        objects = [o for o in live_objects(self._load()["objects"], self._clock(), self._rollout)
                   if o.get("kind") == query.info.api_kind
                   and (query.namespace is None or o["metadata"].get("namespace") == query.namespace)
                   and (query.name is None or o["metadata"].get("name") == query.name)]
        return result(query, objects, found=bool(objects) or query.name is None)

    def _manifests_at(self, app: str, revision: str) -> tuple[str, dict[str, dict[str, Any]]]:
        """The revision's commit and the objects under `apps/<app>/` by key; every manifest checked first, so a
        bad one applies nothing."""
        folder = f"apps/{app}"
        with closing(open_repo(self._remote)) as repo:
            sha = resolve(repo, revision)
            if sha is None:
                raise ToolError("the revision is neither a commit nor a branch of the GitOps repository")
            tree = commit_tree(repo, sha)
            files = {path: read_blob(repo, tree, path) or b"" for path in files_under(repo, tree, folder)
                     if path.endswith(MANIFEST_SUFFIXES)}
        if not files:
            raise ToolError(f"{folder}/ holds no manifest at that revision")
        desired: dict[str, dict[str, Any]] = {}
        for path, raw in files.items():
            content = raw.decode("utf-8", "replace")
            check_manifest(path, content)
            for doc in parse_documents(content):
                manifest = json.loads(json.dumps(doc, default=str))  # YAML dates and the like become strings
                metadata = manifest["metadata"]
                if manifest["kind"] not in CLUSTER_SCOPED:
                    metadata["namespace"] = metadata.get("namespace") or app
                desired[f"{manifest['kind']}/{metadata.get('namespace', '')}/{metadata['name']}"] = manifest
        return sha, desired

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self._dir.mkdir(parents=True, exist_ok=True)
        with open(self._dir / "cluster.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _load(self) -> dict[str, Any]:
        try:
            state: dict[str, Any] = json.loads((self._dir / STATE_FILE).read_text())
        except FileNotFoundError:
            return {"operations": 0, "apps": {}, "objects": {}}
        return state

    def _save(self, state: Mapping[str, Any]) -> None:
        # A reader never sees half a file: write aside, then rename over.
        handle, temporary = tempfile.mkstemp(dir=self._dir, prefix=".cluster-", suffix=".json")
        try:
            with os.fdopen(handle, "w") as out:
                json.dump(state, out, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self._dir / STATE_FILE)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
