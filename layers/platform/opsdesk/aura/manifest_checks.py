"""What a manifest the agent writes must be: a YAML file under `apps/<namespace>/`, every document a Kubernetes
object (apiVersion, kind, metadata.name) in that namespace, and no secret in it.

The checks run before a file is staged and again over every manifest of a tree before it is pushed or synced. A
finding refuses the whole file; its message names the rule and the line, never the value that tripped it (the
message reaches the model and the audit log)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from opsdesk.aura.tool_errors import ToolError
from opsdesk.frozen import frozen

if TYPE_CHECKING:
    from yaml.nodes import Node

MANIFEST_ROOT = "apps"
MANIFEST_SUFFIXES = (".yaml", ".yml")
MAX_PATH_LENGTH = 255
MAX_WALKED_NODES = 20_000
DNS_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")
DNS_SUBDOMAIN = re.compile(r"(?=.{1,253}\Z)[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?")
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
UNSAFE_PATH_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")

TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"), "an AWS access key id"),
    ("aws-secret-access-key",
     re.compile(r"(?i)aws.{0,20}secret.{0,20}[:=]\s*[\"']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])"),
     "an AWS secret access key"),
    ("private-key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"), "a private key block"),
    ("github-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b"),
     "a GitHub token"),
    ("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,250}"), "a Slack token"),
    ("slack-webhook", re.compile(r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9_/]{8,}"),
     "a Slack webhook URL"),
)
"""Credentials recognisable by their shape wherever they appear (the raw text is scanned, parsed or not)."""

CREDENTIAL_NAME = re.compile(
    r"[A-Za-z0-9_.-]*(?:password|passwd|pwd|passphrase|token|secret|api[_-]?key|access[_-]?key|private[_-]?key"
    r"|credentials?)", re.IGNORECASE)
"""A key (or an env entry's `name`) that ends in a credential word: `password`, `DB_PASSWORD`, `apiToken`;
`tokenPath` and `secretName` do not."""
REFERENCE_LIKE = re.compile(r"[a-z][a-z.-]*[a-z]")
"""Lowercase words joined by dashes or dots: the name of a Secret or a key in one, not a credential."""
PLACEHOLDERS = ("${", "{{", "$(", "<", "/", "changeme", "change-me", "replace", "redacted", "example")
SEALED = frozenset({"encryptedData"})
"""A SealedSecret's values are ciphertext, made to be kept in git."""
MIN_LITERAL_LENGTH = 8
MIN_LITERAL_ENTROPY = 3.0
DOCUMENT_RULES = frozenset({"invalid-yaml", "empty-manifest", "not-an-object", "missing-api-version",
                            "missing-kind", "missing-name", "invalid-name", "namespace-mismatch"})
"""Rules about the file's shape; the secret rules are reported before them."""


@frozen
class Finding:
    rule: str
    message: str
    line: int | None = None

    def describe(self) -> str:
        return f"{self.rule}: {self.message}" + (f" (line {self.line})" if self.line else "")


class ManifestRefused(ToolError):
    """The file may not be written (or pushed, or synced): every finding, the secrets first."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        super().__init__("; ".join(f.describe() for f in self.findings))

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.findings)


def repo_path(path: str, *, allow_root: bool = False) -> str:
    """A path inside the repository, normalised (no leading or trailing slash), or ToolError: no absolute path,
    no `.` or `..` segment, no backslash or control character."""
    stripped = path.strip("/")
    if not stripped:
        if allow_root:
            return ""
        raise ToolError("invalid-path: a file path is needed")
    if len(path) > MAX_PATH_LENGTH or UNSAFE_PATH_CHARS.search(path):
        raise ToolError("invalid-path: the path is too long or holds a backslash or control character")
    if path.startswith("/"):
        raise ToolError("path-escape: the path must be relative to the repository root")
    if any(segment in ("", ".", "..") for segment in stripped.split("/")):
        raise ToolError("path-escape: the path may not hold empty, `.` or `..` segments")
    return stripped


def manifest_namespace(path: str) -> str:
    """The namespace a manifest path names (`apps/<namespace>/.../<file>.yaml`), or ManifestRefused."""
    normal = repo_path(path)
    segments = normal.split("/")
    if segments[0] != MANIFEST_ROOT or len(segments) < 3:
        raise ManifestRefused([Finding("path-outside-apps", "manifests live under apps/<namespace>/")])
    if not normal.endswith(MANIFEST_SUFFIXES):
        raise ManifestRefused([Finding("path-not-yaml", "a manifest file ends in .yaml or .yml")])
    if not DNS_LABEL.fullmatch(segments[1]):
        raise ManifestRefused([Finding("invalid-namespace", "the folder under apps/ must be a namespace name "
                                                            "(lowercase letters, digits and dashes)")])
    if not all(FILE_NAME.fullmatch(segment) for segment in segments[2:]):
        raise ManifestRefused([Finding("invalid-path", "file and folder names take letters, digits, . _ and -")])
    return segments[1]


def check_manifest(path: str, content: str) -> None:
    """Refuse (ManifestRefused) a manifest that breaks any rule: the path, a secret, the documents."""
    namespace = manifest_namespace(path)
    if "\x00" in content:
        raise ManifestRefused([Finding("binary-content", "a manifest is text")])
    findings = scan_secrets(content)
    findings.extend(_document_findings(namespace, content))
    if findings:
        raise ManifestRefused(sorted(findings, key=lambda f: (f.rule in DOCUMENT_RULES, f.line or 0)))


def parse_documents(content: str) -> list[dict[str, Any]]:
    """The documents of a manifest that passed check_manifest (empty documents left out)."""
    import yaml  # noqa: PLC0415 (imported on first use: the runner's import stays cheap)

    return [doc for doc in yaml.safe_load_all(content) if doc is not None]


def scan_secrets(content: str) -> list[Finding]:
    findings = [Finding(rule, f"{what} is not allowed in a manifest", _line_of(content, match.start()))
                for rule, pattern, what in TOKEN_PATTERNS for match in pattern.finditer(content)]
    findings.extend(_credential_literals(content))
    return findings



def _document_findings(namespace: str, content: str) -> list[Finding]:
    import yaml  # noqa: PLC0415

    try:
        documents = list(yaml.safe_load_all(content))
    except yaml.MarkedYAMLError as exc:
        # Only the problem and its position: the error's own text quotes the source, which may hold a secret.
        mark = exc.problem_mark or exc.context_mark
        return [Finding("invalid-yaml", str(exc.problem or "the YAML does not parse")[:120],
                        mark.line + 1 if mark else None)]
    except yaml.YAMLError:
        return [Finding("invalid-yaml", "the YAML does not parse")]
    findings: list[Finding] = []
    present = [(index, doc) for index, doc in enumerate(documents, start=1) if doc is not None]
    if not present:
        return [Finding("empty-manifest", "the file holds no Kubernetes object")]
    for index, doc in present:
        findings.extend(_object_findings(namespace, index, doc))
    return findings


def _object_findings(namespace: str, index: int, doc: Any) -> Iterator[Finding]:
    where = f"document {index}"
    if not isinstance(doc, dict):
        yield Finding("not-an-object", f"{where} is not a mapping")
        return
    for key, rule in (("apiVersion", "missing-api-version"), ("kind", "missing-kind")):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            yield Finding(rule, f"{where} needs `{key}`")
    metadata = doc.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str) or not name:
        yield Finding("missing-name", f"{where} needs `metadata.name`")
    elif not DNS_SUBDOMAIN.fullmatch(name):
        yield Finding("invalid-name", f"{where}: metadata.name must be lowercase letters, digits, '-' and '.'")
    declared = metadata.get("namespace") if isinstance(metadata, dict) else None
    if declared is not None and declared != namespace:
        yield Finding("namespace-mismatch", f"{where}: metadata.namespace must be `{namespace}` (the folder)")
    if doc.get("kind") == "Namespace" and isinstance(name, str) and name != namespace:
        yield Finding("namespace-mismatch", f"{where}: a Namespace under apps/{namespace}/ must be named so")
    if doc.get("kind") == "Secret" and (doc.get("data") or doc.get("stringData")):
        yield Finding("kubernetes-secret-data", f"{where} is a Secret with data: keep secrets out of git (use an "
                                                "ExternalSecret or a SealedSecret)")


def _credential_literals(content: str) -> list[Finding]:
    """`password: <literal>` style values, and env entries `{name: DB_PASSWORD, value: <literal>}`, whose value
    looks like a real credential (long and random enough, not a reference or placeholder)."""
    import yaml  # noqa: PLC0415
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode  # noqa: PLC0415

    try:
        roots = list(yaml.compose_all(content, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return []  # the document checks report it
    findings: list[Finding] = []
    seen: set[int] = set()
    todo: list[Node] = [root for root in roots if root is not None]
    while todo and len(seen) < MAX_WALKED_NODES:
        node = todo.pop()
        if id(node) in seen:
            continue  # an alias: walked once
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            todo.extend(node.value)
        elif isinstance(node, MappingNode):
            pairs = [(k, v) for k, v in node.value if isinstance(k, ScalarNode)]
            findings.extend(_literal_finding(str(k.value), v) for k, v in pairs if _is_secret_literal(k, v))
            by_key = {str(k.value): v for k, v in pairs}
            name, value = by_key.get("name"), by_key.get("value")
            if isinstance(name, ScalarNode) and value is not None and _is_secret_literal(name, value):
                findings.append(_literal_finding(str(name.value), value))
            todo.extend(v for k, v in node.value if not (isinstance(k, ScalarNode) and k.value in SEALED))
    return findings


def _is_secret_literal(key: Node, value: Node) -> bool:
    from yaml.nodes import ScalarNode  # noqa: PLC0415

    named = str(key.value) if isinstance(key, ScalarNode) else ""
    return (len(named) <= 128 and CREDENTIAL_NAME.fullmatch(named) is not None
            and isinstance(value, ScalarNode) and looks_random(str(value.value)))


def looks_random(value: str) -> bool:
    text = value.strip()
    if len(text) < MIN_LITERAL_LENGTH or " " in text or REFERENCE_LIKE.fullmatch(text):
        return False
    if any(marker in text.lower() for marker in PLACEHOLDERS):
        return False
    return shannon_entropy(text) >= MIN_LITERAL_ENTROPY


def shannon_entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _literal_finding(key: str, value: Node) -> Finding:
    return Finding("credential-literal", f"`{key[:64]}` holds a literal credential (reference a Secret instead)",
                   value.start_mark.line + 1)


def _line_of(content: str, offset: int) -> int:
    return content.count("\n", 0, offset) + 1
