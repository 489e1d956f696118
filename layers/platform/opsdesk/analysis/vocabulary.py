"""The words of the analysis engine (opsdesk.analysis.text reads them): abbreviations and stop words of its term
normaliser, the markers of a clause that calls something normal or a consequence, the parts of service names that
say nothing, the alert labels read as evidence, and how claims name a symptom. Separate from the cause catalogue
(opsdesk.analysis.catalogue): these are the same for every cause class.
"""

from __future__ import annotations

from collections.abc import Mapping

ABBREVIATIONS: Mapping[str, str] = {
    "db": "database", "dbs": "database", "pg": "postgres", "postgresql": "postgres", "psql": "postgres",
    "conn": "connection", "conns": "connection", "cert": "certificate", "certs": "certificate",
    "k8s": "kubernetes", "ddb": "dynamodb", "mem": "memory", "cfg": "config", "conf": "config",
    "configs": "config", "env": "environment", "deps": "dependency", "dep": "dependency", "perf": "performance",
    "req": "request", "reqs": "request", "az": "zone", "azs": "zone", "ms": "millisecond", "oomkilled": "oom killed",
    "msgs": "message", "msg": "message", "3rd": "third", "rollback": "roll back", "rolledback": "roll back",
    "ddosed": "ddos", "ddosing": "ddos", "gw": "gateway", "lb": "load balancer", "alb": "load balancer",
    "elb": "load balancer", "nlb": "load balancer",
}
"""Abbreviations SREs write, replaced by the word the catalogue uses (before stemming)."""

WELL_KNOWN_PORTS: Mapping[str, str] = {
    "53": "dns", "6379": "redis", "11211": "memcached", "5432": "postgres", "3306": "mysql", "27017": "mongodb",
    "9092": "kafka", "5672": "rabbitmq", "9200": "elasticsearch",
}
"""A port after a host ("10.96.0.10:53", "cache-1:6379") is read as the service that listens there."""

STOP_WORDS: frozenset[str] = frozenset({
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "of", "for", "to", "in", "on", "at",
    "by", "with", "and", "or", "it", "its", "this", "that", "these", "those", "you", "your", "they", "them", "as",
    "has", "have", "had", "do", "does", "did", "so", "then", "than", "there", "here", "into", "onto", "about",
    "while", "when", "what", "which", "who", "whom", "also", "just", "very", "some", "any", "all", "each", "per",
    "via", "i", "me", "my", "itself"
})
"""Words dropped before matching ("connections are exhausted" matches "connections exhausted"). `no`, `not`,
`only`, `before`, `after`, `since`, `from`, `our` and `their` stay: they carry meaning in errors and phrases ("no
such host", "read only", "their side")."""

NORMAL_MARKERS: tuple[str, ...] = (
    "normal", "fine", "healthy", "green", "idle", "unchanged", "flat", "looks ok", "is ok", "are ok", "ruled out",
    "not the cause", "not related", "unrelated", "no issue", "no errors", "as usual", "steady", "stable", "nominal",
    "not elevated", "no spike",
)
"""A clause with one of these calls what it names normal: its terms speak against their causes."""

CONSEQUENCE_MARKERS: tuple[str, ...] = (
    "as a consequence", "as a result", "consequence", "knock-on", "knock on", "side effect", "symptom",
    "because of that", "in turn", "secondary",
)
"""A clause with one of these names a consequence: its terms weigh `CONSEQUENCE_FACTOR` (opsdesk.analysis.weights)
of their weight."""

SPECULATION_MARKERS: tuple[str, ...] = (
    "i think", "we think", "thinks", "i guess", "maybe", "might be", "may be", "could be", "perhaps", "probably",
    "not sure", "i suspect", "we suspect", "suspects that", "suspects it", "wondering if", "my guess", "a hunch",
    "just in case", "to be safe",
)
"""A clause with one of these is someone's guess ("customer success thinks it might be Redis", "a release went out,
I think that broke it"): its terms weigh `SPECULATION_FACTOR` (opsdesk.analysis.weights) of their weight. Evidence
is what was seen, not what someone suspects."""

GENERIC_SERVICE_WORDS: frozenset[str] = frozenset({
    "svc", "service", "services", "api", "apis", "app", "apps", "web", "worker", "workers", "server", "backend",
    "frontend", "prod", "production", "staging", "main", "core", "v1", "v2", "internal", "public"
})
"""Parts of service names that say nothing about which system it is (`inventory-svc` and `inventory-worker` are
related through `inventory`, not through `svc`)."""

ALERT_LABELS: frozenset[str] = frozenset({
    "reason", "error", "error_code", "code", "type", "category", "condition", "metric", "metric_name", "event",
    "exception", "message", "description", "summary", "alarm_name", "check",
})
"""Alert labels whose values describe what is wrong (Kubernetes' `reason: OOMKilled`), read like the summary; other
labels name places (instance, pod, cluster) and are not evidence."""

SYMPTOMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the timeouts", ("timeout", "timeouts", "timed out", "time out", "deadline exceeded", "hang", "hangs")),
    ("the slowdown", ("latency", "slow", "slowness", "p99", "p95", "delayed", "delays", "stale", "lag")),
    ("the errors", ("error", "errors", "5xx", "500", "500s", "502", "503", "503s", "fail", "failing", "failures",
                    "exception", "404", "401", "broken")),
    ("the outage", ("down", "outage", "unavailable", "not accepting", "can't connect", "cannot connect")),
)
"""How claims name what went wrong: the first group whose word the title (then the description) uses."""
DEFAULT_SYMPTOM = "the incident"
