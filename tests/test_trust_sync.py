"""What another PC pushes is untrusted: a sync takes in only svcctl's records layout and
history that only grew, and git on this PC cannot be bent by the repository's attributes.

PC B pushes each hostile change with plain git (an agent can push anything). PC A's
``svcctl sync`` refuses it whole, in one line naming the file and the commit that brought
it, and stays exactly as it was; ``svcctl check`` on B names the same file first.

A's syncs run through Click in this process (test_sync.run: the same exit code, stdout and
stderr), except the one read in the office's language: the real ``python -m svcctl`` in a
child process, with no SVCCTL_LANG set.
"""
from __future__ import annotations

import os

import pytest

from conftest import Office, git
from test_sync import T, Net, one_line, run, sync
from test_sync_safety import built, snapshot, text_of

TICKET = f"tickets/2026/11/{T}.yaml"
REPLY_AT = "2026-11-20T10:00:00+08:00"


def shared_reply(net: Net) -> None:
    """B is cloned, answers the ticket with svcctl, and both PCs share that."""
    b = net.clone("B")
    b.run("reply", T, "--note", "已联系业主", now="2026-11-20 10:00")
    sync(b)
    sync(net.a)


@pytest.fixture(scope="module")
def shared_template(tmp_path_factory) -> Net:
    return built(tmp_path_factory, "trust", shared_reply)


@pytest.fixture
def pair(shared_template, tmp_path):
    net = shared_template.copy(tmp_path / "net")
    return net, net.a, net.clones["B"]


def write(b: Office, rel: str, data: str | bytes | None = None, link_to: str | None = None) -> None:
    path = b.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if link_to is not None:
        if path.is_symlink() or path.exists():
            path.unlink()
        os.symlink(link_to, path)
    else:
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def edit_ticket(old: str, new: str):
    return lambda b, outside: write(b, TICKET, text_of(b, TICKET).replace(old, new, 1))


def outside_folder(b: Office, outside) -> None:
    """tickets/2027 as a link to a folder outside the records, holding a ticket-shaped file."""
    (outside / "11").mkdir(parents=True)
    (outside / "11" / "202711-B001.yaml").write_text(text_of(b, TICKET).replace(T, "202711-B001"), encoding="utf-8")
    write(b, "tickets/2027", link_to=str(outside))


# name -> (path pushed, what B does to it, words the refusal carries)
HOSTILE = {
    "code at the top": ("svcctl.py", lambda b, o: write(b, "svcctl.py", "print('hi')\n"), "not part of svcctl's records layout"),
    "not a ticket in tickets/": ("tickets/2026/11/notes.txt", lambda b, o: write(b, "tickets/2026/11/notes.txt", "x\n"),
                                 "not part of svcctl's records layout"),
    ".gitattributes": (".gitattributes", lambda b, o: write(b, ".gitattributes", "*.yaml working-tree-encoding=UTF-16LE\n"),
                       "not the .gitattributes svcctl writes"),
    ".gitmodules": (".gitmodules", lambda b, o: write(b, ".gitmodules", '[submodule "x"]\n\tpath = x\n\turl = ../x\n'),
                    "not part of svcctl's records layout"),
    "folder link": ("tickets/2027", outside_folder, "a symbolic link"),
    "file link": ("templates/zh/digest.txt", lambda b, o: write(b, "templates/zh/digest.txt", link_to="../../svcctl.yaml"),
                  "a symbolic link"),
    "oversized": ("templates/document.css", lambda b, o: write(b, "templates/document.css", b"/* */\n" * 700_000),
                  "more than any file of the records can be"),
    "event deleted": (TICKET, lambda b, o: write(b, TICKET, _without_reply(text_of(b, TICKET))),
                      f"reply event of {REPLY_AT} by wang was removed or edited"),
    "event author": (TICKET, edit_ticket("by: wang\n    note: 已联系业主", "by: zhao\n    note: 已联系业主"),
                     f"reply event of {REPLY_AT} by wang was given another author (zhao)"),
    "event time": (TICKET, edit_ticket(f"- at: {REPLY_AT}", "- at: 2026-11-20T10:05:00+08:00"),
                   "was given another time (2026-11-20T10:05:00+08:00)"),
    "header": (TICKET, edit_ticket("summary: 电梯噪音", "summary: 楼道照明"), "header field summary was changed"),
}


