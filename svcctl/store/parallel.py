"""Work over many record files on every core, with a progress bar on a terminal.

Used where svcctl must read every ticket (building the index, ``svcctl check``): parsing
is CPU-bound Python, so a second core halves the wait. Small jobs stay in this process;
cron (no terminal) gets no progress bar.

The workers are a ``ProcessPoolExecutor``: a worker that dies (the out-of-memory killer,
a ``kill``) breaks the pool at once instead of leaving its chunk unanswered forever, and
the chunks not yet received are then done in this process. Ctrl-C is this process's to
handle: the workers ignore it and are shut down after the chunk they are on. Workers end
with this process, even when it is killed outright.
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
        results = _here(work, parts, setup, setup_args)
    else:
        results = _on_every_core(work, parts, setup, setup_args, cores)
    if not show:
        yield from results
        return
    import click

    with click.progressbar(length=len(items), label=f"svcctl: {label}", file=sys.stderr) as bar:
        for part, result in zip(parts, results):
            bar.update(len(part))
            yield result


def _here(work, parts: list, setup, setup_args: tuple) -> Iterator[list]:
    if setup:
        setup(*setup_args)
    return (work(part) for part in parts)


def _on_every_core(work, parts: list, setup, setup_args: tuple, cores: int) -> Iterator[list]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Spawn where there is no fork (Windows), or where the program asked for it
    # (multiprocessing.set_start_method: a program with threads of its own).
    fork = "fork" in multiprocessing.get_all_start_methods() \
        and multiprocessing.get_start_method(allow_none=True) != "spawn"
    if not fork:
        _isolate_started_pythons()
    # A forked worker inherits this pipe; only this process keeps its writing end open, so
    # the worker's read of it ends when this process does, however it ends (even kill -9).
    lifeline = os.pipe() if fork else None
    pool = ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork" if fork else "spawn"),
                               initializer=_start_worker, initargs=(setup, setup_args, lifeline))
    received, finished = 0, False
    try:
        for result in pool.map(work, parts):
            yield result
            received += 1
        finished = True
    except BrokenProcessPool:
        # A worker was killed: what it and the others had not sent back is done here, slower but whole.
        yield from _here(work, parts[received:], setup, setup_args)
        finished = True
    finally:
        ends = list(lifeline or ())
        if ends and not finished:
            os.close(ends.pop())  # given up (Ctrl-C, an error here): the workers stop now, mid-chunk
        pool.shutdown(wait=True, cancel_futures=True)
        for end in ends:
            os.close(end)


def _isolate_started_pythons() -> None:
    """Every Python that multiprocessing starts (a spawned worker; on POSIX, the resource
    tracker) starts isolated, with ``-I``. It is started as ``python -c "from multiprocessing
    ... import ..."`` in this process's working folder, and ``-c`` looks there first: a
    ``multiprocessing/`` folder committed into the records would run before the worker is
    given this process's sys.path. multiprocessing has no setting for its children's flags,
    so the function it asks for them answers with ``-I`` added; what isolation drops from the
    import path comes back with that sys.path."""
    from multiprocessing import util

    if getattr(sys, "frozen", False) or getattr(util._args_from_interpreter_flags, "isolated", False):
        return  # a frozen program imports nothing from a folder
    flags = util._args_from_interpreter_flags

    def isolated() -> list[str]:
        given = flags()
        return given if "-I" in given else ["-I", *given]

    isolated.isolated = True
    util._args_from_interpreter_flags = isolated


def _start_worker(setup, setup_args: tuple, lifeline: tuple[int, int] | None) -> None:
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if lifeline is not None:
        reading, writing = lifeline
        os.close(writing)
        threading.Thread(target=_end_with_parent, args=(reading,), daemon=True).start()
    if setup:
        setup(*setup_args)
    import gc

    gc.freeze()  # what the worker was forked with stays put: collections scan only what its work makes


def _end_with_parent(reading: int) -> None:
    os.read(reading, 1)  # nothing is ever written: this returns when the parent is gone
    os._exit(1)
