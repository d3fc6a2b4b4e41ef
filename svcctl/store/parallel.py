"""Work over many record files on every core, with a progress bar on a terminal.

Used where svcctl must read every ticket (building the index, ``svcctl check``): parsing
is CPU-bound Python, so a second core halves the wait. Small jobs stay in this process;
cron (no terminal) gets no progress bar.
"""
from __future__ import annotations

import os
import sys
from typing import Callable, Iterator

PARALLEL_FROM = 2000  # files; below this, starting workers costs more than it saves
CHUNK = 500


def chunks(work: Callable[[list], list], items: list, setup: Callable | None = None, setup_args: tuple = (),
           label: str = "") -> Iterator[list]:
    """``work`` applied to chunks of ``items`` (in order), on every core when there are many.
    ``setup(*setup_args)`` runs once in each worker (and here, when there are no workers)."""
    parts = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    show = len(items) >= PARALLEL_FROM and sys.stderr.isatty()
    cores = min(os.cpu_count() or 1, 4)
    if len(items) < PARALLEL_FROM or cores < 2:
        if setup:
            setup(*setup_args)
        results = (work(part) for part in parts)
    else:
        import multiprocessing

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        pool = context.Pool(cores, initializer=setup, initargs=setup_args)
        results = _closing(pool, pool.imap(work, parts))
    if not show:
        yield from results
        return
    import click

    with click.progressbar(length=len(items), label=f"svcctl: {label}", file=sys.stderr) as bar:
        for part, result in zip(parts, results):
            bar.update(len(part))
            yield result


def _closing(pool, results):
    try:
        yield from results
    finally:
        pool.terminate()
        pool.join()
