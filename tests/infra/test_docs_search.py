"""Documentation search on AWS (issue #4, point 8): the OpenSearch Serverless collection and its policies, the
docs bucket and its notifications to the indexer, the indexer's dead-letter queue, the search functions' settings
and least-privilege access, and the chat function's Bedrock permission."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from opsdesk.apimap import SUPPORT
from opsdesk.settings import SearchSettings
from tests.infra.conftest import (
    Synthesized,
    actions,
    exported_values,
    function_named,
    one,
    resources_of_type,
    role_statements,
)

pytestmark = pytest.mark.xdist_group("infra")

COLLECTION = "opsdesk-dev-docs"
INDEX = "index/opsdesk-dev-docs/docs"
READ = {"aoss:DescribeIndex", "aoss:ReadDocument"}
WRITE = READ | {"aoss:CreateIndex", "aoss:UpdateIndex", "aoss:WriteDocument"}


def search_stack(synthesized: Synthesized) -> dict[str, Any]:
    return synthesized.templates[f"opsdesk-{synthesized.stage}-search"]


def statements_for(statements: list[dict[str, Any]], service: str) -> list[dict[str, Any]]:
    return [s for s in statements if any(a.startswith(f"{service}:") for a in actions(s))]


def access_policies(template: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Name -> the policy document, with each principal's GetAtt turned back into `{"role": <logical id>}`."""
    policies = {}
    for resource in resources_of_type(template, "AWS::OpenSearchServerless::AccessPolicy").values():
        properties = resource["Properties"]
        assert properties["Type"] == "data"
        parts = properties["Policy"]["Fn::Join"][1]
        text = "".join(
            part if isinstance(part, str) else f"role:{part['Fn::GetAtt'][0]}" for part in parts
        )
        policies[properties["Name"]] = json.loads(text)
    return policies


def role_of(function: dict[str, Any]) -> str:
    return str(function["Properties"]["Role"]["Fn::GetAtt"][0])


# --- the collection ------------------------------------------------------------------------------------------


def test_the_collection_is_a_search_collection_behind_its_encryption_and_network_policies(dev: Synthesized) -> None:
    template = search_stack(dev)
    collection_id, collection = one(resources_of_type(template, "AWS::OpenSearchServerless::Collection"))
    policies = {
        p["Properties"]["Type"]: (logical_id, p["Properties"])
        for logical_id, p in resources_of_type(template, "AWS::OpenSearchServerless::SecurityPolicy").items()
    }

    assert collection["Properties"]["Name"] == COLLECTION
    assert collection["Properties"]["Type"] == "SEARCH"
    assert set(policies) == {"encryption", "network"}
    # Both policies must exist before the collection is created.
    assert set(collection["DependsOn"]) >= {policies["encryption"][0], policies["network"][0]}
    encryption = json.loads(policies["encryption"][1]["Policy"])
    assert encryption == {
        "Rules": [{"ResourceType": "collection", "Resource": [f"collection/{COLLECTION}"]}],
        "AWSOwnedKey": True,
    }
    assert collection_id in template["Resources"]


def test_the_network_policy_opens_the_collection_api_only_never_dashboards(dev: Synthesized) -> None:
    template = search_stack(dev)
    (network,) = [
        json.loads(p["Properties"]["Policy"])
        for p in resources_of_type(template, "AWS::OpenSearchServerless::SecurityPolicy").values()
        if p["Properties"]["Type"] == "network"
    ]

    rules = [rule for statement in network for rule in statement["Rules"]]
    assert {rule["ResourceType"] for rule in rules} == {"collection"}
    assert all(rule["Resource"] == [f"collection/{COLLECTION}"] for rule in rules)


@pytest.mark.parametrize(("stage", "expected"), [("dev", "DISABLED"), ("prod", "ENABLED")])
def test_standby_replicas_and_deletion_protection_are_on_in_prod_only(
    stage: str, expected: str, request: pytest.FixtureRequest
) -> None:
    synthesized: Synthesized = request.getfixturevalue(stage)
    _, collection = one(resources_of_type(search_stack(synthesized), "AWS::OpenSearchServerless::Collection"))

    assert collection["Properties"]["StandbyReplicas"] == expected
    assert collection["Properties"]["DeletionProtection"] == expected
    assert collection["DeletionPolicy"] == ("Retain" if stage == "prod" else "Delete")


