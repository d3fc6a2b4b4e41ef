"""A commit's message, made from text that came from anywhere.

A subject and its trailers carry words people typed and names of files they chose. ``git
log`` shows them raw to whoever reads the history, and tools read the trailers as facts: a
control character there acts on that reader's terminal (ESC[8m hides what follows), a line
break in a file's name would start a trailer of its own (``Svcctl-Op: forged``), and the
history is read by more people than the customer file is. So every subject and trailer
value is one line, with its control characters written as escapes and its phone numbers
masked, as the rest of svcctl shows them.
"""
from __future__ import annotations

import re

from .controls import escaped
from .units import mask_phones_in

TRAILER_KEY = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def one_line(text) -> str:
    """``text`` fit for a subject or a trailer's value: every run of white space, line
    breaks among them, one space; control characters escaped; phone numbers masked."""
    return mask_phones_in(escaped(" ".join(str(text).split())))


def message(subject, trailers: dict) -> str:
    """The subject line, a blank line and a ``Key: value`` line per trailer."""
    lines = [one_line(subject), ""]
    for key, value in trailers.items():
        if not TRAILER_KEY.fullmatch(key):  # keys are the program's own words, never input
            raise ValueError(f"not a trailer key: {key!r}")
        lines.append(f"{key}: {one_line(value)}")
    return "\n".join(lines) + "\n"
