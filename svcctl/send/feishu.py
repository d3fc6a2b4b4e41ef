"""Feishu/Lark (飞书) custom bot: a card whose body is lark_md, signed in the body.

A bot with signing on wants ``timestamp`` (seconds) and ``sign`` = base64(HMAC-SHA256 keyed
with timestamp + "\\n" + secret, over nothing) in the JSON body. The whole body holds 20 KB;
the bot takes 100 messages a minute and 5 a second, and may refuse with 11232 around the hour
and half hour when Feishu is busy. Errors come back with ``code`` (older answers:
``StatusCode``).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time

from . import Answer, Outgoing
from .mentions import split
from .urls import check_web
from .webhook import Reply, body_bytes, judged, post

HOOK = "/open-apis/bot/v2/hook/"
RATE_LIMITED = {11232: 60.0, 11233: 60.0}  # code: seconds before trying again
# bad token or parameters, signature or timestamp, IP not allowed, keyword missing, bad or oversized body
PERMANENT = {19001, 19002, 19021, 19022, 19024, 9499}


def check_url(url: str) -> None:
    check_web(url, HOOK)


def signature(secret: str, timestamp_s: str) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _at(user: str) -> str:
    return f"<at email={user}></at>" if "@" in user else f"<at id={user}></at>"


def payload(message: Outgoing, secret: str | None = None, now: float | None = None) -> dict:
    # A card @s by open id, user id or email; Feishu has no @ by mobile in a bot's card.
    _mobiles, ids = split(message.mentions)
    content = message.markdown
    if ids:
        content += "\n" + " ".join(_at(user) for user in ids)
    card = {
        "config": {"wide_screen_mode": True},
        "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": content}}],
    }
    if message.title:
        card["header"] = {"title": {"tag": "plain_text", "content": message.title}}
    body: dict = {}
    if secret:
        timestamp = str(int(time.time() if now is None else now))
        body = {"timestamp": timestamp, "sign": signature(secret, timestamp)}
    body.update({"msg_type": "interactive", "card": card})
    return body


def size(message: Outgoing) -> int:
    # Counted with a signature's room, whether or not the bot signs.
    return len(body_bytes(payload(message, "s", 0.0))) + 16


def read(reply: Reply) -> Answer:
    # Feishu answers a refused signature or body as "code"/"msg", some gateway errors as
    # "StatusCode"/"StatusMessage".
    return judged(reply, ("code", "StatusCode"), ("msg", "StatusMessage"), RATE_LIMITED, PERMANENT)


def send(url: str, secret: str | None, to: tuple[str, ...], message: Outgoing,
         now: float | None = None, timeout: float = 10.0) -> Answer:
    return post(url, payload(message, secret, now), timeout, read)