def _without_reply(text: str) -> str:
    """The ticket with its last event, the reply, cut out."""
    head, found, _ = text.partition(f"  - at: {REPLY_AT}\n")
    assert found, text
    return head


def test_the_shared_ticket_reads_as_the_hostile_edits_expect(pair):
    _, a, _ = pair
    text = text_of(a, TICKET)
    assert text.endswith(f"  - at: {REPLY_AT}\n    event: reply\n    by: wang\n    note: 已联系业主\n")
    assert "summary: 电梯噪音" in text


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_push_is_refused_whole_naming_the_file_and_commit(pair, tmp_path, kind):
    net, a, b = pair
    rel, do, said = HOSTILE[kind]
    do(b, tmp_path / "outside")
    git(b.root, "add", "--", rel)
    git(b.root, "commit", "-qm", f"hostile: {kind}")
    bad = git(b.root, "rev-parse", "--short", "HEAD").strip()
    # B's own check names the file before anything is pushed.
    checked = b.run("check", ok=False)
    assert checked.exit_code != 0, checked.stdout
    assert any(rel in line and said in line for line in checked.stdout.splitlines()), checked.stdout
    git(b.root, "push", "-q", "origin", "HEAD:main")
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 11:00")  # work of A's own waiting to go
    before = snapshot(a)
    remote = net.remote_head()
    proc = run(a, "sync")
    line = one_line(proc)
    assert proc.returncode != 0
    assert rel in line and said in line and bad in line and "nothing here changed" in line, line
    assert snapshot(a) == before
    assert net.remote_head() == remote


def test_the_changes_svcctl_makes_still_sync(pair):
    net, a, b = pair
    b.run("reply", T, "--note", "乙回复", now="2026-11-20 11:00")
    new = b.intake("--type", "repair", "--unit", "5-1-301", "--summary", "水管漏水", now="2026-11-20 11:30")
    a.run("reply", T, "--note", "甲回复", now="2026-11-20 11:15")
    sync(b)
    done = sync(a)
    assert "pulled" in done.stdout and "pushed" in done.stdout
    notes = [e.get("note") for e in a.json("show", T)["events"] if e["event"] == "reply"]
    assert notes == ["已联系业主", "乙回复", "甲回复"]
    assert a.json("show", new.split()[-1] if " " in new else new)["id"]
    assert a.run("check", ok=False).exit_code == 0


def test_hostile_attributes_cannot_change_the_bytes_svcctl_commits(pair):
    """A .gitattributes committed into A's own repository by plain git (as a pull would
    bring it): what intake and reply write is committed byte for byte, git sees a clean tree,
    and check names the attributes as not svcctl's."""
    _, a, _ = pair
    write(a, ".gitattributes", "*.yaml working-tree-encoding=UTF-16LE eol=crlf filter=evil ident\n")
    git(a.root, "add", ".gitattributes")
    git(a.root, "commit", "-qm", "attributes by hand")
    a.run("reply", T, "--note", "按原样保存", now="2026-11-20 11:00")
    made = a.intake("--type", "query", "--unit", "3-2-1502", "--summary", "水费怎么交", now="2026-11-20 11:30")
    new_id = next(word for word in made.replace("：", " ").split() if word.startswith("202611-"))
    for rel in (TICKET, f"tickets/2026/11/{new_id}.yaml"):
        on_disk = (a.root / rel).read_bytes()
        committed = git(a.root, "cat-file", "blob", f"HEAD:{rel}").encode("utf-8")
        assert on_disk == committed and b"\r\n" not in on_disk
        on_disk.decode("utf-8")
    assert "按原样保存" in text_of(a, TICKET)
    assert git(a.root, "status", "--porcelain") == ""
    checked = a.run("check", ok=False)
    assert checked.exit_code != 0
    assert any(".gitattributes" in line and "not the .gitattributes svcctl writes" in line
               for line in checked.stdout.splitlines()), checked.stdout


