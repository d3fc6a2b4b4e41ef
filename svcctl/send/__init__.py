"""Sending one rendered message to a work group's robot (WeCom, DingTalk, Feishu) or by mail.

Each platform lives in its own module (signing, payload, reading its error codes); this module
is what callers use: ``send`` says in an ``Answer`` what the platform itself said, read from
the body it returned (the robots answer HTTP 200 to a refused message), and whether trying
again later can help. Nothing here keeps state: what was sent, when to retry and how fast a
robot may be used are the caller's (``RATE`` gives the pace, ``cut`` the size).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from typing import Callable

from ..core.errors import UsageError
from ..core.message import msg

KINDS = ("wecom", "dingtalk", "feishu", "mail")


@dataclass(frozen=True)
class Outgoing:
    """One message, already rendered."""

    title: str  # short subject: mail subject, card title
    markdown: str  # body: WeCom/DingTalk markdown, Feishu card lark_md, mail text
    mentions: tuple[str, ...] = ()  # mobiles or platform user ids to @


@dataclass(frozen=True)
class Answer:
    sent: bool
    retry_after: float | None  # seconds, when the platform said "rate limited" or busy
    permanent: bool  # retrying cannot help: bad webhook, bad signature, too long
    said: str  # what the platform answered, one line (errcode + errmsg, or the SMTP reply)


# Bytes each platform accepts, counted as the platform counts them (``size``): WeCom the
# markdown content (a text message, used to @ by mobile, holds 2,048), DingTalk and Feishu
# the whole request body, mail the body text (no platform limit; kept readable on a phone).
LIMITS: dict[str, int] = {"wecom": 4096, "dingtalk": 20000, "feishu": 20000, "mail": 100000}

# (messages, per seconds) per robot. Feishu allows 100 a minute and 5 a second: five every
# three seconds keeps both. Mail servers of the enterprise mailboxes throttle at about this.
RATE: dict[str, tuple[int, float]] = {
    "wecom": (20, 60.0), "dingtalk": (20, 60.0), "feishu": (5, 3.0), "mail": (10, 60.0),
}


def platform(kind: str):
    if kind not in KINDS:
        raise UsageError(msg("unknown channel kind {kind} (one of: {kinds})", kind=kind, kinds=", ".join(KINDS)))
    return importlib.import_module(f"{__name__}.{kind}")


def check_url(kind: str, url: str) -> None:
    """Refuse (UsageError) a URL this kind cannot send to; plain http/smtp only to this PC."""
    platform(kind).check_url(url)


def masked(url: str) -> str:
    """The URL with its key, token and password hidden, fit to be shown on a screen."""
    from .urls import masked as _masked

    return _masked(url)


def size(kind: str, message: Outgoing) -> int:
    """Bytes of the message as the platform counts them against ``LIMITS[kind]``."""
    return platform(kind).size(message)


def send(kind: str, url: str, secret: str | None, to: tuple[str, ...], message: Outgoing,
         now: float | None = None, timeout: float = 10.0) -> Answer:
    """Send once; ``now`` (epoch seconds) is the time a signature is made for."""
    module = platform(kind)
    module.check_url(url)
    return module.send(url, secret, tuple(to), message, now=now, timeout=timeout)


def cut(kind: str, message: Outgoing, more_text: Callable[[int], str]) -> Outgoing:
    """The message made to fit the platform's limit: whole lines are left off from the end and
    ``more_text(n)`` (the reader's "and n more") added in their place, n counting the non-blank
    lines left off; a first line too long on its own is cut at a character and ends in "…"."""
    limit = LIMITS[kind]
    if size(kind, message) <= limit:
        return message
    lines = message.markdown.split("\n")

    def kept(n: int) -> Outgoing:
        left_off = sum(1 for line in lines[n:] if line.strip())
        return replace(message, markdown="\n".join(lines[:n] + [more_text(left_off)]))

    def fits(made: Outgoing) -> bool:
        return size(kind, made) <= limit

    # The most whole lines that fit with the "more" line after them.
    lo = _most(-1, len(lines) - 1, lambda n: fits(kept(n)))
    if lo >= 1 or (lo == 0 and not lines[0].strip()):
        return kept(lo)
    # The first line alone is too long: as much of it as fits, then the "more" line if any.
    rest = sum(1 for line in lines[1:] if line.strip())
    tail = "\n" + more_text(rest) if rest else ""

    def shortened(n: int) -> Outgoing:
        return replace(message, markdown=lines[0][:n] + "…" + tail)

    return shortened(_most(0, len(lines[0]), lambda n: fits(shortened(n))))


def _most(lo: int, hi: int, fits: Callable[[int], bool]) -> int:
    """The largest n in lo..hi for which ``fits(n)``, taking ``fits`` true at ``lo`` and, once
    false, false for every larger n (a message only grows with n)."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo
