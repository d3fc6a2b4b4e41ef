"""What every operation needs: the records folder, the clock, who is acting, and how the
office's templates are checked."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .. import vcs
from ..core.errors import Refusal, UsageError
from ..core.timeutil import parse_time
from ..store.records import Records, find_root
from ..core.message import msg

if TYPE_CHECKING:  # core.workflow is imported by the commands that act, not by those that read
    from ..core.workflow import Actor, Context


@dataclass
class Env:
    records_dir: str | None = None
    user: str | None = None
    now_text: str | None = field(default_factory=lambda: os.environ.get("SVCCTL_NOW"))
    # ``(path, line, message, severity)`` for each problem of the office's templates in a
    # records folder (present.documents.check, which fills each in with sample data): given
    # by the caller, since documents are present/'s and operations return data. None: the
    # templates are not checked.
    template_check: Callable[[Path], list[tuple]] | None = None

    @cached_property
    def records(self) -> Records:
        records = Records(find_root(self.records_dir))
        records.recover()
        return records

    def close(self) -> None:
        """Close the records' index files, if the command opened the records at all."""
        if "records" in self.__dict__:
            self.records.close()

    @property
    def notices(self) -> list:
        """What the records have to tell the person once the command is done (``Records.notices``)."""
        return self.records.notices if "records" in self.__dict__ else []

    @property
    def office(self):
        return self.records.office

    @cached_property
    def now(self) -> datetime:
        tz = self.office.tz
        if self.now_text:
            try:
                return parse_time(self.now_text, tz)
            except UsageError as exc:
                raise UsageError(msg('SVCCTL_NOW: {message}', message=exc.message)) from None
        return datetime.now(tz).replace(microsecond=0)

    def reveal(self, requested: bool) -> bool:
        """Whether to show customers' names and phones in full: asked for, and the acting
        person is a supervisor or director (rules §7); an agent who asks is refused."""
        if not requested:
            return False
        actor = self.actor()
        if not actor.senior:
            from ..core.roles import senior_names

            raise Refusal(msg("--reveal shows customers' names and phone numbers, which only a supervisor or "
                              "director may see: ask {seniors}", seniors=senior_names(self.office.roster)))
        return True

    def time(self, text: str | None, default: datetime | None = None) -> datetime:
        """A time the user typed, in office time; ``default`` (now) when not given."""
        if text is None:
            return default or self.now
        return parse_time(text, self.office.tz, now=self.now)

    def actor(self) -> Actor:
        staff_id = self.user or os.environ.get("SVCCTL_USER")
        if not staff_id:
            records = self.records
            if records.toplevel is not None:  # asked with the clone's other settings
                name = (records.setting("user.name") or "").strip()
            else:
                name = vcs.run(records.root, "config", "--get", "user.name").stdout.strip()
            if name in self.office.roster:
                staff_id = name
        if not staff_id:
            raise UsageError(msg("who is acting? give --as STAFF or set SVCCTL_USER (see 'svcctl staff list')"))
        return self.office.actor(staff_id)

    def view(self, ticket, now: datetime | None = None):
        """The read model of ``ticket`` at ``now`` (default: the command's clock)."""
        from ..core.view import build

        office = self.office
        return build(ticket, office.policy, office.calendar, now or self.now)

    def context(self, actor: Actor | None = None) -> Context:
        from ..core.workflow import Context

        office = self.office
        return Context(actor or self.actor(), office.roster, office.departments, office.policy.scheme, self.now)

    def author(self, actor: Actor) -> vcs.Author:
        return author_for(actor, self.office.code)


def author_for(actor: Actor, office_code: str) -> vcs.Author:
    """The git identity of a member of staff: their own email, else one made from the office
    code (a fresh machine has no git identity, and commits must still say who acted)."""
    return vcs.Author(actor.name, actor.email or f"{actor.id}@{office_code.lower()}.svcctl")
