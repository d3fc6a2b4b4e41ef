"""Words in the reader's language, from gettext catalogs.

English is the source language (msgids are the English text); ``svcctl/locale/zh`` holds the
Chinese catalog. Chinese is the office's language: what a member of staff reads is Chinese
unless ``--lang en``, ``SVCCTL_LANG=en`` or ``language: en`` in svcctl.yaml says otherwise.

Only the ``.po`` file is kept in the repository, and it is what svcctl reads: parsed the
first time a language is used (a few milliseconds), no compiled ``.mo`` and no build
output, and two branches that both add messages merge as text.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from ..core.message import Message, Term
from ..core.model import DEFAULT_LANGUAGE as DEFAULT  # noqa: F401 - the default the CLI falls back to
from ..core.model import LANGUAGE_TAGS, LANGUAGES

DOMAIN = "svcctl"
# Beside this package's modules, where the package data is installed (importlib.resources
# would find the same file, at the cost of importing more than the catalog takes to read).
LOCALE = Path(__file__).parent.parent / "locale"


def catalog_text(lang: str) -> str:
    return (LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po").read_text(encoding="utf-8")


def parse_po(text: str) -> dict[tuple[str | None, str], str]:
    """``(msgctxt, msgid) -> msgstr`` of a .po file; fuzzy and untranslated entries are left
    out, as msgfmt leaves them out. A plural entry (``msgid_plural``, ``msgstr[N]``) gives
    its first form: Chinese has one, and svcctl's messages are never plural."""
    entries: dict[tuple[str | None, str], str] = {}
    entry: dict[str, str] = {}
    fuzzy = False
    field = None
    translated = False  # the entry has a msgstr (or msgstr[N]) already

    def finish():
        nonlocal entry, fuzzy, translated
        entry.setdefault("msgstr", entry.get("msgstr[0]", ""))
        if "msgid" in entry and entry.get("msgstr") and not fuzzy:
            entries[(entry.get("msgctxt"), entry["msgid"])] = entry["msgstr"]
        entry, fuzzy, translated = {}, False, False

    # Lines end at \n only: text may hold U+2028 or U+0085 as it is, which splitlines() would cut at.
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip(" \t\r")
        if not line:
            finish()
            field = None
            continue
        first = line[0]
        if first == "#":
            if translated:  # the comments of the next entry, with no blank line before
                finish()
                field = None
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#~"):  # an obsolete entry: the flags above were its own
                fuzzy = False
            continue
        if first != '"':
            keyword, _, rest = line.partition(" ")
            if keyword not in ("msgctxt", "msgid", "msgstr", "msgid_plural") and not _PLURAL_FORM.fullmatch(keyword):
                raise ValueError(f"line {number}: cannot read {raw!r}")
            if translated and keyword in ("msgctxt", "msgid"):
                finish()
            field = keyword
            translated = translated or keyword.startswith("msgstr")
            line = rest
        elif field is None:
            raise ValueError(f"line {number}: cannot read {raw!r}")
        entry[field] = entry.get(field, "") + _unquote(line)
    finish()
    return entries


_PLURAL_FORM = re.compile(r"msgstr\[[0-9]+\]")


def _unquote(quoted: str) -> str:
    """A .po string literal's text. Its escapes are C's; JSON reads the common ones (\\n \\" \\\\)
    ten times faster than the Python parser, which takes the rest. Most literals have none."""
    inner = quoted[1:-1]
    if len(quoted) > 1 and quoted[0] == quoted[-1] == '"' and '"' not in inner and "\\" not in inner \
            and inner.isprintable():
        return inner
    try:
        return json.loads(quoted)
    except ValueError:
        import ast

        return ast.literal_eval(quoted)


class Catalog:
    """The translations of one language, looked up as gettext looks them up: a message
    without an entry (or English, which has none) is its own translation."""

    def __init__(self, entries: dict[tuple[str | None, str], str]):
        self._entries = entries

    def gettext(self, message: str) -> str:
        return self._entries.get((None, message), message)

    def pgettext(self, context: str, message: str) -> str:
        return self._entries.get((context, message), message)


@lru_cache(maxsize=None)
def translator(lang: str) -> Catalog:
    if lang not in LANGUAGES or lang == "en":
        return Catalog({})
    return Catalog(parse_po(catalog_text(lang)))


class Words:
    """The ``_`` of a language: ``_('Due')`` is '到期' in Chinese, 'Due' in English. It knows
    its language, so that the reports name keys from the glossary in the same one."""

    def __init__(self, lang: str):
        self.lang = lang
        self._translate = translator(lang).gettext

    def __call__(self, text):
        return self._translate(text) if text else text


@lru_cache(maxsize=None)
def words(lang: str) -> Words:
    return Words(lang)


def localise(text, lang: str):
    """A ``Message`` or ``Term`` (or plain English text) in the reader's language."""
    from .labels import label

    if isinstance(text, Term):
        return label(text.kind, text.key, lang)
    if isinstance(text, Message):
        args = {k: localise(v, lang) if isinstance(v, (Message, Term)) else v for k, v in text.args.items()}
        template = words(lang)(text.template)
        try:
            return template.format(**args) if args else template
        except (KeyError, IndexError, ValueError):  # a catalog entry that lost a placeholder
            return str(text)
    return words(lang)(text) if isinstance(text, str) else text


def normalise_language(value) -> str | None:
    """``zh``, ``zh-CN``, ``en_US`` -> ``zh`` / ``en``; None for anything else."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    code = LANGUAGE_TAGS.get(value, value.lower().replace("_", "-").split("-")[0])
    return code if code in LANGUAGES else None