def test_a_new_pc_clones_the_records_byte_for_byte_whatever_the_attributes_say(pair):
    """A .gitattributes pushed by another PC would have plain 'git clone' write every record
    out as UTF-16: 'svcctl clone' writes them as committed, and the new PC works."""
    net, _, b = pair
    write(b, ".gitattributes", "*.yaml working-tree-encoding=UTF-16LE\n")
    git(b.root, "add", ".gitattributes")
    git(b.root, "commit", "-qm", "attributes by hand")
    git(b.root, "push", "-q", "origin", "HEAD:main")
    c = net.clone("C")
    for rel in (TICKET, "svcctl.yaml", "customers/C-A001.yaml"):
        committed = git(c.root, "cat-file", "blob", f"HEAD:{rel}").encode("utf-8")
        assert (c.root / rel).read_bytes() == committed
    assert c.json("show", T)["id"] == T


@pytest.mark.parametrize("kind", ["event deleted", "event author"])
def test_a_pushed_rewrite_is_undone_by_reverting_it_as_the_readme_says(pair, tmp_path, kind):
    """The README's recovery: on the PC whose history holds the hostile commit, 'git revert'
    it and sync; the revert is accepted there and on every other PC, and the ticket's
    history is whole again everywhere."""
    net, a, b = pair
    rel, do, _ = HOSTILE[kind]
    do(b, tmp_path / "outside")
    git(b.root, "commit", "-qam", f"hostile: {kind}")
    git(b.root, "push", "-q", "origin", "HEAD:main")
    assert run(a, "sync").returncode != 0
    git(b.root, "revert", "--no-edit", "HEAD")
    assert b.run("check", ok=False).exit_code == 0
    sync(b)
    sync(a)
    for pc in (a, b):
        replies = [(e["by"], e.get("note")) for e in pc.json("show", T)["events"] if e["event"] == "reply"]
        assert replies == [("wang", "已联系业主")], replies


def test_a_second_rewrite_is_not_passed_off_as_a_repair(pair):
    """Only going back to the history before a rewrite counts as its repair: rewriting a
    ticket whose last change was sound is refused even right after a repaired rewrite."""
    net, a, b = pair
    edit_ticket("by: wang\n    note: 已联系业主", "by: zhao\n    note: 已联系业主")(b, None)
    git(b.root, "commit", "-qam", "hostile: author")
    git(b.root, "revert", "--no-edit", "HEAD")
    write(b, TICKET, _without_reply(text_of(b, TICKET)))
    git(b.root, "commit", "-qam", "hostile: event deleted")
    git(b.root, "push", "-q", "origin", "HEAD:main")
    line = one_line(run(a, "sync"))
    assert "reply event of" in line and "was removed or edited" in line, line


def test_a_refused_push_is_named_in_the_offices_language(pair):
    """A Chinese desk reads the whole refusal in Chinese: what is wrong, and whose commit."""
    net, a, b = pair
    write(b, "svcctl.py", "print('hi')\n")
    git(b.root, "add", "svcctl.py")
    git(b.root, "commit", "-qm", "hostile: code")
    git(b.root, "push", "-q", "origin", "HEAD:main")
    a.lang = None
    line = one_line(a.subprocess("sync"))
    assert "不属于 svcctl 的记录布局" in line and "另一台电脑上" in line and "提交" in line, line
    assert "the other PC" not in line and "commit " not in line, line
    b.lang = None
    write(b, "helper.py", "print('hi')\n")
    refused = b.run("commit", "-m", "加一个脚本", ok=False)
    assert refused.exit_code == 3
    assert "helper.py：不属于 svcctl 的记录布局" in refused.stderr and "not part" not in refused.stderr
