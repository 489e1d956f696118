"""Prometheus text exposition 0.0.4 of the helpdesk's public /metrics (opsdesk.helpdesk.prometheus)."""

from __future__ import annotations

import re
import time

import pytest

from opsdesk.helpdesk.sla_metrics import SlaCheckStats, sla_check_families
from opsdesk.prometheus import (
    CONTENT_TYPE,
    MetricFamily,
    Sample,
    build_families,
    format_value,
    process_families,
    render,
)

# The 0.0.4 grammar for the lines we write: comments, then `name{label="value",...} value`.
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*"'
SAMPLE_LINE = re.compile(rf"^({NAME})(\{{{LABEL}(?:,{LABEL})*\}})? (\S+)$")
HELP_LINE = re.compile(rf"^# HELP ({NAME}) (.*)$")
TYPE_LINE = re.compile(rf"^# TYPE ({NAME}) (counter|gauge|histogram|summary|untyped)$")


def parse(text: str) -> dict[str, dict[str, object]]:
    """Families by name with their type and samples; fails on any line outside the grammar."""
    assert text.endswith("\n")
    families: dict[str, dict[str, object]] = {}
    current: str | None = None
    for line in text[:-1].split("\n"):
        if match := HELP_LINE.match(line):
            current = match.group(1)
            assert current not in families, f"family {current} declared twice"
            families[current] = {"help": match.group(2), "samples": []}
        elif match := TYPE_LINE.match(line):
            assert match.group(1) == current
            families[current]["type"] = match.group(2)
        elif match := SAMPLE_LINE.match(line):
            assert current is not None and match.group(1) == current, line
            float(match.group(3).replace("+Inf", "inf").replace("-Inf", "-inf"))
            families[current]["samples"].append((match.group(2) or "", match.group(3)))  # type: ignore[union-attr]
        else:
            pytest.fail(f"line outside the exposition format: {line!r}")
    return families


def test_content_type_is_the_0_0_4_text_format() -> None:
    assert CONTENT_TYPE == "text/plain; version=0.0.4; charset=utf-8"


def test_rendered_families_follow_the_grammar() -> None:
    text = render([
        MetricFamily("a_total", "counter", "Things.", (Sample(3),)),
        MetricFamily("b", "gauge", "With labels.", (Sample(1.5, {"z": "1", "a": "2"}), Sample(0, {"a": "3"}))),
    ])

    assert text == (
        "# HELP a_total Things.\n# TYPE a_total counter\na_total 3\n"
        '# HELP b With labels.\n# TYPE b gauge\nb{a="2",z="1"} 1.5\nb{a="3"} 0\n'
    )
    assert set(parse(text)) == {"a_total", "b"}


def test_label_values_and_help_are_escaped() -> None:
    text = render([MetricFamily("x", "gauge", "back\\slash\nnewline", (Sample(1, {"v": 'q"uote\\ and\nline'}),))])

    assert '# HELP x back\\\\slash\\nnewline\n' in text
    assert 'x{v="q\\"uote\\\\ and\\nline"} 1\n' in text
    parse(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [(1, "1"), (0.25, "0.25"), (1e20, "1e+20"), (float("nan"), "NaN"), (float("inf"), "+Inf"),
     (float("-inf"), "-Inf"), (2**60, "1.152921504606847e+18")],
)
def test_values_are_written_as_prometheus_floats(value: float, text: str) -> None:
    assert format_value(value) == text


def test_build_info_names_the_module_and_version() -> None:
    families = parse(render(build_families("1.2.3", "helpdesk")))

    assert families["opsdesk_build_info"]["samples"] == [('{module="helpdesk",version="1.2.3"}', "1")]
    assert families["python_info"]["type"] == "gauge"


def test_build_info_without_a_version_says_unknown() -> None:
    assert 'version="unknown"' in render(build_families("", "helpdesk"))


def test_process_metrics_are_true_of_this_process() -> None:
    before = time.process_time()
    families = parse(render(process_families(scrapes=7)))

    cpu = float(families["process_cpu_seconds_total"]["samples"][0][1])  # type: ignore[index]
    started = float(families["process_start_time_seconds"]["samples"][0][1])  # type: ignore[index]
    assert cpu >= before * 0.5  # getrusage and process_time count the same CPU, at different resolutions
    assert started <= time.time()
    assert families["opsdesk_metrics_scrapes_total"]["samples"] == [("", "7")]
    assert families["process_cpu_seconds_total"]["type"] == "counter"
    assert float(families["process_resident_memory_bytes"]["samples"][0][1]) > 1_000_000  # type: ignore[index]


def test_sla_check_metrics_are_absent_before_the_first_run() -> None:
    assert sla_check_families(None) == []


def test_sla_check_metrics_count_breaches_by_clock_without_tenants() -> None:
    stats = SlaCheckStats(runs=42, last_run_at=1_772_442_000.5, last_duration_seconds=0.125,
                          breaches={"first_response": 3})

    text = render(sla_check_families(stats))
    families = parse(text)

    assert families["opsdesk_helpdesk_sla_check_runs_total"]["samples"] == [("", "42")]
    assert families["opsdesk_helpdesk_sla_check_last_run_timestamp_seconds"]["samples"] == [("", "1772442000.5")]
    assert families["opsdesk_helpdesk_sla_breaches_recorded_total"]["samples"] == [
        ('{kind="first_response"}', "3"),
        ('{kind="resolution"}', "0"),
    ]
    assert all("tenant" not in labels for family in families.values()
               for labels, _ in family["samples"])  # type: ignore[attr-defined]
