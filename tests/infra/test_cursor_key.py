"""The cursor signing key: one generated secret, readable by exactly the functions whose group declares it."""

from __future__ import annotations

import json
from typing import Any

from opsdesk.apimap import MODULES, Capability
from tests.infra.conftest import Synthesized, resources_of_type

CURSOR_GROUPS = {group.name for module in MODULES for group in module.groups
                 if Capability.CURSOR_KEY in group.capabilities}


def _functions_by_group(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["Properties"]["Description"].removeprefix("opsdesk "): f
            for f in resources_of_type(template, "AWS::Lambda::Function").values()
            if f["Properties"].get("Description", "").startswith("opsdesk ")}


def _policies_reading_secrets(template: dict[str, Any]) -> list[dict[str, Any]]:
    """Policies that read the cursor key (an imported secret ARN); monitoring integrations' secrets
    (Capability.INTEGRATION_SECRETS, a name prefix) and the aura agent's GitOps secrets (the module stack's own,
    Capability.GITOPS) are other grants."""
    return [policy for policy in resources_of_type(template, "AWS::IAM::Policy").values()
            if any("secretsmanager:GetSecretValue" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
                   and ":secret:" not in json.dumps(s["Resource"]) and "Fn::ImportValue" in json.dumps(s["Resource"])
                   for s in policy["Properties"]["PolicyDocument"]["Statement"])]


def test_the_platform_stack_generates_one_cursor_key_secret(dev: Synthesized) -> None:
    secrets = resources_of_type(dev.platform, "AWS::SecretsManager::Secret")
    assert len(secrets) == 1
    generated = next(iter(secrets.values()))["Properties"]["GenerateSecretString"]
    assert generated["PasswordLength"] >= 64
    assert generated["ExcludePunctuation"] is True


def test_only_groups_that_declare_the_cursor_key_get_its_arn_and_may_read_it(dev: Synthesized) -> None:
    assert CURSOR_GROUPS, "some group signs cursors (helpdesk_tickets)"
    seen = set()
    for module in MODULES:
        template = dev.module(module.name)
        for name, function in _functions_by_group(template).items():
            variables = function["Properties"].get("Environment", {}).get("Variables", {})
            assert ("CURSOR_KEY_SECRET_ARN" in variables) == (name in CURSOR_GROUPS), name
            if name in CURSOR_GROUPS:
                seen.add(name)
        readers = _policies_reading_secrets(template)
        assert len(readers) == len([g for g in module.groups if g.name in CURSOR_GROUPS])
    assert seen == CURSOR_GROUPS
