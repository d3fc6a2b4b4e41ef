"""Service language (rules §11): phrases staff never say or print.

From the forbidden phrases (服务禁用语) of the rulebooks: 001 服务禁用语 and 000 言行举止 (4).
Every text the office reads comes from the catalog and the templates, and both are scanned
for these (the office's own templates by ``svcctl check``, everything by the tests).
"""
from __future__ import annotations

FORBIDDEN = (
    "不清楚", "不知道", "没办法", "沒辦法", "我们不管", "我們不管", "不归我管", "不关我的事", "与我无关",
    "喂", "找谁", "什么事", "你自己看", "不可能", "急什么", "没空", "下班了", "明天再来", "问别人去",
)


def forbidden_in(text: str) -> list[tuple[int, str]]:
    """``(line, phrase)`` for every forbidden phrase in ``text``."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        found.extend((number, phrase) for phrase in FORBIDDEN if phrase in line)
    return found
