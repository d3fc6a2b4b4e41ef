"""Every ``sh`` block of the README, run as written, with the real clock, so that an example
that has aged (a typed id of last month, an appointment now in the past, a file not
shipped) fails here rather than in a newcomer's hands.

The comment line right above a block says where it runs:

- ``<!-- run: project -->``: in a checkout of this project (README, sample office, samples/,
  committed), with ``.venv/bin`` first on PATH and a new, empty home folder;
- ``<!-- run: office -->``: there too, in the home folder and the shell the Quick start
  leaves (``~/office``, ``$ID``, ``SVCCTL_RECORDS``, ``SVCCTL_USER``);
- ``<!-- run: second-pc -->``: a new home folder on a PC that can reach the office's shared
  repository; ``broken`` and ``hostile``: the Quick start's office shared through that
  repository, with a ticket broken by hand (``$EDITOR`` puts it right) or its history
  rewritten, by a plain git commit already pushed;
- ``<!-- run: skip (why) -->``: not run, for the reason given.

``/srv/`` in a block is the server's folder: a temporary one stands in for it. A block runs
as one bash script; a command may fail only where its comment says ``exits N``. Each block
starts from a fresh copy of its state, and none may change the project's repository. The
Quick start runs once per module (its office is the ``office`` state), the other states are
made from it, and each block's folders are copies."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import git

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"
STATES = ("project", "office", "second-pc", "broken", "hostile")
pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the README's commands are shell commands")


@dataclass(frozen=True)
class Block:
    heading: str
    line: int  # of the opening fence, in README.md
    how: str  # the marker's words after "run:", or "" when there is none
    body: str

    @property
    def state(self) -> str:
        return self.how.split(" ", 1)[0]

    def failures_expected(self) -> set[tuple[int, int]]:
        """(line in the block, exit status) of each command whose comment says it fails."""
        expected = set()
        for number, line in enumerate(self.body.splitlines(), 1):
            said = re.search(r"#.*\bexits (\d+)\b", line)
            if said and int(said.group(1)):
                expected.add((number, int(said.group(1))))
        return expected

    def __str__(self) -> str:
        return f"README.md:{self.line} ({self.heading})"


def readme_blocks() -> list[Block]:
    lines = README.read_text(encoding="utf-8").splitlines()
    blocks, heading, index = [], "", 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#") and not line.startswith("#!"):
            heading = line.lstrip("# ")
        if line.strip() == "```sh":
            end = next(i for i in range(index + 1, len(lines)) if lines[i].strip() == "```")
            marker = re.fullmatch(r"<!-- run: (.*) -->", lines[index - 1].strip()) if index else None
            blocks.append(Block(heading, index + 1, marker.group(1) if marker else "", "\n".join(lines[index + 1:end]) + "\n"))
            index = end
        index += 1
    return blocks


BLOCKS = readme_blocks()
RUN = [block for block in BLOCKS if block.state in STATES]


def test_every_sh_block_says_how_it_runs():
    assert BLOCKS
    for block in BLOCKS:
        assert block.how, f"{block}: no '<!-- run: … -->' line above the block"
        if block.state == "skip":
            assert re.fullmatch(r"skip \(.{12,}\)", block.how), f"{block}: a skip says why, in brackets"
        else:
            assert block.how in STATES, f"{block}: unknown state {block.how!r} (one of {', '.join(STATES)}, skip (why))"
    skips = [block for block in BLOCKS if block.state == "skip"]
    assert len(skips) <= len(BLOCKS) // 5, [str(block) for block in skips]


# -- the sandbox -------------------------------------------------------------------------

EDITOR = """#!/bin/sh
# puts a ticket back as its previous commit had it, as a careful clerk would
cd "$(dirname "$1")" && git show "HEAD~1:./$(basename "$1")" > "$1"
"""


class Sandbox:
    """One project checkout, one home folder and one server folder, set to a state before
    each block."""

    def __init__(self, root: Path):
        self.root, self.project, self.home, self.srv = root, root / "project", root / "home", root / "srv"
        self.states: dict[str, tuple[Path, str]] = {}
        self.project.mkdir()
        for name in ("records", "samples"):
            shutil.copytree(PROJECT / name, self.project / name)
        for name in ("README.md", ".gitignore"):
            shutil.copy(PROJECT / name, self.project / name)
        git(root, "init", "-q", str(self.project))
        git(self.project, "add", "-A")
        git(self.project, "commit", "-q", "-m", "the project")
        venv = self.project / ".venv" / "bin"  # the install the README makes, for whichever Python runs the tests
        venv.mkdir(parents=True)
        for name, text in (("svcctl", f'#!/bin/sh\nexec "{sys.executable}" -m svcctl "$@"\n'),
                           ("python", f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')):
            (venv / name).write_text(text)
            (venv / name).chmod(0o755)
        (venv / "activate").write_text(f'PATH="{venv}:$PATH"; export PATH\n')
        (root / "editor").write_text(EDITOR)
        (root / "editor").chmod(0o755)
        self.pristine = self.repository_state()

    def repository_state(self) -> tuple:
        top = self.project
        return (git(top, "rev-parse", "HEAD"), git(top, "status", "--porcelain", "--untracked-files=all"),
                git(top, "for-each-ref"), git(top, "stash", "list"))

    def env(self, extra: dict | None = None) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SVCCTL_", "GIT_")) and k not in ("EDITOR", "VISUAL")}
        return {**env, "HOME": str(self.home), "GIT_CONFIG_GLOBAL": str(self.home / ".gitconfig"),
                "GIT_CONFIG_NOSYSTEM": "1", "PATH": f"{self.project / '.venv' / 'bin'}{os.pathsep}{env['PATH']}",
                "LC_ALL": "C.UTF-8", **(extra or {})}

    def enter(self, state: str) -> str:
        """Folders as ``state`` has them; the shell lines that set its variables."""
        home, prelude = self.state(state)
        for folder, saved in ((self.home, home / "home"), (self.srv, home / "srv")):
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(saved, folder, symlinks=True)
        return prelude

    def save(self, state: str, prelude: str) -> None:
        saved = self.root / "states" / state
        shutil.copytree(self.home, saved / "home", symlinks=True)
        shutil.copytree(self.srv, saved / "srv", symlinks=True)
        self.states[state] = (saved, prelude)

    def state(self, state: str) -> tuple[Path, str]:
        if state not in self.states:
            self.make(state)
        return self.states[state]

    def make(self, state: str) -> None:
        if state == "project":
            for folder in (self.home, self.srv):
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
            (self.home / ".gitconfig").write_text("[user]\n\tname = Reader\n\temail = reader@example.invalid\n")
            self.save(state, "")
        elif state == "office":
            quick = next(block for block in BLOCKS if block.heading == "Quick start")
            self.quick_start = self.run(quick, epilogue="{ declare -p ID; export -p | grep ' SVCCTL_'; } > \"$HOME/.shell\"")
            prelude = (self.home / ".shell").read_text()
            (self.home / ".shell").unlink()
            self.save(state, prelude)
        elif state in ("shared", "second-pc"):
            prelude = self.enter("office")
            self.script(prelude, "git clone -q --bare ~/office /srv/records.git\n"
                                 "git -C ~/office remote add origin /srv/records.git\nsvcctl sync\n")
            if state == "shared":
                self.save(state, prelude)
            else:
                shutil.rmtree(self.home)
                shutil.copytree(self.state("project")[0] / "home", self.home)
                self.save(state, "")
        elif state in ("broken", "hostile"):
            prelude = self.enter("shared")
            ticket = next((self.home / "office" / "tickets").glob("*/*/*.yaml"))
            old, new = (("type: complaint", "type: complaint: [") if state == "broken"
                        else ("note: 业主满意", "note: 非常满意"))
            text = ticket.read_text(encoding="utf-8")
            assert old in text, text
            ticket.write_text(text.replace(old, new, 1), encoding="utf-8")
            office = self.home / "office"
            git(office, "commit", "-q", "-am", "手工修改")
            git(office, "push", "-q", "origin", "HEAD")
            self.save(state, prelude + (f"export EDITOR={self.root / 'editor'}\n" if state == "broken" else ""))

    def script(self, prelude: str, body: str, epilogue: str = "") -> subprocess.CompletedProcess:
        failures = self.root / "failures"
        failures.unlink(missing_ok=True)
        head = prelude + "set -o pipefail\ntrap 'echo \"$((LINENO - HEAD)) $?\" >> \"$README_FAILURES\"' ERR\n"
        head = f"HEAD={head.count(chr(10)) + 1}\n" + head
        text = head + body.replace("/srv/", f"{self.srv}/") + epilogue + "\n"
        proc = subprocess.run(["bash", "-c", text], cwd=self.project, capture_output=True, text=True, timeout=300,
                              env=self.env({"README_FAILURES": str(failures)}))
        proc.failures = {tuple(map(int, line.split())) for line in
                         (failures.read_text().splitlines() if failures.exists() else ())}
        return proc

    def run(self, block: Block, epilogue: str = "") -> subprocess.CompletedProcess:
        prelude = self.enter("project" if block.heading == "Quick start" else block.state)
        return self.script(prelude, block.body, epilogue)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    return Sandbox(tmp_path_factory.mktemp("readme"))


def check_ran_as_written(block: Block, proc, sandbox: Sandbox) -> None:
    said = f"{block}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    assert proc.failures == block.failures_expected(), f"(line in block, exit status) {proc.failures}: {said}"
    assert not re.search(r"internal error|内部错误|Traceback", proc.stderr), said
    if not block.failures_expected():  # a warning would be a line of svcctl's own; git and -o may say what they wrote
        assert not re.search(r"^svcctl:", proc.stderr, re.M), said
    assert sandbox.repository_state() == sandbox.pristine, f"{block} changed the project's repository"


@pytest.mark.parametrize("block", RUN, ids=lambda block: f"line{block.line}")
def test_the_readme_block_runs_as_written(block, sandbox):
    if block.heading == "Quick start":
        sandbox.state("office")
        proc = sandbox.quick_start
    else:
        proc = sandbox.run(block)
    check_ran_as_written(block, proc, sandbox)


def test_the_quick_start_shows_what_it_says(sandbox):
    sandbox.state("office")
    out = sandbox.quick_start.stdout
    quick = next(block for block in BLOCKS if block.heading == "Quick start")
    shown = [line[2:].split("  ")[0] for line in quick.body.splitlines() if line.startswith("# ")]
    first_id, sentence = shown
    ids = re.findall(r"^(\d{6}-A\d{3})$", out, re.M)
    assert re.fullmatch(r"\d{6}-A001", first_id) and ids[0].endswith("-A001") and sentence in out, out
    subjects = git(sandbox.state("office")[0] / "home" / "office", "log", "--format=%s").splitlines()
    assert subjects[0] == f"回访 {ids[0][:7]}A002 投诉 3-2-1502：满意度 5/5" and subjects[-1] == "建立办公室 CY：翠苑物业管理处"

