"""The aura stack from the API map: the agent's work queue with its dead-letter queue and a mapping that reports
failed kicks one by one, sqs:SendMessage for exactly the groups that kick the agent, the GitOps secrets the stack
creates read by the agent alone, the streaming routes beside the ticket routes, and no Scan anywhere."""

from __future__ import annotations

import json

import pytest

from opsdesk.apimap import AURA, AURA_AGENT_QUEUE_SETTING, Capability
from tests.infra.conftest import (
    Synthesized,
    actions,
    functions_by_group,
    methods_by_path,
    one,
    resources_of_type,
    role_statements,
    variables,
)

pytestmark = pytest.mark.xdist_group("infra")


def test_the_agent_takes_kicks_from_its_queue_with_a_dead_letter_queue(dev: Synthesized) -> None:
    template = dev.module("aura")
    queues = resources_of_type(template, "AWS::SQS::Queue")
    redriven = [q for q in queues.values() if "RedrivePolicy" in q["Properties"]]
    assert len(redriven) == 1 and redriven[0]["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 5
    assert redriven[0]["Properties"]["VisibilityTimeout"] == 6 * AURA.queue_consumers[0].timeout_seconds
    _, mapping = one(resources_of_type(template, "AWS::Lambda::EventSourceMapping"))
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["Properties"]["BatchSize"] == 1
    agent = functions_by_group(template)["aura_agent"]
    assert mapping["Properties"]["FunctionName"] == {"Ref": next(
        name for name, resource in template["Resources"].items() if resource is agent)}


def test_only_the_groups_that_kick_the_agent_may_send_to_its_queue(dev: Synthesized) -> None:
    template = dev.module("aura")
    senders = {group.name for group in AURA.groups_using(Capability.MODULE_QUEUE)}
    assert senders == {"aura_tickets", "aura_agent"}
    for name, function in functions_by_group(template).items():
        sends = [s for s in role_statements(template, function) if "sqs:SendMessage" in actions(s)]
        assert bool(sends) == (name in senders), name
        assert (AURA_AGENT_QUEUE_SETTING in variables(function)) == (name in senders), name


def test_the_gitops_secrets_are_read_by_the_agent_alone(dev: Synthesized) -> None:
    template = dev.module("aura")
    secrets = resources_of_type(template, "AWS::SecretsManager::Secret")
    assert sorted(s["Properties"]["Name"] for s in secrets.values()) == ["opsdesk-dev/aura/cluster",
                                                                         "opsdesk-dev/aura/git"]
    for name, function in functions_by_group(template).items():
        reads = [s for s in role_statements(template, function) if "secretsmanager:GetSecretValue" in actions(s)
                 and any(secret in json.dumps(s["Resource"]) for secret in secrets)]
        assert bool(reads) == (name == "aura_agent"), name
    environment = variables(functions_by_group(template)["aura_agent"])
    assert environment["AURA_GITOPS"] == "argocd" and environment["AURA_GIT_REMOTE_URL"].startswith("https://")


def test_the_ticket_routes_and_the_streams_are_routed(dev: Synthesized) -> None:
    paths = {path for path, _ in methods_by_path(dev.module("aura"))}
    for resource in ("/tickets", "/tickets/{id}", "/tickets/{id}/{proxy+}", "/tickets/{id}/stream", "/stream",
                     "/audit", "/health", "/info", "/stats"):
        assert resource in paths, resource


def test_no_aura_role_may_scan(dev: Synthesized) -> None:
    template = dev.module("aura")
    for name, function in functions_by_group(template).items():
        assert not any("dynamodb:Scan" in actions(s) for s in role_statements(template, function)), name
