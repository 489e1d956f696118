"""The aura stack from the API map: the agent's work queue (SQS-managed encryption, TLS only, a dead-letter queue and
a redrive, a mapping that reports failed kicks one by one), sqs:SendMessage on that queue for exactly the groups
that declare Capability.MODULE_QUEUE, the GitOps secrets the stack creates read by the GITOPS groups alone, the git
remote's URL on every function (health reports it), the ticket routes beside the streaming ones, no Scan anywhere,
cdk-nag and cfn-lint clean, and the stage's URLs from its settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.constructs.gitops import (
    ARGOCD_URL_ENV,
    CLUSTER_TOKEN_ENV,
    GIT_CREDENTIAL_ENV,
    GIT_REMOTE_ENV,
    GITOPS_ENV,
    KUBERNETES_URL_ENV,
)
from infra.settings import InfraSettings
from opsdesk.apimap import AURA, AURA_AGENT_QUEUE_SETTING, Capability
from opsdesk.settings import AuraAgentSettings, AuraSettings
from tests.infra.conftest import (
    Synthesized,
    actions,
    function_named,
    functions_by_group,
    listed,
    methods_by_path,
    one,
    resources_of_type,
    role_statements,
    synthesize,
    variables,
)

pytestmark = pytest.mark.xdist_group("infra")

(CONSUMER,) = AURA.queue_consumers
SENDERS = {group.name for group in AURA.groups_using(Capability.MODULE_QUEUE)}
GITOPS_GROUPS = {group.name for group in AURA.groups_using(Capability.GITOPS)}
EVERY_GROUP = {group.name for group in (*AURA.groups, *(consumer.group for consumer in AURA.queue_consumers))}
# What Lambda's SQS poller needs on the queue it reads (granted by the event source), and the senders' one action.
CONSUME_ACTIONS = {"sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage",
                   "sqs:GetQueueAttributes"}
STAGE_URLS = {"auraGitRemoteUrl": "https://git.ops.example.com/platform/gitops.git",
              "auraArgocdUrl": "https://argocd.ops.example.com", "auraKubernetesUrl": "https://k8s.ops.example.com:6443"}


def _template(dev: Synthesized) -> dict[str, Any]:
    return dev.module(AURA.name)


def _queues(template: dict[str, Any]) -> tuple[str, str]:
    """(work queue, dead-letter queue) logical ids: the one queue with a redrive policy, and its target."""
    queues = resources_of_type(template, "AWS::SQS::Queue")
    queue_id, queue = one({name: q for name, q in queues.items() if "RedrivePolicy" in q["Properties"]})
    dead_letters_id = queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert set(queues) == {queue_id, dead_letters_id}
    return queue_id, dead_letters_id


def _sqs_statements(template: dict[str, Any], function: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in role_statements(template, function) if any(a.startswith("sqs:") for a in actions(s))]


def test_the_api_map_declares_what_this_file_checks() -> None:
    senders, gitops_groups = SENDERS, GITOPS_GROUPS
    assert senders == {"aura_tickets", "aura_agent"}
    assert gitops_groups == {"aura_agent"}
    assert CONSUMER.queue_url_setting == AURA_AGENT_QUEUE_SETTING == AuraSettings.variable_name("agent_queue_url")


def test_the_agent_runs_in_the_aura_stack_with_its_timeout(dev: Synthesized) -> None:
    _, agent = function_named(_template(dev), CONSUMER.group.name)

    assert agent["Properties"]["Timeout"] == CONSUMER.timeout_seconds
    assert agent["Properties"]["Handler"] == "handler.lambda_handler"
    assert set(functions_by_group(_template(dev))) == EVERY_GROUP


def test_the_queue_is_encrypted_tls_only_and_redrives_to_its_dead_letter_queue(dev: Synthesized) -> None:
    template = _template(dev)
    queue_id, dead_letters_id = _queues(template)
    queue = template["Resources"][queue_id]["Properties"]
    dead_letters = template["Resources"][dead_letters_id]["Properties"]

    assert queue["RedrivePolicy"]["maxReceiveCount"] == CONSUMER.max_receives
    assert queue["VisibilityTimeout"] == 6 * CONSUMER.timeout_seconds
    assert dead_letters["MessageRetentionPeriod"] == 14 * 24 * 3600
    assert "RedrivePolicy" not in dead_letters
    for queue_properties in (queue, dead_letters):
        assert queue_properties["SqsManagedSseEnabled"] is True
    for logical_id in (queue_id, dead_letters_id):
        (policy,) = [p for p in resources_of_type(template, "AWS::SQS::QueuePolicy").values()
                     if {"Ref": logical_id} in p["Properties"]["Queues"]]
        (deny,) = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_agent_takes_kicks_one_by_one_and_reports_failed_ones(dev: Synthesized) -> None:
    template = _template(dev)
    queue_id, _ = _queues(template)
    agent_id, _ = function_named(template, CONSUMER.group.name)
    _, mapping = one(resources_of_type(template, "AWS::Lambda::EventSourceMapping"))

    assert mapping["Properties"]["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert mapping["Properties"]["FunctionName"] == {"Ref": agent_id}
    assert mapping["Properties"]["BatchSize"] == CONSUMER.batch_size
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_groups_that_kick_the_agent_may_send_to_its_queue_and_nothing_else_of_sqs(dev: Synthesized) -> None:
    template = _template(dev)
    queue_id, _ = _queues(template)
    queue_arn = {"Fn::GetAtt": [queue_id, "Arn"]}

    for name, function in functions_by_group(template).items():
        statements = _sqs_statements(template, function)
        granted = set().union(*(actions(s) for s in statements))
        if name in SENDERS:
            assert variables(function)[AURA_AGENT_QUEUE_SETTING] == {"Ref": queue_id}, name
            sends = [s for s in statements if "sqs:SendMessage" in actions(s)]
            assert [listed(s["Resource"]) for s in sends] == [[queue_arn]], name
        else:
            assert AURA_AGENT_QUEUE_SETTING not in variables(function), name
        # Every SQS statement names the work queue alone (never the dead-letter queue).
        assert all(listed(s["Resource"]) == [queue_arn] for s in statements), name
        expected = ({"sqs:SendMessage"} if name in SENDERS else set()) | (
            CONSUME_ACTIONS if name == CONSUMER.group.name else set())
        assert granted == expected, name


def test_the_gitops_secrets_belong_to_the_stack_and_hold_their_json_shape(dev: Synthesized) -> None:
    template = _template(dev)
    secrets = {s["Properties"]["Name"]: s["Properties"]
               for s in resources_of_type(template, "AWS::SecretsManager::Secret").values()}

    assert sorted(secrets) == ["opsdesk-dev/aura/cluster", "opsdesk-dev/aura/git"]
    shapes = {name: json.loads(s["GenerateSecretString"]["SecretStringTemplate"]) for name, s in secrets.items()}
    assert shapes == {"opsdesk-dev/aura/git": {"username": "", "token": ""},
                      "opsdesk-dev/aura/cluster": {"argocd": "", "kubernetes": ""}}
    assert all("SecretString" not in s for s in secrets.values())
    assert {s["DeletionPolicy"] for s in resources_of_type(template, "AWS::SecretsManager::Secret").values()} == {
        "Delete"}


def test_prod_retains_the_gitops_secrets(prod: Synthesized) -> None:
    secrets = resources_of_type(prod.module(AURA.name), "AWS::SecretsManager::Secret")

    assert {s["DeletionPolicy"] for s in secrets.values()} == {"Retain"}


def test_only_the_gitops_groups_may_read_the_secrets_and_only_those(dev: Synthesized) -> None:
    template = _template(dev)
    secret_ids = sorted(resources_of_type(template, "AWS::SecretsManager::Secret"))

    for name, function in functions_by_group(template).items():
        statements = [s for s in role_statements(template, function)
                      if any(a.startswith("secretsmanager:") for a in actions(s))]
        if name in GITOPS_GROUPS:
            (statement,) = statements
            assert actions(statement) == {"secretsmanager:GetSecretValue"}
            assert sorted(listed(statement["Resource"]), key=json.dumps) == [{"Ref": i} for i in secret_ids]
        else:
            assert statements == [], name


def test_the_agent_gets_the_gitops_settings_and_every_function_the_remote(dev: Synthesized) -> None:
    template = _template(dev)
    secret_ids = {s["Properties"]["Name"].rsplit("/", 1)[1]: logical_id
                  for logical_id, s in resources_of_type(template, "AWS::SecretsManager::Secret").items()}
    defaults = InfraSettings.__dataclass_fields__

    for name, function in functions_by_group(template).items():
        environment = variables(function)
        assert environment[GIT_REMOTE_ENV] == defaults["aura_git_remote_url"].default, name
        gitops = {GIT_CREDENTIAL_ENV, CLUSTER_TOKEN_ENV, ARGOCD_URL_ENV, KUBERNETES_URL_ENV, GITOPS_ENV}
        assert (gitops <= set(environment)) == (name in GITOPS_GROUPS), name
    agent = variables(functions_by_group(template)[CONSUMER.group.name])
    assert agent[GIT_CREDENTIAL_ENV] == {"Ref": secret_ids["git"]}
    assert agent[CLUSTER_TOKEN_ENV] == {"Ref": secret_ids["cluster"]}
    assert agent[GITOPS_ENV] == "argocd"
    assert agent[ARGOCD_URL_ENV] == defaults["aura_argocd_url"].default
    assert agent[KUBERNETES_URL_ENV] == defaults["aura_kubernetes_url"].default
    # The names are the agent's settings' own, and the values pass them.
    settings = AuraAgentSettings.from_environment(
        {key: value if isinstance(value, str) else "resolved-at-deploy" for key, value in agent.items()}
        | {"AWS_REGION": "eu-west-1"})
    assert settings.gitops == "argocd" and settings.git_remote_url and settings.argocd_url


def test_the_agent_calls_bedrock_and_no_other_aura_function_does(dev: Synthesized) -> None:
    template = _template(dev)
    ai_groups = {group.name for group in AURA.groups_using(Capability.AI_MODEL)}
    assert ai_groups == {CONSUMER.group.name}

    for name, function in functions_by_group(template).items():
        invokes = [s for s in role_statements(template, function) if "bedrock:InvokeModel" in actions(s)]
        assert bool(invokes) == (name in ai_groups), name
        assert (variables(function).get("AI_PROVIDER") == "bedrock") == (name in ai_groups), name


def test_the_ticket_routes_and_the_streams_are_routed_the_streams_in_stream_mode(dev: Synthesized) -> None:
    template = _template(dev)
    paths = {path for path, _ in methods_by_path(template)}
    for group in AURA.groups:
        for resource in group.resources:
            assert resource in paths, resource
    for resource in ("/tickets/{id}/stream", "/stream"):
        modes = {method["Integration"].get("ResponseTransferMode", "BUFFERED")
                 for path, method in methods_by_path(template)
                 if path == resource and method["HttpMethod"] != "OPTIONS"}
        assert modes == {"STREAM"}, resource


def test_no_aura_role_may_scan(dev: Synthesized) -> None:
    template = _template(dev)
    for name, function in functions_by_group(template).items():
        assert not any("dynamodb:Scan" in actions(s) for s in role_statements(template, function)), name


def test_a_failed_kick_alarms_with_what_to_do_and_the_dead_letter_queue_is_an_output(dev: Synthesized) -> None:
    template = _template(dev)
    _, dead_letters_id = _queues(template)
    alarms = {a["Properties"]["AlarmName"]: a["Properties"]
              for a in resources_of_type(template, "AWS::CloudWatch::Alarm").values()}
    description = json.dumps(alarms["opsdesk-dev-aura-agent-dead-letters"]["AlarmDescription"])

    assert "AURA_RUN_LEASE_SECONDS" in description and "POST /run" in description
    output = next(o for o in template["Outputs"].values() if o["Value"] == {"Ref": dead_letters_id})
    assert CONSUMER.group.name in output["Description"]


def test_the_aura_stack_passes_cdk_nag_with_only_its_written_acknowledgements(dev: Synthesized) -> None:
    from aws_cdk import Stack, Validations
    from cdk_nag import AwsSolutionsChecks

    stack = next(c for c in dev.app.node.children if isinstance(c, Stack) and c.stack_name == "opsdesk-dev-aura")
    report = AwsSolutionsChecks().validate_scope(stack)
    assert [violation.rule_name for violation in report.violations] == []

    def acknowledged(rule: str) -> list[str]:
        return [construct.node.path for construct in stack.node.find_all() for entry in construct.node.metadata
                if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY
                and f"Annotation::AwsSolutions-{rule}" in entry.data]

    assert sorted(path.rsplit("/", 1)[1] for path in acknowledged("SMG4")) == ["ClusterTokens", "GitCredential"]
    assert [path.rsplit("/", 1)[1] for path in acknowledged("SQS3")] == ["DeadLetters"]


def test_the_aura_template_passes_cfn_lint(dev: Synthesized) -> None:
    from cfnlint.api import ManualArgs, lint_file

    from tests.infra.test_checks import CFN_LINT_IGNORED, LINT_REGIONS

    template = dev.directory / "opsdesk-dev-aura.template.json"
    problems = [str(m) for m in lint_file(template, config=ManualArgs(ignore_checks=CFN_LINT_IGNORED,
                                                                        regions=LINT_REGIONS))]

    assert problems == []


def test_the_stage_urls_reach_the_functions(tmp_path: Path) -> None:
    synthesized = synthesize(tmp_path, STAGE_URLS, modules=(AURA,))  # cdk-nag runs in synth
    functions = functions_by_group(synthesized.module(AURA.name))

    agent = variables(functions[CONSUMER.group.name])
    assert agent[GIT_REMOTE_ENV] == STAGE_URLS["auraGitRemoteUrl"]
    assert agent[ARGOCD_URL_ENV] == STAGE_URLS["auraArgocdUrl"]
    assert agent[KUBERNETES_URL_ENV] == STAGE_URLS["auraKubernetesUrl"]
    assert variables(functions["aura_health"])[GIT_REMOTE_ENV] == STAGE_URLS["auraGitRemoteUrl"]


def test_the_urls_come_from_the_environment_when_context_is_silent() -> None:
    import aws_cdk as cdk

    settings = InfraSettings.from_context(cdk.App().node, environ={
        "OPSDESK_AURA_GIT_REMOTE_URL": "https://git.ops.example.com/gitops.git"})

    assert settings.aura_git_remote_url == "https://git.ops.example.com/gitops.git"
    assert settings.aura_argocd_url.endswith(".example.invalid")


@pytest.mark.parametrize(("key", "value"), [
    ("auraGitRemoteUrl", "http://git.ops.example.com/gitops.git"),
    ("auraGitRemoteUrl", "git@github.com:ops/gitops.git"),
    ("auraGitRemoteUrl", "https://user:token@git.ops.example.com/gitops.git"),
    ("auraArgocdUrl", "https://"),
    ("auraKubernetesUrl", "https://k8s.example.com/ api"),
])
def test_a_url_that_is_not_plain_https_stops_synth_with_the_setting_named(key: str, value: str) -> None:
    import aws_cdk as cdk

    from infra.settings import SettingsError

    with pytest.raises(SettingsError, match=key):
        InfraSettings.from_context(cdk.App(context={key: value}).node, environ={})


REST_AND_STREAM_ENTRIES = {"aura_tickets": "handler", "aura_status": "handler", "aura_health": "handler",
                           "aura_stream": "app"}
"""What a cold start imports. The agent's import reads its secrets (Secrets Manager) and is left to the settings
check (test_function_settings.py) and opsdesk's own tests."""


