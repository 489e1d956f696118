"""Copilot demo data for the local stack: the two demo tenants as copilot tenants, a "Production" and a
"Staging" project for Acme with members in every role, incidents in several states with the alerts and changes
around them, hypotheses ranked by the offline engine, a monitoring integration, and Globex's own project.

Written through the copilot's repository and hypothesis service, as the functions write. Ids come from names
(uuid5), so they are the same after every `make dev-reset`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opsdesk.analysis.providers import OfflineHypothesisProvider
from opsdesk.copilot.hypotheses import HypothesisService
from opsdesk.copilot.integrations import aws_external_id
from opsdesk.copilot.records import (
    Alert,
    ChangeEvent,
    Incident,
    IncidentState,
    Integration,
    Member,
    Project,
    Role,
    Severity,
    Tenant,
    User,
)
from opsdesk.copilot.repository import CopilotRepository
from opsdesk.copilot.service import incident_created_event
from opsdesk.copilot.workflow import moved
from opsdesk.eventlog import EventLog
from opsdesk.secrets import SecretsManagerStore
from scripts.local.aws import ACCOUNT_ID, INTEGRATION_SECRET_PREFIX, LocalAws, client
from scripts.local.seed import DEMO_TENANT, OTHER_TENANT, stable_id
from scripts.local.seed_helpdesk import user_ids

ACME_ROLES = {"alice@acme.test": Role.OWNER, "dave@acme.test": Role.ADMIN, "bob@acme.test": Role.MEMBER}
STAGING_ROLES = {"alice@acme.test": Role.OWNER, "bob@acme.test": Role.VIEWER}
NAMES = {"alice@acme.test": "Alice Admin", "bob@acme.test": "Bob Builder", "dave@acme.test": "Dave Oncall",
         "carol@globex.test": "Carol Globex"}
DEMO_WEBHOOK_TOKEN = "demo-webhook-token-2026"
"""The Production Prometheus integration's webhook token (the README's Alertmanager example)."""
DEMO_ALARM_ROLE = "opsdesk-demo-alarms"
"""Acme's role in moto's account that the Production CloudWatch integration proves the account with."""


@dataclass(frozen=True)
class IncidentSpec:
    key: str
    title: str
    description: str
    service: str
    severity: Severity
    hours_ago: float
    path: tuple[IncidentState, ...]
    """States reached after `detected`, a few minutes apart."""
    confirmed_cause: str | None = None


ACME_INCIDENTS = (
    IncidentSpec("checkout-pool", "Checkout 5xx after lunch peak",
                 "FATAL: remaining connection slots are reserved; checkout pods restart", "checkout",
                 Severity.HIGH, 240, (IncidentState.ACKNOWLEDGED, IncidentState.INVESTIGATING,
                                      IncidentState.MITIGATED, IncidentState.RESOLVED, IncidentState.LEARNED),
                 "connection_pool_exhaustion"),
    IncidentSpec("payments-deploy", "High error rate on payment-api",
                 "Error rate exceeded 5% threshold minutes after the v2.4.5 rollout", "payment-api",
                 Severity.CRITICAL, 30, (IncidentState.ACKNOWLEDGED, IncidentState.INVESTIGATING)),
    IncidentSpec("search-cert", "search.acme.example TLS errors",
                 "Browsers report NET::ERR_CERT_DATE_INVALID; x509: certificate has expired", "search",
                 Severity.HIGH, 6, (IncidentState.ACKNOWLEDGED, IncidentState.MITIGATED)),
    IncidentSpec("reports-disk", "Reports nightly job failing",
                 "Job logs end with ENOSPC while writing the export", "reports", Severity.MEDIUM, 3, ()),
    IncidentSpec("checkout-latency", "p99 latency up on checkout",
                 "Slow requests and pool wait time climbing again", "checkout", Severity.MEDIUM, 1,
                 (IncidentState.ACKNOWLEDGED,)),
)


def seed_copilot(aws: LocalAws, now: datetime | None = None) -> int:
    """Returns how many incidents were made."""
    now = now or datetime.now(UTC)
    repository = CopilotRepository(EventLog())
    subjects = user_ids(aws, [*ACME_ROLES, "carol@globex.test"])
    created = now - timedelta(days=30)

    production = _project(DEMO_TENANT, "Production", "Customer-facing services", created)
    staging = _project(DEMO_TENANT, "Staging", "Pre-production", created + timedelta(minutes=1))
    acme = Tenant(DEMO_TENANT, "Acme Cloud", "acme-cloud", created)
    owner = _user(DEMO_TENANT, subjects, "alice@acme.test", production.id, {production.id: Role.OWNER})
    repository.create_tenant(acme, owner, production, _member(production, owner, Role.OWNER, created))
    users = {"alice@acme.test": owner}
    for email, role in ACME_ROLES.items():
        if role is Role.OWNER:
            continue
        project = repository.get_project(DEMO_TENANT, production.id)
        assert project is not None
        member = Member(production.id, subjects[email], email, NAMES[email], role, created)
        repository.save_member(DEMO_TENANT, project, member, None, None)
        users[email] = repository.get_user(DEMO_TENANT, subjects[email])  # type: ignore[assignment]
    repository.create_project(staging, _member(staging, owner, Role.OWNER, created),
                              repository.get_user(DEMO_TENANT, owner.id))  # type: ignore[arg-type]
    staging_now = repository.get_project(DEMO_TENANT, staging.id)
    assert staging_now is not None
    bob = repository.get_user(DEMO_TENANT, subjects["bob@acme.test"])
    repository.save_member(DEMO_TENANT, staging_now, Member(staging.id, subjects["bob@acme.test"], "bob@acme.test",
                                                            NAMES["bob@acme.test"], Role.VIEWER, created), None, bob)

    globex_project = _project(OTHER_TENANT, "Globex Ops", "Globex production", created)
    carol = _user(OTHER_TENANT, subjects, "carol@globex.test", globex_project.id, {globex_project.id: Role.OWNER})
    repository.create_tenant(Tenant(OTHER_TENANT, "Globex", "globex", created), carol, globex_project,
                             _member(globex_project, carol, Role.OWNER, created))

    _seed_evidence(repository, production.id, now)
    hypotheses = HypothesisService(repository, OfflineHypothesisProvider())
    count = 0
    for spec in ACME_INCIDENTS:
        incident = _incident(repository, production.id, owner.id, spec, now)
        hypotheses.generate(DEMO_TENANT, production.id, incident.id)
        count += 1
    _seed_integration(aws, repository, production.id, created)
    return count


def _project(tenant_id: str, name: str, description: str, at: datetime) -> Project:
    return Project(stable_id(tenant_id, "copilot-project", name), tenant_id, name, description, at, at)


def _user(tenant_id: str, subjects: dict[str, str], email: str, project_id: str, roles: dict[str, Role]) -> User:
    return User(subjects[email], tenant_id, email, NAMES[email], project_id, roles)


def _member(project: Project, user: User, role: Role, at: datetime) -> Member:
    return Member(project.id, user.id, user.email, user.full_name, role, at)


def _incident(repository: CopilotRepository, project_id: str, user_id: str, spec: IncidentSpec,
              now: datetime) -> Incident:
    detected = now - timedelta(hours=spec.hours_ago)
    incident = Incident(id=stable_id(DEMO_TENANT, "copilot-incident", spec.key), project_id=project_id,
                        title=spec.title, description=spec.description, service_name=spec.service,
                        severity=spec.severity, state=IncidentState.DETECTED, detected_at=detected,
                        created_at=detected, updated_at=detected, created_by=user_id,
                        confirmed_cause=spec.confirmed_cause)
    repository.create_incident(DEMO_TENANT, incident, [incident_created_event(incident)])
    current = incident
    for step, state in enumerate(spec.path, start=1):
        after = moved(current, state, detected + timedelta(minutes=7 * step))
        repository.update_incident(DEMO_TENANT, current, after)
        current = after
    return current


def _seed_evidence(repository: CopilotRepository, project_id: str, now: datetime) -> None:
    alerts = [
        ("checkout", "PostgresConnectionsNearLimit", "high", "pg_stat_activity at 97% of max_connections", 241),
        ("payment-api", "HighErrorRate", "critical", "5xx ratio 7.2% over 5m", 30.2),
        ("payment-api", "RedisLatencyHigh", "medium", "redis p99 +40%", 30.1),
        ("search", "ProbeTLSFailure", "high", "blackbox probe: certificate expired", 6.1),
        ("reports", "NodeFilesystemAlmostOutOfSpace", "medium", "/var/lib/reports 98% full", 3.2),
        ("checkout", "CheckoutLatencyP99High", "medium", "p99 1.8s (SLO 600ms)", 1.05),
    ]
    for index, (service, name, severity, summary, hours_ago) in enumerate(alerts):
        repository.save_alert(DEMO_TENANT, Alert(
            id=stable_id(project_id, "alert", str(index)), project_id=project_id, source="prometheus", name=name,
            status="firing", severity=severity, service=service, summary=summary,
            starts_at=now - timedelta(hours=hours_ago), labels={"alertname": name, "service": service},
            fingerprint=stable_id(project_id, "fingerprint", name)))
    repository.save_change(DEMO_TENANT, ChangeEvent(
        id=stable_id(project_id, "change", "payments-v2.4.5"), project_id=project_id, kind="deployment",
        service="payment-api", summary="Deployment v2.4.5 of payment-api (CodeDeploy)",
        at=now - timedelta(minutes=40), version="v2.4.5"))
    repository.save_change(DEMO_TENANT, ChangeEvent(
        id=stable_id(project_id, "change", "search-flags"), project_id=project_id, kind="feature_flag",
        service="search", summary="Flag new-ranking turned on for 10%", at=now - timedelta(hours=9)))


def production_prometheus_id() -> str:
    """The seeded Production Prometheus integration's id (ids are stable: the same on every `make dev`)."""
    return stable_id(stable_id(DEMO_TENANT, "copilot-project", "Production"), "integration", "prometheus")


