"""The names an office's templates go by: the only files the records layout allows under
``<records>/templates/`` and the only names a document, an include, import or extends can
reach (present.documents fills them in)."""
from __future__ import annotations

from .model import LANGUAGES

TEMPLATES = ("confirmation.txt", "workorder.txt", "workorder.html", "callbacks.txt", "callbacks.html", "digest.txt",
             "alert.md")
# The report page (checked where it is rendered, present/report_html.py) and the style sheet
# every printed document includes.
OTHER_TEMPLATES = ("report.html", "document.css")
# Every name a template is known by: ``<lang>/<name>`` for a document, the others as they are.
KNOWN = frozenset({f"{lang}/{name}" for lang in LANGUAGES for name in TEMPLATES} | set(OTHER_TEMPLATES))
