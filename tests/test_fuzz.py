"""Property-based sweep: every command and option with hostile values, and records broken by hand.

Whatever goes in, svcctl answers with its output or with ONE line on stderr and a nonzero
exit; never an internal error (exit 70) or a traceback, never a commit or a changed file
when it refuses. The run is bounded and reproducible (a fixed seed); a longer one:

    SVCCTL_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py -q
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcctl.cli.main import cli
from conftest import bare_machine, git, make_office

EXAMPLES = int(os.environ.get("SVCCTL_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(max_examples=EXAMPLES or 120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

HOSTILE = [
    "", " ", "\n", "a\nb", "\r", "\t", "\x1b[31m红\x1b[0m", "\x00", "\x07", "a\x85b", "\u2028", "\ufeff", "…",
    "x" * 300, "长" * 200, "../../outside", "/", ".", "~nosuchuser/x", "-", "--", "-1", "0", "1e309", "nan", "inf",
    "2026-13-40", "2026-02-30 25:61", "2026-11-20T09:30+99:00", "9999-01-01", "1999-12-31 23:59", "garbage",
    "{kind.__class__}", "{0}", "%s", "'", '"', "<>", "...", "\\", "C-A001", "c-a001", "C-A999", "202611-A001",
    "202611-a001", "202611-Z999", "3-2-1502", "3-2-1502 ", "翠苑/5-1-301", "0-0-0", "13800138000", "wang", "li",
    "nobody", "维修部", "agent", "complaint", "repair", "leak", "phone", "30m", "2 workdays", "999999 days",
    "\udcc4\udce3", "a: [b", "&a [*a]", "origin", "origin\nx",
]
ENV = {
    "SVCCTL_NOW": ["garbage", "", "2026-11-20 09:30", "9999-99-99", "\n"],
    "SVCCTL_LOCK_TIMEOUT": ["abc", "nan", "-1", "inf", "1e400", "5"],
    "SVCCTL_USER": ["nobody", "", "\x1b", "wang", "li"],
    "SVCCTL_RECORDS": ["x" * 300, "~nosuchuser/x", "a\nb", "/nonexistent", ""],
}


def leaf_commands(group: click.Group, path=()):
    for name in group.list_commands(None):  # the program loads a command's module when asked
        if name == "merge-driver":  # called by git with file names, never by people
            continue
        command = group.get_command(None, name)
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(leaf_commands(cli))


def value_for(param) -> st.SearchStrategy:
    hostile = st.sampled_from(HOSTILE) | st.text(max_size=12)
    if isinstance(param.type, click.Choice):
        return st.sampled_from(list(param.type.choices)) | hostile
    return hostile


@st.composite
def invocations(draw):
    path, command = draw(st.sampled_from(COMMANDS))
    args = list(path)
    for param in command.params:
        if isinstance(param, click.Argument):
            if param.required or draw(st.booleans()):
                args.append(draw(value_for(param)))
        elif param.name not in ("help",) and draw(st.integers(0, 3)) == 0:
            opt = param.opts[0]
            if param.is_flag:
                args.append(opt)
            else:
                args += [opt, draw(value_for(param))]
    env = {}
    if draw(st.integers(0, 4)) == 0:
        name = draw(st.sampled_from(sorted(ENV)))
        env[name] = draw(st.sampled_from(ENV[name]))
    return args, env


def state(root: Path) -> str:
    """The commit checked out and every file changed or left over, from one git process
    (hundreds of examples each read it twice)."""
    return git(root, "status", "--porcelain=v2", "--branch", "--untracked-files=all")


def changed_files(state: str) -> list[str]:
    return [line for line in state.splitlines() if not line.startswith("# ")]


def assert_sane(result, args, before, root: Path, env) -> None:
    said = f"svcctl {args!r} env={env!r} exited {result.exit_code}: {result.stderr!r}"
    assert result.exit_code != 70, said
    assert "Traceback" not in result.stderr + result.stdout, said
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(said) from result.exception
    after = state(root)
    # check (a problem found) and overdue (something overdue) exit 1 with their findings on stdout
    if result.exit_code != 0 and not (args[0] == "check" or (args[0] == "overdue" and result.exit_code == 1)):
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("svcctl: "), said
        assert after == before, said
    assert changed_files(after) == [], said
    assert "\x1b" not in result.stdout + result.stderr, said


@pytest.fixture(scope="module")
def fuzz_template(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz-home")
    with pytest.MonkeyPatch.context() as mp:
        bare_machine(mp, home)
        office = make_office(tmp_path_factory.mktemp("fuzz") / "office")
        office.intake("--type", "complaint", "--grade", "general", "--unit", "3-2-1502", "--summary", "电梯噪音")
        return office.root


@pytest.fixture
def desk(fuzz_template, tmp_path, monkeypatch):
    root = tmp_path / "office"
    shutil.copytree(fuzz_template, root, symlinks=True)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)  # init and clone of hostile folder names land here
    return root


def invoke(root: Path, args, env=None):
    full = {"SVCCTL_RECORDS": str(root), "SVCCTL_NOW": "2026-11-20 10:00", "SVCCTL_USER": "wang", **(env or {})}
    return CliRunner().invoke(cli, args, env=full, catch_exceptions=True)


@FUZZ
@given(invocations())
def test_every_command_and_option_with_hostile_values(desk, invocation):
    args, env = invocation
    before = state(desk)
    result = invoke(desk, args, env)
    assert_sane(result, args, before, desk, env)


# -- records broken by hand -----------------------------------------------------------

TICKET = "tickets/2026/11/202611-A001.yaml"
CUSTOMER = "customers/C-A001.yaml"
CONFIG = "svcctl.yaml"


def bomb(levels: int = 8) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


BREAKAGES = {
    "yaml syntax": lambda p: p.write_text(p.read_text(encoding="utf-8").replace(":", "", 1), encoding="utf-8"),
    "complex key": lambda p: p.write_text("? [a, b]\n: 1\n" + p.read_text(encoding="utf-8"), encoding="utf-8"),
    "map as key": lambda p: p.write_text("{[1]: 2}\n", encoding="utf-8"),
    "alias bomb": lambda p: p.write_text(bomb(), encoding="utf-8"),
    "recursive alias": lambda p: p.write_text("a: &a [*a]\n", encoding="utf-8"),
    "deep nesting": lambda p: p.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8"),
    "empty": lambda p: p.write_text("", encoding="utf-8"),
    "list": lambda p: p.write_text("- 1\n- 2\n", encoding="utf-8"),
    "GBK": lambda p: p.write_bytes(p.read_text(encoding="utf-8").encode("gbk", errors="replace")),
    "binary": lambda p: p.write_bytes(bytes(range(256))),
    "control char": lambda p: p.write_text(p.read_text(encoding="utf-8") + "x: a\x07b\n", encoding="utf-8"),
    "duplicate key": lambda p: p.write_text(p.read_text(encoding="utf-8") + "id: again\n", encoding="utf-8"),
    "directory": lambda p: (p.unlink(), p.mkdir()),
    "fifo": lambda p: (p.unlink(), os.mkfifo(p)),
    "dangling symlink": lambda p: (p.unlink(), os.symlink("nowhere.yaml", p)),
    "symlink loop": lambda p: (p.unlink(), os.symlink(p.name, p)),
    "symlink outside": lambda p: (p.unlink(), os.symlink("/etc/hostname", p)),
    "huge": lambda p: p.write_text("a: " + "x" * (5 * 1024 * 1024) + "\n", encoding="utf-8"),
}
READERS = [["list"], ["show", "202611-A001"], ["check"], ["overdue"], ["callbacks"], ["customer", "list"],
           ["customer", "show", "C-A001"], ["staff", "list"], ["policy"], ["log", "202611-A001"],
           ["reply", "202611-A001", "--note", "已回电"], ["customer", "edit", "C-A001", "--notes", "改"],
           ["intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费"], ["commit", "-m", "修"],
           ["staff", "add", "sun", "--name", "孙丽", "--role", "agent"], ["sync"]]


@settings(max_examples=(EXAMPLES or 0) // 4 or 60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(sorted(BREAKAGES)), st.sampled_from([TICKET, CUSTOMER, CONFIG]), st.sampled_from(READERS))
def test_records_broken_by_hand_are_refused_in_one_line(desk, breakage, target, args):
    path = desk / target
    head = git(desk, "rev-parse", "HEAD").strip()
    BREAKAGES[breakage](path)
    try:
        result = invoke(desk, args)
    finally:
        # the record put back for the next example, whatever this one did
        if path.is_symlink() or path.exists():
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        git(desk, "checkout", "--", target)
    said = f"{breakage} in {target}, svcctl {args}: exit {result.exit_code}: {result.stderr!r}"
    assert result.exit_code != 70 and "Traceback" not in result.stderr, said
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(said) from result.exception
    if result.exit_code != 0:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and (lines[0].startswith("svcctl: ") or args[0] == "check"), said
        assert git(desk, "rev-parse", "HEAD").strip() == head, said
    if args[0] in ("list", "show", "check", "overdue") and (target != CUSTOMER or args[0] == "check"):
        assert result.exit_code not in (0, 1) or args[0] == "check" and result.exit_code == 1, said
