"""close: the outcome; with ``temporary`` only a temporary measure (000 3.3.6): recorded, the work
goes on, and it settles no deadline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..errors import Refusal, UsageError
from ..message import msg, term
from ..model import TOP_GRADES
from .kind import FLAG, MONEY, TEXT, TIME, Command, Kind, Option, money, typed
from .request import check_time, need


@dataclass(frozen=True)
class Fields:
    result: str = typed(TEXT, required=True)
    fee: Decimal | None = typed(MONEY)
    receipt: str | None = typed(TEXT)
    materials: str | None = typed(TEXT)
    signed: bool | None = typed(FLAG)
    leak_test_at: datetime | None = typed(TIME)
    temporary: bool | None = typed(FLAG)


class Close(Kind):
    name, order, data, verb = "close", 70, Fields, "closed"
    change = "closed"
    command = Command(
        "Record the outcome. A paid service needs --fee and --receipt; a leak repair needs --leak-test-at (or "
        "--temporary for a temporary measure).",
        ("svcctl close 202611-A007 --result '已更换水管' --signed",
         "svcctl close 202611-A008 --result '防水处理' --leak-test-at '2026-11-22 10:00'",
         "svcctl close 202611-A009 --result '疏通下水道' --fee 80 --receipt R-0012 --signed",
         "svcctl close 202611-A010 --result '更换龙头' --materials '水龙头1个，生料带1卷'"),
        (Option("--result", required=True, help="What was done."),
         Option("--fee", value="amount", metavar="AMOUNT",
                help="Fee collected in yuan, exact to the fen (80 or 80.50; paid service)."),
         Option("--receipt", help="Receipt number for the fee."),
         Option("--materials", help="Materials used, as written on the work order."),
         Option("--signed/--unsigned", "signed", value="switch", help="Whether the customer signed the work order."),
         Option("--leak-test-at", value="time", metavar="TIME", help="When the leak test (试漏) was done."),
         Option("--temporary", value="flag",
                help="Record a temporary measure only (000 3.3.6): the ticket stays open.")))

    def request(self, ticket, ctx, at, result, fee=None, receipt=None, signed=None, leak_test_at=None,
                temporary=False, materials=None):
        result = need(result, "--result")
        if fee is not None:
            try:
                exact = Decimal(str(fee).strip())
                fee = money(exact)
            except (ValueError, ArithmeticError):
                raise UsageError(msg('--fee {fee!r}: give the amount collected in yuan, e.g. 80 or 80.50', fee=fee)) from None
            if fee < 0 or fee != exact:
                raise UsageError(msg('--fee {exact}: give the amount collected, 0 or more, with at most two decimals', exact=exact))
        if temporary and (fee is not None or leak_test_at is not None):
            raise UsageError(msg('a temporary measure takes no --fee or --leak-test-at: give those at the real close'))
        if leak_test_at is not None:
            if ticket.h("category") != "leak":
                raise UsageError(msg('--leak-test-at is for leak repairs (category leak) only'))
            check_time(leak_test_at, ctx.now, ticket.received_at, what=msg("leak test"), before_what=msg("the intake"))
            if leak_test_at > at:
                raise UsageError(msg('the leak test is after the close: close the ticket once the leak test is done'))
        return dict(result=result, fee=fee, receipt=receipt or None, materials=(materials or "").strip() or None,
                    signed=signed, leak_test_at=leak_test_at, temporary=temporary or None)

    def allowed(self, ticket, state, event, guard):
        d = self.of(event)
        if d.temporary:
            if d.fee is not None or d.leak_test_at is not None:
                raise Refusal(msg('a temporary measure takes no fee or leak test: give those at the real close'))
            return
        if ticket.type == "complaint" and ticket.h("grade") in TOP_GRADES and not guard.may("close top grade"):
            raise Refusal(msg('closing a {grade} complaint needs a supervisor or director: {guard}', grade=term('grade', ticket.h('grade')), guard=guard.senior_names()))
        # The fee was agreed and collected at the first close: the rework after a reopen is free.
        if ticket.type == "paid" and state.last_reopen is None and (d.fee is None or not d.receipt):
            raise Refusal(msg('a paid service is closed with the agreed fee and its receipt: add --fee AMOUNT --receipt NO'))
        if d.leak_test_at is not None:
            if ticket.h("category") != "leak":
                raise Refusal(msg('a leak test (试漏) is for leak repairs (category leak) only'))
            if d.leak_test_at > event.at:
                raise Refusal(msg('the leak test is after the close: close the ticket once the leak test is done'))
        elif ticket.h("category") == "leak":
            raise Refusal(msg('a leak repair is closed after the leak test (试漏): add --leak-test-at TIME, or record a temporary measure with --temporary'))

    def apply(self, state, event):
        if event.get("temporary"):
            state.temporary_measures += 1
            return
        if state.status == "paused":
            state.pauses.append((state.paused_since, event.at))
            state.paused_since = None
        state.last_close = state.current_close = event
        state.callback_done, state.status = False, "closed"

    def settles(self, event):
        return not event.get("temporary")

    def changes(self, event):
        return None if event.get("temporary") else self.change

    def facts(self, event):
        return {**super().facts(event), "Temporary": "yes" if event.get("temporary") else None}


KIND = Close()
