"""`GET /metrics`: Prometheus text exposition format 0.0.4 (docs/decisions.md, Helpdesk).

The route has no auth, so it reports only what is true of the platform as a whole and says nothing about any
tenant: build information, the serving process (each Lambda instance is a process; a scrape reaches one of
them, so process counters are per instance, as for any horizontally scaled service), and the scheduled SLA
check's platform-wide record (runs, last run, breaches recorded per kind: counts only, no tenant, no ticket).
Per-tenant figures are served to agents by `/metrics/sla`, `/metrics/resolution` and `/metrics/tickets`.
"""

from __future__ import annotations

import math
import os
import platform
import resource
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from opsdesk.helpdesk.sla import SLA_KINDS

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MetricType = Literal["counter", "gauge", "untyped"]
PROCESS_START = time.time()
"""When this module was imported: the function instance's cold start, to the precision that matters."""


@dataclass(frozen=True)
class Sample:
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricFamily:
    name: str
    type: MetricType
    help: str
    samples: tuple[Sample, ...]


@dataclass(frozen=True)
class SlaCheckStats:
    """The scheduled breach check's platform-wide record (one item, updated at the end of every run)."""

    runs: int
    last_run_at: float
    """Epoch seconds of the last completed run."""
    last_duration_seconds: float
    breaches: Mapping[str, int]
    """Breaches recorded, by SLA kind (first_response, resolution), since the first run."""


def escape_label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def format_value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def render(families: Iterable[MetricFamily]) -> str:
    """The exposition text: `# HELP`, `# TYPE`, then one line per sample; a newline ends the last line."""
    lines: list[str] = []
    for family in families:
        lines.append(f"# HELP {family.name} {escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.type}")
        for sample in family.samples:
            labels = ",".join(f'{name}="{escape_label_value(value)}"' for name, value in sorted(sample.labels.items()))
            lines.append(f"{family.name}{{{labels}}} {format_value(sample.value)}" if labels
                         else f"{family.name} {format_value(sample.value)}")
    return "\n".join(lines) + "\n"


def build_families(version: str) -> list[MetricFamily]:
    return [
        MetricFamily("opsdesk_build_info", "gauge", "Build of the opsdesk helpdesk serving this scrape.",
                     (Sample(1, {"module": "helpdesk", "version": version or "unknown"}),)),
        MetricFamily("python_info", "gauge", "Python platform information.",
                     (Sample(1, {"implementation": platform.python_implementation(),
                                 "major": str(sys.version_info.major), "minor": str(sys.version_info.minor),
                                 "patchlevel": str(sys.version_info.micro), "version": platform.python_version()}),)),
    ]


def process_families(scrapes: int) -> list[MetricFamily]:
    """The serving process, as Prometheus client libraries name these (resident memory where /proc has it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    families = [
        MetricFamily("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
                     (Sample(round(usage.ru_utime + usage.ru_stime, 6)),)),
        MetricFamily("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
                     (Sample(round(PROCESS_START, 3)),)),
        MetricFamily("process_max_resident_memory_bytes", "gauge", "Peak resident memory size in bytes.",
                     # ru_maxrss is in kilobytes on Linux (bytes on macOS).
                     (Sample(usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)),)),
        MetricFamily("opsdesk_metrics_scrapes_total", "counter", "Scrapes served by this process.",
                     (Sample(scrapes),)),
    ]
    rss = _resident_memory_bytes()
    if rss is not None:
        families.insert(2, MetricFamily("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
                                        (Sample(rss),)))
    return families


def sla_check_families(stats: SlaCheckStats | None) -> list[MetricFamily]:
    """Absent before the first run, so an alert on `absent()` or on the last run's age catches a stalled check."""
    if stats is None:
        return []
    return [
        MetricFamily("opsdesk_helpdesk_sla_check_runs_total", "counter", "Completed runs of the scheduled SLA check.",
                     (Sample(stats.runs),)),
        MetricFamily("opsdesk_helpdesk_sla_check_last_run_timestamp_seconds", "gauge",
                     "When the scheduled SLA check last completed, since unix epoch in seconds.",
                     (Sample(round(stats.last_run_at, 3)),)),
        MetricFamily("opsdesk_helpdesk_sla_check_last_duration_seconds", "gauge",
                     "How long the last SLA check run took.", (Sample(round(stats.last_duration_seconds, 3)),)),
        MetricFamily("opsdesk_helpdesk_sla_breaches_recorded_total", "counter",
                     "SLA breaches recorded by the scheduled check, all tenants together, by SLA clock.",
                     tuple(Sample(stats.breaches.get(kind, 0), {"kind": kind})
                           for kind in SLA_KINDS)),
    ]


def _resident_memory_bytes() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
