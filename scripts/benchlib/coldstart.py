"""Cold import of each function's handler module, each time in a fresh interpreter.

Timed runs use exactly `import time; t=time.perf_counter(); import <module>; print(...)`, without
`-X importtime` (which slows imports down). One extra run with `-X importtime` says where the time goes, and
one with an audit hook says what the import does besides importing (threads, sockets, files written).

`imported_modules` says which modules each cold import loads: unlike a time, the same on every machine and under
any load, so tests/unit/test_cold_start_ceilings.py holds every function to a ceiling on it."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

TIMED_IMPORT = "import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"

# Runs in the child with an audit hook installed before the import: what the import does to the outside world,
# and which installed package (innermost site-packages frame) did it.
SIDE_EFFECT_PROBE = r"""
import json, os, sys, threading, traceback
seen = []
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND
def culprit():
    for frame in reversed(traceback.extract_stack()[:-2]):
        if "site-packages" in frame.filename:
            return frame.filename.split("site-packages" + os.sep, 1)[1].split(os.sep, 1)[0]
        if not frame.filename.startswith((sys.base_prefix, "<")):
            return os.path.relpath(frame.filename)
    return "?"
def hook(event, args):
    if event == "socket.__new__":
        seen.append({"event": "socket", "detail": f"family={args[1]} type={args[2]}", "by": culprit()})
    elif event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
        seen.append({"event": event, "detail": repr(args[1]), "by": culprit()})
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "subprocess.Popen", "os.system"):
        seen.append({"event": event, "detail": repr(args)[:120], "by": culprit()})
    elif event == "open" and isinstance(args[0], str):
        mode, flags = args[1], args[2]
        writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & WRITE_FLAGS)
        if writes:
            seen.append({"event": "file write", "detail": args[0], "by": culprit()})
sys.addaudithook(hook)
before = threading.active_count()
import {module}
print(json.dumps({"threads_started": threading.active_count() - before, "events": seen}))
"""

SOCKET_KINDS = {"type=1": "TCP", "type=2": "UDP"}

# One interpreter that forks a child per module (at most `workers` at a time): each child imports its module into
# the same bare interpreter and writes the modules the import added to sys.modules, or the error it raised.
FORKED_IMPORTS = r"""
import json, os, sys, traceback
jobs, out_dir, workers = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
running = {}
def reap():
    pid, _ = os.wait()
    running.pop(pid)
for index, (module, function_name) in enumerate(jobs):
    if len(running) >= workers:
        reap()
    pid = os.fork()
    if pid == 0:
        os.environ["AWS_LAMBDA_FUNCTION_NAME"] = function_name
        before = set(sys.modules)
        try:
            __import__(module)
            result = {"modules": sorted(set(sys.modules) - before)}
        except BaseException:
            result = {"error": traceback.format_exc()}
        with open(os.path.join(out_dir, f"{index}.json"), "w") as out:
            json.dump(result, out)
        os._exit(0)
    running[pid] = module
while running:
    reap()
"""


def function_modules() -> list[str]:
    """Every function's entry module: `functions/*/handler.py`, or `app.py` for a streaming (ASGI) function."""
    entries = sorted([*ROOT.glob("functions/*/handler.py"), *ROOT.glob("functions/*/app.py")])
    return [f"functions.{path.parent.name}.{path.stem}" for path in entries]


def lambda_function_name(module: str) -> str:
    return "opsdesk-" + module.split(".")[1].replace("_", "-")


def aws_like_environment(function_environment: dict[str, str], module: str, *, trace: bool) -> dict[str, str]:
    """The function's environment as Lambda sets it: in a Lambda task root, with tracing left on (Powertools
    turns the Tracer off by itself outside Lambda, so LAMBDA_TASK_ROOT is what makes it initialize)."""
    env = {**os.environ, **function_environment}
    env.update({
        "LAMBDA_TASK_ROOT": str(ROOT),
        "AWS_LAMBDA_FUNCTION_NAME": lambda_function_name(module),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
    })
    env.pop("POWERTOOLS_TRACE_DISABLED", None)
    if not trace:
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)} failed:\n{result.stderr}")
    return result


def timed_imports(module: str, env: dict[str, str], runs: int) -> tuple[list[float], str]:
    """Seconds per fresh-interpreter import, and whatever the imports wrote to stderr."""
    code = TIMED_IMPORT.format(module=module)
    _python(["-c", code], env)  # untimed: leaves .pyc files behind, as a deployed package would have them
    seconds, stderr = [], ""
    for _ in range(runs):
        result = _python(["-c", code], env)
        seconds.append(float(result.stdout.strip().splitlines()[-1]))
        stderr = stderr or result.stderr.strip()
    return seconds, stderr


def ratios_to_boto3(module: str, env: dict[str, str], runs: int) -> list[float]:
    """The import of `module` over `import boto3` timed right before it, once per round: the machine's load moves
    both alike within a round, while one boto3 figure for a whole run drifts from the later imports by up to 2x."""
    ratios = []
    for _ in range(runs):
        floor, _ = timed_imports("boto3", env, 1)
        took, _ = timed_imports(module, env, 1)
        ratios.append(took[0] / floor[0])
    return ratios


