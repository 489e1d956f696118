"""Code in a ticket: fences (``` or ~~~) and kubectl command lines, read only when the ticket asks for them to be
carried out ("please run this for us:", "apply the manifest below").

Engineers paste the command or manifest they want run, and they paste logs, shell history and other people's
suggestions the same way; text addressed to the agent hides there too. So code is set aside from the prose
(opsdesk.aura.intent_scan.segments) and a block of it is read only when all of these hold:

- it is kubectl commands the reader parses (scale, set image, set env, rollout restart, create, delete, expose;
  reads such as get and describe are passed over) or Kubernetes manifests (parsed as YAML), nothing else, and its
  commands all make one change to one target;
- nothing in the ticket, code included, reads as talking to the agent (`INJECTION`);
- the text right before it (its last two sentences since the previous block; the title when the block opens the
  description) asks for it to be carried out with a verb that does so, and neither that text nor the sentence after
  the block says it is a record, a suggestion, a question, a thing to look at or an order not to run it.

What the block asks is parsed into a `CodeRequest`, not read as prose: the command's own verb is the action
(`kubectl set image deploy/api ...` updates an image; nothing in it deploys). opsdesk.aura.intent lets the prose
decide and takes from the code what the prose leaves open; the plan names every line read."""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import field, replace
from typing import Any

from opsdesk.aura.intent_words import ASKING, INJECTION, REQUEST_SENTENCE, TITLE_TAG, Action, unmanaged_kind
from opsdesk.frozen import frozen

FENCE = re.compile(r"(```|~~~).*?(?:\1|$)", re.DOTALL)
COMMAND_LINES = re.compile(r"^[ \t]*(?:\$[ \t]*)?kubectl[ \t][^\n]*(?:\n[ \t]*(?:\$[ \t]*)?kubectl[ \t][^\n]*)*",
                           re.MULTILINE)
"""kubectl command lines standing alone in the prose, one block for lines that follow each other."""
MAX_CODE_CHARS = 8_000
MAX_COMMANDS = 10
DNS_NAME = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")

WORKLOAD_KINDS = {"deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment",
                  "sts": "StatefulSet", "statefulset": "StatefulSet", "statefulsets": "StatefulSet"}
SHORT_KINDS = {"ds": "DaemonSet", "cj": "CronJob", "cm": "ConfigMap", "svc": "Service", "service": "Service",
               "services": "Service", "ing": "Ingress", "po": "Pod", "pod": "Pod", "pods": "Pod", "job": "Job",
               "jobs": "Job", "rs": "ReplicaSet", "replicaset": "ReplicaSet", "sa": "ServiceAccount"}
NAMESPACE_KINDS = frozenset({"ns", "namespace", "namespaces"})
READS = frozenset({"get", "describe", "logs", "top", "explain", "api-resources", "api-versions", "version",
                   "cluster-info", "events", "wait", "diff", "auth"})
VALUE_OPTIONS = frozenset({"-n", "--namespace", "--replicas", "--image", "--port", "--target-port", "--type", "-o",
                           "--output", "-c", "--container", "-e", "--env", "--name", "--timeout",
                           "--current-replicas", "--field-manager", "--grace-period", "--protocol"})
ELSEWHERE = frozenset({"--context", "--cluster", "--kubeconfig", "--server", "-s", "--user", "--all", "-A",
                       "--all-namespaces", "-l", "--selector", "-f", "--filename", "-k"})
"""Options that take a command past one named workload of this cluster: such a block is not read."""

EXECUTING = re.compile(r"\b(?:run|apply|execute|exec|do|perform|use|deploy|create|scale|restart|roll(?:\s+out)?|"
                       r"update|set|change|delete|remove|expose|bump|patch|push|make|move)\b")
