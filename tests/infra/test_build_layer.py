"""scripts/build_layer.py: what decides a rebuild, and the check that the layer works without the AWS SDK."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from scripts import build_layer
from scripts.build_layer import content_hash, distribution_name, unmet_requirements, write_archive


def _fake_distribution(site: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    headers = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    headers += [f"Requires-Dist: {requirement}" for requirement in requires]
    (info / "METADATA").write_text("\n".join(headers) + "\n")


def test_distribution_names_are_normalised_without_extras_or_pins() -> None:
    assert distribution_name("PyJWT[crypto]==2.15.*") == "pyjwt"
    assert distribution_name("aws-lambda-powertools[tracer]==3.37.0") == "aws-lambda-powertools"
    assert distribution_name("requests_aws4auth==1.3.*") == "requests-aws4auth"


def test_content_hash_changes_with_dependencies_and_with_the_sdk_choice() -> None:
    base = content_hash(["pydantic==2.14.*"], with_aws_sdk=False)

    assert base == content_hash(["pydantic==2.14.*"], with_aws_sdk=False)
    assert base != content_hash(["pydantic==2.15.*"], with_aws_sdk=False)
    assert base != content_hash(["pydantic==2.14.*"], with_aws_sdk=True)


def test_content_hash_changes_when_an_opsdesk_source_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = tmp_path / "opsdesk"
    library.mkdir()
    (library / "errors.py").write_text("A = 1\n")
    monkeypatch.setattr(build_layer, "LIBRARY_SOURCE", library)
    before = content_hash([], with_aws_sdk=False)

    (library / "errors.py").write_text("A = 2\n")

    assert content_hash([], with_aws_sdk=False) != before


def test_requirements_met_by_the_layer_or_the_runtime_sdk_pass(tmp_path: Path) -> None:
    _fake_distribution(tmp_path, "pynamodb", "6.1.0", ("botocore>=1.12.54", "typing-extensions>=4"))
    _fake_distribution(tmp_path, "typing-extensions", "4.16.0")

    assert unmet_requirements(tmp_path, ["pynamodb==6.1.*", "boto3==1.44.*"]) == []


def test_missing_or_too_old_requirements_are_reported(tmp_path: Path) -> None:
    _fake_distribution(tmp_path, "pyjwt", "2.15.1", ('cryptography>=3.4; extra == "crypto"',))
    _fake_distribution(tmp_path, "requests", "2.0.0")

    problems = unmet_requirements(tmp_path, ["PyJWT[crypto]==2.15.*", "requests>=2.32"])

    assert problems == [
        'cryptography>=3.4; extra == "crypto" (layer has missing)',
        "requests>=2.32 (layer has 2.0.0)",
    ]


def test_archive_is_reproducible_and_keeps_the_python_folder(tmp_path: Path) -> None:
    source = tmp_path / "layer"
    (source / "python" / "opsdesk").mkdir(parents=True)
    (source / "python" / "opsdesk" / "__init__.py").write_text("")
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"

    write_archive(source, first)
    write_archive(source, second)

    assert first.read_bytes() == second.read_bytes()
    assert zipfile.ZipFile(first).namelist() == ["python/opsdesk/__init__.py"]
