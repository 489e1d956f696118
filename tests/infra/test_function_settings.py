"""Every deployed function starts: the environment CDK gives it satisfies the settings model its code validates at
cold start (`load_settings(<Model>)` in functions/<name>/handler.py or app.py, and in the layer modules it
imports), so a setting the code requires but infra does not set is found at synth, not on the first request.

Checked on a plain dev stage and on one with a mail sender and the custom domain, where the `<MODULE>_MAIL_FROM`
and `<MODULE>_PUBLIC_URL` of every group that declares Capability.MAIL carry values its settings must accept."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from opsdesk import settings as settings_module
from opsdesk.settings import Settings, SettingsError
from tests.infra.conftest import Synthesized, resources_of_type

pytestmark = pytest.mark.xdist_group("infra")

REPO_ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_ROOT = REPO_ROOT / "functions"
LAYER_ROOT = REPO_ROOT / "layers" / "platform"
# Lambda sets these itself.
RUNTIME_ENVIRONMENT = {"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"}

STAGES = ("dev", "with_mail")
"""The synthesized apps checked (fixtures of tests/infra/conftest.py)."""


def import_time_nodes(statements: list[ast.stmt]) -> list[ast.AST]:
    """What runs when a module is imported: its statements, except `if TYPE_CHECKING:` blocks and the bodies of
    functions (a lazy import or settings load inside one happens later, if ever)."""
    found: list[ast.AST] = []
    pending: list[ast.AST] = list(statements)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            found.extend(node.decorator_list if not isinstance(node, ast.Lambda) else [])
            continue
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            pending.extend(node.orelse)
            continue
        found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def _loads_settings(node: ast.AST) -> str | None:
    """The model's name when `node` is `load_settings(<Model>)`."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "load_settings"
            and node.args and isinstance(node.args[0], ast.Name)):
        return node.args[0].id
    return None


def _module_file(module_name: str) -> Path | None:
    path = LAYER_ROOT / Path(*module_name.split("."))
    return next((c for c in (path.with_suffix(".py"), path / "__init__.py") if c.is_file()), None)


def _constructor_models(module_file: Path, class_name: str) -> set[type[Settings]]:
    """The models the `__init__` of `class_name` (defined in `module_file`) may load: a repository or event log
    built at import (`CopilotRepository()`, `EventLog()`) loads its settings when it is given none."""
    for node in ast.parse(module_file.read_text()).body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            init = next((item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "__init__"),
                        None)
            names = {_loads_settings(call) for call in ast.walk(init)} if init else set()
            return {getattr(settings_module, name) for name in names if name}
    return set()


def _passes_settings(call: ast.Call) -> bool:
    return (any(keyword.arg == "settings" for keyword in call.keywords)
            or any(isinstance(arg, ast.Name) and arg.id == "settings" for arg in call.args))


def settings_models(source: Path, seen: set[Path] | None = None) -> set[type[Settings]]:
    """The models `load_settings(...)` is called with when this file is imported (directly, or in the constructor
    of an opsdesk class instantiated at import without settings), and when the opsdesk modules it imports are."""
    seen = set() if seen is None else seen
    if source in seen or not source.is_file():
        return set()
    seen.add(source)
    models: set[type[Settings]] = set()
    imported: dict[str, Path] = {}
    nodes = import_time_nodes(ast.parse(source.read_text()).body)
    for node in nodes:
        if name := _loads_settings(node):
            models.add(getattr(settings_module, name))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("opsdesk"):
            module_file = _module_file(node.module)
            for alias in node.names:
                if module_file is not None:
                    imported[alias.asname or alias.name] = module_file
            for module_name in (node.module, *(f"{node.module}.{alias.name}" for alias in node.names)):
                if (candidate := _module_file(module_name)) is not None:
                    models |= settings_models(candidate, seen)
    for node in nodes:
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in imported
                and not _passes_settings(node)):
            models |= _constructor_models(imported[node.func.id], node.func.id)
    return models


def deployed_functions(synthesized: Synthesized) -> list[tuple[str, dict[str, Any]]]:
    """(group name, properties) of every function of every stack (their description is `opsdesk <group>`)."""
    found = []
    for template in synthesized.templates.values():
        for function in resources_of_type(template, "AWS::Lambda::Function").values():
            description = function["Properties"].get("Description", "")
            if description.startswith("opsdesk "):
                found.append((description.removeprefix("opsdesk "), function["Properties"]))
    return found


FUNCTION_NAMES = sorted(path.name for path in FUNCTIONS_ROOT.iterdir() if (path / "__init__.py").is_file())


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("name", FUNCTION_NAMES)
def test_the_environment_infra_gives_a_function_satisfies_every_settings_model_its_code_loads(
    stage: str, name: str, request: pytest.FixtureRequest
) -> None:
    synthesized: Synthesized = request.getfixturevalue(stage)
    deployed = [properties for group, properties in deployed_functions(synthesized) if group == name]
    assert deployed, f"{name} has a folder under functions/ but this app deploys no function for it"
    models = set().union(*(settings_models(FUNCTIONS_ROOT / name / entry) for entry in ("handler.py", "app.py")))
    assert models, f"{name} loads no settings model"

    for properties in deployed:
        environment = {
            key: value if isinstance(value, str) else "resolved-at-deploy"
            for key, value in properties.get("Environment", {}).get("Variables", {}).items()
        }
        for model in models:
            try:
                model.from_environment({**environment, **RUNTIME_ENVIRONMENT})
            except SettingsError as exc:
                pytest.fail(f"{name}: {exc}")


def test_every_deployed_function_has_a_folder_that_this_test_checks(dev: Synthesized) -> None:
    assert {group for group, _ in deployed_functions(dev)} <= set(FUNCTION_NAMES)
