"""Files svcctl writes get the mode any new file gets on the PC (0666 less the umask), as
git's own checkout gives them: a cron job or a second account can read the records."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from conftest import git


def modes(root) -> dict:
    out = {}
    for path in [*root.glob("tickets/*/*/*.yaml"), *root.glob("customers/*.yaml"), root / "svcctl.yaml",
                 root / ".git" / "svcctl.lock"]:
        out[path.relative_to(root).as_posix()] = stat.S_IMODE(path.stat().st_mode)
    return out


@pytest.mark.parametrize("umask,expected", [(0o022, 0o644), (0o027, 0o640)])
def test_records_and_the_lock_are_written_with_the_umask(office, umask, expected):
    (office.root / ".git" / "svcctl.lock").unlink(missing_ok=True)  # made afresh under this umask
    env = {**os.environ, "SVCCTL_RECORDS": str(office.root), "SVCCTL_NOW": "2026-11-20 09:30", "SVCCTL_USER": "wang"}
    for args in (["intake", "--type", "query", "--unit", "3-2-1502", "--summary", "水费"],
                 ["customer", "edit", "C-A001", "--notes", "两套房"],
                 ["staff", "add", "sun", "--name", "孙丽", "--role", "agent"]):
        proc = subprocess.run([sys.executable, "-m", "svcctl", *args], env=env, capture_output=True, text=True,
                              preexec_fn=lambda: os.umask(umask))
        assert proc.returncode == 0, proc.stderr
    written = modes(office.root)
    changed = {"tickets/2026/11/202611-A001.yaml", "customers/C-A001.yaml", "svcctl.yaml"}
    assert {path: written[path] for path in changed} == dict.fromkeys(changed, expected)
    assert written[".git/svcctl.lock"] == expected
    assert git(office.root, "status", "--porcelain") == ""
