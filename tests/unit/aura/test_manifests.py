"""Manifests the offline planner writes (opsdesk.aura.manifests): valid for the repository's checks, the same
bytes for the same request, placeholders filled after an answer, and edits of what the repository holds."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from opsdesk.aura.manifest_checks import check_manifest
from opsdesk.aura.manifests import (
    ManifestEditError,
    NeedsChoice,
    WorkloadSpec,
    edit_workload,
    fill,
    manifest_path,
    namespace_manifest,
    namespace_manifest_path,
    placeholder,
    placeholders_in,
    service_for,
    service_path,
    workload_manifest,
)

REDIS = WorkloadSpec("redis", "cache", "redis:7.2", 3, "StatefulSet", 6379, data_path="/data",
                     resources={"storage": "5Gi", "memory": "256Mi"})
WEB = WorkloadSpec("web", "shop", "ghcr.io/acme/web:1.8.2", 2, port=8080, env={"LOG_LEVEL": "info"},
                   resources={"cpu": "250m"})
EXISTING = """# kept by the platform team
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.8.2
          ports: [{containerPort: 8080}]
          env: [{name: LOG_LEVEL, value: info}]
        - name: sidecar
          image: envoy:1.29
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-extra}
data: {a: b}
"""


def documents(content: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(content) if d]


def by_kind(content: str) -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in documents(content)}


def test_paths_follow_the_repository_layout() -> None:
    assert manifest_path("cache", "redis") == "apps/cache/redis.yaml"
    assert namespace_manifest_path("cache") == "apps/cache/namespace.yaml"
    assert service_path("shop", "web") == "apps/shop/web-svc.yaml"


def test_a_namespace_manifest_passes_the_checks() -> None:
    content = namespace_manifest("cache")
    check_manifest(namespace_manifest_path("cache"), content)
    assert by_kind(content)["Namespace"]["metadata"]["name"] == "cache"


def test_a_stateful_workload_gets_a_headless_service_a_volume_per_replica_and_passes_the_checks() -> None:
    content = workload_manifest(REDIS)
    check_manifest(manifest_path("cache", "redis"), content)
    kinds = by_kind(content)
    stateful, service = kinds["StatefulSet"], kinds["Service"]
    assert stateful["spec"]["replicas"] == 3 and stateful["spec"]["serviceName"] == "redis"
    assert service["spec"]["clusterIP"] == "None" and service["spec"]["ports"][0]["port"] == 6379
    claim = stateful["spec"]["volumeClaimTemplates"][0]
    assert claim["spec"]["resources"]["requests"]["storage"] == "5Gi"
    container = stateful["spec"]["template"]["spec"]["containers"][0]
    assert container["volumeMounts"] == [{"name": "data", "mountPath": "/data"}]
    assert container["resources"] == {"requests": {"memory": "256Mi"}}
    assert service["spec"]["selector"] == stateful["spec"]["selector"]["matchLabels"]


def test_a_deployment_gets_its_configmap_and_service_and_passes_the_checks() -> None:
    content = workload_manifest(WEB)
    check_manifest(manifest_path("shop", "web"), content)
    kinds = by_kind(content)
    assert [d["kind"] for d in documents(content)] == ["ConfigMap", "Deployment", "Service"]
    assert kinds["ConfigMap"]["data"] == {"LOG_LEVEL": "info"}
    container = kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"] == [{"configMapRef": {"name": "web-config"}}]
    assert kinds["Service"]["spec"]["type"] == "ClusterIP" and kinds["Service"]["metadata"]["name"] == "web"


def test_credentials_come_from_a_secret_reference_never_a_literal() -> None:
    spec = WorkloadSpec("postgres", "billing", "postgres:16", 1, "StatefulSet", 5432, data_path="/var/lib/pg",
                        secret_env=("POSTGRES_PASSWORD",))
    content = workload_manifest(spec)
    check_manifest(manifest_path("billing", "postgres"), content)  # the secret scan finds nothing
    env = by_kind(content)["StatefulSet"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [{"name": "POSTGRES_PASSWORD",
                    "valueFrom": {"secretKeyRef": {"name": "postgres-credentials", "key": "password"}}}]


def test_a_public_stateful_workload_also_gets_a_load_balancer() -> None:
    spec = WorkloadSpec("grafana", "monitoring", "grafana/grafana:11.0.0", 1, "StatefulSet", 3000,
                        service_type="LoadBalancer")
    services = [d for d in documents(workload_manifest(spec)) if d["kind"] == "Service"]
    assert [(s["metadata"]["name"], s["spec"]["type"]) for s in services] == [("grafana", "ClusterIP"),
                                                                              ("grafana-svc", "LoadBalancer")]


def test_rendering_is_deterministic() -> None:
    assert workload_manifest(REDIS) == workload_manifest(REDIS)
    assert workload_manifest(WEB).splitlines()[0] == "apiVersion: v1"


def test_placeholders_hold_open_choices_until_filled() -> None:
    open_spec = WorkloadSpec("redis", placeholder("namespace"), "redis:7.2", placeholder("replicas"),
                             "StatefulSet", 6379, data_path="/data")
    content = workload_manifest(open_spec)
    assert placeholders_in({"path": manifest_path(placeholder("namespace"), "redis"), "content": content}) == {
        "namespace", "replicas"}
    filled = fill(content, {"namespace": "cache", "replicas": "3"})
    assert placeholders_in(filled) == set()
    assert filled == workload_manifest(REDIS.__class__(**{**REDIS.__dict__, "resources": {}}))
    check_manifest("apps/cache/redis.yaml", filled)


def test_fill_leaves_unknown_placeholders_and_text_without_any_alone() -> None:
    assert fill("a: 1\n", {"namespace": "x"}) == "a: 1\n"
    assert "${port}" in fill("a: ${port}\nb: ${namespace}\n", {"namespace": "x"})


def test_edits_change_only_the_named_workload_and_keep_the_other_documents() -> None:
    edited = edit_workload(EXISTING, "web", {"replicas": "5"})
    kinds = by_kind(edited)
    assert kinds["Deployment"]["spec"]["replicas"] == 5
    assert kinds["ConfigMap"] == by_kind(EXISTING)["ConfigMap"]
    assert kinds["Deployment"]["spec"]["selector"] == {"matchLabels": {"app": "web"}}


def test_an_image_edit_changes_the_main_container_and_a_tag_keeps_the_repository() -> None:
    containers = by_kind(edit_workload(EXISTING, "web", {"tag": "1.9.0"}))["Deployment"]["spec"]["template"][
        "spec"]["containers"]
    assert [c["image"] for c in containers] == ["ghcr.io/acme/web:1.9.0", "envoy:1.29"]
    image = by_kind(edit_workload(EXISTING, "web", {"image": "registry.io:5000/web:2"}))["Deployment"]
    assert image["spec"]["template"]["spec"]["containers"][0]["image"] == "registry.io:5000/web:2"
    on_port = edit_workload(EXISTING.replace("ghcr.io/acme/web:1.8.2", "registry.io:5000/web@sha256:" + "a" * 64),
                            "web", {"tag": "3"})
    assert by_kind(on_port)["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"] == \
        "registry.io:5000/web:3"


def test_settings_replace_an_entry_of_the_same_name_or_are_added() -> None:
    edited = edit_workload(EXISTING, "web", {"env": "LOG_LEVEL=debug,FEATURE_X=true"})
    env = by_kind(edited)["Deployment"]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env == [{"name": "LOG_LEVEL", "value": "debug"}, {"name": "FEATURE_X", "value": "true"}]


def test_a_restart_annotates_the_pod_template_deterministically() -> None:
    edited = edit_workload(EXISTING, "web", {"restart": "ticket-1"})
    template = by_kind(edited)["Deployment"]["spec"]["template"]
    assert template["metadata"]["annotations"] == {"opsdesk.io/restarted-by": "ticket-1"}
    assert edited == edit_workload(EXISTING, "web", {"restart": "ticket-1"})


def test_a_single_workload_is_edited_even_under_another_name_but_an_unknown_one_is_refused() -> None:
    assert by_kind(edit_workload(EXISTING, "frontend", {"replicas": "1"}))["Deployment"]["spec"]["replicas"] == 1
    first = EXISTING.split("---", maxsplit=1)[0]
    two = EXISTING + "---\n" + first.replace("name: web\n  namespace", "name: api\n  namespace")
    with pytest.raises(ManifestEditError):
        edit_workload(two, "worker", {"replicas": "1"})
    with pytest.raises(ManifestEditError):
        edit_workload("key: [unclosed", "web", {"replicas": "1"})
    with pytest.raises(ManifestEditError):
        edit_workload("- a\n- b\n", "web", {"replicas": "1"})


def test_a_service_for_an_existing_workload_uses_its_selector_and_first_port() -> None:
    content = service_for(EXISTING, "web", "shop", None, "LoadBalancer")
    check_manifest(service_path("shop", "web"), content)
    service = by_kind(content)["Service"]
    assert service["metadata"]["name"] == "web-svc" and service["spec"]["type"] == "LoadBalancer"
    assert service["spec"]["selector"] == {"app": "web"} and service["spec"]["ports"][0]["port"] == 8080
    assert by_kind(service_for(EXISTING, "web", "shop", "9090", "ClusterIP"))["Service"]["spec"]["ports"][0][
        "targetPort"] == 9090


def test_a_service_for_a_workload_without_ports_needs_a_choice() -> None:
    portless = EXISTING.replace("          ports: [{containerPort: 8080}]\n", "")
    with pytest.raises(NeedsChoice) as needed:
        service_for(portless, "web", "shop", None, "ClusterIP")
    assert needed.value.key == "port"
