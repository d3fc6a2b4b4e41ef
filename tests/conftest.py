"""Shared fixtures: a real office in a temporary git repository, driven through the CLI.

Git runs with no global or system configuration, as on a fresh CI machine: svcctl must
set every identity it needs itself. Tests that call git directly pass ``GIT_IDENTITY``.

The sample office (init, three staff, two customers: six commits) is built through the CLI
once per session and station; each test gets its own copy of that folder, git repository
included, so a test starts from exactly what those commands produce without paying for them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from svcctl.cli.main import cli

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def bare_machine(mp: pytest.MonkeyPatch, home: Path) -> None:
    """No git identity, no user config, no svcctl variables leaking in from the shell."""
    mp.setenv("HOME", str(home))
    mp.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("SVCCTL_RECORDS", "SVCCTL_USER", "SVCCTL_NOW", "SVCCTL_DEBUG", "SVCCTL_CRASH_AT", "SVCCTL_LANG", "SVCCTL_RENDER_SECONDS",
                 "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        mp.delenv(name, raising=False)


def pytest_configure(config):
    """svcctl's modules compiled once, before any test starts the program: with
    PYTHONDONTWRITEBYTECODE set (as on some CI machines) and a fresh clone, every ``python
    -m svcctl`` a test starts would otherwise compile them all again, half its start-up.
    Once, by the process that hands out the tests (pytest-xdist's workers have
    ``workerinput``)."""
    if not hasattr(config, "workerinput"):
        import compileall

        import svcctl

        compileall.compile_dir(Path(svcctl.__file__).parent, quiet=2)


@pytest.fixture(autouse=True)
def fresh_machine(monkeypatch, tmp_path_factory):
    bare_machine(monkeypatch, tmp_path_factory.mktemp("home"))


def wait_for(condition, what: str, timeout: float = 30.0, interval: float = 0.01):
    """Poll ``condition`` until it returns something true and return that; fail naming
    ``what`` when ``timeout`` seconds pass first. For waiting on another process's progress
    (a file appearing, a process blocking) instead of sleeping a guessed time."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def edit(path: Path, old: str, new: str) -> None:
    """A hand edit of a record, as an office clerk would make it in a text editor."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def git(cwd, *args, check=True) -> str:
    proc = subprocess.run(["git", *args], cwd=str(cwd), capture_output=True, text=True,
                          env={**os.environ, **GIT_IDENTITY})
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


@dataclass
class Office:
    """A records folder plus a way to run svcctl in it as a given person at a given time."""

    root: Path
    now: str = "2026-11-20 09:30"
    user: str = "li"
    # The language the tests read (SVCCTL_LANG); None: the office's own (Chinese for a new one).
    lang: str | None = "en"

    def run(self, *args, now: str | None = None, user: str | None = None, ok: bool = True, extra_env=None):
        env = {"SVCCTL_RECORDS": str(self.root), "SVCCTL_NOW": now or self.now, "SVCCTL_USER": user or self.user,
               "SVCCTL_LANG": self.lang, **(extra_env or {})}
        result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
        if ok and result.exit_code != 0:
            raise AssertionError(f"svcctl {' '.join(map(str, args))} exited {result.exit_code}: {result.stderr}")
        return result

    def fails(self, *args, **kw):
        result = self.run(*args, ok=False, **kw)
        assert result.exit_code != 0, f"svcctl {' '.join(map(str, args))} should have failed"
        return result

    def intake(self, *args, **kw) -> str:
        return self.run("intake", *args, **kw).stdout.splitlines()[0]

    def json(self, *args, **kw):
        import json

        return json.loads(self.run(*args, "--format", "json", **kw).stdout)

    def commits(self) -> int:
        return int(git(self.root, "rev-list", "--count", "HEAD").strip())

    def subprocess(self, *args, now: str | None = None, user: str | None = None, extra_env=None, timeout=120):
        """The real console entry point in a child process."""
        env = {**os.environ, "SVCCTL_RECORDS": str(self.root), "SVCCTL_NOW": now or self.now,
               "SVCCTL_USER": user or self.user, **({"SVCCTL_LANG": self.lang} if self.lang else {}), **(extra_env or {})}
        return subprocess.run([sys.executable, "-m", "svcctl", *map(str, args)], capture_output=True,
                              text=True, env=env, timeout=timeout)


_templates: dict[str, Path] = {}
_template_dir: list[Path] = []  # set once per session by the fixture below


@pytest.fixture(scope="session", autouse=True)
def _office_templates(tmp_path_factory):
    _template_dir.append(tmp_path_factory.mktemp("office-templates"))
    yield
    _template_dir.clear()
    _templates.clear()


def _in_a_repository(root: Path) -> bool:
    return any((folder / ".git").exists() for folder in (root, *root.parents))


def make_office(root: Path, station: str = "A", *extra: str) -> Office:
    """The sample office at ``root`` (see the ``office`` fixture): a copy of the one built
    for this session, or built here when ``root`` lies inside another git repository (the
    office then shares that repository, which a copy cannot reproduce). ``extra``: more
    options for ``svcctl init`` (such as --inside-repo)."""
    root = Path(root)
    if not _template_dir or _in_a_repository(root) or extra:
        return build_office(root, station, *extra)
    template = _templates.get(station)
    if template is None:
        template = _template_dir[0] / station / "office"
        (template.parent / "home").mkdir(parents=True)
        with pytest.MonkeyPatch.context() as mp:  # built the same way whichever test asks first
            bare_machine(mp, template.parent / "home")
            build_office(template, station)
        packed(template)
        _templates[station] = template
    shutil.copytree(template, root, symlinks=True)
    # Per-clone settings live in .git/config; none may point into the template's folder.
    config = root / ".git" / "config"
    text = config.read_text(encoding="utf-8")
    if str(template) in text:
        config.write_text(text.replace(str(template), str(root)), encoding="utf-8")
    return Office(root)


def build_office(root: Path, station: str = "A", *extra: str) -> Office:
    """The sample office made through the CLI: init and five commits."""
    result = CliRunner().invoke(cli, ["init", str(root), "--name", "翠苑物业管理处", "--code", "CY",
                                      "--director", "wang", "--director-name", "王主任", "--station", station, *extra],
                                env={"SVCCTL_NOW": "2026-11-01 09:00"}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    office = Office(root)
    office.run("staff", "add", "zhao", "--name", "赵强", "--role", "supervisor", user="wang")
    office.run("staff", "add", "li", "--name", "李娜", "--role", "agent", user="wang")
    office.run("staff", "add", "zhou", "--name", "周师傅", "--role", "agent", "--department", "维修部", user="wang")
    office.run("customer", "add", "--name", "陈先生", "--phone", "13800138000", "--unit", "3-2-1502")
    office.run("customer", "add", "--name", "林女士", "--phone", "13900000001", "--unit", "5-1-301")
    return office



def made_once(tmp_path_factory, name: str, fill) -> tuple[Path, object]:
    """An office filled by ``fill(office)`` once for a test module: its folder and what
    ``fill`` returned (the ids of the tickets it made). Tests take copies (``copy_of``)."""
    with pytest.MonkeyPatch.context() as mp:
        bare_machine(mp, tmp_path_factory.mktemp("home"))
        office = make_office(tmp_path_factory.mktemp(name) / "office")
        made = fill(office)
    packed(office.root)
    return office.root, made


def packed(root: Path) -> Path:
    """``root``'s git objects in one pack and git's sample hooks gone: a template copied for
    every test is then a few dozen files, not one per object."""
    git(root, "repack", "-a", "-d", "-q")
    for sample in (root / ".git" / "hooks").glob("*.sample"):
        sample.unlink()
    return root


def copy_of(template: tuple[Path, object], tmp_path: Path, **options) -> tuple[Office, object]:
    root, ids = template
    copy = tmp_path / "office"
    shutil.copytree(root, copy, symlinks=True)
    return Office(copy, **options), ids

@pytest.fixture
def office(tmp_path, request) -> Office:
    """An office with staff wang (director), zhao (supervisor), li and zhou (agents) and two
    customers: C-A001 陈先生 at 3-2-1502 and C-A002 林女士 at 5-1-301. Tests read English
    unless their module sets ``OFFICE_LANG`` (None: the office's own language, Chinese)."""
    office = make_office(tmp_path / "office")
    office.lang = getattr(request.module, "OFFICE_LANG", "en")
    return office
