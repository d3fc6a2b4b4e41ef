"""reply: a contact with the customer about progress (counts as the first reply)."""
from __future__ import annotations

from dataclasses import dataclass

from .kind import TEXT, Command, Kind, Option, typed
from .request import need


@dataclass(frozen=True)
class Fields:
    note: str = typed(TEXT, required=True)


class Reply(Kind):
    name, order, data, verb = "reply", 30, Fields, "replied to"
    follow_up = True  # the first responder still answers the owner who rings again
    command = Command("Record a contact with the customer about progress (counts as the first reply).",
                      ("svcctl reply 202611-A007 --note '已联系业主，明早上门'",),
                      (Option("--note", required=True),))

    def request(self, ticket, ctx, at, note):
        return dict(note=need(note, "--note"))


KIND = Reply()
