"""svcctl's hand-written readers and layouts agree with the libraries they stand in for, on
generated input: the .po reader with a compiled .mo read by gettext, the listings' aligner
with tabulate's "simple" format, the report cache with a report from every ticket."""
from __future__ import annotations

import gettext
import io
import shutil
import subprocess

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from svcctl.present import i18n

HEADER = ('msgid ""\nmsgstr ""\n"Language: zh_CN\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n')


def compiled(po_text: str) -> dict[str, gettext.GNUTranslations]:
    """The catalog compiled to a .mo and loaded by the standard library: by Babel, and by GNU
    msgfmt where it is installed."""
    out = io.BytesIO()
    write_mo(out, read_po(io.StringIO(po_text)))
    found = {"babel": gettext.GNUTranslations(io.BytesIO(out.getvalue()))}
    if shutil.which("msgfmt"):
        proc = subprocess.run(["msgfmt", "-o", "-", "-"], input=po_text.encode("utf-8"), capture_output=True)
        assert proc.returncode == 0, proc.stderr.decode()
        found["msgfmt"] = gettext.GNUTranslations(io.BytesIO(proc.stdout))
    return found


def looked_up(translations, ctx: str | None, msgid: str, plural: str | None = None) -> str:
    if plural is not None:  # Chinese has one form, the one svcctl's reader keeps
        return translations.npgettext(ctx, msgid, plural, 1) if ctx is not None else \
            translations.ngettext(msgid, plural, 1)
    return translations.pgettext(ctx, msgid) if ctx is not None else translations.gettext(msgid)


def test_the_offices_catalog_reads_as_gettext_reads_it_compiled():
    text = i18n.catalog_text("zh")
    ours = i18n.translator("zh")
    entries = read_po(io.StringIO(text))
    keys = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in entries if m.id}
    assert len(keys) > 500 and set(i18n.parse_po(text)) - {(None, "")} <= keys
    for name, theirs in compiled(text).items():
        differ = [(ctx, msgid) for ctx, msgid in keys if looked_up(ours, ctx, msgid) != looked_up(theirs, ctx, msgid)]
        assert not differ, (name, differ[:5])


# Text a translator may type: Chinese and other wide characters, quotes, backslashes, tabs,
# line breaks, the controls C escapes by name, and characters other programs read as line
# breaks (U+2028, U+0085) written as they are.
texts = st.text(st.one_of(st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"]),
                          st.sampled_from('"\\\n\t\r\a\b\f\v\u2028\u2029\x85\x1c #:~|,'),
                          st.sampled_from("中文：，。、投诉报修")), max_size=12)
ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v",
           '"': '\\"', "\\": "\\\\"}


@st.composite
def quoted(draw, text: str) -> str:
    """``text`` as a .po string: on one line or cut into several, a line after each \\n."""
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=3)) |
                  {i + 1 for i, ch in enumerate(text) if ch == "\n"})
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    lines = ['"' + "".join(ESCAPES.get(ch, ch) for ch in piece) + '"' for piece in pieces if piece]
    if draw(st.booleans()) or not lines:
        lines.insert(0, '""')
    return "\n".join(lines)


def without_edge_breaks(text: str) -> str:
    return text.strip("\n")  # msgfmt refuses a msgid and msgstr of which only one begins or ends with \n


entry_fields = st.tuples(st.one_of(st.none(), texts.filter(bool)),  # Babel reads msgctxt "" as none
                         texts.map(without_edge_breaks).filter(bool),
                         st.one_of(st.none(), texts.map(without_edge_breaks).filter(bool)),
                         texts.map(without_edge_breaks), st.booleans(), st.booleans(),
                         st.lists(st.sampled_from(["# 译者注", "#. extracted", "#: svcctl/core/x.py:12",
                                                   "#, python-format", "#"]), max_size=2))


@st.composite
def po_files(draw):
    """A catalog with entries in every form a .po takes, and what each entry is."""
    entries = draw(st.lists(entry_fields, max_size=6, unique_by=lambda e: (e[0], e[1])))
    parts = [HEADER]
    for ctx, msgid, plural, msgstr, fuzzy, obsolete, comments in entries:
        lines = [*comments, *(["#, fuzzy"] if fuzzy else []),
                 *(['#| msgid "older text"'] if not obsolete and draw(st.booleans()) else [])]
        body = []
        if ctx is not None:
            body.append("msgctxt " + draw(quoted(ctx)))
        body.append("msgid " + draw(quoted(msgid)))
        if plural is not None:
            body += ["msgid_plural " + draw(quoted(plural)), "msgstr[0] " + draw(quoted(msgstr))]
        else:
            body.append("msgstr " + draw(quoted(msgstr)))
        body = "\n".join(body).split("\n")
        lines += ["#~ " + line for line in body] if obsolete else body
        parts.append("\n".join(lines) + draw(st.sampled_from(["\n", "\n\n", "\n\n\n"])))
    return "".join(parts), entries


@settings(max_examples=60, deadline=None)
@given(po_files())
def test_generated_catalogs_read_as_gettext_reads_them_compiled(po):
    text, entries = po
    ours = i18n.Catalog(i18n.parse_po(text))
    for name, theirs in compiled(text).items():
        for ctx, msgid, plural, *_ in entries:
            assert looked_up(ours, ctx, msgid) == looked_up(theirs, ctx, msgid, plural), (name, ctx, msgid)


