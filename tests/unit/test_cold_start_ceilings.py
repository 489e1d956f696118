"""Cold-start ceilings (#16): what each function's cold import loads, held to a row of CEILINGS.

Not a timing test: the modules an import adds to sys.modules are the same on every machine and under any load
(scripts.benchlib.coldstart.imported_modules: one interpreter forks a child per function, as on AWS with tracing
on). A function may load only the heavy packages its row allows, and no more modules than its row records plus
MODULES_HEADROOM. The functions come from the functions/ folder, so a new function fails until it has a row.

When a row fails: import lazily what only some requests need (an import inside the function that needs it, with a
one-line reason, as in opsdesk.tokens), and leave at import what every request needs. If the function does need
more, raise its row and say why in the commit. `make bench` (section 1) measures the time; docs/benchmarks.md
says what each package costs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from opsdesk.apimap import SERVED_MODULES
from opsdesk.realtime import FANOUT_QUEUE_URL_SETTING
from opsdesk.tables import ALL_TABLES
from scripts.benchlib.coldstart import function_modules, imported_modules
from scripts.local.aws import ACCOUNT_ID, REGION, LocalAws

# One worker imports every function once (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("cold-start-ceilings")

POWERTOOLS = frozenset({"aws_lambda_powertools"})
BODIES = frozenset({"pydantic"})
"""Request bodies (opsdesk.validation). Settings load none (opsdesk.settings), and a route imports its body model
where it validates one; only a function whose every request validates or builds a body loads pydantic at import
(in the init phase, which Lambda runs with more CPU than the first request gets)."""
AWS_SDK = frozenset({"botocore"})
"""The package alone when nothing calls AWS: Powertools reads its version."""
TRACING = frozenset({"aws_xray_sdk", "wrapt"})
DYNAMODB = AWS_SDK | {"pynamodb"}
TOKENS = frozenset({"jwt", "cryptography"})
"""No row allows them: opsdesk.jose checks tokens without PyJWT, and loads cryptography's RSA verify (~6 ms) with
the first token it checks."""
ASGI = frozenset({"starlette", "anyio"})
BOTO3 = frozenset({"boto3", "s3transfer"})
"""boto3 itself: no row allows it, as every adapter builds its client (and imports boto3) on first use."""
HANDLER = POWERTOOLS | AWS_SDK
TRACED_HANDLER = HANDLER | TRACING
STREAM = DYNAMODB | ASGI
"""A streaming function (ASGI app): it verifies the caller's token and reads the event log; no Powertools."""
HEAVY_PACKAGES = (POWERTOOLS | BODIES | TRACING | DYNAMODB | TOKENS | ASGI | BOTO3
                  | {"opensearchpy", "requests", "requests_aws4auth", "dulwich", "yaml", "jinja2", "uvicorn", "httpx"})
"""The third-party packages a row must allow by name; the smaller ones come with them (and count as modules)."""
MODULES_HEADROOM = 0.03


@dataclass(frozen=True)
class Ceiling:
    modules: int
    """Modules the cold import added to sys.modules when the row was recorded."""
    packages: frozenset[str]

    @property
    def most_modules(self) -> int:
        return self.modules + math.ceil(self.modules * MODULES_HEADROOM)


