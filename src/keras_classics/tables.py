"""Plain-text tables for the command line (no keras import, so `list` stays instant)."""

from __future__ import annotations

from typing import Any


def table(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """A plain text table with aligned columns."""
    if not rows:
        return "(nothing)"
    columns = columns or list(rows[0])
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells
    )
    return "\n".join(lines)


def markdown(rows: list[dict[str, Any]]) -> str:
    """The same rows as a Markdown table (for the README)."""
    if not rows:
        return ""
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines)
