"""Plain-text tables with aligned columns: text left, numbers right."""

from __future__ import annotations

from collections.abc import Sequence

Cell = str | int | float


def _text(cell: Cell) -> str:
    if isinstance(cell, float):
        return f"{cell:,.1f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    return cell


def _is_number(cell: Cell) -> bool:
    return isinstance(cell, int | float) or (cell[:1].isdigit() if cell else False)


def render(headers: Sequence[str], rows: Sequence[Sequence[Cell]], indent: str = "  ") -> str:
    """Columns sized to their widest cell; a column whose first row is numeric is right-aligned."""
    texts = [[_text(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in texts]) for i, h in enumerate(headers)]
    right = [bool(rows) and _is_number(rows[0][i]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)]
        return (indent + "  ".join(parts)).rstrip()

    rule = indent + "  ".join("-" * w for w in widths)
    return "\n".join([line(list(headers)), rule, *(line(r) for r in texts)])
