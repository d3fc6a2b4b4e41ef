"""Texts the office may edit: a file in ``<records>/templates/`` overrides the default
shipped with svcctl (the project's top-level ``templates/`` folder)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from .core.errors import BrokenTemplate


def render(name: str, records_root: Path | None = None, **values) -> str:
    custom = records_root / "templates" / name if records_root is not None else None
    if custom is not None and custom.is_file():
        text, where = custom.read_text(encoding="utf-8"), custom.as_posix()
    else:
        text = resources.files("svcctl.templates").joinpath(name).read_text(encoding="utf-8")
        where = f"templates/{name}"
    try:
        return text.format(**values).rstrip("\n")
    except (KeyError, IndexError, ValueError) as exc:
        fields = ", ".join("{" + key + "}" for key in values)
        raise BrokenTemplate(f"{where}: template cannot be filled in ({type(exc).__name__}: {exc}); "
                             f"it may use {fields}") from None
