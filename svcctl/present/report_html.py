"""A report document as one printable, self-contained HTML page (A4, inline CSS and SVG).

The page comes from ``templates/report.html`` (an office overrides it with
``<records>/templates/report.html``), rendered in the sandbox of every office document
(present/documents.py) with autoescaping, so an edited template can neither run code nor
let record text inject markup.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import charts
from .report import Document

TEMPLATE = "report.html"


def html(doc: Document, _, lang: str, records_root: Path | None = None) -> str:
    from .documents import render_file

    trend_section = next(s for s in doc.sections if s.key == "trend")
    values = {
        "doc": doc,
        "lang": "zh-CN" if lang == "zh" else lang,
        "trend": charts.trend(doc.trend, (_("On-time rate"), _("Callback rate"))),
        "trend_table": replace(trend_section.tables[0], title=trend_section.title),
        "on_time_bars": charts.hbars(doc.bars["on_time"], scale=100),
        "age_bars": charts.hbars(doc.bars["age"]),
        "words": {"trend": trend_section.title, "received": _("Requests received"),
                  "on_time_by_deadline": _("On-time rate by deadline"),
                  "backlog_by_age": _("Open at period end, by age")},
    }
    return render_file(TEMPLATE, values, lang, records_root) + "\n"