"""A verb that asks for the code to be carried out ("please run", "can someone apply", "do the following")."""
ORDER_OPENING = re.compile(rf"(?:^|[.!?;:]\s+)(?:[-*]\s*)?(?:{EXECUTING.pattern[2:-2]})\b")
NOT_CARRIED_OUT = re.compile(
    r"\b(?:ran|tried|did|done|executed|applied|typed|output|logs?|history|already|current(?:ly)?|earlier|"
    r"yesterday|previous(?:ly)?|last|ago|mistake|accident(?:al|ally)?|review|check|verify|confirm|whether|explain|"
    r"understand|know|wonder|who|why|safe|wrong|see|look|suggest(?:s|ed|ion)?|propos(?:e|ed|al)|wrote|said|says|"
    r"posted|sent|found|compromised|suspicious|malicious|unsure|careful|caution|warning|danger(?:ous)?|risky|"
    r"avoid|refrain|was|were|example|not|never|nobody|without)\b|\bno\s+one\b|n't\b")
"""What says the code is a record, a suggestion, a question or a thing to look at, or that it must not run: "here
is what I ran", "a colleague suggested", "can you review this", "don't run this", "nobody should apply this"."""
LACKING_ACCESS = re.compile(r"\b(?:do|does)(?:\s+not|n't)\s+have\b|\bdont\s+have\b")
"""The one negation that asks: someone without the rights asks someone with them ("we don't have prod rights")."""
SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n\s*\n")
ASKS = re.compile(rf"{REQUEST_SENTENCE.pattern}|\b(?:needs?|requires?|has\s+to|have\s+to|must)\b")
"""A request ("please", "can someone"), or a need stated ("the shipper needs a restart:")."""


@frozen
class CodeRequest:
    """The change a block of code makes: its action and target, and what it sets."""

    action: Action | None
    name: str | None = None
    kind: str | None = None
    namespace: str | None = None
    image: str | None = None
    replicas: int | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    unmanaged: str | None = None
    """A kind the agent does not write (`DaemonSet`): the ticket is one it cannot do."""
    shown: tuple[str, ...] = ()
    """What the plan names: each command as written, or what a manifest declares."""


@frozen
class CodeBlock:
    text: str
    """The block as written (as segments() sets it aside)."""
    request: CodeRequest | None
    """What it asks; None when it is not code the reader parses, or its commands make more than one change."""
    asked_for: bool


def code_spans(description: str) -> list[tuple[int, int]]:
    """Where the description's code is: fences, then kubectl lines outside them, in order."""
    fences = [(m.start(), m.end()) for m in FENCE.finditer(description)]
    lines = [(m.start(), m.end()) for m in COMMAND_LINES.finditer(description)
             if not any(start <= m.start() < end for start, end in fences)]
    return sorted(fences + lines)


def code_blocks(title: str, description: str) -> list[CodeBlock]:
    text = plain(description)
    spans = code_spans(text)
    blocks = []
    for index, (start, end) in enumerate(spans):
        before = text[spans[index - 1][1] if index else 0:start]
        after = text[end:spans[index + 1][0] if index + 1 < len(spans) else len(text)]
        lead = before if before.strip() or index else plain(TITLE_TAG.sub("", title))
        asked = _asks_to_carry_out(lead, after) or (not lead.strip() and not _prose(text, spans))  # code alone
        blocks.append(CodeBlock(text[start:end].strip(), _parsed(text[start:end]), asked))
    return blocks


def _prose(text: str, spans: list[tuple[int, int]]) -> str:
    kept, last = [], 0
    for start, end in spans:
        kept.append(text[last:start])
        last = end
    return "".join([*kept, text[last:]]).strip()


def asked_code(title: str, description: str) -> tuple[CodeRequest | None, tuple[str, ...]]:
    """The change the code the ticket asks to carry out makes (None when there is none, when anything in the ticket
    talks to the agent, or when the blocks asked for disagree), and the blocks read."""
    if INJECTION.search(plain(title)) or INJECTION.search(FENCE.sub(_unfenced, plain(description))):
        return None, ()
    read = [block for block in code_blocks(title, description) if block.asked_for and block.request is not None]
    merged = _one_change([block.request for block in read if block.request is not None])
    return (merged, tuple(block.text for block in read)) if merged is not None else (None, ())


def _unfenced(match: re.Match[str]) -> str:
    return " " + match.group(0).strip("`~") + " "  # a fence's text is checked for injection without its marks


