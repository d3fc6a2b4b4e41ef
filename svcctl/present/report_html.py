"""A report document as one printable, self-contained HTML page (A4, inline CSS and SVG).

The page comes from ``templates/report.html`` (an office overrides it with
``<records>/templates/report.html``), rendered in Jinja2's sandbox with autoescaping, so
an edited template can neither run code nor let record text inject markup.
"""
from __future__ import annotations

from dataclasses import replace
from importlib import resources
from pathlib import Path

from ..core.errors import BrokenTemplate
from . import charts
from .report import Document

TEMPLATE = "report.html"


def _source(records_root: Path | None) -> tuple[str, str]:
    custom = records_root / "templates" / TEMPLATE if records_root is not None else None
    if custom is not None and custom.is_file():
        return custom.read_text(encoding="utf-8"), custom.as_posix()
    return resources.files("svcctl.templates").joinpath(TEMPLATE).read_text(encoding="utf-8"), f"templates/{TEMPLATE}"


def html(doc: Document, _, lang: str, records_root: Path | None = None) -> str:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    text, where = _source(records_root)
    env = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
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
    try:
        return env.from_string(text).render(**values)
    except jinja2.TemplateError as exc:
        line = f":{exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise BrokenTemplate(f"{where}{line}: the report template cannot be rendered "
                             f"({type(exc).__name__}: {exc})") from None
