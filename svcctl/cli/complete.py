"""Shell completion of values (types, grades, departments, staff and ticket ids).

Completion runs on every <TAB>: it reads svcctl.yaml and lists file names, nothing more
(no git, no parsing of tickets), and says nothing when the records cannot be found.
"""
from __future__ import annotations

from pathlib import Path

from click.shell_completion import CompletionItem



def items(keys, incomplete: str, helps: dict | None = None) -> list[CompletionItem]:
    return [CompletionItem(k, help=(helps or {}).get(k)) for k in keys if str(k).startswith(incomplete)]


def _root(ctx) -> Path | None:
    from ..store.records import find_root

    top = ctx.find_root()
    explicit = (top.params or {}).get("records_dir") or (ctx.params or {}).get("records_")
    try:
        return find_root(explicit)
    except Exception:  # no records here: nothing to offer
        return None


def _config(ctx) -> dict:
    import yaml

    root = _root(ctx)
    try:
        data = yaml.safe_load((root / "svcctl.yaml").read_text(encoding="utf-8")) if root else None
    except Exception:  # a broken svcctl.yaml: 'svcctl check' reports it, completion stays quiet
        return {}
    return data if isinstance(data, dict) else {}


def vocabulary(kind: str):
    from ..present import labels

    keys = labels.keys(kind)

    def complete(ctx, param, incomplete):
        return items(keys, incomplete, {k: labels.label(kind, k, "zh") for k in keys})
    return complete


def departments(ctx, param, incomplete):
    from ..present.labels import default_departments

    names = _config(ctx).get("departments") or default_departments()
    return items([d for d in names if isinstance(d, str)], incomplete)


def staff(ctx, param, incomplete):
    members = [s for s in _config(ctx).get("staff") or () if isinstance(s, dict) and isinstance(s.get("id"), str)]
    return items([s["id"] for s in members], incomplete, {s["id"]: str(s.get("name", "")) for s in members})


def tickets(ctx, param, incomplete):
    root = _root(ctx)
    if root is None or not (root / "tickets").is_dir():
        return []
    ids = sorted((p.stem for p in (root / "tickets").glob("*/*/*.yaml")), reverse=True)
    return items(ids, incomplete)