def _seed_integration(aws: LocalAws, repository: CopilotRepository, project_id: str, at: datetime) -> None:
    secrets = SecretsManagerStore(INTEGRATION_SECRET_PREFIX, region=aws.region, endpoint_url=aws.endpoint)
    integration_id = stable_id(project_id, "integration", "prometheus")
    reference = secrets.put(DEMO_TENANT, integration_id, kind="prometheus", values={"token": "demo-prometheus-token",
                                                          "webhook_token": DEMO_WEBHOOK_TOKEN})
    repository.save_integration(DEMO_TENANT, Integration(
        id=integration_id, project_id=project_id, type="prometheus", name="Production Prometheus",
        config={"url": "https://prometheus.acme.example"}, secret_ref=reference,
        credential_keys=("token", "webhook_token"), enabled=True, created_at=at, updated_at=at), create=True)
    # CloudWatch alarms of moto's account and region reach Production (the README's put_events example): the demo
    # tenant's role in that account, trusting the platform with the tenant's external ID, proves the account its.
    # Saved as proven, as its first save would leave it (the local STS reads the role's trust policy as AWS does).
    role_arn = demo_alarm_role(aws)
    integration_id = stable_id(project_id, "integration", "cloudwatch")
    reference = secrets.put(DEMO_TENANT, integration_id, {"role_arn": role_arn}, kind="cloudwatch")
    repository.save_integration(DEMO_TENANT, Integration(
        id=integration_id, project_id=project_id, type="cloudwatch", name="Production CloudWatch",
        config={"account_id": ACCOUNT_ID, "region": aws.region}, secret_ref=reference, credential_keys=("role_arn",),
        enabled=True, created_at=at, updated_at=at, verified_account=ACCOUNT_ID, verified_at=at), create=True)


def demo_alarm_role(aws: LocalAws) -> str:
    """The demo tenant's role in moto's account, made if missing: every start of the stack calls it, since a
    snapshot keeps tables, objects, users and secrets but not IAM."""
    iam = client("iam", aws.endpoint, aws.region)
    try:
        return str(iam.get_role(RoleName=DEMO_ALARM_ROLE)["Role"]["Arn"])
    except iam.exceptions.NoSuchEntityException:
        pass
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": aws_external_id(DEMO_TENANT)}}}]}
    role = iam.create_role(RoleName=DEMO_ALARM_ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(RoleName=DEMO_ALARM_ROLE, PolicyName="read-alarms", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "cloudwatch:DescribeAlarms", "Resource": "*"}]}))
    return str(role["Arn"])
