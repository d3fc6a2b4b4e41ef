"""Every message svcctl can show, found in its source: what the catalogs must translate."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "svcctl"
# Calls whose first argument is a message: msg() and the say()s build one, ``_`` is a
# language's words (present.i18n.words), click_word is one of Click's in the reader's language,
# help_msg a help naming values, reveal_option takes its option's help, and an event kind's
# Command(...) starts with its command's help.
MARKERS = ("msg", "say", "_say", "_", "click_word", "help_msg", "Command", "reveal_option")
# Help shown by --help: a help= keyword (plain, or followed by examples()), a help_text=
# default, and the module constants named ..._HELP or HELP.
HELP_KEYWORDS = ("help", "help_text")


def msgids() -> dict[tuple[str | None, str], str]:
    """``(context, msgid) -> where`` for every message in the source (labels are the
    glossary's, not the catalog's)."""
    found: dict[tuple[str | None, str], str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(PACKAGE.parent))
        for text, line in _messages(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault((None, text), f"{where}:{line}")
    from svcctl.cli.click_words import CLICK_MESSAGES

    for text in CLICK_MESSAGES:
        found.setdefault((None, text), "click")
    return found


def _text(node) -> str | None:
    """The English of a message argument: a string, or a string that examples() follows."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        node = node.left
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
        return node.value
    return None


def _messages(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in MARKERS and node.args and isinstance(node.args[0], ast.Constant):
                if _text(node.args[0]):
                    yield node.args[0].value, node.lineno
            for keyword in node.keywords:
                if keyword.arg in HELP_KEYWORDS and _text(keyword.value):
                    yield _text(keyword.value), node.lineno
        elif isinstance(node, ast.arguments):
            named = [*node.posonlyargs, *node.args][-len(node.defaults):] if node.defaults else []
            for arg, default in zip(named, node.defaults):
                if arg.arg in HELP_KEYWORDS and _text(default):
                    yield _text(default), default.lineno
        elif isinstance(node, ast.Assign) and _text(node.value):
            if any(isinstance(t, ast.Name) and (t.id == "HELP" or t.id.endswith("_HELP")) for t in node.targets):
                yield _text(node.value), node.lineno