def test_data_access_policies_grant_the_one_index_to_the_named_roles_only(dev: Synthesized) -> None:
    search, support = search_stack(dev), dev.module("support")
    _, indexer = function_named(search, "support_docs_indexer")
    readers = {role_of(function_named(support, name)[1]) for name in ("support_docs", "support_chat")}

    policies = {**access_policies(search), **access_policies(support)}

    assert set(policies) == {"opsdesk-dev-docs-indexer", "opsdesk-dev-support-search"}
    expected = {
        "opsdesk-dev-docs-indexer": ({f"role:{role_of(indexer)}"}, WRITE),
        "opsdesk-dev-support-search": ({f"role:{role}" for role in readers}, READ),
    }
    for name, (principals, permissions) in expected.items():
        (statement,) = policies[name]
        assert set(statement["Principal"]) == principals, name
        (rule,) = statement["Rules"]
        assert (rule["ResourceType"], rule["Resource"]) == ("index", [INDEX]), name
        assert set(rule["Permission"]) == permissions, name


# --- the docs bucket and the indexer ---------------------------------------------------------------------------


def test_the_docs_bucket_is_encrypted_versioned_private_and_logs_its_access(dev: Synthesized) -> None:
    template = search_stack(dev)
    buckets = resources_of_type(template, "AWS::S3::Bucket")
    docs_id, docs = one({k: b for k, b in buckets.items() if "BucketName" in b["Properties"]})
    logs_id, logs = one({k: b for k, b in buckets.items() if k != docs_id})

    for bucket in (docs, logs):
        properties = bucket["Properties"]
        (rule,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
        assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
        assert len(properties["PublicAccessBlockConfiguration"]) == 4
        assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert docs["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}
    assert docs["Properties"]["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": logs_id}
    # Access logs are kept as long as the other logs of the stage (14 days in dev).
    assert logs["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 14


def test_both_buckets_refuse_requests_without_tls(dev: Synthesized) -> None:
    template = search_stack(dev)
    policies = {p["Properties"]["Bucket"]["Ref"]: p["Properties"]["PolicyDocument"]["Statement"]
                for p in resources_of_type(template, "AWS::S3::BucketPolicy").values()}

    assert set(policies) == set(resources_of_type(template, "AWS::S3::Bucket"))
    insecure = {"Bool": {"aws:SecureTransport": "false"}}
    for statements in policies.values():
        assert any(s["Effect"] == "Deny" and s["Action"] == "s3:*" and s["Condition"] == insecure for s in statements)


def test_markdown_objects_created_or_removed_invoke_the_indexer(dev: Synthesized) -> None:
    template = search_stack(dev)
    indexer_id, _ = function_named(template, "support_docs_indexer")
    docs_id, docs = one({k: b for k, b in resources_of_type(template, "AWS::S3::Bucket").items()
                         if "BucketName" in b["Properties"]})

    configurations = docs["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]

    assert {c["Event"] for c in configurations} == {"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}
    for configuration in configurations:
        assert configuration["Function"] == {"Fn::GetAtt": [indexer_id, "Arn"]}
        assert configuration["Filter"] == {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".md"}]}}
    # S3 may invoke the indexer for this bucket of this account only, and the permission exists first.
    permission_id, permission = one(resources_of_type(template, "AWS::Lambda::Permission"))
    assert permission["Properties"]["Principal"] == "s3.amazonaws.com"
    assert permission["Properties"]["FunctionName"] == {"Fn::GetAtt": [indexer_id, "Arn"]}
    assert permission["Properties"]["SourceAccount"] == {"Ref": "AWS::AccountId"}
    source_parts = permission["Properties"]["SourceArn"]["Fn::Join"][1]
    assert source_parts[:2] == ["arn:", {"Ref": "AWS::Partition"}]
    assert source_parts[2:] == [":s3:::" + docs["Properties"]["BucketName"]["Fn::Join"][1][0],
                                *docs["Properties"]["BucketName"]["Fn::Join"][1][1:]]
    assert permission_id in docs["DependsOn"]


def test_failed_indexer_events_end_in_an_encrypted_dead_letter_queue_after_retries(dev: Synthesized) -> None:
    template = search_stack(dev)
    indexer_id, indexer = function_named(template, "support_docs_indexer")
    queue_id, queue = one(resources_of_type(template, "AWS::SQS::Queue"))

    _, config = one(resources_of_type(template, "AWS::Lambda::EventInvokeConfig"))

    assert config["Properties"]["FunctionName"] == {"Ref": indexer_id}
    assert config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert config["Properties"]["MaximumRetryAttempts"] == 2
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    sqs = statements_for(role_statements(template, indexer), "sqs")
    assert [s["Resource"] for s in sqs] == [{"Fn::GetAtt": [queue_id, "Arn"]}]


def test_the_indexer_reads_markdown_objects_and_writes_the_collection_and_nothing_else(dev: Synthesized) -> None:
    template = search_stack(dev)
    _, indexer = function_named(template, "support_docs_indexer")
    collection_id, _ = one(resources_of_type(template, "AWS::OpenSearchServerless::Collection"))
    statements = role_statements(template, indexer)

    services = {action.split(":")[0] for statement in statements for action in actions(statement)}
    assert services == {"logs", "xray", "sqs", "aoss", "s3"}
    (aoss,) = statements_for(statements, "aoss")
    assert actions(aoss) == {"aoss:APIAccessAll"}
    assert aoss["Resource"] == {"Fn::GetAtt": [collection_id, "Arn"]}
    (s3,) = statements_for(statements, "s3")
    assert actions(s3) == {"s3:GetObject"}
    assert s3["Resource"]["Fn::Join"][1][-1].endswith("/*.md")


def test_the_indexer_settings_validate_as_search_settings_for_the_collection(dev: Synthesized) -> None:
    template = search_stack(dev)
    _, indexer = function_named(template, "support_docs_indexer")
    collection_id, _ = one(resources_of_type(template, "AWS::OpenSearchServerless::Collection"))
    variables = indexer["Properties"]["Environment"]["Variables"]

    assert variables["OPENSEARCH_ENDPOINT"] == {"Fn::GetAtt": [collection_id, "CollectionEndpoint"]}
    assert variables["DOCS_BUCKET_NAME"]["Fn::Join"][1][0] == "opsdesk-dev-docs-"
    deployed = {name: value for name, value in variables.items() if isinstance(value, str)}
    settings = SearchSettings.from_environment({
        **deployed, "AWS_REGION": "eu-west-1",
        "OPENSEARCH_ENDPOINT": "https://abc.eu-west-1.aoss.amazonaws.com", "DOCS_BUCKET_NAME": "docs",
    })
    assert (settings.search_backend, settings.opensearch_service, settings.opensearch_index) == (
        "opensearch", "aoss", "docs"
    )


# --- the functions that search ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["support_docs", "support_chat"])
def test_search_functions_get_the_collection_settings_and_api_access_on_it_alone(dev: Synthesized, name: str) -> None:
    template = dev.module("support")
    _, function = function_named(template, name)
    exports = exported_values(search_stack(dev))
    variables = function["Properties"]["Environment"]["Variables"]

    endpoint_export = variables["OPENSEARCH_ENDPOINT"]["Fn::ImportValue"]
    assert exports[endpoint_export]["Fn::GetAtt"][1] == "CollectionEndpoint"
    assert {k: variables[k] for k in ("SEARCH_BACKEND", "OPENSEARCH_INDEX", "OPENSEARCH_SERVICE")} == {
        "SEARCH_BACKEND": "opensearch", "OPENSEARCH_INDEX": "docs", "OPENSEARCH_SERVICE": "aoss"
    }
    (aoss,) = statements_for(role_statements(template, function), "aoss")
    assert actions(aoss) == {"aoss:APIAccessAll"}
    assert exports[aoss["Resource"]["Fn::ImportValue"]]["Fn::GetAtt"][1] == "Arn"
    assert not statements_for(role_statements(template, function), "s3")


def test_functions_that_do_not_search_get_neither_settings_nor_access(dev: Synthesized) -> None:
    template = dev.module("support")
    others = [g.name for g in SUPPORT.groups if g.name not in {"support_docs", "support_chat"}]
    assert others

    for name in others:
        _, function = function_named(template, name)
        assert "OPENSEARCH_ENDPOINT" not in function["Properties"]["Environment"]["Variables"], name
        assert not statements_for(role_statements(template, function), "aoss"), name
        assert not statements_for(role_statements(template, function), "bedrock"), name


# --- the chat function ------------------------------------------------------------------------------------------


def test_the_chat_function_calls_bedrock_with_the_configured_model(dev: Synthesized) -> None:
    _, function = function_named(dev.module("support"), "support_chat")
    variables = function["Properties"]["Environment"]["Variables"]

    assert variables["AI_PROVIDER"] == "bedrock"
    assert variables["BEDROCK_MODEL_ID"] == "us.amazon.nova-lite-v1:0"
    # A streamed answer may outlast API Gateway's buffered 29 s.
    assert function["Properties"]["Timeout"] == 900


def test_the_chat_role_may_invoke_that_one_inference_profile_and_its_model_only_through_it(dev: Synthesized) -> None:
    template = dev.module("support")
    _, function = function_named(template, "support_chat")

    bedrock = statements_for(role_statements(template, function), "bedrock")

    assert all(actions(s) == {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"} for s in bedrock)
    profile_statement, model_statement = sorted(bedrock, key=lambda s: "Condition" in s)
    profile = profile_statement["Resource"]
    assert profile["Fn::Join"][1][-1] == ":inference-profile/us.amazon.nova-lite-v1:0"
    assert model_statement["Resource"]["Fn::Join"][1][-1] == ":bedrock:*::foundation-model/amazon.nova-lite-v1:0"
    assert model_statement["Condition"] == {"StringEquals": {"bedrock:InferenceProfileArn": profile}}


def test_the_chat_stream_is_integrated_for_fifteen_minutes(dev: Synthesized) -> None:
    template = dev.module("support")
    chat_id, _ = function_named(template, "support_chat")

    (integration,) = [
        m["Properties"]["Integration"] for m in resources_of_type(template, "AWS::ApiGateway::Method").values()
        if chat_id in json.dumps(m["Properties"].get("Integration", {}).get("Uri", ""))
    ]

    assert integration["ResponseTransferMode"] == "STREAM"
    assert integration["TimeoutInMillis"] == 900_000


# --- the model setting ------------------------------------------------------------------------------------------


def _model_statements(model_id: str) -> list[dict[str, Any]]:
    import aws_cdk as cdk

    from infra.constructs.ai import BedrockModel

    stack = cdk.Stack(cdk.App(), "Probe")
    return [stack.resolve(s.to_statement_json()) for s in BedrockModel(model_id).statements()]


def test_a_foundation_model_id_is_granted_in_the_stack_region_alone() -> None:
    (statement,) = _model_statements("anthropic.claude-3-haiku-20240307-v1:0")

    assert statement["Resource"] == {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":bedrock:", {"Ref": "AWS::Region"},
        "::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    ]]}
    assert "Condition" not in statement


def test_a_global_profile_is_granted_on_the_profile_and_its_model_through_it() -> None:
    model_id = "anthropic.claude-haiku-4-5-20251001-v1:0"
    profile, model = _model_statements(f"global.{model_id}")

    assert profile["Resource"]["Fn::Join"][1][-1] == f":inference-profile/global.{model_id}"
    assert model["Resource"]["Fn::Join"][1][-1] == f":bedrock:*::foundation-model/{model_id}"
    assert model["Condition"]["StringEquals"]["bedrock:InferenceProfileArn"] == profile["Resource"]


@pytest.mark.parametrize(("region", "expected"), [
    (None, "us.amazon.nova-lite-v1:0"),
    ("eu-west-1", "eu.amazon.nova-lite-v1:0"),
    ("ap-southeast-2", "apac.amazon.nova-lite-v1:0"),
    ("us-west-2", "us.amazon.nova-lite-v1:0"),
])
def test_the_default_model_uses_the_inference_profile_of_the_stack_geography(region: str | None, expected: str) -> None:
    import aws_cdk as cdk

    from infra.settings import InfraSettings

    environ = {"OPSDESK_REGION": region} if region else {}
    settings = InfraSettings.from_context(cdk.App().node, environ=environ)

    assert settings.bedrock_model_id == expected


def test_a_configured_model_wins_and_a_malformed_one_stops_synth() -> None:
    import aws_cdk as cdk

    from infra.settings import InfraSettings, SettingsError

    configured = InfraSettings.from_context(cdk.App(context={"bedrockModelId": "amazon.nova-pro-v1:0"}).node, {})
    assert configured.bedrock_model_id == "amazon.nova-pro-v1:0"
    with pytest.raises(SettingsError, match="bedrockModelId"):
        InfraSettings.from_context(cdk.App(context={"bedrockModelId": "arn:aws:bedrock:*"}).node, {})


def test_long_stage_names_still_give_valid_serverless_names() -> None:
    from infra.constructs.search import AOSS_NAME_LIMIT, aoss_name

    name = aoss_name("opsdesk-a-sixteen-chars", "docs-indexer")

    assert len(name) <= AOSS_NAME_LIMIT
    assert name.startswith("opsdesk-a-sixteen-chars")
    assert name != aoss_name("opsdesk-a-sixteen-chars", "docs-indexes")
    assert aoss_name("opsdesk-dev", "docs") == "opsdesk-dev-docs"


def test_operators_named_in_settings_may_write_the_index_too(tmp_path: Path) -> None:
    from tests.infra.conftest import synthesize

    operator = "arn:aws:iam::123456789012:role/DocsOperator"
    synthesized = synthesize(tmp_path, {"searchOperatorArns": operator})

    policies = access_policies(search_stack(synthesized))
    (statement,) = policies["opsdesk-dev-docs-indexer"]
    assert operator in statement["Principal"]
    assert len(statement["Principal"]) == 2
    (statement,) = access_policies(synthesized.module("support"))["opsdesk-dev-support-search"]
    assert operator not in statement["Principal"]


def test_operator_arns_must_be_iam_roles_or_users() -> None:
    import aws_cdk as cdk

    from infra.settings import InfraSettings, SettingsError

    with pytest.raises(SettingsError, match="searchOperatorArns"):
        InfraSettings.from_context(cdk.App(context={"searchOperatorArns": "*"}).node, {})
