"""svcctl.yaml as the office wrote it: changed in place, keeping comments, order and layout.

Offices edit svcctl.yaml by hand (a holiday with a note on why, staff grouped by team,
blank lines between sections), so a command that changes it must not write the data out
afresh. ``rewrite`` loads the file as a ruamel.yaml round-trip document, changes only the
values that differ from the wanted data (a new staff entry is appended to the existing
sequence, a new station added to the existing mapping) and dumps it with the indentation
the file already uses. Everything else comes back byte for byte.

ruamel.yaml is imported on first use: most commands only read svcctl.yaml, which the fast
strict reader in ``yamlio`` does.
"""
from __future__ import annotations

import copy
import io
import re
from datetime import date

from . import yamlio

# A key that opens a block (``staff:``), and the first line indented under it.
_BLOCK_KEY = re.compile(r"^( *)(?!- )[^\s#][^#]*:\s*(#.*)?$")
_CONTENT = re.compile(r"^( *)(- )?\S")


class LayoutLost(Exception):
    """The round-trip document would not read back as the wanted data."""


def layout(text: str) -> tuple[int, int]:
    """(mapping indent, sequence dash offset) the file uses; svcctl's own style when unknown."""
    mapping = offset = None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for parent, child in zip(lines, lines[1:]):
        head, item = _BLOCK_KEY.match(parent), _CONTENT.match(child)
        if not head or not item or len(item.group(1)) < len(head.group(1)):
            continue
        step = len(item.group(1)) - len(head.group(1))
        if item.group(2) and offset is None:
            offset = step
        elif not item.group(2) and step and mapping is None:
            mapping = step
        if mapping is not None and offset is not None:
            break
    return mapping or 2, 2 if offset is None else offset


def _yaml(text: str):
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip mode
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the office wrote on one
    mapping, offset = layout(text)
    yaml.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    yaml.explicit_start = text.lstrip("\ufeff").startswith("---")
    return yaml


def rewrite(text: str, data) -> str:
    """``text`` changed so that it reads as ``data``; ``LayoutLost`` when that cannot be done
    without changing something else (the caller then decides what to do)."""
    crlf = "\r\n" in text  # a file saved by Notepad keeps its line ends
    text = text.replace("\r\n", "\n")
    yaml = _yaml(text)
    doc = yaml.load(text)
    if not isinstance(doc, dict) or not isinstance(data, dict):
        raise LayoutLost("not a mapping")
    update(doc, data)
    out = io.StringIO()
    yaml.dump(doc, out)
    new = out.getvalue()
    if crlf:
        new = new.replace("\n", "\r\n")
    try:
        same = yamlio.parse(new) == data
    except yamlio.YamlProblem as problem:
        raise LayoutLost(problem.message) from None
    if not same:
        raise LayoutLost("the rewritten file would not read back as the intended data")
    return new


def update(node, data) -> None:
    """Change round-trip ``node`` in place until it equals ``data`` (plain values)."""
    if isinstance(node, dict):
        for key in [k for k in node if k not in data]:
            del node[key]
        for key, value in data.items():
            if key not in node:
                _add(node, key, value)
            elif not _settle(node, key, value):
                node[key] = value
    else:
        if all(isinstance(x, dict) and "id" in x for x in [*node, *data]):
            wanted = {x["id"] for x in data}
            for i in reversed(range(len(node))):  # records that left, so the rest keep their place
                if node[i]["id"] not in wanted:
                    del node[i]
        for i, value in enumerate(data[:len(node)]):
            if not _settle(node, i, value):
                node[i] = value
        del node[len(data):]
        for value in data[len(node):]:
            _add(node, None, value)


def _settle(node, key, value) -> bool:
    """True when ``node[key]`` now equals ``value`` without replacing it."""
    old = node[key]
    if isinstance(old, dict) and isinstance(value, dict) or isinstance(old, list) and isinstance(value, list):
        update(old, value)
        return True
    return _same(old, value)


def _same(old, new) -> bool:
    if isinstance(old, date) and isinstance(new, str):  # the strict reader keeps dates as text
        return old.isoformat() == new
    return old == new and isinstance(old, bool) == isinstance(new, bool)


def _add(node, key, value) -> None:
    """Append to a mapping (``key``) or a sequence (``key`` None), moving the blank lines
    that closed the old last entry below the new one, so sections stay apart."""
    before = _tail_comment(node)
    if key is None:
        node.append(_commented(value))
    else:
        node[key] = _commented(value)
    if before is None:
        return
    slots, index = before
    token = slots[index]
    text = token.value
    kept = text.rstrip("\n")
    blank = len(text) - len(kept)
    if blank < 2:
        return
    token.value = kept + "\n"
    moved = copy.copy(token)
    moved.value = "\n" * blank
    _attach_tail(node, moved)


def _commented(value):
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        return CommentedMap((k, _commented(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_commented(v) for v in value)
    return value


def _last(node):
    """The last key (mapping) or index (sequence) of ``node`` and where its comment sits."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap) and node:
        return list(node)[-1], 2
    if isinstance(node, CommentedSeq) and node:
        return len(node) - 1, 0
    return None, None


def _tail_comment(node):
    """(slots, index) of the comment token after ``node``'s last line, or None."""
    key, slot = _last(node)
    if key is None:
        return None
    inner = _tail_comment(node[key])
    if inner is not None:
        return inner
    slots = node.ca.items.get(key)
    if slots is not None and slots[slot] is not None:
        return slots, slot
    return None


def _attach_tail(node, token) -> None:
    key, slot = _last(node)
    value = node[key]
    if _last(value)[0] is not None:
        _attach_tail(value, token)
        return
    slots = node.ca.items.setdefault(key, [None, None, None, None] if slot == 2 else [None, None])
    slots[slot] = token
