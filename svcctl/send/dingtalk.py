"""DingTalk (钉钉) custom robot: markdown with @ by mobile or user id, signed when it has a secret.

A robot with signing on wants ``timestamp`` (milliseconds) and ``sign`` =
urlencode(base64(HMAC-SHA256(secret, timestamp + "\\n" + secret))) in the query, the
timestamp within an hour of DingTalk's clock. More than 20 messages a minute blocks the robot
for ten minutes (130101), so a rate answer waits that long. Errors come back with ``errcode``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from . import Answer, Outgoing
from .mentions import split
from .urls import check_web
from .webhook import Reply, body_bytes, judged, post

RATE_LIMITED = {130101: 600.0, 410100: 600.0, -1: 10.0}  # errcode: seconds before trying again
# token missing or unknown, robot stopped or gone, group dissolved, security (keyword, IP,
# signature, timestamp), bad type, too long, content refused as unsafe
PERMANENT = {300001, 300005, 400013, 400101, 400102, 400105, 400106, 310000, 460101, 430101, 430102, 430103,
             430104}


def check_url(url: str) -> None:
    check_web(url, "access_token")


def signature(secret: str, timestamp_ms: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str | None, now: float | None) -> str:
    if not secret:
        return url
    timestamp = str(int((time.time() if now is None else now) * 1000))
    return f"{url}&timestamp={timestamp}&sign={signature(secret, timestamp)}"


def payload(message: Outgoing) -> dict:
    mobiles, ids = split(message.mentions)
    text = f"#### {message.title}\n\n{message.markdown}" if message.title else message.markdown
    # DingTalk shows the @ only where the text itself names the person.
    named = [f"@{who}" for who in mobiles + ids]
    if named:
        text += "\n\n" + " ".join(named)
    body = {"msgtype": "markdown", "markdown": {"title": message.title or message.markdown[:20], "text": text}}
    if mobiles or ids:
        body["at"] = {"atMobiles": mobiles, "atUserIds": ids, "isAtAll": False}
    return body


def size(message: Outgoing) -> int:
    return len(body_bytes(payload(message)))


def read(reply: Reply) -> Answer:
    return judged(reply, ("errcode",), ("errmsg",), RATE_LIMITED, PERMANENT)


def send(url: str, secret: str | None, to: tuple[str, ...], message: Outgoing,
         now: float | None = None, timeout: float = 10.0) -> Answer:
    return post(signed_url(url, secret, now), payload(message), timeout, read)
