"""Customer files (一户一档): one per customer, listing every unit they hold."""
from __future__ import annotations

import contextlib
import re

from ..core.errors import BrokenRecord, ConflictError, NotFound, Refusal, UsageError
from ..core.timeutil import iso
from ..core.units import canonical_phone, canonical_unit, find_unit, mask_phone, same_unit
from ..core import roles, subjects
from ..present import labels
from ..store import txn
from .env import Env
from ..core.message import msg

KEYS = ("id", "name", "phones", "units", "notes", "created")


def record(data: dict) -> dict:
    """The fields of a customer file, in file order, empty ones left out."""
    return {k: data[k] for k in KEYS if data.get(k) not in (None, [], "")}


def find(env: Env, *, unit: str | None = None, name: str | None = None, phone: str | None = None,
         text: str | None = None) -> list[dict]:
    """Customers matching every given criterion; ``text`` tries unit, name and phone."""
    unit_q = canonical_unit(unit) if unit else None
    phone_q = phone_search(phone) if phone is not None else None
    out = []
    for cust in env.records.customers():
        if unit_q and not find_unit(unit_q, cust.get("units") or ()):
            continue
        if name and name not in cust.get("name", ""):
            continue
        if phone_q and not _holds_phone(cust, phone_q):
            continue
        if text and not _matches_text(cust, text):
            continue
        out.append(cust)
    return out


# A masked number shows its last four digits (138****8000). A search matches those or the
# whole number and nothing else: were any fragment to match, a few dozen searches would
# spell out the hidden digits one by one.
LAST_DIGITS = 4


def phone_search(text: str) -> str:
    """What ``--phone`` looks for: the full number, written as on file, or its last four digits."""
    key = _phone_key(text)
    if key is not None:
        return key
    if not any(ch.isdigit() for ch in text):
        raise UsageError(msg('--phone {phone!r} has no digits: give the full number or its last four digits, e.g. 8000', phone=text))
    raise UsageError(msg('--phone {phone!r} is neither a full number nor its last four digits: give one of '
                         'those (e.g. 13800138000 or 8000); other parts are not searched, as masked numbers hide them',
                         phone=text))


def _phone_key(text: str) -> str | None:
    with contextlib.suppress(UsageError):  # not a full number: perhaps its last four digits
        return canonical_phone(text)
    compact = re.sub(r"[\s\-]", "", text)
    return compact if re.fullmatch(rf"\d{{{LAST_DIGITS}}}", compact) else None


def _holds_phone(cust: dict, key: str) -> bool:
    if len(key) == LAST_DIGITS:
        return any(p.endswith(key) for p in cust.get("phones") or ())
    return key in (cust.get("phones") or ())


def _matches_text(cust: dict, text: str) -> bool:
    with contextlib.suppress(UsageError):  # not every search text is a unit
        if find_unit(canonical_unit(text), cust.get("units") or ()):
            return True
    key = _phone_key(text)
    if key is not None and _holds_phone(cust, key):
        return True
    return text in cust.get("name", "") or text == cust.get("id")


class Index:
    """Customers by id, phone and flat, so that many rows (an import) are matched without
    reading every file again per row. Entries are added as files are staged."""

    def __init__(self, customers=()):
        self.by_id: dict = {}
        self._phones: dict = {}
        self._flats: dict = {}  # "3-2-1502" -> [(unit as on file, customer id)]
        for cust in customers:
            self.add(cust)

    def add(self, cust: dict) -> None:
        cid = cust["id"]
        self.by_id[cid] = cust
        for phone in cust.get("phones") or ():
            self._phones.setdefault(phone, cid)
        for unit in cust.get("units") or ():
            holders = self._flats.setdefault(unit.rpartition("/")[2], [])
            if (unit, cid) not in holders:
                holders.append((unit, cid))

    def phone_holder(self, phone: str) -> str | None:
        return self._phones.get(phone)

    def unit_holders(self, unit: str) -> list[tuple[str, str]]:
        """(unit as on file, customer id) of every file holding the flat ``unit`` names."""
        return [(u, cid) for u, cid in self._flats.get(unit.rpartition("/")[2], ()) if same_unit(unit, u)]

    def clashes(self, phones, units, exclude: str | None = None) -> list[tuple[str, str]]:
        """(customer id, reason) for every phone or unit already on another file."""
        found = []
        for phone in phones:
            cid = self._phones.get(phone)
            if cid and cid != exclude:
                found.append((cid, msg("phone {phone} already belongs to {id}", phone=mask_phone(phone), id=cid)))
        for unit in units:
            for on_file, cid in self.unit_holders(unit):
                if cid != exclude:
                    found.append((cid, msg("unit {unit} is already on file for {id}", unit=on_file, id=cid)))
        return found


def clashes(env: Env, phones: list[str], units: list[str], exclude: str | None = None) -> list[str]:
    """Why a new or edited customer would duplicate an existing file (rules §7)."""
    return [reason for _, reason in Index(env.records.customers()).clashes(phones, units, exclude)]


def build(name: str, phones: list[str], units: list[str], notes: str | None = None) -> dict:
    if not (name or "").strip():
        raise UsageError(msg("give the customer's --name"))
    if not units:
        raise UsageError(msg('give at least one --unit (building-unit-room, e.g. 3-2-1502)'))
    return {
        "name": name.strip(),
        "phones": _unique(canonical_phone(p) for p in phones),
        "units": _unique(canonical_unit(u) for u in units),
        "notes": (notes or "").strip() or None,
    }


