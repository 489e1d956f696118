"""`python -m scripts.openapi`: write the modules' OpenAPI documents under docs/api/ (tests check they are current)."""

from __future__ import annotations

import json
from pathlib import Path

from opsdesk.copilot.openapi import document as copilot_document

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = {"copilot": copilot_document}


def render(name: str) -> str:
    return json.dumps(DOCUMENTS[name](), indent=2, sort_keys=False) + "\n"


def main() -> None:
    out = ROOT / "docs" / "api"
    out.mkdir(parents=True, exist_ok=True)
    for name in DOCUMENTS:
        (out / f"{name}.openapi.json").write_text(render(name))
        print(f"wrote docs/api/{name}.openapi.json")


if __name__ == "__main__":
    main()
