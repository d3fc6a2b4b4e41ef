"""WeCom (企业微信) group robot: markdown, or text when someone is to be @ed by mobile.

WeCom's markdown @s only by user id (``<@id>``); a mobile can be @ed only in a text message
(``mentioned_mobile_list``), which holds 2,048 bytes to markdown's 4,096. There is no signing:
the key in the URL is the secret. Errors come back as HTTP 200 with ``errcode``.
"""
from __future__ import annotations

import re

from . import Answer, Outgoing
from .mentions import split
from .urls import check_web
from .webhook import Reply, judged, post

MARKDOWN_LIMIT = 4096
TEXT_LIMIT = 2048

RATE_LIMITED = {45009: 60.0, 45033: 10.0, -1: 10.0}  # errcode: seconds before trying again
PERMANENT = {93000, 93004, 40058, 40008, 44004, 40001, 41001}  # bad webhook, too long, bad type, empty


def check_url(url: str) -> None:
    check_web(url, "key")


def _plain(markdown: str) -> str:
    """Markdown read as text: the marks a text message would show literally taken off."""
    text = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 \2", markdown)
    text = re.sub(r"<font[^>]*>|</font>", "", text)
    text = re.sub(r"^\s{0,3}(#{1,6}|>)\s?", "", text, flags=re.M)
    return text.replace("**", "").replace("`", "")


def payload(message: Outgoing) -> dict:
    mobiles, ids = split(message.mentions)
    if mobiles:
        content = f"{message.title}\n{_plain(message.markdown)}" if message.title else _plain(message.markdown)
        text = {"content": content}
        if ids:
            text["mentioned_list"] = ids
        text["mentioned_mobile_list"] = mobiles
        return {"msgtype": "text", "text": text}
    content = f"**{message.title}**\n{message.markdown}" if message.title else message.markdown
    if ids:
        content += "\n" + " ".join(f"<@{user}>" for user in ids)
    return {"msgtype": "markdown", "markdown": {"content": content}}


def size(message: Outgoing) -> int:
    """Bytes of the content, scaled to the markdown limit: a text message holds half as many."""
    body = payload(message)
    kind = body["msgtype"]
    content = len(body[kind]["content"].encode("utf-8"))
    return content if kind == "markdown" else content * MARKDOWN_LIMIT // TEXT_LIMIT


def read(reply: Reply) -> Answer:
    return judged(reply, ("errcode",), ("errmsg",), RATE_LIMITED, PERMANENT)


def send(url: str, secret: str | None, to: tuple[str, ...], message: Outgoing,
         now: float | None = None, timeout: float = 10.0) -> Answer:
    return post(url, payload(message), timeout, read)