@pytest.mark.parametrize("name", list(REST_AND_STREAM_ENTRIES))
def test_the_function_starts_with_the_environment_infra_gives_it(dev: Synthesized, name: str) -> None:
    """A cold start for real: import the handler in a fresh interpreter with exactly the function's environment
    (references as placeholders), which also runs the settings loads the static check cannot follow (a settings
    model loaded inside a function that the handler calls at import)."""
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    function = functions_by_group(_template(dev))[name]
    environment = {key: value if isinstance(value, str) else "resolved-at-deploy"
                   for key, value in variables(function).items()}
    environment |= {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1", "PATH": os.environ["PATH"],
                    "PYTHONPATH": f"{repo / 'layers' / 'platform'}{os.pathsep}{repo}",
                    "POWERTOOLS_TRACE_DISABLED": "true"}
    environment.pop("AWS_LAMBDA_EXEC_WRAPPER", None)
    started = subprocess.run(
        [sys.executable, "-c", f"import functions.{name}.{REST_AND_STREAM_ENTRIES[name]}"],
        cwd=repo, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )

    assert started.returncode == 0, started.stderr[-2000:]


def test_info_names_the_stage_as_its_environment(dev: Synthesized) -> None:
    for name, function in functions_by_group(_template(dev)).items():
        assert variables(function).get("AURA_ENVIRONMENT") == "dev", name
