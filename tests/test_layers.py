"""The layers as design.md draws them ("Shape"), held by reading every module's imports.

cli/ parses options, calls one operation and hands its data to present/; operations load,
decide through core and write through store, and return data; reading goes store → core →
reports → present. Every import of svcctl's own modules, at a module's top or inside a
function, goes one of the directions below, so no package imports one that imports it back.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "svcctl"

# What each layer may import besides itself and the package's root (which holds only
# ``__version__``).
ALLOWED = {
    "entry": {"cli"},  # python -m svcctl
    "cli": {"operations", "present", "core", "store", "vcs"},
    "operations": {"core", "store", "reports", "vcs", "send"},
    "reports": {"core"},
    "present": {"core", "reports", "templates"},
    "store": {"core", "vcs"},
    "send": {"core"},
    "vcs": {"core"},
    "core": set(),
    "templates": set(),
}
# The layer of each module that is not in a package named after its layer.
MODULE_LAYERS = {
    "svcctl.__main__": "entry",
    "svcctl.vcs": "vcs",
    "svcctl.merge_driver": "vcs",  # git's merge driver line: git plumbing
    "svcctl.templates": "templates",  # the shipped templates, installed as package data
}
# Single modules a layer may import although their layer is not allowed to it, and why.
EXCEPTIONS = {
    # The office's vocabulary: a commit subject, an exported ledger and an imported one are
    # written and read in the office's words, which live in the glossary. Nothing else of
    # present/ (documents, tables, the catalog) is for operations: they return data.
    ("operations", "svcctl.present.labels"): "the glossary's words for commit subjects and ledgers",
    ("operations", "svcctl.present.glossary"): "the glossary itself",
}
# Crossings known today, each being removed this round by the work that owns its module.
# An entry that no longer crosses fails test_known_crossings_are_still_there: take it out.
KNOWN_CROSSINGS: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exists(name: str) -> bool:
    """Whether ``name`` (svcctl.x.y) is a module or package of svcctl's."""
    if name in MODULE_LAYERS:
        return True
    where = PACKAGE.parent.joinpath(*name.split("."))
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def imports_of(source: str, name: str, is_package: bool) -> list[tuple[str, int]]:
    """``(module, line)`` for every import of a module of svcctl's in ``source`` (the module
    ``name``), relative ones resolved, wherever in the module the import statement is."""
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = ".".join(base[: len(base) - (node.level - 1)])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            # ``from .. import vcs`` imports the module svcctl.vcs; ``from .. import __version__`` the root
            subs = [f"{target}.{alias.name}" for alias in node.names if _exists(f"{target}.{alias.name}")]
            found += [(sub, node.lineno) for sub in subs] or [(target, node.lineno)]
    return [(module, line) for module, line in found if module == "svcctl" or module.startswith("svcctl.")]


def layer(name: str) -> str | None:
    """The layer of the module ``name``; "root" for the package itself; None when unplaced."""
    if name == "svcctl":
        return "root"
    for module, placed in MODULE_LAYERS.items():
        if name == module or name.startswith(module + "."):
            return placed
    top = name.split(".")[1]
    return top if top in ALLOWED and (PACKAGE / top).is_dir() else None


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def edges() -> list[tuple[str, str, int]]:
    """``(importer, imported, line)`` for every import of svcctl's modules by svcctl's modules."""
    out = []
    for name, path in modules().items():
        for imported, line in imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py"):
            out.append((name, imported, line))
    return out


def crossing(importer: str, imported: str) -> bool:
    """Whether this import goes a direction the layers do not allow."""
    mine, theirs = layer(importer), layer(imported)
    if theirs in (mine, "root"):
        return False
    return theirs not in ALLOWED[mine] and (mine, imported) not in EXCEPTIONS


def test_every_module_is_in_a_layer():
    unplaced = sorted(name for name in modules() if layer(name) is None)
    assert not unplaced, f"place these in ALLOWED or MODULE_LAYERS (tests/test_layers.py): {unplaced}"


def test_the_package_root_imports_nothing_of_svcctl():
    """Every layer may read ``svcctl.__version__``: the root must then be a leaf."""
    assert imports_of((PACKAGE / "__init__.py").read_text(encoding="utf-8"), "svcctl", True) == []


def test_imports_go_only_the_directions_the_layers_allow():
    crossings = sorted({f"{importer}:{line} imports {imported} ({layer(importer)} → {layer(imported)})"
                        for importer, imported, line in edges()
                        if crossing(importer, imported) and (importer, imported) not in KNOWN_CROSSINGS})
    assert not crossings, "imports against the layers:\n" + "\n".join(crossings)


def test_known_crossings_are_still_there():
    """The list of crossings being removed only shrinks: one no longer there is taken out
    (of a module that is not written yet, the entry waits for it)."""
    present = {(importer, imported) for importer, imported, _ in edges()}
    gone = sorted((importer, imported) for importer, imported in KNOWN_CROSSINGS - present if importer in modules())
    assert not gone, f"no longer imported, take them out of KNOWN_CROSSINGS: {gone}"


def test_the_allowed_directions_have_no_cycle():
    graph = {mine: set(theirs) for mine, theirs in ALLOWED.items()}
    for mine, imported in EXCEPTIONS:
        graph[mine].add(layer(imported))
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, f"the layers import one another: {' → '.join((*path, node))}"
        if node not in done:
            for nxt in graph.get(node, ()):
                visit(nxt, (*path, node))
            done.add(node)

    for node in graph:
        visit(node, ())


def test_core_imports_nothing_but_core():
    outside = sorted({f"{importer} imports {imported}" for importer, imported, _ in edges()
                      if layer(importer) == "core" and layer(imported) not in ("core", "root")})
    assert not outside, outside


@pytest.mark.parametrize("source, name, is_package, expected", [
    ("from ..cli.common import Obj\n", "svcctl.present.handover", False, [("svcctl.cli.common", 1)]),
    ("def text():\n    from ..cli import common\n", "svcctl.present.handover", False, [("svcctl.cli.common", 2)]),
    ("from .. import vcs, __version__\n", "svcctl.store.index", False, [("svcctl.vcs", 1)]),
    ("from .. import __version__\n", "svcctl.store.index", False, [("svcctl", 1)]),
    ("from . import words\n", "svcctl.present", True, [("svcctl.present.words", 1)]),
    ("import svcctl.present.output\nimport json\n", "svcctl.operations.check", False,
     [("svcctl.present.output", 1)]),
])
def test_every_import_is_read_where_it_stands(source, name, is_package, expected):
    """Imports are found in function bodies too, relative ones resolved from the module's package."""
    assert imports_of(source, name, is_package) == expected


def test_an_import_of_a_higher_layer_is_a_crossing():
    """The rule the code is held to: present/ reading the cli (the cycle cli → operations →
    present → cli), operations reading a document, core reading anything else."""
    assert crossing("svcctl.present.handover", "svcctl.cli.common")
    assert crossing("svcctl.operations.tickets", "svcctl.present.documents")
    assert crossing("svcctl.core.view", "svcctl.store.records")
    assert crossing("svcctl.store.report_cache", "svcctl.reports.figures")
    assert not crossing("svcctl.operations.tickets", "svcctl.present.labels")
    assert not crossing("svcctl.cli.ticket_cmds", "svcctl.present.filled")
