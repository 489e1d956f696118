"""The module pattern (docs/adding-a-module.md), checked on every module's files: domain code is plain Python
(no AWS SDK, no pynamodb), only repositories talk to DynamoDB, and nothing binds a table at import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from opsdesk.apimap import MODULES

LIBRARY = Path(__file__).resolve().parents[2] / "layers" / "platform" / "opsdesk"
AWS_PACKAGES = {"boto3", "botocore", "pynamodb"}
DATA_ACCESS_FILES = {"repository.py", "extras_repository.py", "items.py", "bedrock.py",
                     # the parts of the support, copilot and helpdesk stores (opsdesk.<module>.repository)
                     "table_repository.py", "catalog_repository.py", "issue_repository.py", "usage_repository.py",
                     "help_repository.py", "account_repository.py", "incident_repository.py",
                     "monitoring_repository.py", "requester_repository.py", "ticket_repository.py",
                     "comment_repository.py", "purge_repository.py"}
"""The files of a module that may talk to AWS: its table's repository and item classes, and a model adapter of its
own (aura's Bedrock brain: it reads botocore's error classes; its client comes from opsdesk.ai.factory). Other
adapters (S3, SES, search, SQS) live in the platform, one each."""

MODULE_FILES = sorted(path for module in MODULES for path in (LIBRARY / module.name).glob("*.py"))


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a file imports, at any depth (function-level imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", [p for p in MODULE_FILES if p.name not in DATA_ACCESS_FILES],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_domain_code_imports_no_aws_sdk_and_no_pynamodb(path: Path) -> None:
    assert not imported_packages(path) & AWS_PACKAGES


@pytest.mark.parametrize("path", sorted(LIBRARY.rglob("*.py")), ids=lambda p: str(p.relative_to(LIBRARY)))
def test_no_platform_or_module_file_loads_settings_at_import(path: Path) -> None:
    """Settings are loaded by handlers (cold start) and passed in; repositories bind their table when made."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            called = node.value.func
            name = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
            assert name != "load_settings", f"{path.name} loads settings at import"
