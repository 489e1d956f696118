"""What to do about each cause class (opsdesk.analysis.evidence.CAUSE_CLASSES): the steps an on-call engineer
takes first, most urgent first. Data only; the response module turns the most likely causes' steps into suggested
actions (opsdesk.response.analysis)."""

from __future__ import annotations

from collections.abc import Mapping

Step = tuple[str, str]
"""(title, description)."""

REMEDIATION: Mapping[str, tuple[Step, ...]] = {
    "bad_deploy": (
        ("Roll back the latest deployment", "Redeploy the last version that was healthy; confirm the error rate "
                                            "drops within minutes."),
        ("Halt further rollouts", "Pause the pipeline and any canary promotion until the cause is understood."),
        ("Diff the release", "Compare the bad and the healthy version: code, dependencies, migrations, config."),
    ),
    "config_change": (
        ("Revert the configuration change", "Restore the previous value of the setting, flag or variable that "
                                            "changed before the errors started."),
        ("Audit recent config changes", "List every change to settings, flags and secrets in the last hours and who "
                                        "made it."),
        ("Add validation for the setting", "Guard the value with a check or a staged rollout so it cannot reach "
                                           "production unverified again."),
    ),
    "connection_pool_exhaustion": (
        ("Relieve the connection pool", "Restart or scale the callers holding connections; raise the pool size "
                                        "only within the database's max_connections."),
        ("Find leaked or long-held connections", "Inspect active sessions (pg_stat_activity, SHOW PROCESSLIST) for "
                                                 "idle-in-transaction and slow holders."),
        ("Set acquisition timeouts", "Bound how long a request waits for a connection so the service sheds load "
                                     "instead of hanging."),
    ),
    "slow_queries": (
        ("Find and stop the expensive queries", "Look at the slowest running queries and locks; cancel runaways."),
        ("Add the missing index or fix the plan", "Check EXPLAIN for sequential scans and lock waits on the hot "
                                                   "queries."),
        ("Shed or cache read load", "Serve repeated reads from a cache or a replica while the query is fixed."),
    ),
    "memory_leak": (
        ("Restart the affected instances", "A rolling restart buys time; watch whether memory climbs again."),
        ("Capture a heap profile", "Take a heap dump or profile before the next restart to find what grows."),
        ("Raise memory limits temporarily", "Give headroom while the leak is fixed, with an alert on growth rate."),
    ),
    "cpu_saturation": (
        ("Scale out the saturated service", "Add instances or raise CPU limits to end throttling."),
        ("Profile the hot code path", "Take a CPU profile to find the function or request type burning CPU."),
        ("Throttle the heaviest callers", "Rate-limit or defer expensive requests and batch jobs."),
    ),
    "disk_full": (
        ("Free disk space", "Remove or rotate logs, temporary files and old artifacts on the full volume."),
        ("Expand the volume", "Grow the disk or move data to a larger volume."),
        ("Fix retention and alerting", "Set log rotation and retention, and alert before the disk fills."),
    ),
    "expired_certificate": (
        ("Renew and deploy the certificate", "Issue a new certificate and reload every endpoint that serves it."),
        ("Check the renewal automation", "Find why automatic renewal (cert-manager, ACM, ACME) did not run."),
        ("Alert on expiry dates", "Monitor days to expiry of every certificate, well ahead of time."),
    ),
    "dns_failure": (
        ("Check the resolvers and records", "Query the failing names against the resolvers in use; look for "
                                            "NXDOMAIN, SERVFAIL and timeouts."),
        ("Restore resolution", "Restart or scale the cluster DNS, fix the record, or fail over to another "
                               "resolver."),
        ("Cache and retry lookups", "Tune DNS caching and retries in clients so a resolver blip is not an "
                                    "outage."),
    ),
    "dependency_outage": (
        ("Confirm the dependency's status", "Check its status page and its health from several places."),
        ("Degrade gracefully", "Open circuit breakers, serve cached or reduced responses, queue work for later."),
        ("Fail over if possible", "Switch to a secondary provider or region while the dependency recovers."),
    ),
    "traffic_spike": (
        ("Scale out to absorb the load", "Add capacity to the saturated tiers and raise autoscaling limits."),
        ("Identify the traffic source", "Find whether the surge is real users, a client retry storm or a bot."),
        ("Rate-limit or block abusive traffic", "Apply per-client limits or WAF rules to the offending source."),
    ),
    "upstream_rate_limiting": (
        ("Back off calls to the upstream", "Honour Retry-After, add jittered backoff and cut concurrency."),
        ("Request a higher quota", "Ask the provider for a limit increase or spread calls across keys."),
        ("Cache and batch upstream calls", "Avoid repeated requests for the same data."),
    ),
    "cache_failure": (
        ("Restore the cache", "Restart or fail over the cache cluster and check its memory and evictions."),
        ("Protect the backing store", "Limit concurrent cache refills (request coalescing) to stop a stampede."),
        ("Warm the cache", "Pre-load the hottest keys before sending full traffic back."),
    ),
    "queue_backlog": (
        ("Scale the consumers", "Add consumers or partitions so the backlog drains faster than it grows."),
        ("Find the stuck or poison messages", "Check consumer errors and the dead-letter queue."),
        ("Slow the producers", "Throttle non-urgent producers until the lag recovers."),
    ),
    "network_partition": (
        ("Route around the broken path", "Drain the affected zone or link and send traffic to healthy ones."),
        ("Check network health", "Inspect packet loss, security groups, routes and peering between the sides."),
        ("Verify data consistency", "After connectivity returns, check replicas and queues for split-brain writes."),
    ),
}
