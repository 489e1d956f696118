"""The cause catalogue of the analysis engine (opsdesk.analysis.engine): what each of the 15 cause classes claims,
and which signals speak for or against it. Data only; the engine reads it the same way for every class.

Terms are phrases as people write them (pasted errors, metric and alert names, abbreviations). The engine normalises
them exactly as it normalises the incident's text (camelCase and snake_case split, lower case, stop words out, a
light stemmer), so "OOMKilled", "oom-killed" and "OOM killed" are one term. Weights are evidence points:

    3    the cause written out, or an error only it produces ("No space left on device", "HikariPool")
    2-2.5  a strong, specific sign ("coredns", "hit ratio", "consumer lag")
    1-1.5  a sign shared with a few causes ("heap", "queue", "network")
    <1   a hint

`contradicts` are phrases that speak against the cause ("traffic is flat" against a traffic spike). A term of
`supports` inside a clause that calls something normal ("CPU fine", "status page is green") counts against the cause
instead (`NORMAL_MARKERS`); inside a clause that calls it a consequence it weighs less (`CONSEQUENCE_MARKERS`; both
in opsdesk.analysis.vocabulary).

`changes` say which kinds of change can cause the class and how fast their weight fades with the time between the
change and the detection (half-life); a change on another service weighs `OTHER_SERVICE_CHANGE_FACTOR` of that (in
opsdesk.analysis.weights, with the other evidence weights).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field

from opsdesk.analysis.evidence import CAUSE_CLASSES, ChangeKind
from opsdesk.frozen import frozen


@frozen
class ChangeSignal:
    kind: ChangeKind
    weight: float
    half_life_minutes: float


@frozen
class CauseEntry:
    cause: str
    label: str
    """How sentences name the class ("connection pool exhaustion")."""
    claim: str
    """The claim when no change carries it: `{service}` and `{symptom}` ("the errors", "the slowdown", ...); it
does not start with `{service}` (service names keep their case)."""
    description: str
    supports: Mapping[str, float]
    """Terms (and their synonyms, each a term) in the incident text, alert names and summaries, change summaries."""
    metrics: Mapping[str, float] = field(default_factory=dict)
    """Metric and alert names as monitoring systems spell them (matched like terms)."""
    contradicts: Mapping[str, float] = field(default_factory=dict)
    changes: tuple[ChangeSignal, ...] = ()
    change_claim: str | None = None
    """The claim when a change carries the hypothesis: `{change}` ("Deployment v2.4.5 of payment-api"), `{symptom}`."""
    needs_change: bool = False
    """Without a change of `changes`' kinds before detection, say so among the contradicting evidence."""


_DEPLOY_HALF_LIFE = 40.0
_CONFIG_HALF_LIFE = 45.0

