"""Rewrites the README's table of examples from the registry and the shipped results table
(`keras-classics list --markdown`); tests/test_cli.py checks that the two agree."""

from __future__ import annotations

import re
from pathlib import Path

from keras_classics.cli import markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(r"^\| example \| dataset \|.*?(?=\n\n|\n[^|])", re.S | re.M)
    if not pattern.search(text):
        raise SystemExit("README.md: no table of examples found")
    README.write_text(pattern.sub(lambda _: markdown_table(), text, count=1), encoding="utf-8")
    print(f"updated the table of examples in {README}")


if __name__ == "__main__":
    main()
