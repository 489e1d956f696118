"""The Kubernetes and Argo CD adapters (opsdesk.aura.cluster) at their HTTP boundary: the paths and bodies they
send, and what they make of recorded response shapes (tests/data/aura_tools, after the public API references)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from opsdesk.aura.cluster import AppHealth, ArgoCdApi, KubernetesApi, SyncStarted
from opsdesk.aura.tool_errors import ToolError, ToolOutage
from opsdesk.outbound import GuardedHttpClient, OutboundFailed, OutboundPolicy, OutboundRefused, OutboundResponse

DATA = Path(__file__).resolve().parents[2] / "data" / "aura_tools"
BASE = "https://cluster.example.com"
ARGO = "https://argocd.example.com"
NEW_SHA = "5b7e2d9c1a0f3e4d5c6b7a8f9e0d1c2b3a4f5e6d"


def recorded(name: str) -> bytes:
    return (DATA / f"{name}.json").read_bytes()


@dataclass
class FakeHttp:
    """GuardedHttpClient's request method over a table of recorded answers: (method, path) → (status, body)."""

    answers: dict[tuple[str, str], tuple[int, bytes]] = field(default_factory=dict)
    sent: list[tuple[str, str, dict[str, str], bytes | None]] = field(default_factory=list)
    failure: Exception | None = None

    def request(self, method: str, url: str, *, headers: Mapping[str, str] | None = None,
                body: bytes | None = None) -> OutboundResponse:
        self.sent.append((method, url, dict(headers or {}), body))
        if self.failure:
            raise self.failure
        path = url.split(".example.com", 1)[1]
        status, data = self.answers.get((method, path), (404, recorded("k8s_not_found")))
        return OutboundResponse(status, {"content-type": "application/json"}, data, url, 1.0)


def kube(answers: dict[tuple[str, str], tuple[int, bytes]]) -> tuple[KubernetesApi, FakeHttp]:
    http = FakeHttp(answers)
    return KubernetesApi(BASE, "kube-token", http), http


@pytest.mark.parametrize(("args", "path"), [
    (("deployment", "shop", "web"), "/apis/apps/v1/namespaces/shop/deployments/web"),
    (("deploy", "shop", None), "/apis/apps/v1/namespaces/shop/deployments?limit=100"),
    (("statefulsets", "shop", "db"), "/apis/apps/v1/namespaces/shop/statefulsets/db"),
    (("svc", "shop", "web"), "/api/v1/namespaces/shop/services/web"),
    (("configmap", "shop", "web-config"), "/api/v1/namespaces/shop/configmaps/web-config"),
    (("pods", "shop", None), "/api/v1/namespaces/shop/pods?limit=100"),
    (("pod", None, None), "/api/v1/pods?limit=100"),
    (("namespace", None, "shop"), "/api/v1/namespaces/shop"),
    (("namespace", "shop", None), "/api/v1/namespaces/shop"),
    (("ns", None, None), "/api/v1/namespaces?limit=100"),
])
def test_kinds_map_to_rest_paths(args: tuple[str, str | None, str | None], path: str) -> None:
    api, http = kube({})
    api.get(*args)
    method, url, headers, _ = http.sent[0]
    assert (method, url) == ("GET", BASE + path)
    assert headers["Authorization"] == "Bearer kube-token" and headers["Accept"] == "application/json"


def test_a_deployment_is_summarised() -> None:
    api, _ = kube({("GET", "/apis/apps/v1/namespaces/shop/deployments/web"): (200, recorded("k8s_deployment_web"))})
    assert api.get("deployment", "shop", "web") == {
        "kind": "deployment", "namespace": "shop", "name": "web", "found": True, "count": 1, "truncated": False,
        "items": [{"name": "web", "namespace": "shop", "replicas": 3, "readyReplicas": 2, "updatedReplicas": 3,
                   "availableReplicas": 2, "images": ["ghcr.io/acme/web:1.8.2"]}]}


def test_a_list_is_summarised_and_says_when_the_server_has_more() -> None:
    api, _ = kube({("GET", "/apis/apps/v1/namespaces/shop/deployments?limit=100"):
                   (200, recorded("k8s_deployment_list"))})
    listed = api.get("deployments", "shop")
    assert listed["truncated"] is True and listed["count"] == 2
    assert [(d["name"], d["replicas"], d["readyReplicas"], d["images"]) for d in listed["items"]] == [
        ("api", 2, 2, ["ghcr.io/acme/api:2.3.0", "envoyproxy/envoy:v1.30.1"]), ("worker", 0, 0,
                                                                                 ["ghcr.io/acme/worker:0.9.1"])]


