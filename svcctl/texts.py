"""Texts the office may edit: a file in ``<records>/templates/`` overrides the default
shipped with svcctl (the project's top-level ``templates/`` folder)."""
from __future__ import annotations

import string
from importlib import resources
from pathlib import Path

from .core.errors import BrokenTemplate


def render(name: str, records_root: Path | None = None, **values) -> str:
    custom = records_root / "templates" / name if records_root is not None else None
    if custom is not None and custom.is_file():
        raw, where = custom.read_bytes(), custom.as_posix()
    else:
        raw = resources.files("svcctl.templates").joinpath(name).read_bytes()
        where = f"templates/{name}"
    fields = ", ".join("{" + key + "}" for key in values)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BrokenTemplate(f"{where}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at line {line}): "
                             "save it as UTF-8") from None
    try:
        # Templates are the office's own text, filled in with plain values only: a field
        # like {kind.__class__} or {date[0]} would reach into svcctl's objects.
        for _, field, _, _ in string.Formatter().parse(text):
            if field is not None and field not in values:
                raise KeyError(field)
        return text.format(**values).rstrip("\n")
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        raise BrokenTemplate(f"{where}: template cannot be filled in ({type(exc).__name__}: {exc}); "
                             f"it may use {fields}") from None
