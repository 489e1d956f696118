"""Where and on what a ticket's request acts, read from its scanned sentences (opsdesk.aura.intent_scan): the
namespace, the workload's name (after its namespace or its image when nothing else names it), its kind and the
service type its exposure asks for."""

from __future__ import annotations

import re

from opsdesk.aura.intent_scan import NAME, Scan, name_candidates, namespace_scores, product_is_object
from opsdesk.aura.intent_words import NOT_NAMESPACES, Action
from opsdesk.aura.manifest_checks import DNS_LABEL
from opsdesk.aura.software import Software, lookup

MIN_NAME_SCORE = 2.0
OBJECT_OVER_PRODUCT_SCORE = 3.5
"""A change to a running workload names it, with this much evidence (the object of the verb, hyphenated, in the
title...), before a product the ticket mentions; a deploy names the product ("deploy redis")."""
MIN_NAMESPACE_SCORE = 1.0
NAMED_NAMESPACE_SCORE = 3.0
"""A namespace the ticket names as one ("namespace is X", "the X namespace", "-n X"), not a place it may be ("in X")."""


def namespace_of(scans: list[Scan], software: Software | None, least: float = MIN_NAMESPACE_SCORE,
               besides: str | None = None) -> str | None:
    scores = namespace_scores(scans)
    for word in list(scores):
        if lookup(word) is not None or (software and word == software.name) or word == besides:
            del scores[word]  # "moved to redis": a product, not a place
    if not scores:
        return None
    best, score = max(scores.items(), key=lambda item: item[1])
    return best if score >= least else None


def name_of(scans: list[Scan], action: Action | None, software: Software | None, namespace: str | None) -> str | None:
    candidates = name_candidates(scans, action, exclude={namespace} if namespace else set())
    named = [c for c in candidates if c.named]
    if named:
        return max(named, key=lambda c: c.score).word
    best = max(candidates, key=lambda c: c.score, default=None)
    if (action is not Action.DEPLOY and best is not None and best.score >= OBJECT_OVER_PRODUCT_SCORE
            and not (software is not None and product_is_object(scans, action, software))):
        return best.word  # "expose metrics-gateway so prometheus can scrape it": the workload, not the product
    if software is not None:
        return software.name
    best = max(candidates, key=lambda c: c.score, default=None)
    return best.word if best is not None and best.score >= MIN_NAME_SCORE else None


def workload_and_place(scans: list[Scan], action: Action | None, software: Software | None, name: str | None,
                        namespace: str | None, *, requested_place: bool) -> tuple[str | None, str | None]:
    """The workload, named after its namespace when nothing else names it, and where the ticket places it (unless
    the request's own sentences name the place: "last month api in namespace team-a ...; please scale api in
    namespace team-b")."""
    if name is None and namespace is not None:
        name = namesake_of(scans, action, namespace)
        if name == namespace and (stated := namespace_of(scans, software, least=NAMED_NAMESPACE_SCORE, besides=name)):
            # "change the env ... in the recommendation-api. Namespace is ml-serving": what the change is made in
            # is the workload; the place is the one the ticket names as a namespace.
            namespace = stated
    if name is not None and not requested_place:
        # "feedback-form lives in namespace web-staging" says where the workload is, whatever other namespace the
        # ticket names as strongly ("a runner in the qa namespace")
        namespace = bound_namespace(scans, name) or namespace
    return name, namespace


def bound_namespace(scans: list[Scan], name: str) -> str | None:
    """The namespace a sentence places the workload in with its name right before it ("api in ns shop", "api lives
    in namespace shop", "api (namespace: shop)", "api in the shop namespace")."""
    bound = re.compile(rf"(?<![\w-]){re.escape(name)}[`'\"]?\s+(?:(?:lives|runs|is|sits|running|deployed)\s+)?"
                       rf"(?:\(\s*)?(?:(?:in|from)\s+(?:the\s+)?(?:ns|namespace)\s*[:=]?\s*[`'\"]?{NAME}|"
                       rf"(?:in|from)\s+(?:the\s+)?[`'\"]?{NAME}[`'\"]?\s+(?:ns|namespace)\b|(?:ns|namespace)\s*[:=]\s*{NAME})")
    for s in scans:
        if (found := bound.search(s.masked)) is not None:
            place = next(group for group in found.groups() if group)
            if place not in NOT_NAMESPACES:
                return place
    return None


def namesake_of(scans: list[Scan], action: Action | None, namespace: str | None) -> str | None:
    """A workload named like its namespace ("bump orders to 3 pods (orders namespace)"), on evidence of its own."""
    same = [c for c in name_candidates(scans, action, exclude=set()) if c.word == namespace]
    return namespace if same and same[0].score >= MIN_NAME_SCORE else None


def name_from_image(image: str) -> str | None:
    last = image.split("@", maxsplit=1)[0].rsplit("/", 1)[-1].split(":", maxsplit=1)[0].lower()
    return last if DNS_LABEL.fullmatch(last) else None


def kind_named(name: str | None, text: str) -> str | None:
    """The kind the ticket gives the workload by its name anywhere ("the mongo-test statefulset", "deployment/api")."""
    if not name:
        return None
    escaped = re.escape(name)
    for kind, noun, prefix in (("StatefulSet", r"statefulsets?|sts", r"statefulsets?|sts"),
                               ("Deployment", r"deployments?", r"deployments?|deploy(?=/)")):
        if re.search(rf"(?<![\w-]){escaped}\s+(?:{noun})\b|\b(?:{prefix})(?:\s+|/){escaped}(?![\w-])", text):
            return kind  # "the mongo-test statefulset", "deployment api", "deploy/api"; not the verb "deploy redis"
    return None


def kind_of(text: str, software: Software | None, action: Action | None) -> str:
    if re.search(r"\b(?:statefulsets?|sts|stateful)\b", text):
        return "StatefulSet"
    if re.search(r"\bdeployments?\b", text):
        return "Deployment"
    if software is not None:
        return "StatefulSet" if software.stateful else "Deployment"
    return "StatefulSet" if action is Action.DEPLOY and re.search(r"\b(?:database|db)\b", text) else "Deployment"


def service_type_of(text: str) -> str:
    if re.search(r"\b(?:load\s*-?balancer|public(?:ly)?|internet|external(?:ly)?|outside)\b", text):
        return "LoadBalancer"
    return "NodePort" if re.search(r"\bnode\s*-?port\b", text) else "ClusterIP"