CATALOGUE: tuple[CauseEntry, ...] = (
    CauseEntry(
        cause="bad_deploy",
        label="a bad deployment",
        claim="A recent release of {service} introduced a defect that causes {symptom}",
        change_claim="{change} caused {symptom}",
        description="A code change shipped to the service (a deployment or a dependency bump) introduced a defect: "
                    "errors or latency start minutes after the rollout, on the routes the change touched, and a "
                    "rollback to the previous version restores service.",
        supports={
            "deploy": 1.5, "deployed": 1.5, "deployment": 1.5, "release": 1.5, "released": 1.5, "new version": 1.5,
            "new build": 1.5, "build": 1.0, "shipped": 1.5, "ship": 1.0, "rollout": 1.0, "rolled out": 1.5,
            "went out": 1.5, "roll back": 2.0, "rolling back": 2.0, "revert": 2.0, "reverted": 2.0,
            "regression": 2.0, "bug": 1.5, "code change": 2.0, "canary": 1.5, "hotfix": 1.0,
            "null pointer exception": 2.0, "nullpointerexception": 2.0, "type error": 1.5, "typeerror": 1.5,
            "cannot read properties of undefined": 2.0, "undefined": 1.0, "attribute error": 1.5,
            "key error": 1.0, "stack trace": 1.0, "traceback": 1.0, "exception": 0.5, "introduced": 1.5,
            "since the upgrade": 1.5, "after upgrade": 1.5, "new code": 1.5, "serializer": 0.5,
            "after the deploy": 2.0, "after deploy": 2.0, "after the release": 2.0, "since the deploy": 2.0,
            "merged": 1.0, "pull request": 1.0, "commit": 1.0, "new image": 1.5, "image tag": 1.0,
            "helm upgrade": 1.5, "argo sync": 1.5, "pipeline": 0.5, "blue green": 1.0, "broke": 1.0,
            "nil pointer dereference": 2.0, "invalid memory address": 2.0, "panic": 1.0, "segfault": 1.5,
            "segmentation fault": 1.5, "importerror": 2.0, "import error": 2.0, "modulenotfounderror": 2.0,
            "classnotfoundexception": 2.0, "nosuchmethoderror": 2.0, "undefined method": 2.0,
            "missing field": 1.0, "schema mismatch": 1.5, "crash on startup": 1.5, "new endpoint": 1.0,
            "index out of range": 2.0, "out of bounds": 2.0, "indexoutofboundsexception": 2.0, "indexerror": 2.0,
            "illegalargumentexception": 1.5, "illegalstateexception": 1.5, "unhandled exception": 1.5,
            "uncaught exception": 1.5, "unhandled promise rejection": 1.5, "runtime error": 1.5,
        },
        contradicts={"no deploy": 2.5, "no deploys": 2.5, "nothing deployed": 2.5, "no code change": 2.5,
                     "binary did not change": 2.5, "no release": 2.5, "before the deploy": 2.0},
        changes=(ChangeSignal("deployment", 3.5, _DEPLOY_HALF_LIFE),
                 ChangeSignal("dependency_update", 2.0, _DEPLOY_HALF_LIFE * 2)),
        needs_change=True,
    ),
    CauseEntry(
        cause="config_change",
        label="a configuration change",
        claim="A configuration change on {service} causes {symptom}",
        change_claim="{change} caused {symptom}",
        description="A setting, feature flag or routing/infrastructure configuration changed without a code "
                    "deployment; the symptoms begin right after the change and reverting the setting fixes them.",
        supports={
            "config": 1.5, "configuration": 1.5, "config change": 2.5, "configuration change": 2.5, "setting": 1.5,
            "settings": 1.5, "feature flag": 2.5, "flag": 1.5, "toggle": 1.5, "toggled": 1.5, "enabled": 0.5,
            "environment variable": 2.0, "env var": 2.0, "consul kv": 2.0, "parameter": 1.0, "parameter store": 1.5,
            "changed from": 2.0, "pushed": 1.0, "misconfiguration": 3.0, "misconfigured": 3.0,
            "typo": 1.5, "helm values": 2.0, "routing config": 2.5, "route config": 2.5, "timeout setting": 2.0,
            "limit setting": 2.0, "allowlist": 1.5, "denylist": 1.5, "terraform": 1.0, "rule": 0.5, "iam policy": 2.0,
            "launchdarkly": 2.0, "flag flip": 2.5, "flipped": 1.5, "kill switch": 2.0, "configmap": 2.0,
            "values.yaml": 2.0, "nginx.conf": 2.0, "waf rule": 2.0, "firewall rule": 1.5, "cors": 1.5,
            "wrong value": 2.0, "parameter group": 2.0, "ssm parameter": 2.0, "appconfig": 2.0, "accessdenied": 1.5,
            "access denied": 1.5, "secret rotated": 1.5, "rotated": 1.0, "override": 1.0, "set to": 1.0,
        },
        contradicts={"no config change": 2.5, "config unchanged": 2.5, "nothing changed": 1.5,
                     "no infra changes": 1.5, "no changes": 1.5},
        changes=(ChangeSignal("config_change", 3.5, _CONFIG_HALF_LIFE),
                 ChangeSignal("feature_flag", 3.5, _CONFIG_HALF_LIFE),
                 ChangeSignal("infrastructure", 1.5, _CONFIG_HALF_LIFE)),
        needs_change=True,
    ),
    CauseEntry(
        cause="connection_pool_exhaustion",
        label="connection pool exhaustion",
        claim="The database connection pool of {service} is exhausted: requests wait for a connection, causing "
              "{symptom}",
        description="Every connection of the client pool (or the database's connection limit) is in use: requests "
                    "queue for a connection and time out while the database itself is often idle. Leaked "
                    "connections, long transactions or more instances than the limit allows are typical causes.",
        supports={
            "connection pool": 3.0, "pool exhausted": 3.0, "pool exhaustion": 3.0, "pool": 1.0, "hikari": 3.0,
            "hikaripool": 3.0, "hikaricp": 3.0, "queuepool": 3.0, "queue pool": 3.0,
            "connection is not available": 3.0, "too many clients": 3.0, "too many connections": 3.0,
            "max connections": 2.5, "max_connections": 2.5, "connection limit": 2.5, "remaining connection slots": 3.0,
            "connection slots": 2.5, "pgbouncer": 1.5, "pending threads": 2.5, "waiting for a connection": 2.5,
            "wait for a connection": 2.5, "pool size": 2.5, "connection leak": 3.0, "leaked connection": 3.0,
            "active connections": 1.5, "database connections": 2.0, "connections maxed": 2.0, "connections": 1.0,
            "connection timed out": 0.5, "acquire connection": 2.5, "unable to acquire": 2.0, "overflow": 1.0,
            "could not obtain a connection": 3.0, "connectiontimeouterror": 2.0, "pool timeout": 3.0,
            "pooltimeout": 3.0, "timeout waiting for idle object": 3.0, "pool error": 2.5, "pool full": 3.0,
            "connection pool full": 3.0, "max_client_conn": 3.0, "no more connections allowed": 3.0,
            "timeout acquiring connection": 3.0, "connections at max": 2.5, "connection starvation": 3.0,
            "idle in transaction": 2.0, "connection count": 1.5,
        },
        metrics={"hikaricp_pending_threads": 2.5, "pg_stat_activity": 2.0, "DatabaseConnections": 2.0,
                 "ConnectionsNearMax": 2.5, "numbackends": 2.0},
        changes=(ChangeSignal("scaling", 1.0, 120.0), ChangeSignal("deployment", 0.5, 120.0)),
    ),
    CauseEntry(
        cause="slow_queries",
        label="slow database queries",
        claim="Slow database queries behind {service} cause {symptom}",
        description="Queries take far longer than usual (a missing or unused index, a plan change after data "
                    "growth, lock waits, a heavy batch job): requests hold connections and time out while the "
                    "database works through scans.",
        supports={
            "slow query": 3.0, "slow queries": 3.0, "slow log": 2.5, "slow query log": 3.0, "query": 1.0,
            "seq scan": 3.0, "sequential scan": 3.0, "full table scan": 3.0, "table scan": 3.0, "missing index": 3.0,
            "index not used": 3.0, "index is not used": 3.0, "index": 1.5, "explain": 2.0, "explain analyze": 2.5,
            "pg_stat_statements": 2.5, "lock wait": 2.5, "lock wait timeout": 3.0, "deadlock": 2.0, "locks": 1.5,
            "query plan": 2.5, "planner": 2.0, "nested loop": 1.5, "rows": 0.5, "execution time": 1.5,
            "read latency": 1.5, "write latency": 1.0, "vacuum": 1.5, "long running query": 2.5,
            "long-running query": 2.5, "table bloat": 2.0, "n+1": 2.0, "database cpu": 1.5, "db cpu": 1.5,
            "backfill": 1.0, "reconciliation job": 1.0, "batch job": 0.5, "analyze": 1.0, "statistics": 1.0,
            "slow sql": 3.0, "statement timeout": 3.0, "canceling statement due to statement timeout": 3.0,
            "query timeout": 2.5, "full scan": 2.5, "collscan": 3.0, "lock contention": 2.5, "table lock": 2.5,
            "blocking queries": 2.5, "blocked queries": 2.5, "orm": 1.0, "join": 1.0, "autovacuum": 1.5,
            "performance insights": 2.0, "top sql": 2.5, "db load": 1.5, "database load": 1.5, "sql": 1.0,
            "query latency": 2.5, "queries slow": 2.5, "slow database": 2.0, "index scan": 1.5,
        },
        metrics={"ReadLatency": 1.5, "WriteLatency": 1.0, "mysql_global_status_slow_queries": 2.5,
                 "SlowQueries": 2.5},
        contradicts={"database idle": 1.5, "queries fast": 2.0},
        changes=(ChangeSignal("deployment", 0.5, 240.0), ChangeSignal("dependency_update", 0.3, 240.0)),
    ),
    CauseEntry(
        cause="memory_leak",
        label="a memory leak",
        claim="A memory leak in {service} exhausts its memory (OOM kills, GC pauses), causing {symptom}",
        description="Memory use grows without returning to its baseline until the process hits its limit: OOM "
                    "kills or long garbage-collection pauses, restarts every few hours, often after a change in "
                    "code or a library days earlier.",
        supports={
            "memory leak": 3.0, "leak": 2.0, "leaks": 2.0, "leaking": 2.0, "oom": 2.5, "oom killed": 3.0,
            "out of memory": 3.0, "outofmemoryerror": 3.0, "out of memory error": 3.0, "java heap space": 3.0,
            "heap": 1.5, "heap dump": 2.0, "gc overhead": 2.5, "gc overhead limit exceeded": 3.0, "gc pause": 1.5,
            "full gc": 1.5, "old gen": 2.0, "exit code 137": 2.5, "memory": 1.0, "memory usage": 1.5,
            "memory grows": 2.5, "never returns to baseline": 2.5, "sawtooth": 1.5, "rss": 1.5,
            "max memory used": 2.0, "never evicted": 2.0, "never freed": 2.5, "never released": 2.5,
            "signal killed": 1.5, "working set": 1.0, "runtime.outofmemory": 3.0, "climbs": 1.0, "grows": 1.0,
            "restarts every": 1.5, "memory pressure": 1.5, "memory limit": 1.5,
            "oom-killer": 3.0, "oom killer": 3.0, "killed process": 2.0, "memoryerror": 3.0,
            "heap out of memory": 3.0, "reached heap limit": 3.0, "memory keeps growing": 3.0,
            "memory creeping": 2.5, "memory climbing": 2.5, "heap usage": 2.0, "gc thrashing": 2.5,
            "exceeded memory limit": 2.5, "low on resource memory": 2.0, "memory highpct": 2.0, "heap highpct": 2.0,
            "memory 90%": 2.0, "heap 90%": 2.0, "memory usage 90%": 2.0,
        },
        metrics={"container_memory_working_set_bytes": 2.0, "jvm_memory_used_bytes": 2.0, "MemoryNearLimit": 2.0,
                 "JvmHeapUsage": 2.0, "ContainerMemory": 1.5},
        contradicts={"memory stable": 2.0, "memory flat": 2.0, "memory 30%": 2.0, "memory usage 30%": 2.0,
                     "heap 30%": 2.0},
        changes=(ChangeSignal("deployment", 0.8, 4320.0), ChangeSignal("dependency_update", 1.0, 10080.0)),
    ),
    CauseEntry(
        cause="cpu_saturation",
        label="CPU saturation",
        claim="The CPU of {service} is saturated or throttled, causing {symptom}",
        description="The service's CPUs are at their limit (a hot code path, a pathological regex, exhausted burst "
                    "credits, a throttling quota) while request volume is ordinary: work queues on the CPU and "
                    "latency grows.",
        supports={
            "cpu": 1.5, "cpu pegged": 3.0, "pegged": 2.0, "cpu throttling": 2.5,
            "throttled periods": 2.5, "load average": 2.0, "load avg": 2.0, "load1": 2.0, "cpu credit": 3.0,
            "cpu credits": 3.0, "burst credits": 2.5, "hot loop": 2.5, "busy loop": 2.5, "infinite loop": 2.5,
            "catastrophic backtracking": 3.0, "backtracking": 2.5, "regex": 1.0, "profiler": 1.0,
            "flame graph": 0.5, "cores": 1.0, "vcpu": 1.0, "saturated": 1.5, "saturation": 1.5,
            "cpu bound": 3.0, "cpu-bound": 3.0, "nodes hot": 1.5, "hashing": 1.0, "bcrypt": 1.0,
            "cpu high": 1.5, "high cpu": 1.5, "cpu 90%": 2.5, "90% cpu": 2.5, "cpu usage 90%": 2.5,
            "cpu utilization 90%": 2.5, "cpu maxed": 3.0, "cpu spike": 2.5, "cpu usage": 1.5, "cpu utilization": 1.5,
            "steal time": 2.0, "cpu steal": 2.5, "noisy neighbor": 1.5, "noisy neighbour": 1.5, "tight loop": 2.5,
            "hot path": 1.5, "compute": 0.5, "high load": 1.0,
        },
        metrics={"CPUThrottlingHigh": 2.5, "CPUCreditBalance": 3.0, "node_cpu_seconds_total": 2.0,
                 "CPUUtilization": 1.5, "HostHighCpuLoad": 2.0},
        contradicts={"cpu normal": 2.0, "cpu low": 2.0, "cpu fine": 2.0, "low cpu": 2.0, "cpu 30%": 2.0,
                     "cpu usage 30%": 2.0, "cpu utilization 30%": 2.0, "cpuutilization 30%": 2.0},
        changes=(ChangeSignal("deployment", 0.5, 240.0), ChangeSignal("scaling", 0.5, 120.0)),
    ),
    CauseEntry(
        cause="disk_full",
        label="a full disk",
        claim="A full disk on {service} makes its writes fail, causing {symptom}",
        description="A filesystem or volume the service writes to has no space (or inodes) left: writes fail with "
                    "ENOSPC, databases stop accepting writes, search indices go read-only. Logs, WAL, temporary "
                    "files or images that are never cleaned up are the usual reasons.",
        supports={
            "no space left on device": 3.0, "no space left": 3.0, "enospc": 3.0, "errno 28": 3.0, "disk full": 3.0,
            "disk": 1.5, "disk usage": 2.0, "filesystem": 1.5, "out of disk": 3.0, "volume full": 2.5,
            "disk watermark": 3.0, "watermark": 2.0, "flood stage": 2.5, "read-only": 1.0, "read only": 1.0,
            "free storage space": 2.5, "storage": 1.0, "inode": 2.5, "inodes": 2.5, "wal": 1.0, "pg_wal": 1.5,
            "log volume": 1.5, "out of space": 2.5, "almost out of space": 2.5, "space": 1.0, "prune": 1.0,
            "pruned": 1.0, "retention": 1.0, "could not write": 1.5, "replication slot": 1.0,
            "no space": 2.5, "disk pressure": 3.0, "ephemeral storage": 2.5, "logrotate": 2.0, "log rotation": 2.0,
            "storage full": 3.0, "tablespace": 1.5, "could not extend file": 3.0, "disk 90%": 2.5,
            "disk usage 90%": 2.5, "volume 90%": 2.0, "filesystem 90%": 2.5, "storage 90%": 2.0, "ebs volume": 1.0,
            "read-only-allow-delete": 3.0, "cluster_block_exception": 2.5, "high disk watermark": 3.0,
        },
        metrics={"NodeFilesystemAlmostOutOfSpace": 3.0, "node_filesystem_avail_bytes": 2.5,
                 "FreeStorageSpace": 2.5, "DiskUsage": 2.5, "disk_used_percent": 2.5},
        contradicts={"disk fine": 2.0, "disk space fine": 2.0, "disk 30%": 2.0, "disk usage 30%": 2.0},
    ),
    CauseEntry(
        cause="expired_certificate",
        label="an expired certificate",
        claim="An expired TLS certificate makes the handshakes of {service} fail, causing {symptom}",
        description="A TLS certificate (the service's own, a client certificate or an intermediate CA) passed its "
                    "expiry, usually after a failed automatic renewal: handshakes fail with x509/SSL errors from "
                    "one moment to the next, often at midnight UTC.",
        supports={
            "certificate": 2.0, "certificate has expired": 3.0, "certificate expired": 3.0, "expired": 1.5,
            "expiry": 1.5, "expires": 1.0, "x509": 2.5, "ssl": 1.5, "tls": 1.5, "handshake": 2.0,
            "certificate verify failed": 3.0, "certificate_verify_failed": 3.0, "ssl certificate problem": 3.0,
            "certificate manager": 2.0, "cert-manager": 2.0, "renewal": 1.5, "renew": 1.5, "not yet valid": 2.5,
            "intermediate ca": 2.0, "letsencrypt": 2.0, "let's encrypt": 2.0, "pkix": 2.5, "mtls": 1.5,
            "sslhandshakeexception": 3.0, "ssl handshake": 2.5, "self signed": 1.5, "acm": 1.0,
            "err_cert_date_invalid": 3.0, "certificate date invalid": 3.0, "certbot": 2.0, "keystore": 1.5,
            "truststore": 1.5, "unable to get local issuer certificate": 3.0, "issuer": 1.0,
            "pkix path building failed": 3.0, "handshake failure": 2.5, "bad certificate": 2.5, "javax.net.ssl": 1.5,
            "secure connection": 1.5, "midnight": 1.0, "certpathvalidatorexception": 3.0, "validity period": 2.0,
        },
        metrics={"probe_ssl_earliest_cert_expiry": 3.0, "SslCertExpired": 3.0, "DaysToExpiry": 2.5,
                 "CertificateExpiry": 3.0},
    ),
    CauseEntry(
        cause="dns_failure",
        label="a DNS failure",
        claim="Name resolution is failing for {service}, so its calls cannot find their targets, causing {symptom}",
        description="Lookups fail or time out (NXDOMAIN, SERVFAIL, no such host): the resolver (CoreDNS, "
                    "node-local DNS, a VPC resolver) is overloaded or down, or a record or zone was changed or "
                    "deleted.",
        supports={
            "dns": 2.5, "nxdomain": 3.0, "servfail": 3.0, "no such host": 3.0, "enotfound": 3.0, "getaddrinfo": 2.5,
            "eai_again": 2.5, "could not resolve": 2.5, "can't resolve": 2.5, "cannot resolve": 2.5,
            "unable to resolve": 2.5, "failed to resolve": 2.5, "resolve": 1.5, "resolution": 1.5, "resolver": 2.0,
            "lookup": 1.5, "coredns": 2.5, "kube-dns": 2.5, "route53": 2.0, "route 53": 2.0, "hosted zone": 2.0,
            "resolv.conf": 2.0, "ndots": 2.5, "name resolution": 3.0, "temporary failure in name resolution": 3.0,
            "unknownhostexception": 3.0, "unknown host": 3.0, "dns record": 2.5, "cname": 2.0, "ttl": 1.0,
            "name or service not known": 3.0, "nameserver": 2.5, "name server": 2.5, "registrar": 2.0,
            "propagation": 1.0, "dial tcp lookup": 2.5, "domain": 0.5,
        },
        metrics={"coredns_dns_responses_total": 2.5, "CoreDNSErrors": 2.5, "DNSQueryFailures": 2.5},
        changes=(ChangeSignal("infrastructure", 0.8, 60.0), ChangeSignal("config_change", 0.5, 60.0)),
    ),
    CauseEntry(
        cause="dependency_outage",
        label="a dependency outage",
        claim="An outage of a third-party or cloud service that {service} depends on causes {symptom}",
        description="A third-party or cloud service the service calls is failing (5xx, connection errors, a "
                    "status-page incident) while the service's own resources and traffic are normal.",
        supports={
            "third party": 2.0, "third-party": 2.0, "provider": 1.0, "vendor": 1.5, "status page": 2.5,
            "upstream": 1.0, "external api": 2.0, "outage": 1.0, "aws health": 2.5, "health dashboard": 2.5,
            "service unavailable": 1.5, "503": 0.5, "bad gateway": 1.0, "502": 0.5, "degraded performance": 2.5,
            "degraded": 1.5, "incident on their side": 2.5, "their side": 2.0, "api connection error": 2.0,
            "apiconnectionerror": 2.0, "payment provider": 2.0, "partner api": 1.5, "internal error": 1.0,
            "internalerror": 1.0, "stripe": 1.0, "sendgrid": 1.0, "twilio": 0.5, "paypal": 1.0, "adyen": 1.0,
            "github": 0.5, "okta": 1.0, "auth0": 1.0, "s3": 0.5, "their status page": 2.5,
            "confirms an incident": 2.5, "increased error rates": 2.0, "dependency": 1.0,
            "external": 1.0, "saas": 1.5, "their end": 2.5, "their api": 2.0, "vendor confirmed": 3.0,
            "upstream service": 1.5, "api down": 1.5, "aws outage": 3.0, "region outage": 2.5,
            "provider outage": 3.0, "payment gateway": 1.5, "psp": 1.5, "partner": 1.0, "down for everyone": 2.0,
            "service health dashboard": 2.5, "downstream provider": 2.0, "connection refused": 1.5,
            "econnrefused": 1.5,
        },
        metrics={"ExternalApiErrors": 2.0, "ProviderErrors": 2.0, "UpstreamErrors": 1.5},
        contradicts={"status page is green": 3.0, "status page green": 3.0, "status page ok": 3.0},
    ),
    CauseEntry(
        cause="traffic_spike",
        label="a traffic spike",
        claim="A traffic spike on {service} beyond its capacity causes {symptom}",
        description="Request volume jumped far above its usual level (a campaign, an on-sale, a crawler or bot, a "
                    "retry storm): autoscaling is at its maximum and every resource saturates at once.",
        supports={
            "traffic spike": 3.0, "spike in traffic": 3.0, "spike": 1.0, "traffic": 1.0, "rps": 1.5,
            "requests per second": 1.5, "request rate": 1.5, "request volume": 1.5, "volume": 0.5, "arrivals": 0.5,
            "campaign": 2.0, "marketing": 1.5, "tv ad": 2.0, "black friday": 2.5, "flash sale": 2.5,
            "launch": 1.0, "viral": 2.0, "crawler": 2.5, "bot": 2.0, "bots": 2.0,
            "scraper": 2.5, "scraping": 2.5, "ddos": 3.0, "max replicas": 2.0, "hpa": 1.0, "maxed out": 0.5,
            "autoscaling": 1.0, "waiting room": 2.0, "surge": 2.5, "load test": 2.0, "baseline": 0.5,
            "hammering": 2.0, "retry storm": 2.5, "users": 0.5,
            "influx": 2.5, "qps": 1.5, "peak": 1.0, "promo": 1.5, "promotion": 1.5, "newsletter": 2.0,
            "push notification": 2.0, "hacker news": 2.0, "front page": 1.5, "concurrent users": 1.5,
            "load spike": 3.0, "request spike": 3.0, "spike in requests": 3.0, "traffic surge": 3.0,
            "capacity": 1.0, "unexpected load": 2.5, "heavy load": 1.5, "10x": 1.5, "sale": 1.5,
            "featured on": 2.0, "tv": 1.0, "television": 1.5, "press coverage": 2.0,
        },
        metrics={"HighRequestRate": 2.5, "RequestRateAnomaly": 2.5, "HPAMaxedOut": 2.0, "RequestCount": 1.5},
        contradicts={"traffic normal": 2.5, "normal traffic": 2.5, "traffic is normal": 2.5, "traffic flat": 2.5,
                     "traffic is flat": 2.5, "volume normal": 2.5, "volume is normal": 2.5,
                     "rate unchanged": 2.5, "traffic unchanged": 2.5, "no traffic increase": 2.5},
        changes=(ChangeSignal("scaling", 0.3, 60.0),),
    ),
    CauseEntry(
        cause="upstream_rate_limiting",
        label="rate limiting by an upstream",
        claim="An upstream API is rate-limiting the calls of {service} (quota exceeded), causing {symptom}",
        description="A provider or cloud API refuses calls beyond a quota (HTTP 429, throttling exceptions, "
                    "secondary rate limits): a batch job, a retry loop or organic growth pushed the service over "
                    "its limit.",
        supports={
            "rate limit": 3.0, "rate limited": 3.0, "rate limiting": 3.0, "ratelimit": 3.0, "429": 2.5,
            "too many requests": 3.0, "throttled": 1.5, "throttling": 1.5, "throttle": 1.5, "quota": 2.0,
            "quota exceeded": 3.0, "provisioned throughput exceeded": 3.0,
            "provisionedthroughputexceededexception": 3.0, "throttlingexception": 3.0, "throttling exception": 3.0,
            "throttle events": 2.5, "throttled requests": 2.5, "slow down": 1.5, "slowdown": 1.5,
            "reduce your request rate": 3.0, "secondary rate limit": 3.0, "api limit": 2.0,
            "backoff": 1.0, "per second limit": 2.0, "messages-per-second limit": 2.5,
            "requestlimitexceeded": 3.0, "request limit exceeded": 3.0,
            "rate exceeded": 3.0, "ratelimit remaining": 2.5, "limit exceeded": 2.0, "burst limit": 2.0,
            "concurrency limit": 2.0, "api quota": 2.5, "usage plan": 2.0, "retry after": 2.0,
        },
        metrics={"WriteThrottleEvents": 2.5, "ReadThrottleEvents": 2.5, "ThrottledRequests": 2.5,
                 "Http429": 2.5},
        contradicts={"cpu throttling": 1.5, "cpu throttled": 1.5, "throttled periods": 1.5},
    ),
    CauseEntry(
        cause="cache_failure",
        label="a cache failure",
        claim="The cache in front of {service} failed or was emptied, so every read hits the backing store, "
              "causing {symptom}",
        description="The cache layer (Redis, Memcached, a CDN) is down, unreachable, flushed or evicting: the hit "
                    "ratio collapses and the database or origin behind it takes the full read load.",
        supports={
            "cache": 2.0, "caching": 1.0, "redis": 2.0, "memcached": 2.0, "elasticache": 2.0, "hit ratio": 2.5,
            "hit rate": 2.5, "cache miss": 2.5, "cache misses": 2.5, "misses": 1.0, "eviction": 1.5,
            "evictions": 1.5, "evicted": 1.0, "stampede": 3.0, "thundering herd": 2.5, "flushall": 3.0,
            "flushdb": 3.0, "flushed": 2.0, "flush": 1.5, "cold cache": 3.0, "cache hit": 2.0, "get_hits": 2.0,
            "failover": 1.0, "failed over": 1.0, "keyspace": 1.0, "cdn": 1.0, "every miss": 2.0,
            "every read goes": 2.0, "dogpile": 3.0, "cache invalidation": 2.5, "invalidation": 1.5,
            "maxmemory": 2.5, "clusterdown": 3.0, "varnish": 1.5, "cloudfront": 1.0, "cache cluster": 2.5,
            "cache node": 2.5, "cache warming": 2.0, "warm up": 0.5, "hit rate 30%": 3.0, "hit ratio 30%": 3.0,
            "cache hit rate 30%": 3.0, "cache hit ratio 30%": 3.0,
        },
        metrics={"CacheHitRate": 2.5, "CacheHitRateLow": 2.5, "redis_keyspace_misses_total": 2.5,
                 "Evictions": 1.5, "CacheMisses": 2.5},
        changes=(ChangeSignal("infrastructure", 1.0, 60.0),),
    ),
    CauseEntry(
        cause="queue_backlog",
        label="a queue backlog",
        claim="Messages for {service} are piling up in its queue faster than consumers process them, causing "
              "{symptom}",
        description="Consumers fall behind a queue or stream (too few or stuck workers, rebalancing loops, poison "
                    "messages, a visibility timeout shorter than the work): the oldest message ages and downstream "
                    "views go stale.",
        supports={
            "backlog": 3.0, "consumer lag": 3.0, "lag": 2.0, "queue depth": 2.5, "queue": 1.5, "sqs": 1.5,
            "kafka": 0.5, "consumer": 1.5, "consumers": 1.5, "consumer group": 2.0, "oldest message": 3.0,
            "dlq": 2.0, "dead letter": 2.0, "dead-letter": 2.0, "rebalancing": 2.0, "rebalance": 2.0,
            "max poll interval": 2.5, "max.poll.interval.ms": 2.5, "workers": 1.0, "stale": 1.0,
            "piling up": 1.5, "unprocessed": 2.0, "visibility timeout": 2.0, "inflight": 1.0, "poison": 2.0,
            "messages": 1.0, "delayed": 0.5, "processing time": 1.0, "reprocessed": 1.5,
            "rabbitmq": 1.5, "unacked": 2.0, "messages ready": 2.0, "celery": 1.5, "sidekiq": 1.5,
            "job queue": 2.0, "jobs piling": 2.0, "queue growing": 2.5, "queue size": 2.5, "queue length": 2.5,
            "kinesis": 1.0, "iterator age": 2.5, "processing delay": 2.0, "behind": 1.0, "not draining": 2.5,
            "drain": 1.0, "stuck jobs": 1.5, "stuck workers": 1.5, "partition lag": 3.0,
        },
        metrics={"ApproximateAgeOfOldestMessage": 3.0, "ApproximateNumberOfMessagesVisible": 2.5,
                 "kafka_consumergroup_lag": 3.0, "KafkaConsumerLag": 3.0, "IteratorAge": 2.5},
        changes=(ChangeSignal("scaling", 0.5, 120.0),),
    ),
    CauseEntry(
        cause="network_partition",
        label="a network partition",
        claim="A network partition cuts {service} off from the systems it talks to, causing {symptom}",
        description="Part of the network cannot reach another part (an AZ link, a switch or rack, a route table, "
                    "a security group or peering change): timeouts and connection resets between specific hosts "
                    "or zones while each side looks healthy on its own; clusters lose quorum.",
        supports={
            "network partition": 3.0, "partition": 1.0, "split brain": 3.0, "split-brain": 3.0,
            "packet loss": 3.0, "packets dropped": 2.5, "dropped packets": 2.5, "unreachable": 2.0,
            "quorum": 2.5, "lost quorum": 3.0, "no cluster leader": 3.0, "no leader": 2.5,
            "connection reset": 1.5, "connection reset by peer": 2.0, "i/o timeout": 1.5,
            "cross-az": 2.5, "cross az": 2.5, "inter-az": 2.5, "between the two zones": 2.5, "zone": 1.0,
            "availability zone": 1.5, "vpc": 1.0, "flow logs": 1.5, "transit gateway": 2.5, "route table": 1.0,
            "security group": 1.5, "nacl": 2.0, "switch": 1.5, "tor switch": 2.5, "rack": 1.5, "network": 1.5,
            "connectivity": 2.0, "could not be established": 1.5, "no route to host": 3.0, "ehostunreach": 3.0,
            "peering": 2.0, "mtu": 2.0, "isolated": 1.5, "same-az": 1.5, "same az": 1.5,
            "vpn": 2.0, "vpn tunnel": 2.5, "direct connect": 2.5, "bgp": 2.5, "nat gateway": 2.0, "subnet": 1.0,
            "firewall": 1.0, "network outage": 3.0, "network issue": 2.5, "network issues": 2.5, "link down": 2.5,
            "router": 1.5, "inter-region": 2.0, "cross-region": 2.0, "cannot reach": 1.5,
            "can't reach": 1.5, "heartbeat": 1.5, "leader election": 2.0, "lost contact": 2.0,
            "failed to ping": 2.0, "mtr": 2.0, "traceroute": 2.0, "retransmits": 2.5, "retransmissions": 2.5,
            "tcp retransmit": 2.5, "loss": 1.5, "master not discovered": 2.5, "not reachable": 2.0,
        },
        metrics={"InterAZPacketLoss": 3.0, "NodeUnreachable": 2.0, "ConsulNoLeader": 2.5, "PacketLoss": 3.0},
        changes=(ChangeSignal("infrastructure", 1.5, 60.0),),
    ),
)

