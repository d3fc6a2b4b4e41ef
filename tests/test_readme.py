"""The README's first commands, run as a newcomer would type them, in a copy of the project:
they work as shown, and they leave the project's own repository exactly as it was (the
shipped sample office is only read; the writing happens in an office of one's own)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"


def sh_block(heading: str) -> str:
    """The first ```sh block under ``heading``."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(f"\n{heading}\n"):]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def readme_commands() -> str:
    setup = sh_block("## Set up a fresh machine")
    # the install line ends with the sample overdue check; the install itself is done already
    sample = [line.rsplit("&& ", 1)[-1].replace(".venv/bin/svcctl", "svcctl")
              for line in setup.splitlines() if "svcctl --records records" in line]
    assert len(sample) == 1, setup
    quick = [line for line in sh_block("## Quick start").splitlines() if not line.startswith(". .venv/bin/activate")]
    return "\n".join([*sample, *quick]) + "\n"


def repository_state(top: Path) -> tuple:
    return (git(top, "rev-parse", "HEAD"), git(top, "status", "--porcelain", "--untracked-files=all"),
            git(top, "for-each-ref"), git(top, "stash", "list"))


@pytest.mark.skipif(shutil.which("bash") is None, reason="the README's commands are shell commands")
def test_the_readme_commands_work_and_leave_the_project_repository_untouched(tmp_path):
    project = tmp_path / "project"  # a checkout of the project: README and the sample office, committed
    shutil.copytree(PROJECT / "records", project / "records")
    shutil.copy(README, project / "README.md")
    git(project.parent, "init", "-q", str(project))
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the project")
    before = repository_state(project)

    bin_dir, home = tmp_path / "bin", tmp_path / "home"
    bin_dir.mkdir()
    home.mkdir()
    svcctl = bin_dir / "svcctl"  # the console script, for whichever Python runs the tests
    svcctl.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m svcctl "$@"\n')
    svcctl.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(home),
           "SVCCTL_NOW": "2026-11-20 09:30"}  # the moment the README's sample output was taken
    script = readme_commands()
    proc = subprocess.run(["bash", "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=300)

    assert proc.stderr == "", proc.stderr
    shown = [line[2:].split("   (")[0] for line in sh_block("## Quick start").splitlines() if line.startswith("# ")]
    assert shown and all(line in proc.stdout for line in shown), (shown, proc.stdout)
    office = home / "office"
    subjects = git(office, "log", "--format=%s").splitlines()
    assert subjects[0] == "callback 202611-A001 投诉 3-2-1502: 5/5" and subjects[-1] == "init CY: 翠苑物业管理处"
    assert repository_state(project) == before, "a README command changed the project's repository"

