"""Office documents from templates an office can edit safely.

Templates are Jinja2 files rendered in its sandbox (a template cannot call into Python,
reach object internals or run code), with strict undefined values (a misspelt field is an
error, not a blank). The defaults ship in the project's ``templates/<lang>/`` folder; an
office overrides any of them with a file of the same name under ``<records>/templates/``,
e.g. ``<records>/templates/zh/workorder.txt``. Every template receives plain data already
through the privacy step, never records or views.

An office's templates arrive from other PCs by sync, so they are untrusted. They are names,
not paths: only the names svcctl knows (``KNOWN``) are served, an include, import or
extends reaches nothing else, and an office file that is a symbolic link (or lies in a
linked folder) is refused rather than followed. A document that reaches any template of
the office's is filled in within a time, memory and output limit (present/bounded.py).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from ..core.errors import BrokenTemplate
from ..core.message import msg
from ..core.template_names import KNOWN, OTHER_TEMPLATES, TEMPLATES
from .i18n import localise
from .labels import label

OFFICE_FOLDER = "templates"
# The only names svcctl's own templates include (a test holds them to it): a document whose
# template and these the office does not override is svcctl's alone, and trusted.
SHIPPED_INCLUDES = ("document.css",)
MAX_TEXT = 1_000_000  # characters one expression of a template may make by repetition or padding
MAX_TEMPLATE_BYTES = 256 * 1024  # an office template is a page or two of text
_PADDING = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})  # str methods that take a width


class NotAName(Exception):
    """An include, import or extends of anything but a template svcctl knows (a path, say)."""

    def __init__(self, name):
        shown = name[:80] if isinstance(name, str) else type(name).__name__
        super().__init__(shown)
        self.problem = msg("{name!r} is not a template name: templates include one another only by name "
                           "(such as zh/digest.txt or document.css), never by a path", name=shown)


class Unusable(Exception):
    """An office template file that cannot be served: a link, not a plain file, too large, not UTF-8."""

    def __init__(self, path: str, line: int | None, problem):
        super().__init__(problem)
        self.path, self.line, self.problem = path, line, problem


def shipped(name: str) -> str:
    from .. import templates  # the folder the defaults are installed in (as importlib.resources finds it)

    return Path(templates.__file__).parent.joinpath(*name.split("/")).read_text(encoding="utf-8")


def office_source(records_root: Path, name: str) -> tuple[str, str] | None:
    """``(text, path)`` of the office's own template ``name`` (one of ``KNOWN``), None when
    the office has none; ``Unusable`` when its file must not be served."""
    path = records_root.joinpath(OFFICE_FOLDER, *name.split("/"))
    step = records_root
    # Each step below the records folder is looked at, never followed: a link that came
    # by sync would serve any file of this PC (a key, another office's records) as text.
    for part in (OFFICE_FOLDER, *name.split("/")):
        step = step / part
        try:
            mode = os.lstat(step).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise Unusable(step.as_posix(), None, msg("cannot be read: {error}", error=exc.strerror or str(exc)))
        if stat.S_ISLNK(mode):
            raise Unusable(step.as_posix(), None, msg("is a symbolic link: an office template must be a plain "
                                                      "file inside the records folder"))
    if not stat.S_ISREG(mode):
        raise Unusable(path.as_posix(), None, msg("is not a plain file"))
    raw = _read_plain(path)
    try:
        return raw.decode("utf-8"), path.as_posix()
    except UnicodeDecodeError as exc:
        raise Unusable(path.as_posix(), raw.count(b"\n", 0, exc.start) + 1, msg(
            "not UTF-8 text (byte 0x{byte:02x}): save it as UTF-8", byte=raw[exc.start])) from None


def _read_plain(path: Path) -> bytes:
    """The bytes of a plain file, opened without following a link nor waiting on a pipe
    (what was looked at may have been swapped since), and no more than a template's size."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Unusable(path.as_posix(), None, msg("cannot be read: {error}", error=exc.strerror or str(exc)))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Unusable(path.as_posix(), None, msg("is not a plain file"))
        with os.fdopen(fd, "rb", closefd=False) as stream:
            raw = stream.read(MAX_TEMPLATE_BYTES + 1)
    finally:
        os.close(fd)
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise Unusable(path.as_posix(), None, msg("is larger than {size} KB: a template is a page or two of text",
                                                  size=MAX_TEMPLATE_BYTES // 1024))
    return raw


def _environment(records_root: Path | None, lang: str, served: set):
    """The sandbox a template is filled in; ``served`` collects the file names it loads
    (for finding the line a failure came from)."""
    from jinja2 import BaseLoader, StrictUndefined
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class ByName(BaseLoader):
        def get_source(self, environment, name):
            if not isinstance(name, str) or name not in KNOWN:
                raise NotAName(name)  # not TemplateNotFound: 'ignore missing' must not hide it
            found = office_source(records_root, name) if records_root is not None else None
            text, filename = found if found is not None else (shipped(name), f"templates/{name}")
            served.add(filename)
            return text, filename, lambda: True

    class Bounded(ImmutableSandboxedEnvironment):
        """The sandbox bounds range(); a template from another PC must not be able to ask for
        a billion characters (``'a' * 10**9``, ``'a'.ljust(10**9)``) or a huge power either.
        (What passes these checks is still bounded by the limits of present/bounded.py.)"""

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

        def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
            text = getattr(__obj, "__self__", None)
            if isinstance(text, str) and getattr(__obj, "__name__", None) in _PADDING:
                for width in (*args, *kwargs.values()):
                    if isinstance(width, int) and width * (max(len(text), 1) if __obj.__name__ == "expandtabs"
                                                           else 1) > MAX_TEXT:
                        raise SecurityError("a text that wide is not allowed in a template")
            return super().call(__context, __obj, *args, **kwargs)

    env = Bounded(
        loader=ByName(), undefined=StrictUndefined, autoescape=lambda name: bool(name and name.endswith(".html")),
        keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)
    env.filters["name"] = lambda key, kind: label(kind, key, lang)
    env.globals["_"] = lambda text: localise(text, lang)
    return env


def render(name: str, data: dict, lang: str, records_root: Path | None = None) -> str:
    """Template ``<lang>/<name>`` filled with ``data``; a broken template is one clear error.
    Without ``records_root`` only the shipped templates are used."""
    return render_file(f"{lang}/{name}", data, lang, records_root)


def render_file(inner: str, data: dict, lang: str, records_root: Path | None = None) -> str:
    """Template ``inner`` (a name under templates/, e.g. ``report.html`` for a page whose words
    come with its data) filled with ``data``, in the same sandbox as every office document."""
    text, failure = _fill(inner, data, lang, records_root)
    if failure is not None:
        where, line, problem = failure
        raise BrokenTemplate(msg("{where}: the template cannot be used ({problem}); fix it or remove it to use "
                                 "the default (see 'svcctl check')", where=f"{where}:{line}" if line else where,
                                 problem=problem))
    return text


def _fill(inner: str, data: dict, lang: str, records_root: Path | None):
    """``(text, None)``, or ``(None, (path, line, problem))`` when the template fails. A
    document that reaches a template of the office's is filled in within the limits of
    bounded.py; svcctl's own are filled in here."""
    from . import bounded

    if records_root is not None and not any(os.path.lexists(records_root.joinpath(OFFICE_FOLDER, *name.split("/")))
                                            for name in (inner, *SHIPPED_INCLUDES)):
        records_root = None  # nothing of the office's is reached: svcctl's own templates, filled here
    if records_root is None:
        return _fill_here(inner, data, lang, None, most=None)
    _environment(None, lang, set())  # what every child needs is loaded once, here, before it forks
    localise("", lang)
    try:
        return bounded.run(lambda: _fill_here(inner, data, lang, records_root, most=bounded.MAX_OUTPUT))
    except bounded.Overrun as stopped:
        return None, (_main_where(inner, records_root), None, stopped.problem)


def _fill_here(inner: str, data: dict, lang: str, records_root: Path | None, most: int | None):
    """``_fill`` in this process; a document longer than ``most`` characters is refused."""
    from jinja2 import TemplateSyntaxError

    from . import bounded

    served: set[str] = set()
    try:
        pieces, size = [], 0
        made = _environment(records_root, lang, served).get_template(inner).generate(**data)
        for piece in made:
            size += len(piece)
            if most is not None and size > most:
                made.throw(bounded.TooLong(bounded.too_long()))  # raised where the template is writing
            pieces.append(piece)
        return "".join(pieces).rstrip("\n"), None
    except Unusable as exc:
        return None, (exc.path, exc.line, exc.problem)
    except TemplateSyntaxError as exc:
        where = exc.filename or _main_where(inner, records_root)
        return None, (where, exc.lineno, msg("syntax error: {error}", error=exc.message or str(exc)))
    except Exception as exc:  # the template is untrusted: whatever it makes fail is its own failure
        where, line = _where(exc, inner, records_root, served)
        return None, (where, line, _problem(exc))


def _problem(exc: Exception):
    from . import bounded

    if isinstance(exc, NotAName):
        return exc.problem
    if isinstance(exc, (bounded.TimeUp, bounded.TooLong)):
        return exc.args[0]
    if isinstance(exc, MemoryError):
        return msg("needs more memory than a document may take ({size} MB)", size=bounded.RENDER_MEMORY // 2 ** 20)
    if isinstance(exc, RecursionError):
        return msg("includes itself, or nests templates too deep")
    try:
        error = str(exc)[:300]
    except Exception:
        error = ""
    return msg("{kind}: {error}", kind=type(exc).__name__, error=error)


def _main_where(inner: str, records_root: Path | None) -> str:
    custom = records_root.joinpath(OFFICE_FOLDER, *inner.split("/")) if records_root is not None else None
    return custom.as_posix() if custom is not None and os.path.lexists(custom) else f"templates/{inner}"


def _where(exc: Exception, inner: str, records_root: Path | None, served: set) -> tuple[str, int | None]:
    """The template file and line a failure came from: the innermost frame of a template
    (Jinja rewrites the traceback so that a template's frames carry its own lines)."""
    where, line = _main_where(inner, records_root), None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in served:
            where, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return where, line


def check(records_root: Path) -> list[tuple[str, int | None, str, str]]:
    """``(path, line, message, severity)`` for every office template (unknown names, links,
    syntax, a render with sample data: undefined fields, sandbox refusals, paths included,
    limits passed; forbidden phrases), and for forbidden phrases in the catalog an
    installation may have had edited."""
    from .service_language import forbidden_in

    from .i18n import catalog_text

    found = [("svcctl/locale/zh/LC_MESSAGES/svcctl.po", line, msg("forbidden phrase {phrase!r} (service language, "
              "rules §11): use a standard phrase", phrase=phrase), "warning")
             for line, phrase in forbidden_in(catalog_text("zh"))]
    folder = records_root / OFFICE_FOLDER
    if os.path.islink(folder):
        return found + [(OFFICE_FOLDER, None, msg("is a symbolic link: an office template must be a plain file "
                                                  "inside the records folder"), "error")]
    if not folder.is_dir():
        return found
    for path, linked in _office_entries(folder):
        inner = path.relative_to(folder).as_posix()
        shown = path.relative_to(records_root).as_posix()
        if linked:
            found.append((shown, None, msg("is a symbolic link: an office template must be a plain file inside "
                                           "the records folder"), "error"))
            continue
        if inner not in KNOWN:
            found.append((shown, None, msg("not a template svcctl uses: name it <zh|en>/<name> with a name of {names}",
                                           names=", ".join(TEMPLATES)), "warning"))
            continue
        try:
            text, _ = office_source(records_root, inner)
        except Unusable as exc:
            found.append((shown, exc.line, msg("cannot be used: {problem}", problem=exc.problem), "error"))
            continue
        for line, phrase in forbidden_in(text):
            found.append((shown, line, msg("forbidden phrase {phrase!r} (service language, rules §11): use a "
                                           "standard phrase", phrase=phrase), "warning"))
        # The style sheet is filled in with what the pages that include it have; the report
        # page is checked where it is rendered.
        sample = "workorder" if inner == "document.css" else None if inner in OTHER_TEMPLATES \
            else inner.split("/")[1].split(".")[0]
        if sample is not None:
            _, failure = _fill(inner, SAMPLES[sample], inner.split("/")[0] if "/" in inner else "zh", records_root)
            if failure is not None:
                # Named by the file the failure is in: the one checked, or an office template it includes.
                inside = f"{records_root.as_posix()}/"
                at = failure[0][len(inside):] if failure[0].startswith(inside) else shown
                found.append((at, failure[1], msg("the template cannot be used: {problem}", problem=failure[2]),
                              "error"))
    return found


def _office_entries(folder: Path) -> list[tuple[Path, bool]]:
    """Every file below the office's template folder, in path order, each with whether it
    is a symbolic link (to a file or a folder): links are reported, never followed."""
    out, folders = [], [folder]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    out.append((Path(entry.path), True))
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                else:
                    out.append((Path(entry.path), False))
    return sorted(out)


# Data of the same shape as real documents get (a test compares the shapes), for checking
# an office's templates without touching a record.
_ORDER = {
    "office": "翠苑物业管理处", "id": "202611-A007", "work": "repair", "title": "维修工作单", "type": "报修", "kind": "报修 渗漏水", "emergency": False,
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
    "confirmation": {"kind": "投诉", "case": "promise", "date": "11月23日（星期一）09:30", "whole_day": False,
                     "within": "", "answer": "", "received": "11月20日（星期五）09:30", "late": False,
                     "office": "翠苑物业管理处"},
    "workorder": {"order": _ORDER},
    "callbacks": {"office": "翠苑物业管理处", "printed_at": "2026-11-20 10:00", "calls": [_CALL]},
    "digest": {"office": "翠苑物业管理处", "now": "2026-11-20 10:00", "overdue": 1, "soon": 0,
               "groups": [{"who": "李娜 (li)", "tickets": [_ITEM]}]},
    "alert": {"office": "翠苑物业管理处", "stage": "breach", "title": "已超时：202611-A007 派工", "now": "2026-11-20 10:00",
              "items": [{**{k: _ITEM[k] for k in ("id", "type", "place", "deadline", "state", "overdue", "due",
                                                   "late_by", "left", "action")},
                         "owner": "李娜 (li)", "emergency": False}]},
}


def sample_shape(value):
    """The keys of nested data, for comparing real and sample document data."""
    if isinstance(value, dict):
        return {k: sample_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [sample_shape(value[0])] if value else []
    return None
