"""`python -m scripts.openapi`: write the modules' OpenAPI documents to docs/api/<module>.openapi.json, as their
docs functions serve them. `--check` writes nothing and fails when a committed document is not current (the unit
tests check the same)."""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any

from opsdesk.apimap import MODULES

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "api"
LAYER = ROOT / "layers" / "platform" / "opsdesk"
DOCUMENTS: tuple[str, ...] = tuple(m.name for m in MODULES if (LAYER / m.name / "openapi.py").is_file())
"""Every module that describes itself: opsdesk.<module>.openapi.document()."""


def document(name: str) -> dict[str, Any]:
    built: dict[str, Any] = importlib.import_module(f"opsdesk.{name}.openapi").document()
    return built


def render(name: str) -> str:
    return json.dumps(document(name), indent=2, ensure_ascii=False) + "\n"


def committed_path(name: str) -> Path:
    return OUT / f"{name}.openapi.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a committed document is not current")
    args = parser.parse_args(argv)
    stale = []
    for name in DOCUMENTS:
        target, text = committed_path(name), render(name)
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(ROOT)))
            continue
        OUT.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    if stale:
        print(f"not current (run `python -m scripts.openapi`): {', '.join(stale)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
