"""The typed client for the frontend (clients/ts): its types are what the committed OpenAPI documents generate,
it compiles under the TypeScript compiler (strict), and compiled to JavaScript it calls every module of a live
stack as the frontend would and reads the same answers a plain HTTP client gets."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from scripts.local.stack_process import RunningStack

pytestmark = pytest.mark.xdist_group("local-stack")  # the one local stack of the API tests

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "ts"
BUILD = CLIENT / ".build"
ALICE = "alice@acme.test"


def npm_run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if not (CLIENT / "node_modules").is_dir():
        pytest.fail("clients/ts has no node_modules: `make test` installs them (npm ci)")
    return subprocess.run(list(args), cwd=CLIENT, capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, **(env or {})})


def compile_to_javascript() -> subprocess.CompletedProcess[str]:
    """Type-check (strict) and emit JavaScript to clients/ts/.build."""
    shutil.rmtree(BUILD, ignore_errors=True)
    return npm_run("node", "node_modules/typescript/bin/tsc", "-p", "tsconfig.json", "--noEmit", "false",
                   "--outDir", str(BUILD))


def test_the_types_are_the_documents_and_the_client_compiles_under_strict_typescript() -> None:
    generated = npm_run("node", "generate.mjs", "--check")
    compiled = compile_to_javascript()

    assert generated.returncode == 0, generated.stderr
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


QUOTA_NEEDED = 10


def wait_for_support_quota(origin: str, headers: dict[str, str]) -> None:
    """The API suites before this one share alice's support quota (100 requests a minute per user): when they
    left too little of this minute for the smoke and its checks, wait for the next window, as a client told so by
    `X-RateLimit-Remaining` and `X-RateLimit-Reset` (an epoch second) would."""
    reply = requests.get(f"{origin}/support/api/issues?limit=1", headers=headers, timeout=15)
    remaining = int(reply.headers.get("X-RateLimit-Remaining", QUOTA_NEEDED))
    if reply.status_code == 429 or remaining < QUOTA_NEEDED:
        time.sleep(max(0.0, int(reply.headers["X-RateLimit-Reset"]) - time.time()) + 1)


def test_the_compiled_client_reads_what_each_module_answers(stack: RunningStack) -> None:
    if not (BUILD / "smoke.js").is_file():  # the test above compiled it, unless it ran alone
        built = compile_to_javascript()
        assert built.returncode == 0, built.stdout + built.stderr
    headers = stack.headers(ALICE)
    origin = str(stack.info["base_url"])
    wait_for_support_quota(origin, headers)

    run = npm_run("node", str(BUILD / "smoke.js"), env={
        "OPSDESK_ORIGIN": origin, "OPSDESK_ID_TOKEN": headers["Authorization"].removeprefix("Bearer ")})

    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout.strip().splitlines()[-1])

    def get(path: str) -> Any:
        reply = requests.get(f"{origin}{path}", headers=headers, timeout=15)
        assert reply.status_code == 200, reply.text
        return reply.json()

    tickets = get("/aura/api/tickets?status=draft,planning&priority=high,critical&limit=20")["tickets"]
    incidents = get("/response/api/incidents?status=open&limit=50")
    assert got == {
        "auraTicketStatuses": sorted({t["status"] for t in tickets}),
        "openIssues": get("/support/api/issues?status=open")["pagination"]["total"],
        "urgentHelpdeskTickets": len(get("/helpdesk/tickets?priority=urgent")),
        "openCriticalIncidents": sum(1 for i in incidents if i["severity"] == "critical"),
    }
    assert set(got["auraTicketStatuses"]) <= {"draft", "planning"}  # the comma-separated filter was applied
