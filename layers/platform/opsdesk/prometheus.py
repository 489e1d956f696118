"""Prometheus text exposition format 0.0.4 for the modules' public `GET /metrics` routes (helpdesk, response).

Those routes have no auth, so they report only what is true of the platform as a whole and say nothing about any
tenant: build information, the serving process (each Lambda instance is a process; a scrape reaches one of them,
so process counters are per instance, as for any horizontally scaled service), and each module's platform-wide
aggregates (opsdesk.helpdesk.sla_metrics, opsdesk.response.metrics).
"""

from __future__ import annotations

import math
import os
import platform
import resource
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import Literal

from opsdesk.frozen import frozen

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MetricType = Literal["counter", "gauge", "histogram", "untyped"]
PROCESS_START = time.time()
"""When this module was imported: the function instance's cold start, to the precision that matters."""


@frozen
class Sample:
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)
    suffix: str = ""
    """A histogram's `_bucket`, `_sum` or `_count`."""


@frozen
class MetricFamily:
    name: str
    type: MetricType
    help: str
    samples: tuple[Sample, ...]


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
            name = family.name + sample.suffix
            lines.append(f"{name}{{{labels}}} {format_value(sample.value)}" if labels
                         else f"{name} {format_value(sample.value)}")
    return "\n".join(lines) + "\n"


def build_families(version: str, module: str) -> list[MetricFamily]:
    return [
        MetricFamily("opsdesk_build_info", "gauge", f"Build of the opsdesk {module} serving this scrape.",
                     (Sample(1, {"module": module, "version": version or "unknown"}),)),
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


def _resident_memory_bytes() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
