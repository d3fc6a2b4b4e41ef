"""Running work on untrusted input (an office template) within a time and memory limit.

Jinja2 renders in pure Python, and a template from another PC can loop without end,
ask a string method for a gigabyte (``'a'.ljust(10**9)``) or double a text forty times:
the sandbox cannot see every such call, and no Python code can stop one C call that
runs long. On POSIX the work therefore runs in a forked child: it shares the parent's
memory as it was (no data is copied or pickled on the way in), an interval timer stops
it between two bytecodes with a ``TimeUp`` raised where the template is (so its line can
be named), an address-space limit turns a huge allocation into a ``MemoryError``, and the
parent kills it outright when it does not answer in time. The answer comes back pickled
through a pipe. Where there is no fork (Windows), the work runs in a thread whose trace
function raises ``TimeUp`` at the deadline; memory is then bounded only by the sandbox's
own checks.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
import time

from ..core.message import msg

RENDER_SECONDS = 2.0  # a document is filled in milliseconds; this is for one that never ends
MOST_RENDER_SECONDS = 600.0  # what SVCCTL_RENDER_SECONDS may ask for: a slow PC needs seconds, not hours
MAX_OUTPUT = 4_000_000  # characters of one document (a year's report page is a few hundred thousand)
RENDER_MEMORY = 256 * 2 ** 20  # bytes a render may take beyond what the program already holds
GRACE = 1.0  # seconds the child has, after its own timer, to answer before it is killed


class TimeUp(Exception):
    """Raised inside the work when its time is up, where it is (a template's line)."""


class TooLong(Exception):
    """Raised inside the work when the document it makes passes ``MAX_OUTPUT``."""


class Overrun(Exception):
    """The work was stopped from outside (killed, or its answer too large): ``problem`` says why."""

    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


def render_seconds() -> float:
    """Seconds one document may take: ``SVCCTL_RENDER_SECONDS``, else ``RENDER_SECONDS``.
    Read at each render so that a slow PC can allow more, and the test suite less (its
    endless templates would otherwise cost the whole limit each)."""
    from ..core.timeutil import seconds_setting

    # 0 would switch the timer off: above 0 only.
    return seconds_setting("SVCCTL_RENDER_SECONDS", os.environ.get("SVCCTL_RENDER_SECONDS"), RENDER_SECONDS,
                           MOST_RENDER_SECONDS, zero=False)


def too_slow():
    return msg("took longer than {seconds:g} seconds to fill in", seconds=render_seconds())


def too_long():
    return msg("makes a document longer than {count} characters", count=MAX_OUTPUT)


def run(work):
    """``work()``'s value (it must be picklable), computed within the limits above; raises
    ``Overrun`` when the work had to be stopped without an answer of its own."""
    seconds = render_seconds()  # a bad value is refused here, before any work starts
    if hasattr(os, "fork") and sys.platform != "win32":
        # No process to spare (a process limit reached, BlockingIOError): the thread will do.
        with contextlib.suppress(BlockingIOError):
            return _in_child(work, seconds)
    return _in_thread(work, seconds)


def _in_child(work, seconds: float):
    import select
    import signal

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(work, read_end, write_end, seconds)
    os.close(write_end)
    reaped = False
    try:
        deadline = time.monotonic() + seconds + GRACE
        # Pickled text takes up to four bytes a character, and a little for the frame.
        chunks, size, most = [], 0, 4 * MAX_OUTPUT + 65536
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Overrun(too_slow())
            if not select.select([read_end], [], [], left)[0]:
                continue
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            size += len(chunk)
            if size > most:
                raise Overrun(too_long())
            chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        reaped = True
        if not chunks:
            stop = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            raise Overrun(msg("stopped by the system (signal {signal}) while being filled in", signal=stop)
                          if stop is not None else msg("ended without an answer while being filled in"))
        kind, value = pickle.loads(b"".join(chunks))
        if kind == "crashed":
            raise Overrun(msg("cannot be filled in: {error}", error=value))
        return value
    finally:
        os.close(read_end)
        if not reaped:
            with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _child(work, read_end: int, write_end: int, seconds: float):
    """Run ``work`` and send its value up the pipe; the child leaves by ``os._exit`` so that
    nothing of the parent (buffered output, exit handlers) is run or flushed twice."""
    try:
        os.close(read_end)
        # Nothing of the parent's stays open here: not the office lock, not a pipe another
        # process waits to see closed.
        os.closerange(3, write_end)
        os.closerange(write_end + 1, _highest_fd())
        _limit(seconds)
        _limit_nesting()
        value = work()
        _stop_timer()
        payload = pickle.dumps(("done", value), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # whatever it was, the parent reports it as the template's
        try:
            payload = pickle.dumps(("crashed", f"{type(exc).__name__}: {exc}"[:500]))
        except BaseException:
            payload = b""
    try:
        view = memoryview(payload)
        while view:
            view = view[os.write(write_end, view):]
    finally:
        os._exit(0)


# Frames a document may nest beyond where its work starts. A template that includes itself
# then ends in RecursionError after some forty includes, in milliseconds, not after Python's
# thousand frames, which with Jinja's traceback rewriting take several times as long (and
# more than the time limit on a busy machine, which would report it as slow, not as what it
# is). svcctl's own documents nest a few templates: a few dozen frames.
NESTING = 250


def _limit_nesting() -> None:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    sys.setrecursionlimit(min(sys.getrecursionlimit(), depth + NESTING))


def _highest_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 1024


def _limit(seconds: float) -> None:
    """The child's limits: a timer that raises ``TimeUp`` where the work is, the address
    space it may grow to, and CPU seconds as a backstop should the parent be gone."""
    import math
    import resource
    import signal

    def time_up(signum, frame):
        raise TimeUp(too_slow())

    # Not the main thread after all (ValueError): the parent's kill still ends the work.
    with contextlib.suppress(ValueError):
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C reaches the parent, which ends this child
        signal.signal(signal.SIGALRM, time_up)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    held = _address_space()
    if held is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = held + RENDER_MEMORY
        if hard == resource.RLIM_INFINITY or wanted < hard:
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cpu = math.ceil(seconds + GRACE) + 1
    if hard == resource.RLIM_INFINITY or cpu < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))


def _stop_timer() -> None:
    import signal

    signal.setitimer(signal.ITIMER_REAL, 0)


def _address_space() -> int | None:
    """Bytes of address space this process has mapped (Linux); None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _in_thread(work, seconds: float | None = None):
    """``work()`` in a thread that raises ``TimeUp`` in the work's frames at the deadline; a
    thread stuck in one long C call is left behind (a daemon: it ends with the program)."""
    seconds = render_seconds() if seconds is None else seconds
    deadline = time.monotonic() + seconds
    answer: list = []

    def watch(frame, event, arg):
        if time.monotonic() > deadline:
            raise TimeUp(too_slow())
        return watch

    def target():
        sys.settrace(watch)
        try:
            answer.append(("done", work()))
        except BaseException as exc:
            answer.append(("crashed", f"{type(exc).__name__}: {exc}"[:500]))
        finally:
            sys.settrace(None)

    worker = threading.Thread(target=target, name="template", daemon=True)
    worker.start()
    worker.join(seconds + GRACE)
    if not answer:
        raise Overrun(too_slow())
    kind, value = answer[0]
    if kind == "crashed":
        raise Overrun(msg("cannot be filled in: {error}", error=value))
    return value
