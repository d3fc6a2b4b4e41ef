"""A period report in the format asked for: the page as text, Markdown or HTML, its
figures as JSON (the stable contract) or as CSV rows for a spreadsheet."""
from __future__ import annotations

from pathlib import Path

from ..core.office import Office


def report_text(figures, fmt: str, lang: str, office: Office, records_root: Path | None,
                on_file: dict | None = None) -> str:
    """``fmt`` is table (the page as text), markdown, html, json or csv; the office's
    template of the page is used from ``records_root``; ``on_file``: customer id → their
    name and numbers, for the customers of ``report_data.customers_of``."""
    from . import i18n

    _ = i18n.words(lang)
    if fmt == "json":
        from .output import to_json
        from .report_data import data

        return to_json(data(figures, office.name, on_file)) + "\n"
    if fmt == "csv":
        from .report_csv import csv_report

        return csv_report(figures, _, office.roster)
    from . import report as document

    doc = document.build(figures, _, office.tz, office.roster, office.name, on_file)
    if fmt == "html":
        from .report_html import html

        return html(doc, _, lang, records_root)
    from . import report_text as page

    return page.markdown(doc) if fmt == "markdown" else page.text(doc)
