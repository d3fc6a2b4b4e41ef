"""Office documents from templates an office can edit safely.

Templates are Jinja2 files rendered in its sandbox (a template cannot call into Python,
reach object internals or run code), with strict undefined values (a misspelt field is an
error, not a blank). The defaults ship in the project's ``templates/<lang>/`` folder; an
office overrides any of them with a file of the same name under ``<records>/templates/``,
e.g. ``<records>/templates/zh/workorder.txt``. Every template receives plain data already
through the privacy step, never records or views.
"""
from __future__ import annotations

from pathlib import Path

from ..core.errors import BrokenTemplate
from ..core.message import msg
from .i18n import localise
from .labels import label

TEMPLATES = ("confirmation.txt", "workorder.txt", "workorder.html", "callbacks.txt", "callbacks.html", "digest.txt")
# The report page (checked where it is rendered, present/report_html.py) and the style sheet
# every printed document includes.
OTHER_TEMPLATES = ("report.html", "document.css")
OFFICE_FOLDER = "templates"
MAX_TEXT = 1_000_000  # characters one expression of a template may make by repetition


def shipped(name: str) -> str:
    from .. import templates  # the folder the defaults are installed in (as importlib.resources finds it)

    return Path(templates.__file__).parent.joinpath(*name.split("/")).read_text(encoding="utf-8")


