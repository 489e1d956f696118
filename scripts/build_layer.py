"""Build the platform Lambda layer (build/layer/python/) without Docker.

pip downloads wheels built for the Lambda runtime (Amazon Linux 2, arm64, CPython 3.11) with
`--platform manylinux2014_aarch64 --only-binary=:all:`, so the build runs on any machine that reaches PyPI.
The runtime dependencies come from `[project].dependencies` in pyproject.toml; the opsdesk package is copied
in from layers/platform/opsdesk. A stamp file records a hash of everything that goes in, so an unchanged
layer is not rebuilt (and the CDK app uses the same hash as the asset hash, so it never rehashes 30 MB).

    python -m scripts.build_layer            # build if the inputs changed
    python -m scripts.build_layer --force    # rebuild anyway
    python -m scripts.build_layer --with-aws-sdk   # also ship boto3/botocore/s3transfer
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    from packaging.requirements import Requirement
except ImportError:  # the build needs no dev extra: pip always carries a copy
    from pip._vendor.packaging.requirements import Requirement

REPO_ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = REPO_ROOT / "pyproject.toml"
LIBRARY_SOURCE = REPO_ROOT / "layers" / "platform" / "opsdesk"
BUILD_ROOT = REPO_ROOT / "build"
LAYER_DIR = BUILD_ROOT / "layer"
"""The built layer: Lambda mounts its `python/` folder on sys.path (/opt/python)."""
LAYER_ARCHIVE = BUILD_ROOT / "layer.zip"
"""The layer asset. A zip made once per build: CDK copies one file into cdk.out instead of 2,500, and the CLI
uploads it as it is."""
STAMP_FILE = BUILD_ROOT / "layer.stamp.json"
LOCK_FILE = BUILD_ROOT / "layer.lock"

# The Lambda python3.11 runtime runs on Amazon Linux 2 (glibc 2.26): manylinux2014 wheels, no newer.
PIP_PLATFORM = "manylinux2014_aarch64"
PIP_PYTHON_VERSION = "3.11"
PIP_IMPLEMENTATION = "cp"

# The Lambda Python runtime ships the AWS SDK; leaving it out saves most of the layer's size. Nothing in the
# dependency tree needs a newer botocore than the runtime's (pynamodb asks for botocore>=1.12.54).
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

# Bump when the build procedure changes in a way the inputs below do not show.
BUILD_RECIPE_VERSION = "3"


@dataclass(frozen=True)
class LayerBuild:
    directory: Path
    """The built directory (holds python/)."""
    archive: Path
    """The same content zipped: the CDK asset."""
    content_hash: str
    """Hash of every input of the build; the CDK asset hash of the layer."""
    rebuilt: bool
    seconds: float
    size_bytes: int


def runtime_dependencies() -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def distribution_name(requirement: str) -> str:
    """`PyJWT[crypto]==2.15.*` -> `pyjwt` (PEP 503 normalised)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"cannot read a distribution name from {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _library_files() -> Iterator[Path]:
    for path in sorted(LIBRARY_SOURCE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def content_hash(dependencies: list[str], with_aws_sdk: bool) -> str:
    digest = hashlib.sha256()
    recipe = {
        "recipe": BUILD_RECIPE_VERSION,
        "platform": PIP_PLATFORM,
        "python": PIP_PYTHON_VERSION,
        "dependencies": sorted(dependencies),
        "with_aws_sdk": with_aws_sdk,
    }
    digest.update(json.dumps(recipe, sort_keys=True).encode())
    for path in _library_files():
        digest.update(path.relative_to(LIBRARY_SOURCE).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    subprocess.run(command, check=True)


def _binary_target_options(target: Path) -> list[str]:
    return [
        "--target", str(target),
        "--platform", PIP_PLATFORM,
        "--implementation", PIP_IMPLEMENTATION,
        "--python-version", PIP_PYTHON_VERSION,
        "--only-binary=:all:",
    ]


def resolve_pins(dependencies: list[str], report_dir: Path) -> list[str]:
    """Resolve the full dependency tree for the Lambda platform, as exact pins (`name==version`)."""
    report = report_dir / "resolution.json"
    _pip("install", "-qq", "--dry-run", "--ignore-installed", "--report", str(report),
         *_binary_target_options(report_dir / "unused"), *dependencies)
    resolved = json.loads(report.read_text(encoding="utf-8"))["install"]
    return [f"{item['metadata']['name']}=={item['metadata']['version']}" for item in resolved]


def install(dependencies: list[str], target: Path, with_aws_sdk: bool, work_dir: Path) -> None:
    if with_aws_sdk:
        _pip("install", "-qq", *_binary_target_options(target), *dependencies)
        return
    # Resolve with the SDK (so every other pin is what pip would choose), then install all but the SDK.
    pins = [pin for pin in resolve_pins(dependencies, work_dir) if distribution_name(pin) not in RUNTIME_PROVIDED]
    _pip("install", "-qq", "--no-deps", *_binary_target_options(target), *pins)


def _marker_environment(extra: str) -> dict[str, str]:
    return {
        "python_version": PIP_PYTHON_VERSION,
        "python_full_version": f"{PIP_PYTHON_VERSION}.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": "aarch64",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": extra,
    }


def unmet_requirements(site: Path, dependencies: list[str]) -> list[str]:
    """Every requirement of every distribution the layer needs (extras included, markers evaluated for the
    Lambda platform) that neither the layer nor the runtime's AWS SDK satisfies. Empty means the layer works
    with the SDK left out."""
    installed = {
        distribution_name(dist.metadata["Name"]): dist for dist in importlib.metadata.distributions(path=[str(site)])
    }
    pending = [Requirement(text) for text in dependencies]
    seen: set[tuple[str, frozenset[str]]] = set()
    problems: list[str] = []
    while pending:
        requirement = pending.pop()
        name = distribution_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        if name in RUNTIME_PROVIDED and name not in installed:
            continue
        dist = installed.get(name)
        if dist is None or not requirement.specifier.contains(dist.version, prereleases=True):
            found = dist.version if dist else "missing"
            problems.append(f"{requirement} (layer has {found})")
            continue
        for text in dist.requires or []:
            child = Requirement(text)
            wanted = [""] + sorted(requirement.extras)
            if child.marker is None or any(child.marker.evaluate(_marker_environment(e)) for e in wanted):
                pending.append(child)
    return sorted(problems)


def _strip(site: Path) -> None:
    """Drop what the runtime never reads: host bytecode (recompiled below) and the pip bookkeeping dir."""
    for cache in list(site.rglob("__pycache__")):
        shutil.rmtree(cache)
    shutil.rmtree(site / "bin", ignore_errors=True)


def _compile(site: Path) -> None:
    """Bytecode for a read-only /opt: CDK zips assets with a fixed timestamp, so timestamp-checked .pyc files
    would never match their sources; unchecked-hash .pyc files are used as they are (the build host runs the
    same CPython 3.11 as the runtime, so the bytecode is valid)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(site)],
        check=True,
    )


def write_archive(source: Path, archive: Path) -> None:
    """A reproducible zip: sorted entries with a fixed timestamp, so the same build gives the same bytes."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zipped:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=ZIP_TIMESTAMP)
            entry.external_attr = (0o755 if path.stat().st_mode & 0o111 else 0o644) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            zipped.writestr(entry, path.read_bytes())


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _read_stamp() -> dict[str, Any]:
    try:
        stamp: dict[str, Any] = json.loads(STAMP_FILE.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return stamp


def build_layer(*, force: bool = False, with_aws_sdk: bool = False) -> LayerBuild:
    """Build build/layer/ unless the stamp shows the same inputs; safe to call from concurrent processes."""
    if sys.version_info[:2] != (3, 11):
        raise RuntimeError("build the layer with CPython 3.11: its bytecode must match the Lambda runtime")
    started = time.monotonic()
    dependencies = runtime_dependencies()
    wanted_hash = content_hash(dependencies, with_aws_sdk)
    BUILD_ROOT.mkdir(exist_ok=True)
    with LOCK_FILE.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and _read_stamp().get("hash") == wanted_hash and LAYER_ARCHIVE.is_file():
            return LayerBuild(LAYER_DIR, LAYER_ARCHIVE, wanted_hash, False, time.monotonic() - started, 0)
        with tempfile.TemporaryDirectory(dir=BUILD_ROOT, prefix="layer-") as scratch:
            staging = Path(scratch) / "layer"
            site = staging / "python"
            install(dependencies, site, with_aws_sdk, Path(scratch))
            problems = unmet_requirements(site, dependencies)
            if problems:
                raise RuntimeError("the layer misses requirements: " + "; ".join(problems))
            shutil.copytree(LIBRARY_SOURCE, site / "opsdesk", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            _strip(site)
            _compile(site)
            # Swap in whole so a failed build never leaves a half layer behind a valid stamp.
            STAMP_FILE.unlink(missing_ok=True)
            write_archive(staging, Path(scratch) / LAYER_ARCHIVE.name)
            shutil.rmtree(LAYER_DIR, ignore_errors=True)
            os.replace(staging, LAYER_DIR)
            os.replace(Path(scratch) / LAYER_ARCHIVE.name, LAYER_ARCHIVE)
        size = directory_size(LAYER_DIR)
        stamp = {"hash": wanted_hash, "size_bytes": size, "archive_bytes": LAYER_ARCHIVE.stat().st_size}
        STAMP_FILE.write_text(json.dumps(stamp), encoding="utf-8")
    return LayerBuild(LAYER_DIR, LAYER_ARCHIVE, wanted_hash, True, time.monotonic() - started, size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="rebuild even when the stamp matches")
    parser.add_argument("--with-aws-sdk", action="store_true", help="ship boto3/botocore/s3transfer in the layer")
    args = parser.parse_args(argv)
    result = build_layer(force=args.force, with_aws_sdk=args.with_aws_sdk)
    if result.rebuilt:
        zipped = result.archive.stat().st_size
        print(f"layer built in {result.seconds:.1f} s: {result.directory} ({result.size_bytes / 1e6:.1f} MB), "
              f"{result.archive} ({zipped / 1e6:.1f} MB)")
    else:
        print(f"layer up to date: {result.directory} (hash {result.content_hash[:12]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
