"""One JSON POST to a group robot, and the parts of its answer each platform reads.

The robots answer a refused message with HTTP 200 and an error code in the body, so the body
decides; the HTTP status speaks only when there is no JSON to read (a proxy's error page, a
gateway timeout). A network failure is an answer too: not sent, worth trying again.
"""
from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable

from ..core.message import msg
from . import Answer
from .urls import is_this_pc

_SPACE = re.compile(r"\s+")
SAID_MAX = 300


def one_line(text: str) -> str:
    """What a server said, on one line and short enough to show (a page of HTML is not)."""
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= SAID_MAX else text[:SAID_MAX] + "…"


def body_bytes(payload: dict) -> bytes:
    # Chinese stays three bytes a character, as the platforms count a body's size.
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Reply:
    status: int
    data: dict | None  # the JSON body, when there was one
    text: str
    retry_after: float | None  # the Retry-After header, in seconds


def _retry_after(headers) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


def _reply(status: int, raw: bytes, headers) -> Reply:
    text = raw.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    return Reply(status, data if isinstance(data, dict) else None, text, _retry_after(headers))


def unreachable(exc: BaseException) -> Answer:
    """Not sent, and why, for a failure before any answer came."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        # Someone else answers in the platform's name: trying again cannot make that safe.
        return Answer(False, None, True, msg("certificate not trusted: {reason}",
                                             reason=one_line(str(exc.verify_message or exc))))
    reason = getattr(exc, "reason", None) or exc
    if isinstance(reason, ssl.SSLCertVerificationError):
        return unreachable(reason)
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return Answer(False, None, False, msg("no answer in time"))
    return Answer(False, None, False, msg("not reached: {reason}", reason=one_line(str(reason))))


def by_status(reply: Reply) -> Answer:
    """The answer when the body holds no error code to read."""
    said = one_line(f"HTTP {reply.status}: {reply.text}" if reply.text.strip() else f"HTTP {reply.status}")
    if reply.status == 429:
        return Answer(False, reply.retry_after if reply.retry_after is not None else 60.0, False, said)
    if reply.status >= 500 or reply.status in (408, 425):
        return Answer(False, reply.retry_after, False, said)
    if 200 <= reply.status < 300:
        # A 200 without the platform's JSON is not the platform: not known to be posted.
        return Answer(False, None, False, said)
    return Answer(False, None, True, said)


def judged(reply: Reply, code_keys: tuple[str, ...], text_keys: tuple[str, ...], rate_limited: dict,
           permanent: set) -> Answer:
    """A robot's answer read from its JSON body: the code under the first of ``code_keys`` it
    holds, 0 for sent; a code in ``rate_limited`` is tried again after its seconds, one in
    ``permanent`` never; a body without a code is judged by the HTTP status."""
    data = reply.data
    key = next((k for k in code_keys if data is not None and k in data), None)
    if key is None:
        return by_status(reply)
    code = data[key]
    text = next((data[k] for k in text_keys if k in data), "")
    said = one_line(f"{code_keys[0]} {code}: {text}")  # one name for the code, whichever key held it
    if code == 0:
        return Answer(True, None, False, said)
    if code in rate_limited:
        return Answer(False, rate_limited[code], False, said)
    return Answer(False, None, code in permanent, said)


def post(url: str, payload: dict, timeout: float, read: Callable[[Reply], Answer]) -> Answer:
    request = urllib.request.Request(url, data=body_bytes(payload), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    # A proxy the environment names carries https through unread; this PC is reached directly.
    local = is_this_pc(urllib.request.urlparse(url).hostname)
    opener = urllib.request.build_opener(*([urllib.request.ProxyHandler({})] if local else []))
    try:
        with opener.open(request, timeout=timeout) as response:
            reply = _reply(response.status, response.read(), response.headers)
    except urllib.error.HTTPError as exc:
        with exc:
            reply = _reply(exc.code, exc.read() or b"", exc.headers)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        # HTTPException: the connection was cut before a whole answer came.
        return unreachable(exc)
    return read(reply)
