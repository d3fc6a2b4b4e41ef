"""Who a message @s: a mobile number or a platform's own user id, told apart by their form."""
from __future__ import annotations

import re

# A mainland mobile (11 digits from 1), with or without +86, or any number given with its
# country code. An employee number of digits alone is taken for a user id.
_MOBILE = re.compile(r"(\+86)?1\d{10}|\+\d{6,15}")


def is_mobile(mention: str) -> bool:
    return bool(_MOBILE.fullmatch(mention.replace(" ", "").replace("-", "")))


def split(mentions: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(mobiles, user ids), each in the order given, without blanks or repeats."""
    mobiles: list[str] = []
    ids: list[str] = []
    for mention in dict.fromkeys(m.strip() for m in mentions if m and m.strip()):
        if is_mobile(mention):
            mobiles.append(mention.replace(" ", "").replace("-", ""))
        else:
            ids.append(mention)
    return mobiles, ids
