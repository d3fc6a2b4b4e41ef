"""Changing a records folder: whether svcctl may write into its repository, new ids, the
text of a record about to be written (checked first), the office lock and the commit."""
from __future__ import annotations

from datetime import datetime

from .. import merge_driver, vcs
from ..core import validate
from ..core.errors import ConflictError, Refusal, SvcError, UsageError
from ..core.message import msg
from . import txn, yamlio
from .ids import Numbering
from .names import CONFIG


def configured_station(top) -> str | None:
    """This clone's station code: per PC, in the clone's own git config, never shared."""
    return vcs.run(top, "config", "--get", "svcctl.station").stdout.strip() or None


# The git settings of a clone that svcctl reads, asked of git together: the station code,
# records folders kept below the top, the merge driver, the remotes and who git says the
# user is. Read once per ``Records`` (one command), and again after svcctl changes them.
SETTINGS = r"^(svcctl\.(station|records)|merge\.svcctl\.(name|driver)|user\.name|remote\..*\.url)$"


class Changes:
    """Part of ``Records``: what a command that records a change goes through."""

    _settings: dict[str, list[str]] | None = None  # read by ``settings``

    def setting(self, name: str) -> str | None:
        """The value of the git setting ``name`` (one of ``SETTINGS``, spelt as git prints
        it) as ``git config --get`` gives it: the last one given; None when there is none."""
        values = self.settings().get(name)
        return values[-1] if values else None

    def settings(self) -> dict[str, list[str]]:
        """Every value of each of ``SETTINGS`` this clone has, by name."""
        if self._settings is None:
            self._settings = vcs.settings(self.top, SETTINGS)
        return self._settings

    def settings_changed(self) -> None:
        """svcctl changed the clone's git settings: the next question asks git again."""
        self._settings = None

    def configured_station(self) -> str | None:
        """This clone's station code (see ``configured_station``)."""
        return (self.setting("svcctl.station") or "").strip() or None

    def pending_merge(self) -> tuple[str, list[str]] | None:
        """What a sync left waiting for a person (its conflicts), and how to go on; None when
        no merge is in progress."""
        if self.toplevel is None or not (self.gdir / "MERGE_HEAD").exists():
            return None
        unmerged = vcs.git(self.top, "diff", "--name-only", "-z", "--diff-filter=U").split("\0")
        unmerged = [p for p in unmerged if p]
        if unmerged:
            return (f"a sync is waiting for a conflict to be settled in {', '.join(unmerged)}: edit it to keep the "
                    "right values (remove the <<<<<<< ======= >>>>>>> lines), run 'git add' on it, then "
                    "'svcctl sync' (or 'git merge --abort' to drop the pull)"), unmerged
        return "a sync is waiting to be finished: run 'svcctl sync' (or 'git merge --abort' to drop the pull)", []

    def allowed_inside(self) -> list[str]:
        """Records folders this clone keeps below its top on purpose (``init --inside-repo``)."""
        return [line for value in self.settings().get("svcctl.records", ()) for line in value.splitlines()]

    def owns_repo(self) -> bool:
        """Whether the git repository holding the records is the office's own (or keeps them
        inside on purpose): only then does svcctl write anything into it, even a cache."""
        if self.toplevel is None:
            return False
        if self.top == self.root.resolve():
            return True
        return self.root.resolve().relative_to(self.top).as_posix() in self.allowed_inside()

    def require_own_repo(self) -> None:
        """An office's records live in a repository of their own: svcctl does not commit onto
        the branch of a project that happens to hold a records folder (the sample records/)."""
        if self.owns_repo():
            return
        raise Refusal(msg("{root} is inside the git repository {top}, which is not the office's own: an office keeps its records in a repository of its own (copy the folder out and run 'git init' there, or 'svcctl init DIR' for a new office), or run 'svcctl setup --station CODE --inside-repo' to keep them there; nothing was changed", root=self.root, top=self.top))

    def require_no_pending_merge(self) -> None:
        pending = self.pending_merge()
        if pending:
            raise ConflictError(msg('nothing was changed: {pending}', pending=pending[0]))

    def checked_text(self, kind: str, record: dict, name: str) -> str:
        """The canonical text of a ticket or customer about to be written, refused unless it
        would pass ``svcctl check``: a value that slipped past a command's own checks (a fee of
        NaN, say) must never become a file that stops every later command."""
        text = yamlio.dump(record)
        if yamlio.dump(yamlio.parse(text)) != text:
            raise UsageError(msg('refused, nothing written: the text would not read back exactly as typed'))
        return self._checked(kind, text, name)

    def config_text(self, config: dict) -> str:
        """svcctl.yaml as it stands with only what differs from ``config`` edited in place:
        the office's comments, key order and layout are kept (the file is not canonical, and
        ``check`` never asks it to be). Refused unless it would pass ``svcctl check``."""
        from . import roundtrip

        try:
            text = roundtrip.rewrite((self.root / CONFIG).read_bytes().decode("utf-8"), config)
        except roundtrip.LayoutLost as lost:
            raise Refusal(msg("{file} could not be changed without rewriting what was written there by hand ({lost}): make the change in the file and record it with 'svcctl commit'", file=self.label(CONFIG), lost=lost)) from None
        return self._checked("config", text, CONFIG)

    def _checked(self, kind: str, text: str, name: str) -> str:
        data = yamlio.parse(text)
        if kind == "ticket":
            office = self.office
            found = validate.ticket(data, name, office.roster, None, office.departments)
        elif kind == "customer":
            found = validate.customer(data, name)
        elif kind == "handover":
            found = validate.handover(data, name, self.office.roster, self.office.tz)
        else:
            found = validate.config(data)
        if found:
            raise UsageError(msg('refused, nothing written: {found}', found=found[0][1]))
        return text

    # -- ids --------------------------------------------------------------------
    def station(self) -> str:
        self.require_own_repo()  # the first thing a new record needs; say why before asking for a station
        code = self.configured_station()
        if not code:
            raise SvcError(
                msg("this clone has no station code, so it cannot number new records: run 'svcctl setup --station CODE' (a code no other PC uses, e.g. B)")
            )
        return code

    def next_ticket_id(self, station: str, received: datetime) -> str:
        return self.numbering(station).ticket_id(received)

    def next_customer_id(self, station: str) -> str:
        return self.numbering(station).customer_id()

    def numbering(self, station: str) -> Numbering:
        return Numbering(self.root, station)

    # -- writing ------------------------------------------------------------------
    def lock(self) -> txn.OfficeLock:
        """The office lock; winning it first repairs a change a killed holder left behind.
        Only writers take it, and svcctl writes only into the office's own repository."""
        self.require_own_repo()
        return txn.OfficeLock(self.gdir, self.top, self.records_rel)

    def recover(self) -> None:
        """Finish or roll back a change a killed process left behind (see store.txn)."""
        if not self.owns_repo():
            return  # svcctl never writes there (outside git, or another project's repository)
        if not (txn.Journal(self.top, self.gdir).exists() or txn.MergeJournal(self.top, self.gdir).exists()):
            return  # the usual case, found without loading the lock's module
        lock = self.lock()
        if not lock.pending():
            return
        if not lock.try_acquire():
            # A live process owns that journal (an older svcctl's holder may be alive too), or a
            # dead one's git held the lock past the timeout: the lock's next winner repairs it.
            return
        try:
            lock.repair()
        finally:
            lock.release()

    def commit(self, change: txn.Change, author: vcs.Author, trailers: dict | None = None, progress=None,
               before_landing=None) -> str:
        """Apply ``change`` (paths relative to the records root); caller holds the lock.
        ``progress`` is called once per file written (an import shows a progress bar);
        ``before_landing`` once they are all written, before the commit can land (work that
        must succeed for the change to be made, done while git writes it)."""
        self.require_own_repo()
        self.require_no_pending_merge()
        # A clone set up by an older svcctl: see merge_driver.
        if merge_driver.keep_current(self.top, self.setting("merge.svcctl.driver")):
            self.settings_changed()
        at_top = txn.Change(change.message)
        for inner, text in change.files.items():
            at_top.write(self.rel(inner), text)
        return txn.apply(self.top, self.gdir, at_top, author, trailers, progress, before_landing)