def plain(text: str) -> str:
    """Text as read: typographic apostrophes as `'`, no invisible characters (a zero-width space inside "run")."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _asks_to_carry_out(before: str, after: str) -> bool:
    """Whether the sentence before the code (or the two before it, when the last only gives a reason: "can someone
    run this? we lack the rights:") asks for it to be carried out, and nothing from there to the sentence after the
    code says it is a record, a suggestion, a thing to look at or a thing not to do."""
    sentences = [s.strip() for s in SENTENCES.split(before) if s.strip()]
    if not sentences or sentences[-1].lstrip().startswith(">") or ASKING.match(sentences[-1].lower()):
        return False  # nothing before it, a quotation ("Bob wrote: > please run this"), or a question about it
    said_after = next((s for s in SENTENCES.split(after.lower()) if s.strip()), "")
    for taken in (1, 2):
        lead = " ".join(sentences[-taken:]).lower()
        if EXECUTING.search(lead) and (ASKS.search(lead) or ORDER_OPENING.search(lead)):
            return not (INJECTION.search(lead) or NOT_CARRIED_OUT.search(LACKING_ACCESS.sub(" ", lead))
                        or NOT_CARRIED_OUT.search(said_after))
    return False


def _parsed(code: str) -> CodeRequest | None:
    body = code.strip().strip("`~")
    lines = body.splitlines()
    if lines and re.fullmatch(r"[\w+-]*", lines[0].strip()):
        lines = lines[1:]  # the fence's language ("yaml", "bash") or nothing
    body = "\n".join(lines).replace("\\\n", " ")
    if len(body) > MAX_CODE_CHARS:
        return None
    commands = [line.strip() for line in body.splitlines() if line.strip()]
    if commands and all(re.match(r"(?:\$\s*)?kubectl\s|#", line) for line in commands):
        return _commands(commands)
    return _manifests(body)


def _commands(lines: list[str]) -> CodeRequest | None:
    changes: list[CodeRequest] = []
    for line in lines:
        if line.startswith("#"):
            if NOT_CARRIED_OUT.search(line.lower()):
                return None  # "# do not run the next line"
            continue
        change = _command(line.removeprefix("$").strip())
        if change is None:
            return None
        if change.action is not None or change.unmanaged is not None:
            changes.append(change)
    return _one_change(changes) if len(changes) <= MAX_COMMANDS else None


def _command(line: str) -> CodeRequest | None:
    """One kubectl command: its change, `CodeRequest(None)` for a read, None for anything not understood."""
    try:
        tokens = shlex.split(line)
    except ValueError:
        return None
    words, options = _options(tokens[1:])
    if words is None or not words or any(t.startswith("#") for t in tokens) or set(options) & ELSEWHERE:
        return None  # a trailing comment may say anything about the command
    if words[0] in READS or options.get("--dry-run") not in (None, "none"):
        return CodeRequest(None)
    namespace = options.get("-n") or options.get("--namespace")
    reader = COMMAND_READERS.get(words[0])
    if reader is None or (namespace is not None and not DNS_NAME.fullmatch(namespace)):
        return None
    return reader(Command(words[1:], options, namespace, (line,)))


@frozen
class Command:
    rest: list[str]
    """The words after the verb."""
    options: dict[str, str]
    namespace: str | None
    shown: tuple[str, ...]

    def change(self, action: Action, target: list[str], **values: Any) -> CodeRequest | None:
        return _change(action, target, self.namespace, self.shown, **values)


def _create(c: Command) -> CodeRequest | None:
    if len(c.rest) == 2 and c.rest[0] in NAMESPACE_KINDS:
        return _namespace_change(Action.CREATE_NAMESPACE, c.rest[1], c.shown)
    if len(c.rest) == 2 and c.rest[0] == "deployment":
        return c.change(Action.DEPLOY, c.rest, image=c.options.get("--image"), replicas=c.options.get("--replicas"))
    return None


def _delete(c: Command) -> CodeRequest | None:
    if len(c.rest) == 2 and c.rest[0] in NAMESPACE_KINDS:
        return _namespace_change(Action.DELETE_NAMESPACE, c.rest[1], c.shown)
    return c.change(Action.DELETE_WORKLOAD, c.rest)


def _namespace_change(action: Action, name: str, shown: tuple[str, ...]) -> CodeRequest | None:
    return CodeRequest(action, name=name, namespace=name, shown=shown) if DNS_NAME.fullmatch(name) else None


def _rollout(c: Command) -> CodeRequest | None:
    if c.rest[:1] == ["restart"]:
        return c.change(Action.RESTART, c.rest[1:])
    return CodeRequest(None) if c.rest[:1] in (["status"], ["history"]) else None  # undo, pause: not read


def _set(c: Command) -> CodeRequest | None:
    pairs = [*c.rest[2:], *([c.options["--env"]] if "--env" in c.options else [])]
    if not pairs or not all("=" in pair for pair in pairs):
        return None
    if c.rest[:1] == ["image"]:
        images = [pair.split("=", 1)[1] for pair in pairs]
        return c.change(Action.UPDATE_IMAGE, c.rest[1:2], image=images[0] if len(images) == 1 else None)
    if c.rest[:1] == ["env"] and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", pair) for pair in pairs):
        return c.change(Action.UPDATE_CONFIG, c.rest[1:2], env=dict(pair.split("=", 1) for pair in pairs))
    return None


def _scale(c: Command) -> CodeRequest | None:
    return c.change(Action.SCALE, c.rest, replicas=c.options.get("--replicas"))


def _expose(c: Command) -> CodeRequest | None:
    return c.change(Action.EXPOSE, c.rest)


COMMAND_READERS: dict[str, Callable[[Command], CodeRequest | None]] = {
    "create": _create, "delete": _delete, "rollout": _rollout, "set": _set, "scale": _scale, "expose": _expose}


def _options(tokens: list[str]) -> tuple[list[str] | None, dict[str, str]]:
    words: list[str] = []
    options: dict[str, str] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.startswith("-") and "=" in token:
            key, value = token.split("=", 1)
            options[key] = value
        elif token in VALUE_OPTIONS:
            if index + 1 >= len(tokens):
                return None, options
            options[token] = tokens[index + 1]
            index += 1
        elif token.startswith("-n") and len(token) > 2 and not token.startswith("--"):
            options["-n"] = token[2:]
        elif token.startswith("-"):
            options[token] = ""
        else:
            words.append(token)
        index += 1
    return words, options


def _change(action: Action, target: list[str], namespace: str | None, shown: tuple[str, ...], *,
            image: str | None = None, replicas: str | None = None,
            env: Mapping[str, str] | None = None) -> CodeRequest | None:
    """`kind/name` or `kind name`: a Deployment or StatefulSet the change is made to, or a kind the agent does not
    write."""
    if len(target) == 1 and "/" in target[0]:
        target = target[0].split("/", 1)
    if len(target) != 2 or not DNS_NAME.fullmatch(target[1]):
        return None
    kind_word, name = target[0].lower().removesuffix(".apps"), target[1]
    if replicas is not None and not replicas.isdigit():
        return None
    count = int(replicas) if replicas is not None else None
    if kind_word in WORKLOAD_KINDS:
        return CodeRequest(action, name=name, kind=WORKLOAD_KINDS[kind_word], namespace=namespace, image=image,
                           replicas=count, env=dict(env or {}), shown=shown)
    unmanaged = SHORT_KINDS.get(kind_word) or unmanaged_kind(kind_word)
    return CodeRequest(action, name=name, namespace=namespace, unmanaged=unmanaged, shown=shown) if unmanaged else None


def _target(request: CodeRequest) -> tuple[Any, ...]:
    return request.action, request.name, request.namespace, request.kind, request.unmanaged


def _one_change(changes: list[CodeRequest]) -> CodeRequest | None:
    """The change several commands or blocks make together, when they make one (to one target), else None."""
    if not changes or any(_target(c) != _target(changes[0]) for c in changes):
        return None
    merged: CodeRequest | None = changes[0]
    for other in changes[1:]:
        merged = _merged(merged, other) if merged is not None else None
    return merged


def _merged(first: CodeRequest, other: CodeRequest) -> CodeRequest | None:
    """Two commands of one change (`set env` twice on one target): what both set, None where they disagree."""
    if any(a is not None and b is not None and a != b for a, b in ((first.image, other.image),
                                                                   (first.replicas, other.replicas))):
        return None
    return replace(first, image=first.image or other.image,
                   replicas=first.replicas if first.replicas is not None else other.replicas,
                   env={**first.env, **other.env}, shown=(*first.shown, *other.shown))


def _manifests(body: str) -> CodeRequest | None:
    """Kubernetes manifests to apply: one Deployment or StatefulSet is deployed (a Service or ConfigMap beside it is
    the workload's); a lone Namespace is created; a lone kind the agent does not write is one it cannot do."""
    import yaml  # noqa: PLC0415 - only a ticket with a manifest to apply needs it

    try:
        documents = [d for d in yaml.safe_load_all(body) if d is not None]
    except yaml.YAMLError:
        return None
    if len(documents) == 1 and isinstance(documents[0], dict) and "kind" not in documents[0]:
        return _fragment(documents[0])
    if not documents or not all(isinstance(d, dict) and isinstance(d.get("kind"), str) and "apiVersion" in d
                                for d in documents):
        return None
    workloads = [d for d in documents if d["kind"] in ("Deployment", "StatefulSet")]
    if len(workloads) > 1:
        return None
    if not workloads:
        return _lone_manifest(documents[0]) if len(documents) == 1 else None
    workload = workloads[0]
    name, namespace = _metadata(workload, "name"), _metadata(workload, "namespace")
    spec = _mapping(workload.get("spec"))
    replicas = spec.get("replicas") if isinstance(spec.get("replicas"), int) else None
    image, env = _container(spec)
    declared = ", ".join(part for part in (f"namespace {namespace}" if namespace else "", f"image {image}" if image
                                           else "", f"{replicas} replicas" if replicas is not None else "") if part)
    return CodeRequest(Action.DEPLOY, name=name, kind=workload["kind"], namespace=namespace, image=image,
                       replicas=replicas, env=env,
                       shown=(f"a {workload['kind']} manifest: {name or 'no name'}" + (f" ({declared})"
                                                                                         if declared else ""),))


def _container(spec: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """The image and settings of a workload spec's one container (with a sidecar, which is the workload's is open)."""
    pod = _mapping(_mapping(spec.get("template")).get("spec"))
    containers = [c for c in pod.get("containers") or [] if isinstance(c, dict)]
    only = containers[0] if len(containers) == 1 else {}
    image = only.get("image") if isinstance(only.get("image"), str) else None
    env = {str(e["name"]): str(e["value"]) for e in only.get("env") or []
           if isinstance(e, dict) and "name" in e and isinstance(e.get("value"), str | int | float)}
    return image, env


def _fragment(document: dict[str, Any]) -> CodeRequest | None:
    """Part of a workload's manifest (`spec: template: ...`): the image and settings it sets, for the change the
    prose names."""
    image, env = _container(_mapping(document.get("spec")))
    if image is None and not env:
        return None
    return CodeRequest(None, image=image, env=env,
                       shown=(f"a manifest fragment: {', '.join(filter(None, (image, *env)))}",))


def _lone_manifest(document: dict[str, Any]) -> CodeRequest:
    name = _metadata(document, "name")
    if document["kind"] == "Namespace" and name:
        return CodeRequest(Action.CREATE_NAMESPACE, name=name, namespace=name, shown=(f"a Namespace {name}",))
    return CodeRequest(None, namespace=_metadata(document, "namespace"), unmanaged=document["kind"],
                       shown=(f"a {document['kind']} manifest",))


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _metadata(document: dict[str, Any], key: str) -> str | None:
    metadata = document.get("metadata")
    value = metadata.get(key) if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and DNS_NAME.fullmatch(value) else None