@pytest.mark.parametrize(("kind", "path", "record", "summary"), [
    ("namespace", "/api/v1/namespaces/shop", "k8s_namespace_shop", {"name": "shop", "phase": "Active"}),
    ("service", "/api/v1/namespaces/shop/services/web", "k8s_service_web",
     {"name": "web", "namespace": "shop", "type": "ClusterIP", "clusterIP": "172.20.91.14",
      "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]}),
    ("configmap", "/api/v1/namespaces/shop/configmaps/web-config", "k8s_configmap_web",
     {"name": "web-config", "namespace": "shop", "keys": ["FEATURE_FLAGS", "LOG_LEVEL", "nginx.conf"]}),
    ("statefulset", "/apis/apps/v1/namespaces/shop/statefulsets/db", "k8s_statefulset_db",
     {"name": "db", "namespace": "shop", "replicas": 3, "readyReplicas": 3, "updatedReplicas": 3,
      "images": ["postgres:16.3"]}),
])
def test_each_kind_is_summarised(kind: str, path: str, record: str, summary: dict[str, Any]) -> None:
    api, _ = kube({("GET", path): (200, recorded(record))})
    name = path.rsplit("/", 1)[1]
    assert api.get(kind, "shop", name)["items"] == [summary]


def test_pods_show_phase_readiness_restarts_and_node() -> None:
    api, _ = kube({("GET", "/api/v1/namespaces/shop/pods?limit=100"): (200, recorded("k8s_pod_list"))})
    assert api.get("pods", "shop")["items"] == [
        {"name": "web-6d4b75cb6d-8xq2w", "namespace": "shop", "phase": "Running", "ready": "1/1", "restarts": 1,
         "node": "ip-10-0-12-34.eu-west-1.compute.internal"},
        {"name": "web-6d4b75cb6d-k7t9p", "namespace": "shop", "phase": "Pending", "ready": "0/1", "restarts": 0,
         "node": "ip-10-0-40-5.eu-west-1.compute.internal"}]


def test_a_missing_object_is_found_false_not_an_error() -> None:
    api, _ = kube({})
    assert api.get("deployment", "shop", "missing") == {
        "kind": "deployment", "namespace": "shop", "name": "missing", "found": False, "items": [], "count": 0,
        "truncated": False}


def test_refusals_are_tool_errors_and_outages_propagate() -> None:
    api, http = kube({("GET", "/api/v1/namespaces/kube-system/pods?limit=100"): (403, recorded("k8s_forbidden")),
                      ("GET", "/api/v1/namespaces/shop/pods?limit=100"): (503, b"upstream connect error")})
    with pytest.raises(ToolError, match="403"):
        api.get("pods", "kube-system")
    with pytest.raises(ToolOutage, match="503"):
        api.get("pods", "shop")
    http.failure = OutboundFailed("cluster.example.com timed out")
    with pytest.raises(ToolOutage):
        api.get("pods", "shop")
    http.failure = OutboundRefused("cluster.example.com leads to a private address")
    with pytest.raises(ToolError, match="not allowed"):
        api.get("pods", "shop")


@pytest.mark.parametrize(("args", "message"), [
    (("secrets", "shop", None), "unknown kind"),
    (("pod", "shop/../../x", None), "namespace"),
    (("pod", "shop", "a?b=c"), "name"),
    (("deployment", None, "web"), "needs its namespace"),
])
def test_queries_are_checked_before_any_request(args: tuple[str, str | None, str | None], message: str) -> None:
    api, http = kube({})
    with pytest.raises(ToolError, match=message):
        api.get(*args)
    assert http.sent == []


def argo(answers: dict[tuple[str, str], tuple[int, bytes]]) -> tuple[ArgoCdApi, FakeHttp]:
    http = FakeHttp(answers)
    return ArgoCdApi(ARGO, "argo-token", http), http


def test_sync_posts_the_revision_and_prune() -> None:
    api, http = argo({("POST", "/api/v1/applications/shop/sync"): (200, recorded("argocd_sync_started"))})
    started = api.sync("shop", NEW_SHA, True)
    assert started == SyncStarted("shop", NEW_SHA, "shop@9120502", "Running")
    method, url, headers, body = http.sent[0]
    assert (method, url) == ("POST", f"{ARGO}/api/v1/applications/shop/sync")
    assert json.loads(body or b"") == {"revision": NEW_SHA, "prune": True}
    assert headers["Authorization"] == "Bearer argo-token" and headers["Content-Type"] == "application/json"


def test_asking_again_for_the_running_sync_is_harmless() -> None:
    api, _ = argo({("POST", "/api/v1/applications/shop/sync"): (400, recorded("argocd_error_operation_in_progress")),
                   ("GET", "/api/v1/applications/shop"): (200, recorded("argocd_application_progressing"))})
    assert api.sync("shop", NEW_SHA, False) == SyncStarted("shop", NEW_SHA, "shop@9120530", "Running")
    with pytest.raises(ToolError, match="another sync of shop is running"):
        api.sync("shop", "9d1c6f0e2b7a4c5d8e3f1a2b3c4d5e6f7a8b9c0d", False)


def test_sync_refusals() -> None:
    api, http = argo({("POST", "/api/v1/applications/ghost/sync"): (404, recorded("argocd_error_not_found")),
                      ("POST", "/api/v1/applications/shop/sync"): (403, recorded("argocd_error_permission_denied"))})
    with pytest.raises(ToolError, match="no application ghost"):
        api.sync("ghost", "main", False)
    with pytest.raises(ToolError, match="403"):
        api.sync("shop", "main", False)
    sent = len(http.sent)
    for app, revision in (("Shop", "main"), ("shop/../x", "main"), ("shop", "../../etc"), ("shop", "-x")):
        with pytest.raises(ToolError):
            api.sync(app, revision, False)
    assert len(http.sent) == sent


def test_health_reads_sync_health_and_operation_phase() -> None:
    api, http = argo({("GET", "/api/v1/applications/shop"): (200, recorded("argocd_application_healthy")),
                      ("GET", "/api/v1/applications/web"): (200, recorded("argocd_application_progressing"))})
    assert api.health("shop") == AppHealth("shop", "Synced", "Healthy", "Succeeded",
                                           "9d1c6f0e2b7a4c5d8e3f1a2b3c4d5e6f7a8b9c0d")
    assert api.health("web").as_result() == {"app": "web", "sync": "OutOfSync", "health": "Progressing",
                                             "phase": "Running", "revision": NEW_SHA}
    assert api.health("ghost").as_result() == {"app": "ghost", "sync": "Unknown", "health": "Missing"}
    assert http.sent[0][:2] == ("GET", f"{ARGO}/api/v1/applications/shop")


class RecordedServer(BaseHTTPRequestHandler):
    """Argo CD's two routes with recorded answers, for the adapters over the real guarded client."""

    seen: list[tuple[str, str, str | None, bytes]] = []

    def do_GET(self) -> None:
        self._answer(b"")

    def do_POST(self) -> None:
        self._answer(self.rfile.read(int(self.headers.get("Content-Length", "0"))))

    def _answer(self, body: bytes) -> None:
        self.seen.append((self.command, self.path, self.headers.get("Authorization"), body))
        name = "argocd_sync_started" if self.command == "POST" else "argocd_application_healthy"
        data = recorded(name)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def argo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordedServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_adapters_work_over_the_guarded_client(argo_server: str) -> None:
    RecordedServer.seen.clear()
    client = GuardedHttpClient(OutboundPolicy(allowed_http_hosts=frozenset({argo_server})))
    api = ArgoCdApi(f"http://{argo_server}/", "argo-token", client)
    assert api.sync("shop", NEW_SHA, False).operation == "shop@9120502"
    assert api.health("shop").health == "Healthy"
    assert RecordedServer.seen[0] == ("POST", "/api/v1/applications/shop/sync", "Bearer argo-token",
                                      json.dumps({"revision": NEW_SHA, "prune": False}).encode())
    assert RecordedServer.seen[1][:2] == ("GET", "/api/v1/applications/shop")
    with pytest.raises(ToolError, match="not allowed"):  # the same client refuses a host the stage does not allow
        KubernetesApi("http://10.0.0.1:6443", None, client).get("pods")