PRODUCES: Mapping[str, tuple[str, ...]] = {
    "connection_pool_exhaustion": ("queue_backlog",),
    "slow_queries": ("connection_pool_exhaustion", "cpu_saturation", "queue_backlog"),
    "memory_leak": ("cpu_saturation", "dependency_outage"),  # a service that keeps crashing is down to its callers
    "cpu_saturation": ("queue_backlog",),
    "disk_full": ("slow_queries", "queue_backlog"),
    "expired_certificate": ("dependency_outage",),
    "dns_failure": ("dependency_outage", "network_partition", "cache_failure", "connection_pool_exhaustion",
                    "queue_backlog"),
    "dependency_outage": ("connection_pool_exhaustion", "queue_backlog"),
    "traffic_spike": ("cpu_saturation", "connection_pool_exhaustion", "slow_queries", "queue_backlog",
                      "upstream_rate_limiting"),
    "upstream_rate_limiting": ("dependency_outage", "queue_backlog"),
    "cache_failure": ("slow_queries", "cpu_saturation", "connection_pool_exhaustion"),
    "network_partition": ("dependency_outage", "dns_failure", "connection_pool_exhaustion", "queue_backlog"),
}
"""Cause -> the classes whose symptoms it commonly produces downstream (a DNS failure fills queues and looks like
a dependency outage to callers; a cache failure sends its reads to a database that then queries slowly and runs
out of connections). When both a cause and a class it produces have evidence, the cause explains some of the
other's (the engine's `explained`): the symptom's evidence is read as the cause's effect, not as a second root.
Where two classes each produce the other's signs (a partition makes DNS time out; failed lookups read as hosts
that cannot be reached), both lose the same, so their own evidence orders them."""

CATALOGUE_BY_CAUSE: Mapping[str, CauseEntry] = {entry.cause: entry for entry in CATALOGUE}

assert tuple(entry.cause for entry in CATALOGUE) == CAUSE_CLASSES, "the catalogue covers CAUSE_CLASSES, in order"
