"""Who a message @s: a mobile number or a platform's own user id, told apart by their form."""
from __future__ import annotations

import re

# A mainland mobile (11 digits from 1), with or without +86, or any number given with its
# country code. An employee number of digits alone is taken for a user id.
_MOBILE = re.compile(r"(\+86)?1\d{10}|\+\d{6,15}")
# A user id as the platforms make them (WeCom ids, DingTalk ids, Feishu open ids, a work
# email): anything else could close the platform's mention markup and open another.
_USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}")
# What the platforms read as "everyone in the group" (WeCom's @all, Feishu's <at id=all>): a
# staff record comes from svcctl.yaml, which any PC may push, and must not ring every phone.
_EVERYONE = {"all", "@all", "everyone", "所有人"}


def is_mobile(mention: str) -> bool:
    return bool(_MOBILE.fullmatch(mention.replace(" ", "").replace("-", "")))


def split(mentions: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(mobiles, user ids), each in the order given, without blanks or repeats; a mention that
    is no one in particular (everyone, or markup) is left out."""
    mobiles: list[str] = []
    ids: list[str] = []
    for mention in dict.fromkeys(m.strip() for m in mentions if m and m.strip()):
        if is_mobile(mention):
            mobiles.append(mention.replace(" ", "").replace("-", ""))
        elif _USER_ID.fullmatch(mention) and mention.lower() not in _EVERYONE:
            ids.append(mention)
    return mobiles, ids
