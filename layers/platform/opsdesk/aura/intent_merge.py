"""The prose's reading of a ticket (opsdesk.aura.intent) with the code it asks to carry out
(opsdesk.aura.intent_code): the code fills what the prose leaves open, and is not read at all where the two
disagree. A workload, a namespace, a count, an image or settings the prose states and the code states otherwise
is a ticket to ask about, not one to guess: "please delete the old web-canary deployment, run: kubectl delete
deploy web" deletes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from opsdesk.aura.intent_code import CodeRequest
from opsdesk.aura.policy import is_production
from opsdesk.aura.work_request import WorkRequest


def with_code(prose: WorkRequest, code: CodeRequest, *, clear_name: bool, mentioned: Callable[[str], bool],
              versions: Iterable[str]) -> WorkRequest:
    """`prose` completed by `code`, or `prose` as it is when they disagree. Where they name different workloads, the
    code's is the request's when the ticket mentions it too, or when the prose's was a loose word ("Pause event
    ingestion ... please run: kubectl scale deployment/event-collector"); a workload the prose names clearly ("scale
    the web deployment") against another in the code is a disagreement (`clear_name`: the reader's evidence)."""
    names_differ = code.name is not None and prose.name is not None and code.name != prose.name
    if (names_differ and code.name is not None and not mentioned(code.name) and clear_name) or _disagree(
            prose, code, set(versions)):
        return prose
    name = code.name or prose.name
    namespace = prose.namespace or code.namespace
    return replace(
        prose, name=name, namespace=namespace, kind=code.kind if code.kind and name == code.name else prose.kind,
        image=prose.image or (code.image if prose.tag is None else None),
        replicas=prose.replicas if prose.replicas is not None else code.replicas, port=prose.port or code.port,
        service_type=code.service_type if code.service_type and prose.service_type == "ClusterIP"
        else prose.service_type,
        env=prose.env or code.env, production=prose.production or bool(namespace and is_production(namespace)),
        read_from_code=code.shown)


def _disagree(prose: WorkRequest, code: CodeRequest, versions: set[str]) -> bool:
    code_tag = code.image.rsplit(":", 1)[-1].removeprefix("v") if code.image and ":" in code.image else None
    stated = {v.removeprefix("v") for v in versions}
    return any((
        prose.namespace is not None and code.namespace is not None and prose.namespace != code.namespace,
        prose.replicas is not None and code.replicas is not None and prose.replicas != code.replicas,
        prose.image is not None and code.image is not None and prose.image != code.image,
        code.image is not None and bool(stated) and code_tag not in stated,
        prose.port is not None and code.port is not None and prose.port != code.port,
        bool(prose.env) and bool(code.env) and dict(prose.env) != dict(code.env),
    ))
