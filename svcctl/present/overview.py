"""What plain ``svcctl`` prints: the everyday commands in a few lines."""
from __future__ import annotations

from ..core.message import msg
from .i18n import localise

LINES = (
    (None, msg("svcctl: the service desk of a property-management office.")),
    (None, ""),
    (None, msg("Every day:")),
    ({"zh": "svcctl intake --type 投诉 --grade 一般 --unit 3-2-1502 --summary 电梯噪音",
      "en": "svcctl intake --type complaint --grade general --unit 3-2-1502 --summary 'lift noise'"},
     msg("take in a request")),
    ({"zh": "svcctl dispatch 202611-A001 --to 维修部 --assignee zhou",
      "en": "svcctl dispatch 202611-A001 --to maintenance --assignee zhou"}, msg("send the work to a department")),
    ("svcctl print workorder 202611-A001", msg("print the work order")),
    ({"zh": "svcctl close 202611-A001 --result 已修复", "en": "svcctl close 202611-A001 --result 'fixed'"},
     msg("record the result")),
    ("svcctl callbacks", msg("callbacks to make")),
    ("svcctl overdue", msg("what is late, and what to do")),
    ("svcctl list --status active", msg("open tickets")),
    ("svcctl show 202611-A001", msg("one ticket, with its deadlines")),
    (None, ""),
    (None, msg("All commands: svcctl --help; one command: svcctl COMMAND --help.")),
)


def overview(lang: str) -> str:
    from .words import columns

    lines = [(c.get(lang, c["en"]) if isinstance(c, dict) else c, t) for c, t in LINES]
    width = max(columns(command) for command, _ in lines if command)
    out = []
    for command, text in lines:
        said = localise(text, lang) if text else ""
        pad = " " * (width - columns(command)) if command else ""
        out.append(f"  {command}{pad}  {said}" if command else said)
    return "\n".join(out)
