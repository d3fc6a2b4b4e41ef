"""Texts the office may edit: a file in ``<records>/templates/`` overrides the default
shipped with svcctl (the project's top-level ``templates/`` folder)."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def load(name: str, records_root: Path | None = None) -> str:
    if records_root is not None:
        custom = records_root / "templates" / name
        if custom.is_file():
            return custom.read_text(encoding="utf-8")
    return resources.files("svcctl.templates").joinpath(name).read_text(encoding="utf-8")


def render(name: str, records_root: Path | None = None, **values) -> str:
    return load(name, records_root).format(**values).rstrip("\n")
