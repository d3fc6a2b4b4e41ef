"""Where a channel sends: which URLs are accepted, and how one is shown without its secret.

A robot's webhook URL is itself the secret (WeCom's key, DingTalk's access token, the token in
Feishu's path): a screen shows only its first characters. Anything but https (or smtps and
STARTTLS for mail) would hand it to whoever is on the network, so plain http and smtp are for
this PC alone, where the tests' servers run.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from ..core.errors import UsageError
from ..core.message import msg

SECRET_PARAMS = ("key", "access_token", "sign")


def is_this_pc(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# A space or control character is never part of an address; http.client refuses one later
# with an error that quotes the whole address, key and all, into the outbox and on screen.
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f]")


def parts(url: str):
    if _NOT_IN_URL.search(url):
        raise UsageError(msg("{url} holds a space or a control character: copy the address again, without them",
                             url=masked(url)))
    try:
        split = urlsplit(url)
        split.port  # a port that is not a number is an error only when asked for
    except ValueError:
        raise UsageError(msg("{url} is not a URL", url=masked(url))) from None
    if not split.hostname:
        raise UsageError(msg("{url} is not a URL", url=masked(url)))
    return split


def check_web(url: str, needs: str) -> None:
    """An https URL (http only to this PC) holding the robot's key or token: the query
    parameter ``needs``, or the path segment after ``needs`` when it begins with "/"."""
    split = parts(url)
    if split.scheme == "http" and not is_this_pc(split.hostname):
        raise UsageError(msg("{url}: a robot's address must begin with https:// (its key would cross the "
                             "network readable)", url=masked(url)))
    if split.scheme not in ("https", "http"):
        raise UsageError(msg("{url}: a robot's address must begin with https://", url=masked(url)))
    if needs.startswith("/"):
        token = split.path[len(needs):] if split.path.startswith(needs) else ""
        found = bool(token.strip("/"))
    else:
        found = any(name == needs and value for name, value in parse_qsl(split.query))
    if not found:
        raise UsageError(msg("{url} is not a robot's webhook address: it holds no {part} (copy the whole address "
                             "the group's robot settings show)", url=masked(url),
                             part="token" if needs.startswith("/") else needs))


def check_mail(url: str) -> None:
    split = parts(url)
    if split.scheme == "smtp" and split.port in (None, 465):
        raise UsageError(msg("{url}: name the STARTTLS port, as smtp://user@host:587, or use smtps:// for port 465",
                             url=masked(url)))
    if split.scheme not in ("smtps", "smtp"):
        raise UsageError(msg("{url}: a mail channel's address begins with smtps:// (port 465) or smtp:// (STARTTLS, "
                             "port 587)", url=masked(url)))


def _hide(value: str) -> str:
    return value[:4] + "…" if len(value) > 4 else "…"


def masked(url: str) -> str:
    """The URL with key, token, signature and password shortened to their first characters."""
    try:
        split = urlsplit(url)
    except ValueError:
        return "…"
    netloc = split.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":…"
        netloc = f"{user}@{host}"
    path = split.path
    hook = "/open-apis/bot/v2/hook/"
    if hook in path:
        head, _, token = path.partition(hook)
        path = head + hook + _hide(token)
    query = "&".join(f"{quote(name)}={_hide(value) if name in SECRET_PARAMS else quote(value)}"
                     for name, value in parse_qsl(split.query, keep_blank_values=True))
    return urlunsplit((split.scheme, netloc, path, query, ""))