def _unique(values) -> list:
    return list(dict.fromkeys(values))


def stage_new(env: Env, change: txn.Change, data: dict, force: bool) -> dict:
    """Allocate an id and add the file to ``change``; the caller holds the lock."""
    reasons = clashes(env, data["phones"], data["units"])
    if reasons and not force:
        raise Refusal(msg('{reasons}: use that customer (svcctl customer show), or add --force if this is really another person', reasons=reasons[0]))
    records = env.records
    # created: when the file came on the desk, so a report of an earlier period counts its
    # units only in the periods that ended after it.
    data = {"id": records.next_customer_id(records.station()), **data, "created": iso(env.now)}
    stage(records, change, data)
    return data


def stage(records, change: txn.Change, cust: dict) -> None:
    """Add a customer file to ``change``, refused unless it would pass ``svcctl check``."""
    change.write(records.customer_inner(cust["id"]), records.checked_text("customer", record(cust), cust["id"]))


def add(env: Env, *, name: str, phones: list[str], units: list[str], notes: str | None, force: bool) -> dict:
    data = build(name, phones, units, notes)
    actor = env.actor()
    roles.require(actor, env.office.roster, "customer add")
    records = env.records
    with records.lock():
        change = txn.Change("")
        data = stage_new(env, change, data, force)
        facts = subjects.office_facts("customer-add", Customer=data["id"], Units=" ".join(data["units"]))
        change.message = labels.said(subjects.said(facts), env.office.language)
        records.commit(change, env.author(actor), facts)
    return data


def edit(env: Env, customer_id: str, *, name=None, add_phones=(), remove_phones=(), add_units=(),
         remove_units=(), notes=None, force=False) -> dict:
    actor = env.actor()
    roles.require(actor, env.office.roster, "customer edit")
    records = env.records
    with records.lock():
        original = records.customer(customer_id)
        cust = dict(original)
        customer_id = cust["id"]  # as on file, however it was typed
        if name is not None:
            if not name.strip():
                raise UsageError(msg('--name cannot be empty'))
            cust["name"] = name.strip()
        on_file_phones = cust.get("phones") or []
        gone_phones = {canonical_phone(x) for x in remove_phones}
        for phone in gone_phones - set(on_file_phones):
            raise UsageError(msg('phone {phone} is not on file for {customer_id}: nothing changed', phone=mask_phone(phone), customer_id=customer_id))
        phones = [p for p in on_file_phones if p not in gone_phones]
        dropped = [canonical_unit(x) for x in remove_units]
        for unit in dropped:
            if find_unit(unit, cust.get("units") or ()) is None:
                raise UsageError(msg('unit {unit} is not on file for {customer_id} ({values}): nothing changed', unit=unit, customer_id=customer_id, values=', '.join(cust.get('units') or ())))
        units = [u for u in cust.get("units") or () if not any(same_unit(u, x) for x in dropped)]
        new_phones = [canonical_phone(p) for p in add_phones]
        new_units = [canonical_unit(u) for u in add_units]
        reasons = clashes(env, new_phones, new_units, exclude=customer_id)
        if reasons and not force:
            raise Refusal(msg('{reasons}: add --force if both files are right', reasons=reasons[0]))
        cust["phones"] = _unique(phones + new_phones)
        cust["units"] = _unique(units + new_units)
        if not cust["units"]:
            raise UsageError(msg('a customer keeps at least one unit'))
        if notes is not None:
            cust["notes"] = notes.strip() or None
        if record(cust) == record(original):
            raise UsageError(msg('nothing to change: give --name, --add-phone, --remove-phone, --add-unit, --remove-unit or --notes'))
        facts = subjects.office_facts("customer-edit", Customer=customer_id)
        change = txn.Change(labels.said(subjects.said(facts), env.office.language))
        stage(records, change, cust)
        records.commit(change, env.author(actor), facts)
    return cust


def public(cust: dict, reveal: bool = False) -> dict:
    """A customer as shown in listings and exports: phones masked, in the notes too, unless
    ``reveal`` (the rule present.privacy applies to documents)."""
    from ..core.units import mask_phone, mask_phones_in

    notes = cust.get("notes") or ""
    return {
        "id": cust["id"],
        "name": cust.get("name", ""),
        "phones": [p if reveal else mask_phone(p) for p in cust.get("phones") or ()],
        "units": cust.get("units") or [],
        "notes": notes if reveal else mask_phones_in(notes),
    }


def known_on_file(env: Env, customer_id: str | None) -> tuple:
    """The customer's name and numbers as on file, for hiding them in free text; none when
    the file is gone."""
    if not customer_id:
        return ()
    try:
        cust = env.records.customer(customer_id)
    except NotFound:
        return ()
    return tuple(k for k in (cust.get("name"), *(cust.get("phones") or ())) if k)


def known_on_file_of(env: Env, customer_ids) -> dict:
    """Customer id → ``known_on_file``, for the customers of the rows an output shows: read
    when the output is made, so a renamed customer is hidden under the new name at once, at
    a cost bounded by the rows shown, not by every ticket. A customer whose file cannot be
    read now (broken, or in a conflict a sync left waiting) maps to None: what is on file is
    unknown, so the listing withholds that customer's free text instead of stopping (cron's
    overdue goes on) or showing a name it could not look for."""
    found = {}
    for cid in set(customer_ids):
        if cid:
            try:
                found[cid] = known_on_file(env, cid)
            except (BrokenRecord, ConflictError):
                found[cid] = None
    return found
