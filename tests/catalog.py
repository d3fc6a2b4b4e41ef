"""Every message svcctl can show, found in its source: what the catalogs must translate."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "svcctl"
MARKERS = ("msg", "say", "_say")


def msgids() -> dict[tuple[str | None, str], str]:
    """``(context, msgid) -> where`` for every message in the source (labels are the
    glossary's, not the catalog's)."""
    found: dict[tuple[str | None, str], str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            first = node.args[0]
            if name in MARKERS and isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.strip():
                found.setdefault((None, first.value), f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found
