"""Infra layer: the CDK app synthesized once per session (and once more as prod), read back as templates.

The synth uses a stand-in layer zip (the opsdesk package only), so these tests need no network and no layer
build; scripts/build_layer.py has its own tests."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PROD_ORIGIN = "https://app.opsdesk.example"


@dataclass(frozen=True)
class Synthesized:
    app: Any
    """The aws_cdk.App, after synth."""
    directory: Path
    templates: dict[str, dict[str, Any]]
    """Stack name -> template."""
    stage: str

    @property
    def platform(self) -> dict[str, Any]:
        return self.templates[f"opsdesk-{self.stage}-platform"]

    def module(self, name: str) -> dict[str, Any]:
        return self.templates[f"opsdesk-{self.stage}-{name}"]


def stand_in_layer(directory: Path) -> Any:
    from scripts.build_layer import LayerBuild

    library = REPO_ROOT / "layers" / "platform" / "opsdesk"
    archive = directory / "layer.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for source in sorted(library.rglob("*.py")):
            zipped.write(source, f"python/opsdesk/{source.relative_to(library).as_posix()}")
    return LayerBuild(directory, archive, "stand-in-layer", rebuilt=False, seconds=0.0, size_bytes=0)


def synthesize(directory: Path, context: Mapping[str, Any], **build_options: Any) -> Synthesized:
    from infra.app import build_app

    app = build_app(outdir=directory / "cdk.out", context=context, layer=stand_in_layer(directory), **build_options)
    assembly = app.synth()
    templates = {stack.stack_name: json.loads(Path(stack.template_full_path).read_text()) for stack in assembly.stacks}
    return Synthesized(app, Path(assembly.directory), templates, str(context.get("stage", "dev")))


@pytest.fixture(scope="session")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("dev"), {})


@pytest.fixture(scope="session")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("prod"), {"stage": "prod", "corsAllowedOrigins": PROD_ORIGIN})


MAIL_FROM = "helpdesk@mail.opsdesk.example"
DOMAIN = "api.opsdesk.example"
MAIL_CONTEXT = {"mailFrom": MAIL_FROM, "domainName": DOMAIN,
                "certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-0000-4000-8000-000000000000"}


@pytest.fixture(scope="session")
def with_mail(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """A dev stage with a custom domain and a mail sender, so every group that declares Capability.MAIL sends mail
    (synth ran cdk-nag: it raises on a finding)."""
    return synthesize(tmp_path_factory.mktemp("mail"), MAIL_CONTEXT)


def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == resource_type}


def resource_paths(template: Mapping[str, Any]) -> dict[str, str]:
    """Logical id of each AWS::ApiGateway::Resource -> its full path ("/api/issues/{proxy+}")."""
    resources = resources_of_type(template, "AWS::ApiGateway::Resource")

    def path_of(logical_id: str) -> str:
        properties = resources[logical_id]["Properties"]
        parent = properties["ParentId"]
        prefix = path_of(parent["Ref"]) if "Ref" in parent else ""
        return f"{prefix}/{properties['PathPart']}"

    return {logical_id: path_of(logical_id) for logical_id in resources}


def exported_values(template: Mapping[str, Any]) -> dict[str, Any]:
    """Export name -> the value the exporting template gives it (to follow Fn::ImportValue across stacks)."""
    return {o["Export"]["Name"]: o["Value"] for o in template.get("Outputs", {}).values() if "Export" in o}


def methods_by_path(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(resource path, properties) of each AWS::ApiGateway::Method ("/" for the root)."""
    paths = resource_paths(template)
    methods = []
    for method in resources_of_type(template, "AWS::ApiGateway::Method").values():
        parent = method["Properties"]["ResourceId"]
        path = paths[parent["Ref"]] if "Ref" in parent else "/"
        methods.append((path, method["Properties"]))
    return methods


def one(resources: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    assert len(resources) == 1, sorted(resources)
    return next(iter(resources.items()))


def function_named(template: dict[str, Any], name: str) -> tuple[str, dict[str, Any]]:
    return one({
        logical_id: resource
        for logical_id, resource in resources_of_type(template, "AWS::Lambda::Function").items()
        if resource["Properties"].get("Description") == f"opsdesk {name}"
    })


def role_statements(template: dict[str, Any], function: dict[str, Any]) -> list[dict[str, Any]]:
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    assert "ManagedPolicyArns" not in template["Resources"][role_id]["Properties"]
    return [
        statement
        for policy in resources_of_type(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict[str, Any]) -> set[str]:
    return set(statement["Action"]) if isinstance(statement["Action"], list) else {statement["Action"]}


def resources_allowed(template: dict[str, Any], function: dict[str, Any], action: str) -> str:
    """The resources the function's role may perform `action` on, as text (table references are imports)."""
    return json.dumps([s["Resource"] for s in role_statements(template, function) if action in actions(s)])


def listed(value: Any) -> list[Any]:
    """A policy's Resource (or Action): one value is rendered alone, several as a list."""
    return value if isinstance(value, list) else [value]


def rendered(value: Any) -> str:
    """A CloudFormation string as text, pseudo parameters and other references as ${Name}."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return "${" + value["Ref"] + "}"
    if "Fn::ImportValue" in value:
        return "${import:" + value["Fn::ImportValue"] + "}"
    separator, parts = value["Fn::Join"]
    return str(separator).join(rendered(part) for part in parts)


def functions_by_group(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Group name (the `opsdesk <group>` description) -> each function resource of a template."""
    return {f["Properties"]["Description"].removeprefix("opsdesk "): f
            for f in resources_of_type(template, "AWS::Lambda::Function").values()
            if f["Properties"].get("Description", "").startswith("opsdesk ")}


def variables(function: dict[str, Any]) -> dict[str, Any]:
    return dict(function["Properties"].get("Environment", {}).get("Variables", {}))
