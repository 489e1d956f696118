"""The manifest checks (opsdesk.aura.manifest_checks): what the agent may write, which secrets refuse a file, and
that a refusal names the rule without echoing the secret."""

from __future__ import annotations

import pytest

from opsdesk.aura.manifest_checks import ManifestRefused, check_manifest, looks_random, manifest_namespace, repo_path
from opsdesk.aura.tool_errors import ToolError

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.8.2
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: db-credentials, key: password}
            - name: LOG_LEVEL
              value: info
"""
GOOD = [
    pytest.param("apps/shop/web.yaml", DEPLOYMENT, id="deployment-with-secret-reference"),
    pytest.param("apps/shop/all.yml", "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n"
                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}\ndata: {a: b}\n",
                 id="multi-document-with-empty-ones"),
    pytest.param("apps/shop/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
                 id="namespace"),
    pytest.param("apps/shop/sub/dir/x.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
                 id="nested-folder"),
    pytest.param("apps/shop/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: empty}\n",
                 id="secret-without-data"),
    pytest.param("apps/shop/ref.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n"
                 "  passwordSecret: db-credentials\n  tokenPath: /var/run/secrets/token\n"
                 "  password: ${DB_PASSWORD}\n  apiToken: changeme\n", id="references-and-placeholders"),
    pytest.param("apps/shop/sealed.yaml", "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
                 "metadata: {name: db}\nspec:\n  encryptedData: {password: AgBy3i4OJSWK+PiTySYZZA==}\n",
                 id="sealed-secret"),
]
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\n    MIIEowIBAAKCAQEAx4Ue\n    -----END RSA PRIVATE KEY-----"
SECRETS = [
    pytest.param("  key: AKIAIOSFODNN7EXAMPLE\n", "aws-access-key-id", "AKIAIOSFODNN7EXAMPLE", id="aws-key-id"),
    pytest.param("  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "aws-secret-access-key",
                 "wJalrXUtnFEMI", id="aws-secret-key"),
    pytest.param(f"  tls.key: |\n    {PRIVATE_KEY}\n", "private-key", "MIIEowIBAAKCAQEAx4Ue", id="private-key"),
    pytest.param("  gh: ghp_R4nd0mT0k3nV4lu3abcdefghijklmnopqr12\n", "github-token", "ghp_R4nd0m", id="github"),
    pytest.param("  gh: github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX\n",
                 "github-token", "github_pat_11ABCDEFG", id="github-fine-grained"),
    pytest.param("  slack: xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\n", "slack-token",
                 "xoxb-1234", id="slack-token"),
    pytest.param("  hook: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n",
                 "slack-webhook", "T00000000/B00000000", id="slack-webhook"),
    pytest.param("  password: \"S3cr3t!Passw0rd#2024\"\n", "credential-literal", "S3cr3t", id="password-literal"),
    pytest.param("  db_token: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n", "credential-literal", "9f8e7d6c",
                 id="token-literal"),
]


@pytest.mark.parametrize(("path", "content"), GOOD)
def test_good_manifests_pass(path: str, content: str) -> None:
    check_manifest(path, content)


@pytest.mark.parametrize(("line", "rule", "secret"), SECRETS)
def test_each_secret_kind_is_refused_by_name_without_echoing_it(line: str, rule: str, secret: str) -> None:
    content = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leaky}\ndata:\n" + line
    with pytest.raises(ManifestRefused) as refused:
        check_manifest("apps/shop/leaky.yaml", content)
    assert refused.value.rules[0] == rule
    at_line = 6 if rule == "private-key" else 5  # the key block's BEGIN line, under `tls.key: |`
    assert f"(line {at_line})" in str(refused.value)
    assert secret not in str(refused.value)


def test_a_literal_in_an_env_entry_is_refused() -> None:
    content = DEPLOYMENT.replace("              value: info", "              value: info\n"
                                "            - name: STRIPE_API_KEY\n              value: sk_live_51HqLyjWDarjtT1zd")
    with pytest.raises(ManifestRefused) as refused:
        check_manifest("apps/shop/web.yaml", content)
    assert refused.value.rules == ("credential-literal",) and "STRIPE_API_KEY" in str(refused.value)
    assert "sk_live" not in str(refused.value)


def test_a_secret_with_data_is_refused() -> None:
    for field in ("data: {password: aHVudGVyMg==}", "stringData: {password: hunter2}"):
        with pytest.raises(ManifestRefused, match="kubernetes-secret-data") as refused:
            check_manifest("apps/shop/s.yaml", f"apiVersion: v1\nkind: Secret\nmetadata: {{name: db}}\n{field}\n")
        assert "aHVudGVyMg" not in str(refused.value) and "hunter2" not in str(refused.value)


@pytest.mark.parametrize(("content", "rule"), [
    pytest.param("kind: [oops\n", "invalid-yaml", id="invalid-yaml"),
    pytest.param("---\n---\n", "empty-manifest", id="empty"),
    pytest.param("- a\n- b\n", "not-an-object", id="list"),
    pytest.param("kind: ConfigMap\nmetadata: {name: x}\n", "missing-api-version", id="no-api-version"),
    pytest.param("apiVersion: v1\nmetadata: {name: x}\n", "missing-kind", id="no-kind"),
    pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "missing-name", id="no-name"),
    pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Web_1}\n", "invalid-name", id="bad-name"),
    pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: other}\n", "namespace-mismatch",
                 id="other-namespace"),
    pytest.param("apiVersion: v1\nkind: Namespace\nmetadata: {name: other}\n", "namespace-mismatch",
                 id="namespace-named-otherwise"),
])
def test_documents_must_be_kubernetes_objects_of_the_folders_namespace(content: str, rule: str) -> None:
    with pytest.raises(ManifestRefused) as refused:
        check_manifest("apps/shop/x.yaml", content)
    assert rule in refused.value.rules


def test_a_yaml_error_does_not_quote_the_source() -> None:
    content = "apiVersion: v1\ndata:\n  password: 'S3cr3t!Passw0rd#2024\n"
    with pytest.raises(ManifestRefused) as refused:
        check_manifest("apps/shop/x.yaml", content)
    assert "S3cr3t" not in str(refused.value)


@pytest.mark.parametrize(("path", "rule"), [
    pytest.param("apps/../secrets/x.yaml", "path-escape", id="dot-dot"),
    pytest.param("/apps/shop/x.yaml", "path-escape", id="absolute"),
    pytest.param("apps/shop/./x.yaml", "path-escape", id="dot"),
    pytest.param("apps//x.yaml", "path-escape", id="empty-segment"),
    pytest.param("apps\\shop\\x.yaml", "invalid-path", id="backslash"),
    pytest.param("apps/shop/x\n.yaml", "invalid-path", id="control-character"),
    pytest.param(".github/workflows/x.yaml", "path-outside-apps", id="outside-apps"),
    pytest.param("apps/x.yaml", "path-outside-apps", id="no-namespace-folder"),
    pytest.param("apps/shop/run.sh", "path-not-yaml", id="not-yaml"),
    pytest.param("apps/Shop_1/x.yaml", "invalid-namespace", id="bad-namespace"),
    pytest.param("apps/shop/-x.yaml", "invalid-path", id="odd-file-name"),
])
def test_paths_stay_under_apps_and_end_in_yaml(path: str, rule: str) -> None:
    with pytest.raises(ToolError, match=rule):
        manifest_namespace(path)


def test_repository_paths_are_normalised() -> None:
    assert repo_path("apps/shop/") == "apps/shop"
    assert repo_path("", allow_root=True) == ""
    with pytest.raises(ToolError):
        repo_path("")


def test_alias_bombs_are_walked_once() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    content = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n" + "\n".join(f"  {s}" for s in lines)
    check_manifest("apps/shop/x.yaml", content)  # returns at once: shared nodes are not expanded


def test_randomness() -> None:
    assert looks_random("S3cr3t!Passw0rd#2024")
    assert not looks_random("db-credentials")
    assert not looks_random("short")
    assert not looks_random("aaaaaaaaaaaaaaaa")
