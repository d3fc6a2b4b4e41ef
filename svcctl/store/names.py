"""Which file of a records folder is which: the one rule the walk, the index, reading,
``svcctl check`` and a sync's layout check all follow.

Layout (paths never change after creation)::

    svcctl.yaml                      office, roster, stations, policy, calendar
    customers/<C-A001>.yaml          one file per customer (一户一档)
    tickets/<YYYY>/<MM>/<id>.yaml    one file per ticket
    handovers/<YYYY>/<MM>/<YYYYMMDD-HHMMSS>-<station>.yaml   one file per shift handover
    templates/...                    the office's own templates, by their known names

A name beginning with a dot is never a record: svcctl writes each file through a hidden
``.<name>.<random>.tmp`` beside it (store.txn), and an editor's or a copy's hidden file is
no record either. Only svcctl's own hidden files (``.gitattributes``, the ``.gitkeep``
placeholders) belong to the layout; any other is out of place, as is any name not ending
in ``.yaml`` where records lie. A ``.yaml`` file where a record lies is a record, even one
whose name is wrong: its check says what is wrong with it.
"""
from __future__ import annotations

import os

CONFIG = "svcctl.yaml"  # what makes a folder a records folder
ATTRIBUTES = ".gitattributes"
PLACEHOLDERS = ("customers/.gitkeep", "tickets/.gitkeep")
RECORDS = ("config", "customer", "ticket", "handover")
TEMPLATE_FOLDER = "templates"
# Record folders and how deep below them a record lies (customers/X, tickets/YYYY/MM/X).
_DEPTH = {"customers": 1, "tickets": 3, "handovers": 3}


def kind(inner: str, templates=()) -> str | None:
    """What the file at ``inner`` (relative to the records folder, ``/``-separated) is:
    config, customer, ticket, handover (records), attributes, placeholder, or template when
    it is ``templates/<name>`` for a name in ``templates`` (the presentation layer knows
    them); None when the layout has no such file."""
    if inner == CONFIG:
        return "config"
    if inner == ATTRIBUTES:
        return "attributes"
    if inner in PLACEHOLDERS:
        return "placeholder"
    top, _, rest = inner.partition("/")
    if top == TEMPLATE_FOLDER:
        return "template" if rest in templates else None
    depth = _DEPTH.get(top)
    if depth is None or not rest:
        return None
    parts = rest.split("/")
    if len(parts) != depth or any(hidden(part) for part in parts) or not parts[-1].endswith(".yaml"):
        return None
    return {"customers": "customer", "tickets": "ticket", "handovers": "handover"}[top]


def record_folder(inner: str) -> bool:
    """Whether ``inner`` is a folder records may lie in or below (``tickets``, ``tickets/2026``,
    ``tickets/2026/11``); any other folder of the layout's record folders is out of place."""
    top, _, rest = inner.partition("/")
    depth = _DEPTH.get(top)
    if depth is None:
        return False
    parts = rest.split("/") if rest else []
    return len(parts) < depth and not any(hidden(part) for part in parts)


def hidden(name: str) -> bool:
    return name.startswith(".")


def temporary(name: str) -> bool:
    """A file a command is writing at this moment (``.<name>.<random>.tmp``, see store.txn)."""
    return hidden(name) and name.endswith(".tmp") and name.count(".") >= 3


def record_name(name: str) -> bool:
    """Whether a file called ``name`` in a record folder is a record (see the module's notes)."""
    return name.endswith(".yaml") and not hidden(name)


def records_in(folder: str) -> list[str]:
    """The names of the record files in ``folder`` (a plain path), sorted; none when it
    cannot be listed (``svcctl check`` names such a folder: operations.layout)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entry.name for entry in entries if record_name(entry.name))
    except OSError:
        return []


def month_folders(root, top: str = "tickets") -> list[str]:
    """``tickets/YYYY/MM`` (or ``handovers/...``) for every month folder of the records
    folder ``root``, sorted. A link to a folder is not followed (another PC may have
    committed one pointing anywhere): ``svcctl check`` names it."""
    base = os.path.join(root, top)
    return [f"{top}/{year}/{month}" for year in _folders(base) for month in _folders(os.path.join(base, year))]


def month_records(root, top: str = "tickets") -> list[str]:
    """Every record file below ``top`` (``tickets`` or ``handovers``), as ``top/YYYY/MM/name``,
    in path order: what every reading of all the tickets goes through."""
    return [f"{month}/{name}" for month in month_folders(root, top)
            for name in records_in(os.path.join(root, month))]


def _folders(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if not hidden(e.name) and _is_dir(e))
    except OSError:
        return []


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False