def imported_modules(modules: list[str], function_environment: dict[str, str], *,
                     workers: int = 2) -> dict[str, list[str]]:
    """The modules each module's cold import adds to sys.modules, as on AWS (tracing on). One interpreter forks a
    child per module, so the lot costs one start-up plus the imports themselves; every child starts from the same
    bare interpreter, as a Lambda does. Raises with the import's traceback when one fails."""
    env = aws_like_environment(function_environment, "functions.probe", trace=True)
    with tempfile.TemporaryDirectory() as out_dir:
        jobs = [[module, lambda_function_name(module)] for module in modules]
        _python(["-c", FORKED_IMPORTS, json.dumps(jobs), out_dir, str(workers)], env)
        results = [json.loads((Path(out_dir) / f"{index}.json").read_text()) for index in range(len(modules))]
    failed = [f"{module}:\n{result['error']}" for module, result in zip(modules, results, strict=True)
              if "error" in result]
    if failed:
        raise RuntimeError("cold import failed: " + "\n".join(failed))
    return {module: result["modules"] for module, result in zip(modules, results, strict=True)}


@dataclass
class ImportLine:
    module: str
    depth: int
    self_us: int
    cumulative_us: int


def import_tree(module: str, env: dict[str, str]) -> list[ImportLine]:
    """The `-X importtime` lines of `module`'s own import (the interpreter's start-up imports left out)."""
    result = _python(["-X", "importtime", "-c", f"import {module}"], env)
    lines: list[ImportLine] = []
    for raw in result.stderr.splitlines():
        if not raw.startswith("import time:") or "self [us]" in raw:
            continue
        self_us, cumulative_us, name = raw.removeprefix("import time:").split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        lines.append(ImportLine(name.strip(), depth, int(self_us), int(cumulative_us)))
    end = next(i for i, line in enumerate(lines) if line.module == module and line.depth == 0)
    start = max((i + 1 for i, line in enumerate(lines[:end]) if line.depth == 0), default=0)
    return lines[start:end + 1]


def side_effects(module: str, env: dict[str, str]) -> dict[str, Any]:
    result = _python(["-c", SIDE_EFFECT_PROBE.replace("{module}", module)], env)
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@dataclass
class ColdImport:
    module: str
    aws_seconds: list[float]
    local_seconds: list[float]
    boto3_ratios: list[float] = field(default_factory=list)
    """The import over `import boto3`, per round (ratios_to_boto3)."""
    top_modules: list[dict[str, Any]] = field(default_factory=list)
    top_packages: list[dict[str, Any]] = field(default_factory=list)
    importtime_total_ms: float = 0.0
    side_effects: dict[str, Any] = field(default_factory=dict)
    stderr: str = ""

    @property
    def aws_median_ms(self) -> float:
        return statistics.median(self.aws_seconds) * 1000

    @property
    def boto3_ratio(self) -> float:
        return statistics.median(self.boto3_ratios)

    @property
    def local_median_ms(self) -> float:
        return statistics.median(self.local_seconds) * 1000

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(aws_median_ms=self.aws_median_ms, local_median_ms=self.local_median_ms,
                    boto3_ratio=self.boto3_ratio)
        return data


def boto3_median_ms(function_environment: dict[str, str], runs: int) -> float:
    """`import boto3` alone, timed the same way in the same run: the floor a function's import is compared with."""
    env = aws_like_environment(function_environment, "functions.boto3_floor", trace=True)
    seconds, _ = timed_imports("boto3", env, runs)
    return statistics.median(seconds) * 1000


def measure(module: str, function_environment: dict[str, str], runs: int, top: int = 5) -> ColdImport:
    aws_env = aws_like_environment(function_environment, module, trace=True)
    local_env = aws_like_environment(function_environment, module, trace=False)
    aws_seconds, stderr = timed_imports(module, aws_env, runs)
    local_seconds, _ = timed_imports(module, local_env, runs)
    tree = import_tree(module, aws_env)
    root = tree[-1]
    total = root.cumulative_us
    biggest = sorted(tree[:-1], key=lambda line: line.cumulative_us, reverse=True)[:top]
    by_package: dict[str, int] = defaultdict(int)
    for line in tree:
        by_package[line.module.split(".")[0]] += line.self_us
    packages = sorted(by_package.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return ColdImport(
        module=module,
        aws_seconds=aws_seconds,
        local_seconds=local_seconds,
        boto3_ratios=ratios_to_boto3(module, aws_env, runs),
        top_modules=[{"module": line.module, "depth": line.depth, "cumulative_ms": line.cumulative_us / 1000,
                      "share": line.cumulative_us / total} for line in biggest],
        top_packages=[{"package": name, "self_ms": us / 1000, "share": us / total} for name, us in packages],
        importtime_total_ms=total / 1000,
        side_effects=side_effects(module, aws_env),
        stderr=stderr,
    )


def describe_side_effects(report: dict[str, Any]) -> str:
    """One line: threads started, sockets opened (and by whom), connections, files written."""
    parts = [f"{report['threads_started']} threads started"]
    counts: dict[str, int] = defaultdict(int)
    for event in report["events"]:
        if event["event"] == "socket":
            kind = next((v for k, v in SOCKET_KINDS.items() if k in event["detail"]), "other")
            counts[f"{kind} socket opened by {event['by']}"] += 1
        elif event["event"] == "file write":
            counts[f"wrote {event['detail']} ({event['by']})"] += 1
        else:
            counts[f"{event['event']} {event['detail']} by {event['by']}"] += 1
    if not any(e["event"] in ("socket.connect", "socket.sendto", "socket.sendmsg") for e in report["events"]):
        parts.append("no connect/send")
    parts += [f"{n}x {what}" if n > 1 else what for what, n in counts.items()]
    return "; ".join(parts)
