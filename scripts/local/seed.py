"""Demo data for the local stack: two tenants, their users, the support catalog and a few issues.

Ids are derived from names (uuid5), so they are the same after every `make dev-reset`. Import this module only
after the function environment is set: it writes through the same repository the functions use."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opsdesk.auth import Principal
from opsdesk.clock import to_rfc3339
from opsdesk.support.records import ContextOption, Customer, Environment, FieldType, Plane, PlaneContext
from opsdesk.support.repository import SupportRepository
from opsdesk.support.requests import CreateIssueRequest, UpdateIssueRequest
from opsdesk.support.service import SupportService
from scripts.local.aws import LocalAws, create_user

NAMESPACE = uuid.UUID("6f1c1a52-7d1e-4c57-9a55-0b8f1e0c2a10")


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    tenant_id: str
    tenant_name: str
    groups: tuple[str, ...]


DEMO_TENANT = stable_id("tenant", "acme")
OTHER_TENANT = stable_id("tenant", "globex")
DEMO_PASSWORD = "Opsdesk-demo-2026"
DEMO_USERS = (
    DemoUser("alice@acme.test", DEMO_PASSWORD, DEMO_TENANT, "Acme Cloud", ("admin", "agent")),
    DemoUser("bob@acme.test", DEMO_PASSWORD, DEMO_TENANT, "Acme Cloud", ()),
    DemoUser("dave@acme.test", DEMO_PASSWORD, DEMO_TENANT, "Acme Cloud", ("agent",)),
    DemoUser("carol@globex.test", DEMO_PASSWORD, OTHER_TENANT, "Globex", ("admin",)),
)


ContextSpec = tuple[str, str, str, bool, list[tuple[str, str]]]
"""key, label, field type, required, options (value, label)."""


def _select(key: str, label: str, required: bool, options: list[tuple[str, str]]) -> ContextSpec:
    return key, label, FieldType.SINGLE_SELECT.value, required, options


PLANE_SPECS: list[tuple[str, str, str, list[ContextSpec]]] = [
    ("App CI/CD", "app-cicd", "Application build, test, and deployment pipelines", [
        _select("pipeline_stage", "Pipeline Stage", True, [
            ("build", "Build/Compile"), ("test", "Unit Tests"), ("integration", "Integration Tests"),
            ("deployment", "Application Deployment"), ("release", "Release/Promotion")]),
        _select("ci_system", "CI System", False, [
            ("concourse", "Concourse"), ("github_actions", "GitHub Actions"), ("jenkins", "Jenkins")]),
    ]),
    ("Infrastructure", "infrastructure", "Compute, networking and storage that environments run on", [
        _select("resource_type", "Resource Type", True, [
            ("compute", "Compute"), ("network", "Network"), ("storage", "Storage"), ("database", "Database")]),
        ("cloud_region", "Cloud Region", FieldType.TEXT.value, False, []),
    ]),
    ("Data Platform", "data-platform", "Ingestion, warehousing and streaming of customer data", [
        _select("data_layer", "Data Layer", True, [
            ("ingestion", "Ingestion"), ("warehouse", "Warehouse"), ("streaming", "Streaming")]),
        ("pipeline_name", "Pipeline Name", FieldType.TEXT.value, False, []),
    ]),
    ("Identity & Access", "identity-access", "Single sign-on, IAM roles and secrets", [
        _select("auth_component", "Auth Component", True, [
            ("sso", "Single Sign-On"), ("iam", "IAM Roles & Policies"), ("secrets", "Secrets Management")]),
    ]),
    ("Observability", "observability", "Metrics, logs, traces and alerting", [
        ("signal_types", "Signal Types", FieldType.MULTI_SELECT.value, True, [
            ("metrics", "Metrics"), ("logs", "Logs"), ("traces", "Traces"), ("alerts", "Alerts")]),
    ]),
]

CUSTOMER_SPECS = {
    DEMO_TENANT: [
        ("Customer Alpha", [("alpha-qa-01", "qa"), ("alpha-staging-01", "staging"), ("alpha-prod-01", "prod")]),
        ("Customer Beta", [("beta-dev-01", "dev"), ("beta-prod-01", "prod")]),
        ("Customer Gamma", [("gamma-prod-01", "prod")]),
    ],
    OTHER_TENANT: [
        ("Customer Omega", [("omega-qa-01", "qa"), ("omega-prod-01", "prod")]),
    ],
}


def demo_planes(tenant_id: str) -> list[Plane]:
    planes = []
    for name, slug, description, contexts in PLANE_SPECS:
        plane_id = stable_id(tenant_id, "plane", slug)
        planes.append(Plane(
            id=plane_id, name=name, slug=slug, description=description,
            contexts=tuple(
                PlaneContext(id=stable_id(plane_id, key), key=key, label=label, field_type=FieldType(kind),
                             is_required=required, options=tuple(ContextOption(v, lbl) for v, lbl in options))
                for key, label, kind, required, options in contexts
            ),
        ))
    return planes


def seed_catalog(repository: SupportRepository, tenant_id: str, created_at: datetime,
                 customers_like: str | None = None) -> None:
    """The demo planes and the customers of `customers_like` (default: the tenant's own demo customers), with
    ids derived from `tenant_id`: tests give every test a fresh tenant shaped like the demo one."""
    stamp = to_rfc3339(created_at)
    for plane in demo_planes(tenant_id):
        repository.put_plane(tenant_id, plane)
    for customer_name, environments in CUSTOMER_SPECS[customers_like or tenant_id]:
        customer_id = stable_id(tenant_id, "customer", customer_name)
        repository.put_customer(tenant_id, Customer(customer_id, customer_name, stamp))
        for env_name, env_type in environments:
            repository.put_environment(
                tenant_id, Environment(stable_id(customer_id, env_name), customer_id, env_name, env_type, stamp)
            )


# (customer, environment, primary plane slug, secondary slugs, title, description, {context key: value}, moves)
ISSUE_SPECS = [
    ("Customer Alpha", "alpha-qa-01", "app-cicd", ["infrastructure"], "Pipeline timeout during deployment",
     "The deploy job of the payments service times out after 30 minutes on alpha-qa-01.",
     {"pipeline_stage": "deployment", "ci_system": "concourse", "resource_type": "compute"}, []),
    ("Customer Alpha", "alpha-prod-01", "observability", [], "Alerts missing for the checkout service",
     "No alert fired although error rate on checkout exceeded 5% for ten minutes.",
     {"signal_types": ["alerts", "metrics"]}, ["in_progress"]),
    ("Customer Beta", "beta-prod-01", "data-platform", [], "Nightly warehouse load is late",
     "The nightly load into the warehouse finished at 09:40 instead of 06:00.",
     {"data_layer": "warehouse", "pipeline_name": "nightly-orders"}, ["in_progress", "resolved"]),
    ("Customer Beta", "beta-dev-01", "identity-access", [], "SSO login loops back to the sign-in page",
     "Users of beta-dev-01 are redirected to the sign-in page after a successful SSO login.",
     {"auth_component": "sso"}, ["in_progress", "resolved", "closed"]),
    ("Customer Gamma", "gamma-prod-01", "infrastructure", ["observability"], "Disk pressure on database nodes",
     "Database nodes report 92% disk usage; autoscaling of storage did not trigger.",
     {"resource_type": "database", "signal_types": ["metrics"]}, []),
    ("Customer Alpha", "alpha-staging-01", "app-cicd", [], "Unit tests flaky on the build agents",
     "About one build in five fails in the unit test stage with a timeout in the HTTP client tests.",
     {"pipeline_stage": "test", "ci_system": "github_actions"}, ["in_progress"]),
]
PIPELINE_URL = "https://concourse.example.com/teams/main/pipelines/payments"
OTHER_ISSUE_SPECS = [
    ("Customer Omega", "omega-prod-01", "app-cicd", [], "Release promotion blocked",
     "Promotion from qa to prod is blocked by a failed approval step.",
     {"pipeline_stage": "release"}, []),
]


def issue_request(tenant_id: str, spec: tuple) -> CreateIssueRequest:  # type: ignore[type-arg]
    """The create request of one ISSUE_SPECS row for `tenant_id`."""
    customer_name, env_name, primary, secondaries, title, description, values, _ = spec
    planes = {p.slug: p for p in demo_planes(tenant_id)}
    customer_id = stable_id(tenant_id, "customer", customer_name)
    involved = [planes[primary], *(planes[s] for s in secondaries)]
    contexts_by_key = {c.key: c for plane in involved for c in plane.contexts}
    return CreateIssueRequest(
        customerId=customer_id,
        environmentId=stable_id(customer_id, env_name),
        submitterHandle="jane.doe@" + customer_name.split()[-1].lower() + ".example",
        primaryPlaneId=planes[primary].id,
        secondaryPlaneIds=[planes[s].id for s in secondaries],
        title=title,
        description=description,
        pipelineUrl=PIPELINE_URL if primary == "app-cicd" else None,
        contexts=[{"planeContextId": contexts_by_key[k].id, "value": v} for k, v in values.items()],
    )


def seed_issues(service: SupportService, tenant_id: str, user_id: str, specs: list[tuple]) -> None:  # type: ignore[type-arg]
    principal = Principal(user_id=user_id, tenant_id=tenant_id, username="seed", groups=frozenset())
    for spec in specs:
        issue = service.create_issue(principal, issue_request(tenant_id, spec))
        for status in spec[-1]:
            service.update_issue(principal, issue.id, UpdateIssueRequest(status=status))


def seed(aws: LocalAws) -> None:
    from opsdesk.eventlog import EventLog

    repository = SupportRepository(EventLog())  # seeded issues are announced like any other
    created = datetime.now(UTC) - timedelta(days=30)
    for user in DEMO_USERS:
        create_user(aws, user.username, user.password, user.tenant_id, user.groups)
    service = SupportService(repository)
    for tenant_id, specs in ((DEMO_TENANT, ISSUE_SPECS), (OTHER_TENANT, OTHER_ISSUE_SPECS)):
        seed_catalog(repository, tenant_id, created)
        seed_issues(service, tenant_id, stable_id(tenant_id, "seed-user"), specs)
    from scripts.local.seed_analytics import seed_support_history  # noqa: PLC0415 (reads the corpus)

    seed_support_history(repository, DEMO_TENANT, datetime.now(UTC))
    from scripts.local.seed_helpdesk import seed_helpdesk  # noqa: PLC0415 (binds to the TicketsTable)

    seed_helpdesk(aws, [(tenant, {u.username: u.groups for u in DEMO_USERS if u.tenant_id == tenant})
                        for tenant in (DEMO_TENANT, OTHER_TENANT)])
    from scripts.local.seed_copilot import seed_copilot  # noqa: PLC0415 (binds to the IncidentsTable)

    seed_copilot(aws)
    from scripts.local.seed_response import seed_response  # noqa: PLC0415 (binds to the IncidentsTable)

    seed_response()
    from scripts.local.seed_aura import seed_aura  # noqa: PLC0415 (binds to the TicketsTable)

    seed_aura()