CEILINGS = {
    "alert_ingest": Ceiling(451, TRACED_HANDLER | DYNAMODB),
    "aura_agent": Ceiling(453, TRACED_HANDLER | DYNAMODB),
    "aura_api_docs": Ceiling(188, TRACED_HANDLER),
    "aura_health": Ceiling(433, TRACED_HANDLER | DYNAMODB),
    "aura_status": Ceiling(440, TRACED_HANDLER | DYNAMODB),
    "aura_stream": Ceiling(393, STREAM),
    "aura_tickets": Ceiling(440, TRACED_HANDLER | DYNAMODB),
    "copilot_account_checks": Ceiling(438, TRACED_HANDLER | DYNAMODB),
    "copilot_analytics": Ceiling(441, TRACED_HANDLER | DYNAMODB),
    "copilot_api_docs": Ceiling(188, TRACED_HANDLER),
    "copilot_auth": Ceiling(447, TRACED_HANDLER | DYNAMODB),
    "copilot_hypotheses": Ceiling(443, TRACED_HANDLER | DYNAMODB),
    "copilot_incidents": Ceiling(442, TRACED_HANDLER | DYNAMODB),
    "copilot_monitoring": Ceiling(450, TRACED_HANDLER | DYNAMODB),
    "copilot_projects": Ceiling(443, TRACED_HANDLER | DYNAMODB),
    "copilot_purge": Ceiling(422, TRACED_HANDLER | DYNAMODB),
    "copilot_session": Ceiling(447, TRACED_HANDLER | DYNAMODB),
    "copilot_webhooks": Ceiling(441, TRACED_HANDLER | DYNAMODB),
    "helpdesk_api_docs": Ceiling(188, TRACED_HANDLER),
    "helpdesk_attachments": Ceiling(446, TRACED_HANDLER | DYNAMODB),
    "helpdesk_csat": Ceiling(435, TRACED_HANDLER | DYNAMODB),
    "helpdesk_events": Ceiling(377, STREAM),
    "helpdesk_exports": Ceiling(496, TRACED_HANDLER | DYNAMODB | BODIES),
    "helpdesk_health": Ceiling(410, TRACED_HANDLER | DYNAMODB),
    "helpdesk_metrics": Ceiling(432, TRACED_HANDLER | DYNAMODB),
    "helpdesk_people": Ceiling(441, TRACED_HANDLER | DYNAMODB),
    "helpdesk_reports": Ceiling(441, TRACED_HANDLER | DYNAMODB),
    "helpdesk_session": Ceiling(185, TRACED_HANDLER),
    "helpdesk_sla_check": Ceiling(442, TRACED_HANDLER | DYNAMODB),
    "helpdesk_tickets": Ceiling(443, TRACED_HANDLER | DYNAMODB),
    # The fan-out posts on every invocation: opsdesk.wsapi's boto3 client is built at import, in the init phase.
    # realtime_ws builds it on its first reply (a $connect posts nothing).
    "realtime_fanout": Ceiling(415, TRACED_HANDLER | DYNAMODB),
    "realtime_ws": Ceiling(429, TRACED_HANDLER | DYNAMODB),
    "response_analysis": Ceiling(436, TRACED_HANDLER | DYNAMODB),
    "response_api_docs": Ceiling(188, TRACED_HANDLER),
    "response_health": Ceiling(432, TRACED_HANDLER | DYNAMODB),
    "response_incidents": Ceiling(433, TRACED_HANDLER | DYNAMODB),
    "response_ingest": Ceiling(433, TRACED_HANDLER | DYNAMODB),
    "session_authorizer": Ceiling(121, HANDLER),
    "support_analytics": Ceiling(440, TRACED_HANDLER | DYNAMODB),
    "support_api_docs": Ceiling(188, TRACED_HANDLER),
    "support_catalog": Ceiling(440, TRACED_HANDLER | DYNAMODB),
    "support_chat": Ceiling(562, TRACED_HANDLER | DYNAMODB | ASGI | BODIES),
    "support_docs": Ceiling(496, TRACED_HANDLER | DYNAMODB | BODIES),
    "support_docs_indexer": Ceiling(182, TRACED_HANDLER),
    "support_issues": Ceiling(442, TRACED_HANDLER | DYNAMODB),
    "support_stream": Ceiling(376, STREAM),
}
FUNCTIONS = {module.split(".")[1]: module for module in function_modules()}


def offline_function_environment() -> dict[str, str]:
    """What the local stack gives every function (scripts.local.aws), with made-up names and ids in place of
    provisioned ones: an import validates its settings and builds no client, so nothing is called."""
    queues = {FANOUT_QUEUE_URL_SETTING: "fanout"} | {
        consumer.queue_url_setting: consumer.group.name for module in SERVED_MODULES
        for consumer in module.queue_consumers}
    aws = LocalAws(
        endpoint="http://127.0.0.1:9", region=REGION, user_pool_id=f"{REGION}_ceilings", app_client_id="ceilings",
        table_names={table.logical_id: table.local_name() for table in ALL_TABLES},
        cursor_key_secret_arn=f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:opsdesk-local-cursor-key",
        alerts_bus_name="opsdesk-local-alerts",
        module_queue_urls={setting: f"http://127.0.0.1:9/{ACCOUNT_ID}/{name}" for setting, name in queues.items()},
    )
    return aws.function_environment()


@pytest.fixture(scope="module")
def cold_imports() -> dict[str, list[str]]:
    loaded = imported_modules(list(FUNCTIONS.values()), offline_function_environment())
    return {module.split(".")[1]: names for module, names in loaded.items()}


def test_every_function_has_a_ceiling() -> None:
    assert sorted(FUNCTIONS) == sorted(CEILINGS), "a function without a row (add one) or a row without a function"


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_cold_import_loads_only_the_heavy_packages_the_function_needs(
        function: str, cold_imports: dict[str, list[str]]) -> None:
    packages = {name.split(".")[0] for name in cold_imports[function]} & HEAVY_PACKAGES

    assert packages <= CEILINGS[function].packages, (
        f"{function} now loads {sorted(packages - CEILINGS[function].packages)} at import: import it where the "
        f"requests that need it run")


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_cold_import_stays_under_its_module_ceiling(function: str, cold_imports: dict[str, list[str]]) -> None:
    ceiling = CEILINGS[function]

    assert len(cold_imports[function]) <= ceiling.most_modules, (
        f"{function} loads {len(cold_imports[function])} modules at import (recorded {ceiling.modules}, at most "
        f"{ceiling.most_modules})")


def test_agent_worker_reads_tickets_only_when_it_plans(cold_imports: dict[str, list[str]]) -> None:
    # Most kicks carry out a plan already approved: the ticket reader (its patterns and catalogue, about 13 ms)
    # loads with a ticket's first plan or a person's first answer (opsdesk.aura.plan_writer).
    assert "opsdesk.aura.intent" not in cold_imports["aura_agent"]
