"""The README's picture of alerts as a work group shows them (docs/alert-wecom.png).

A copy of the shipped sample office is made an office of its own (its own git repository in
a temporary folder: the project's repository is never written), given one WeCom channel, and
asked by ``svcctl notify run --dry-run`` at a pinned moment what it would send. The messages
are laid out as a group chat shows a robot's markdown and photographed by headless Chromium
(Debian package ``chromium``, with ``fonts-noto-cjk`` for the Chinese).

    .venv/bin/python tools/alert_picture.py [--out docs/alert-wecom.png] [--now '2026-11-23 16:00']
"""
from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SVCCTL = [sys.executable, "-m", "svcctl"]

PAGE = """<!doctype html><html lang="zh"><meta charset="utf-8"><style>
body {{ margin: 0; background: #ededed; font: 15px/1.55 "Noto Sans CJK SC", "PingFang SC", sans-serif; }}
.bar {{ background: #f7f7f7; border-bottom: 1px solid #d9d9d9; text-align: center; padding: 12px; font-weight: 600; }}
.msg {{ display: flex; gap: 10px; margin: 16px 14px; }}
.avatar {{ width: 40px; height: 40px; border-radius: 6px; background: #3b7cff; color: #fff; flex: none;
          display: flex; align-items: center; justify-content: center; font-size: 13px; }}
.who {{ color: #888; font-size: 12px; margin-bottom: 4px; }}
.bubble {{ background: #fff; border-radius: 6px; padding: 10px 12px; max-width: 560px; }}
.bubble h4 {{ margin: 0 0 6px; font-size: 15px; }}
.bubble ul {{ margin: 0; padding-left: 18px; }}
.bubble li {{ margin: 4px 0; }}
</style><body><div class="bar">{office}客服群</div>{messages}</body></html>"""

MESSAGE = ('<div class="msg"><div class="avatar">机器人</div><div><div class="who">svcctl 提醒</div>'
           '<div class="bubble"><h4>{title}</h4><ul>{items}</ul></div></div></div>')


def inline(text: str) -> str:
    """The markdown a robot message uses: **bold** only."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


def messages(dry_run: str, most: int) -> list[tuple[str, list[str]]]:
    """What the picture shows: an emergency first, then the other kinds of alert, each kind
    once (a digest cut to a few lines, as a phone shows the start of a long message)."""
    found = []
    for block in dry_run.strip().split("\n\n"):
        lines = block.splitlines()
        title = re.sub(r"^\[[^]]+\] ", "", lines[0])
        items = [line[2:] for line in lines[1:] if line.startswith("- ")]
        if len(items) > 4:
            items = items[:4] + [f"…… 另有 {len(items) - 4} 项"]
        found.append((title, items))
    found.sort(key=lambda m: "【紧急】" not in "".join(m[1][:1]))
    kinds, shown = set(), []
    for title, items in found:
        kind = title.split("：")[0]
        if kind not in kinds:
            kinds.add(kind)
            shown.append((title, items))
    return shown[:most]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(PROJECT / "docs" / "alert-wecom.png"))
    parser.add_argument("--now", default="2026-11-23 16:00")
    parser.add_argument("--most", type=int, default=3, help="messages in the picture")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("alert_picture: headless Chromium is needed (apt-get install chromium fonts-noto-cjk)")
    with tempfile.TemporaryDirectory() as tmp:
        office = Path(tmp) / "office"
        shutil.copytree(PROJECT / "records", office)
        env = {**os.environ, "HOME": tmp, "GIT_CONFIG_NOSYSTEM": "1", "SVCCTL_RECORDS": str(office),
               "SVCCTL_NOW": args.now, "SVCCTL_LANG": "zh",
               "GIT_AUTHOR_NAME": "sample", "GIT_AUTHOR_EMAIL": "sample@example.invalid",
               "GIT_COMMITTER_NAME": "sample", "GIT_COMMITTER_EMAIL": "sample@example.invalid"}
        for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "sample office"]):
            subprocess.run(command, cwd=office, env=env, check=True)
        subprocess.run([*SVCCTL, "--as", "wang", "notify", "add", "desk", "--kind", "wecom", "--url",
                        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY"], env=env, check=True,
                       capture_output=True)
        dry = subprocess.run([*SVCCTL, "notify", "run", "--dry-run"], env=env, check=True, capture_output=True,
                             text=True).stdout
        name = re.search(r"^  name: (.+)$", (office / "svcctl.yaml").read_text(encoding="utf-8"), re.M)
        shown = "".join(MESSAGE.format(title=inline(title), items="".join(f"<li>{inline(i)}</li>" for i in items))
                        for title, items in messages(dry, args.most))
        page = Path(tmp) / "alerts.html"
        page.write_text(PAGE.format(office=html.escape(name.group(1).strip() if name else ""), messages=shown),
                        encoding="utf-8")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--screenshot={args.out}", "--window-size=720,850", page.as_uri()],
                       check=True, capture_output=True)
    print(args.out)


if __name__ == "__main__":
    main()