def _environment(records_root: Path | None, lang: str):
    from jinja2 import ChoiceLoader, DictLoader, FunctionLoader, StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def office(name):
        path = records_root / OFFICE_FOLDER / name if records_root is not None else None
        if path is None or not path.is_file():
            return None
        return path.read_text(encoding="utf-8"), path.as_posix(), lambda: True

    def default(name):
        try:
            return shipped(name), f"templates/{name}", lambda: True
        except (FileNotFoundError, OSError):
            return None

    class Bounded(ImmutableSandboxedEnvironment):
        """The sandbox bounds range(); a template from another PC must not be able to ask for
        a billion characters (``'a' * 10**9``) or a huge power and stall the desk either."""

        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, int) and abs(right) > 64:
                raise SecurityError("a power above 64 is not allowed in a template")
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if isinstance(seq, (str, list, tuple)) and isinstance(times, int) \
                            and len(seq) * times > MAX_TEXT:
                        raise SecurityError("a repeated text or list that long is not allowed in a template")
            return super().call_binop(context, operator, left, right)

    env = Bounded(
        loader=ChoiceLoader([FunctionLoader(office), FunctionLoader(default), DictLoader({})]),
        undefined=StrictUndefined, autoescape=lambda name: bool(name and name.endswith(".html")),
        keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["name"] = lambda key, kind: label(kind, key, lang)
    env.globals["_"] = lambda text: localise(text, lang)
    return env


def render(name: str, data: dict, lang: str, records_root: Path | None = None) -> str:
    """Template ``<lang>/<name>`` filled with ``data``; a broken template is one clear error."""
    return render_file(f"{lang}/{name}", data, lang, records_root)


def render_file(inner: str, data: dict, lang: str, records_root: Path | None = None) -> str:
    """Template ``inner`` (a path under templates/, e.g. ``report.html`` for a page whose words
    come with its data) filled with ``data``, in the same sandbox as every office document."""
    text, failure = _fill(inner, data, lang, records_root)
    if failure is not None:
        where, line, problem = failure
        raise BrokenTemplate(msg("{where}: the template cannot be used ({problem}); fix it or remove it to use "
                                 "the default (see 'svcctl check')", where=f"{where}:{line}" if line else where,
                                 problem=problem))
    return text


def _fill(inner: str, data: dict, lang: str, records_root: Path | None):
    """``(text, None)``, or ``(None, (path, line, problem))`` when the template fails."""
    from jinja2 import TemplateError, TemplateSyntaxError

    undecodable = _not_utf8(records_root / OFFICE_FOLDER / inner if records_root is not None else None)
    if undecodable is not None:
        return None, undecodable
    try:
        return _environment(records_root, lang).get_template(inner).render(**data).rstrip("\n"), None
    except TemplateSyntaxError as exc:
        where, line = _where(exc, inner, records_root)
        return None, (where, line, msg("syntax error: {error}", error=exc.message or str(exc)))
    except (TemplateError, TypeError, ValueError, ArithmeticError, AttributeError, LookupError) as exc:
        where, line = _where(exc, inner, records_root)
        return None, (where, line, msg("{kind}: {error}", kind=type(exc).__name__, error=str(exc)))


def _not_utf8(path: Path | None):
    """``(path, line, problem)`` when an office template is not UTF-8 text (saved as GBK, say)."""
    if path is None or not path.is_file():
        return None
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return path.as_posix(), raw.count(b"\n", 0, exc.start) + 1, msg(
            "not UTF-8 text (byte 0x{byte:02x}): save it as UTF-8", byte=raw[exc.start])
    return None


def _where(exc: Exception, inner: str, records_root: Path | None) -> tuple[str, int | None]:
    from jinja2 import TemplateSyntaxError

    custom = records_root / OFFICE_FOLDER / inner if records_root is not None else None
    where = custom.as_posix() if custom is not None and custom.is_file() else f"templates/{inner}"
    if isinstance(exc, TemplateSyntaxError):
        return (exc.filename or where), exc.lineno
    line = None
    tb = exc.__traceback__
    while tb is not None:  # Jinja rewrites the traceback: the template's frames carry its lines
        if tb.tb_frame.f_code.co_filename == where:
            line = tb.tb_lineno
        tb = tb.tb_next
    return where, line


def check(records_root: Path) -> list[tuple[str, int | None, str, str]]:
    """``(path, line, message, severity)`` for every office template (unknown names, syntax,
    a render with sample data: undefined fields, sandbox refusals; forbidden phrases), and
    for forbidden phrases in the catalog an installation may have had edited."""
    from .service_language import forbidden_in

    from .i18n import catalog_text

    found = [("svcctl/locale/zh/LC_MESSAGES/svcctl.po", line, msg("forbidden phrase {phrase!r} (service language, "
              "rules §11): use a standard phrase", phrase=phrase), "warning")
             for line, phrase in forbidden_in(catalog_text("zh"))]
    folder = records_root / OFFICE_FOLDER
    if not folder.is_dir():
        return found
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        inner = path.relative_to(folder).as_posix()
        shown = path.relative_to(records_root).as_posix()
        if inner in OTHER_TEMPLATES:
            continue
        lang, _, name = inner.partition("/")
        if lang not in ("zh", "en") or name not in TEMPLATES:
            found.append((shown, None, msg("not a template svcctl uses: name it <zh|en>/<name> with a name of {names}",
                                           names=", ".join(TEMPLATES)), "warning"))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            found.append((shown, None, msg("cannot be read: {error}", error=str(exc)), "error"))
            continue
        for line, phrase in forbidden_in(text):
            found.append((shown, line, msg("forbidden phrase {phrase!r} (service language, rules §11): use a "
                                           "standard phrase", phrase=phrase), "warning"))
        _, failure = _fill(inner, SAMPLES[name.split(".")[0]], lang, records_root)
        if failure is not None:
            found.append((shown, failure[1], msg("the template cannot be used: {problem}", problem=failure[2]), "error"))
    return found


# Data of the same shape as real documents get (a test compares the shapes), for checking
# an office's templates without touching a record.
_ORDER = {
    "office": "翠苑物业管理处", "id": "202611-A007", "type": "报修", "kind": "报修 渗漏水", "emergency": False,
    "paid": False, "complaint": False, "department": "维修部", "technician": "周师傅 (zhou)",
    "place": "3-2-1502", "customer": "C-A001", "phone": "138****8000", "summary": "卫生间渗水", "detail": "",
    "appointment": "2026-11-21 10:00", "received_at": "2026-11-20 09:30", "first_responder": "李娜 (li)",
    "fee": "", "printed_at": "2026-11-20 10:00",
}
_CALL = {
    "id": "202611-A007", "type": "报修", "place": "3-2-1502", "customer": "C-A001", "phone": "138****8000",
    "closed_at": "2026-11-20 16:00", "due": "2026-11-22 16:00", "state": "待回访", "late": False,
    "late_by": "", "result": "更换密封圈", "owner": "李娜 (li)",
}
_ITEM = {
    "id": "202611-A007", "type": "报修", "place": "3-2-1502", "deadline": "派工", "state": "已逾期",
    "overdue": True, "due": "2026-11-20 09:35", "late_by": "2小时", "left": "", "action": "立即派工",
}
SAMPLES = {
    "confirmation": {"kind": "投诉", "case": "promise", "date": "11月23日09:30", "answer": "",
                     "received": "11月20日09:30", "late": False, "office": "翠苑物业管理处"},
    "workorder": {"order": _ORDER},
    "callbacks": {"office": "翠苑物业管理处", "printed_at": "2026-11-20 10:00", "calls": [_CALL]},
    "digest": {"office": "翠苑物业管理处", "now": "2026-11-20 10:00", "overdue": 1, "soon": 0,
               "groups": [{"who": "李娜 (li)", "tickets": [_ITEM]}]},
}


def sample_shape(value):
    """The keys of nested data, for comparing real and sample document data."""
    if isinstance(value, dict):
        return {k: sample_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [sample_shape(value[0])] if value else []
    return None
