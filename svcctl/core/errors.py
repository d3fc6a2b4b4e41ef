"""Errors the user can act on.

Every failure a person can fix is raised as a ``SvcError`` carrying one line of text, made
with ``message.msg`` so that the CLI can print it in the reader's language on stderr and
exit with ``exit_code``. Anything else is a bug.
"""
from .message import msg


class SvcError(Exception):
    """Trouble with the surroundings: no records folder, git failing, lock busy, remote away."""

    exit_code = 7

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(SvcError):
    """The command line itself is wrong (Click's convention: exit 2)."""

    exit_code = 2


class Refusal(SvcError):
    """The request is understood but the rules forbid it (impossible step, no authority)."""

    exit_code = 3


class NotFound(SvcError):
    exit_code = 4


class BrokenRecord(SvcError):
    """A record on disk cannot be trusted; the user must repair it before going on."""

    exit_code = 5

    def __init__(self, path: str, line: int | None, problem: str):
        where = f"{path}:{line}" if line else path
        super().__init__(msg("{where}: {problem} (run 'svcctl check' for every problem)", where=where, problem=problem))
        self.path = path
        self.line = line
        self.problem = problem


class BrokenTemplate(SvcError):
    """An office's own text template cannot be filled in."""

    exit_code = 5


class ConflictError(SvcError):
    """Sync stopped on a conflict the merge driver cannot settle alone."""

    exit_code = 6


def from_os_error(exc: OSError, records: str | None = None) -> SvcError | None:
    """The one line for what the system refused (a full disk, a folder this account may not
    change, read-only media), naming the folder: the file's own when the system says which,
    else the records folder. None for any other failure, which is a bug."""
    import errno
    import os

    folder = os.path.dirname(os.fsdecode(exc.filename)) if exc.filename else records
    where = folder or "."
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return SvcError(msg("no space left on the disk holding {folder}: free some space, then run the command again",
                            folder=where))
    if exc.errno == errno.EROFS:
        return SvcError(msg("{folder} is on a disk mounted read-only: its records can be read but not changed",
                            folder=where))
    if exc.errno in (errno.EACCES, errno.EPERM):
        return SvcError(msg("this account may not change {folder}: ask whoever looks after this PC for write access "
                            "there, or run svcctl as the account that owns it", folder=where))
    return None
