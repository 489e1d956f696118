"""The prose's reading of a ticket (opsdesk.aura.intent) with the code it asks to carry out
(opsdesk.aura.intent_code): the code fills what the prose leaves open, and is not read at all where the two
disagree. A workload, a namespace, a count, an image or settings the prose states and the code states otherwise
is a ticket to ask about, not one to guess: "please delete the old web-canary deployment, run: kubectl delete
deploy web" deletes nothing."""

from __future__ import annotations

import re
from dataclasses import replace

from opsdesk.aura.intent_code import CodeRequest
from opsdesk.aura.policy import is_production
from opsdesk.aura.work_request import WorkRequest
from opsdesk.frozen import frozen


@frozen
class Stated:
    """What the ticket's prose says in so many words (not what the reader filled in from the software catalogue)."""

    text: str
    images: frozenset[str]
    versions: frozenset[str]
    port: int | None
    named_change: bool
    """The prose names the change itself (else the code's change is the request)."""


def with_code(prose: WorkRequest, code: CodeRequest, stated: Stated, *, clear_name: bool,
              candidates: set[str]) -> WorkRequest:
    """`prose` completed by `code`, or `prose` as it is when they disagree. Where they name different workloads, a
    workload the prose names clearly ("scale the web deployment") stands and the code is not read (`clear_name`: the
    reader's evidence); against a looser word, the code's workload is the request's when the prose has it among its
    own candidates too ("ledger-db restart needed ... please run: kubectl rollout restart statefulset/ledger-db"),
    and otherwise the workload is left to ask (a title's "Restart needed" against a command for api)."""
    if code.name is not None and prose.name is not None and code.name != prose.name and (
            clear_name or code.name not in candidates):
        return prose if clear_name else replace(prose, name=None)
    if _disagree(prose, code, stated):
        return prose
    name = code.name or prose.name
    namespace = prose.namespace or code.namespace
    own_image = prose.image if prose.image in stated.images else None
    return replace(
        prose, name=name, namespace=namespace, kind=code.kind if code.kind and name == code.name else prose.kind,
        image=code.image or own_image or prose.image, tag=None if code.image else prose.tag,
        replicas=prose.replicas if prose.replicas is not None else code.replicas,
        port=stated.port or code.port or prose.port, service_type=code.service_type or prose.service_type,
        env=prose.env or code.env, production=prose.production or bool(namespace and is_production(namespace)),
        read_from_code=code.shown)


def _tag(image_or_version: str) -> str:
    return image_or_version.rsplit(":", 1)[-1].removeprefix("v")


SERVICE_WORDS = re.compile(r"\b(?:cluster\s*-?ip|internal(?:ly)?|inside|node\s*-?port|load\s*-?balancer|public(?:ly)?|"
                           r"external(?:ly)?|internet|outside)\b")
STAGE_WORDS = re.compile(r"\b(?:staging|stage|dev|development|qa|sandbox|preview|minikube)\b")
TO_ZERO_WORDS = re.compile(r"\b(?:0|zero|stop|pause|down|off|disable|halt|quiesce|idle)\b")
KIND_WORDS = (("StatefulSet", re.compile(r"\b(?:statefulsets?|sts)\b")),
              ("Deployment", re.compile(r"\bdeployments?\b")))


def _disagree(prose: WorkRequest, code: CodeRequest, stated: Stated) -> bool:
    """Whether the code says otherwise than the prose on anything the prose states: a namespace, a count (a scale to
    zero in a ticket that never speaks of stopping), an image or a version (the code's image must carry the version
    the prose names; its registry is then the one the ticket asks to run, named in the plan), a port, the kind,
    settings (when the prose names the change or speaks of some of the settings, the code may set only those), how a
    service is exposed, or a production place for a ticket that speaks of another stage."""
    text = stated.text
    kind = next((k for k, words in KIND_WORDS if words.search(text)), None)
    unspoken = [key for key in code.env
                if not re.search(r"(?<![a-z0-9])" + re.escape(key.lower()).replace("_", "[ _-]?") + r"(?![a-z0-9])",
                                 text)]
    return any((
        prose.namespace is not None and code.namespace is not None and prose.namespace != code.namespace,
        prose.replicas is not None and code.replicas is not None and prose.replicas != code.replicas,
        code.replicas == 0 and not TO_ZERO_WORDS.search(text),
        code.image is not None and bool(stated.images) and code.image not in stated.images,
        code.image is not None and bool(stated.versions) and _tag(code.image) not in {_tag(v) for v in stated.versions},
        stated.port is not None and code.port is not None and stated.port != code.port,
        kind is not None and code.kind is not None and kind != code.kind,
        bool(prose.env) and bool(code.env),
        bool(unspoken) and (stated.named_change or len(unspoken) < len(code.env)),  # "the log level" + DB_HOST=...
        code.service_type is not None and bool(SERVICE_WORDS.search(text)),
        bool(code.namespace and is_production(code.namespace)) and bool(STAGE_WORDS.search(text)),
    ))