def test_what_the_generated_catalogs_found():
    """A fuzzy entry right after another (no blank line), the flags of an obsolete entry, and
    a line separator typed in a translation, each read as msgfmt reads them."""
    text = HEADER + ('msgid "A"\nmsgstr "甲"\n#, fuzzy\nmsgid "B"\nmsgstr "乙"\n\n#, fuzzy\n#~ msgid "C"\n'
                     '#~ msgstr "丙"\nmsgid "D"\nmsgstr "丁\u2028\x85"\n')
    assert {k: v for k, v in i18n.parse_po(text).items() if k[1]} == {(None, "A"): "甲", (None, "D"): "丁\u2028\x85"}


# -- the listings' aligner and tabulate ----------------------------------------------------
cells = st.one_of(st.just(""), st.integers(-10**6, 10**9).map(str), st.sampled_from(["3.50", "1e3", "-0", " 12 "]),
                  st.text(st.one_of(st.sampled_from("电梯噪音维修部ｶﾀ한글😀é\u0301 -:."),
                                    st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\t")), max_size=8),
                  st.sampled_from(["漏水\n楼上", "铃\x07", "\x1b[31m红\x1b[0m", "\u202eevil", "末尾\r\n"]))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(st.lists(cells, min_size=n, max_size=n),
                                                     st.lists(st.lists(cells, min_size=n, max_size=n), max_size=4))))
def test_listings_are_laid_out_as_tabulates_simple_format(table):
    """Byte for byte, given the cells as a terminal is shown them (stripped, control
    characters escaped: present.escapes.one_line). Not tabs, which tabulate gives no width
    and a terminal shows to the next tab stop."""
    import tabulate

    from svcctl.present.escapes import one_line
    from svcctl.present.tables import aligned

    titles, rows = table
    tabulate.WIDE_CHARS_MODE = True
    shown = [[one_line(text.strip()) for text in row] for row in (titles, *rows)]
    expected = tabulate.tabulate(shown[1:], headers=shown[0], tablefmt="simple", disable_numparse=True)
    assert aligned(titles, rows) == expected


# -- the report cache and reports from every ticket ------------------------------------------
STEPS = {"dispatch": ("dispatch", "{id}", "--to", "维修部"), "reply": ("reply", "{id}", "--note", "已联系"),
         "close": ("close", "{id}", "--result", "已处理"), "cancel": ("cancel", "{id}", "--reason", "重复登记"),
         "callback": ("callback", "{id}", "--method", "phone", "--satisfaction", "4", "--note", "好"),
         "unresolved": ("callback", "{id}", "--method", "phone", "--satisfaction", "2", "--note", "仍漏",
                        "--unresolved"),
         "reopen": ("reopen", "{id}", "--note", "又坏了"), "pause": ("pause", "{id}", "--reason", "等待业委会")}
KINDS = {"repair": ("--type", "repair", "--category", "leak"), "complaint": ("--type", "complaint", "--grade", "general"),
         "query": ("--type", "query")}
histories = st.lists(st.tuples(st.sampled_from(sorted(KINDS)), st.integers(0, 80), st.sampled_from(["C-A001", "C-A002"]),
                               st.lists(st.tuples(st.sampled_from(sorted(STEPS)), st.integers(1, 60 * 72)), max_size=4)),
                     min_size=1, max_size=3)


# Not shrunk: each example takes commands and seconds; a failure shows the history as drawn.
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(histories)
def test_reports_with_the_cache_equal_reports_without_it_on_random_histories(tmp_path_factory, history):
    """Tickets made and moved by the commands in a random order over three months, the
    reports read between changes (so the cache follows them), then read again with the
    cache deleted and from every ticket."""
    from datetime import datetime, timedelta

    from conftest import make_office
    from test_report_reads import _cache, _reports

    office = make_office(tmp_path_factory.mktemp("random") / "office")
    asks = [("monthly", {"month": "2026-10"}), ("complaints", {"month": "2026-11"})]
    start = datetime(2026, 9, 1, 9, 0)
    for n, (kind, day, customer, steps) in enumerate(history):
        when = start + timedelta(days=day, minutes=n)
        tid = office.run("intake", *KINDS[kind], "--customer", customer, "--summary", f"随机 {n}",
                         now=f"{when:%Y-%m-%d %H:%M}").stdout.splitlines()[0]
        for step, minutes in steps:
            when += timedelta(minutes=minutes)
            args = [a.format(id=tid) for a in STEPS[step]]
            office.run(*args, now=f"{when:%Y-%m-%d %H:%M}", user="zhao", ok=False)  # refused when out of turn
        if n == 0 and len(history) > 1:  # the cache made now, then followed through the later changes
            read, full = _reports(office.root, now="2026-12-01 09:00", asks=asks)
            assert read == full, history
    kept, _ = _reports(office.root, now="2026-12-01 09:00", asks=asks)
    _cache(office.root).unlink()
    again, full = _reports(office.root, now="2026-12-01 09:00", asks=asks)
    assert kept == again == full, history


def test_the_direct_yaml_reader_judges_plain_scalars_by_pyyamls_own_resolvers():
    """svcctl reads and writes its own records without loading PyYAML, judging a plain value
    (text, number, flag, time) by a copy of PyYAML's implicit resolvers: a PyYAML release that
    changes them must fail here, not silently read a record another way."""
    import yaml

    from svcctl.store import yamlio

    theirs = {first: [(tag, pattern.pattern, pattern.flags) for tag, pattern in resolvers]
              for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()}
    ours = {first: [(tag, pattern.pattern, pattern.flags) for tag, pattern in resolvers]
            for first, resolvers in yamlio._implicit_resolvers(True).items()}
    assert ours == theirs
    dumper = {first: [(tag, pattern.pattern, pattern.flags) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
              for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()}
    assert {first: [(tag, pattern.pattern, pattern.flags) for tag, pattern in resolvers]
            for first, resolvers in yamlio._implicit_resolvers(False).items()} == {k: v for k, v in dumper.items() if v}
