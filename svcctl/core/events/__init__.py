"""Every kind of event a ticket can hold, one module each (git-bug's one file per operation).

A module in this package that declares ``KIND`` (an instance of ``kind.Kind``) is a kind:
its fields, its guard, its step of the fold, its effect on deadlines and its command all
live there. The registry below finds the modules by listing the package, so adding a kind
is adding its module (and its words to the catalog); nothing else names it.
"""
from __future__ import annotations

import importlib
import pkgutil

from .fold import Fold
from .kind import (DEPARTMENT, FLAG, LENGTH, METHOD, MONEY, SCORE, STAFF, TEXT, TIME, Command, Field, Guard, Kind,
                   Option, money, senior_names, typed)

__all__ = ["KINDS", "register", "discover", "derived", "commands", "Fold", "Kind", "Field", "Guard", "Command",
           "Option", "typed", "money", "senior_names", "TEXT", "TIME", "FLAG", "STAFF", "DEPARTMENT", "METHOD",
           "SCORE", "MONEY", "LENGTH"]

# Modules of the package that declare what kinds are made of, not a kind.
_MACHINERY = frozenset(("fold", "kind", "request"))

KINDS: dict[str, Kind] = {}


def register(module) -> Kind:
    """Take in the kind a module declares (its ``KIND``); listing order follows ``order``."""
    kind = module.KIND
    kinds = sorted([*(k for k in KINDS.values() if k.name != kind.name), kind], key=lambda k: k.order)
    KINDS.clear()
    KINDS.update((k.name, k) for k in kinds)
    return kind


def discover() -> None:
    """Register every kind module found in the package's folder."""
    for found in pkgutil.iter_modules(__path__):
        if found.name.startswith("_") or found.name in _MACHINERY:
            continue
        module = importlib.import_module(f"{__name__}.{found.name}")
        if hasattr(module, "KIND"):
            register(module)


def commands() -> dict[str, Kind]:
    """The kinds recorded by a command of their own (``svcctl <kind>``), by command name."""
    return {name: kind for name, kind in KINDS.items() if kind.command is not None}


_DERIVED: dict = {}  # (kind name, how) -> (the declaration it was worked out from, what came out)


def derived(name: str, how):
    """``how(KINDS[name])``, worked out once per declaration of the kind: code that runs for
    every event of every ticket asks here, and ``KINDS`` may gain or replace a kind."""
    kind = KINDS[name]
    known = _DERIVED.get((name, how))
    if known is None or known[0] is not kind:
        known = _DERIVED[(name, how)] = (kind, how(kind))
    return known[1]


discover()
