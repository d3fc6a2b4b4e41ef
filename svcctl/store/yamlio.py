"""Canonical YAML: one way to write the same data (same data, same bytes), and a strict
reader that rejects duplicate keys and remembers where every value sits in the file.

PyYAML is loaded only when it is needed (a record not in svcctl's own layout, a value the
direct writer leaves to the emitter): the records svcctl writes are read and written here
without it, and loading it costs a short command a tenth of its time.
"""
from __future__ import annotations

import contextlib
import functools
import marshal
import os
import re
from pathlib import Path

from ..core.message import msg
from ..core.patterns import Lazy
from ..core.timeutil import TIME_PATTERN


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@functools.cache
def _loaders():
    """(PyYAML's safe loader, the strict loader made from it)."""
    import yaml

    try:
        base = yaml.CSafeLoader
    except AttributeError:  # PyYAML built without libyaml
        base = yaml.SafeLoader

    class _StrictLoader(base):
        """Safe loading that rejects duplicate keys and keeps times as text (constructors below)."""

    _StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _strict_mapping)
    # Times stay strings until the domain reads them, so an offset is never silently dropped.
    _StrictLoader.add_constructor(_TIMESTAMP, _keep_timestamps_as_text)
    return base, _StrictLoader


def _strict_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise YamlProblem(key_node.start_mark.line + 1, msg('duplicate key {key!r} (first at line {seen})', key=key, seen=seen[key]))
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


def _keep_timestamps_as_text(loader, node):
    return loader.construct_scalar(node)


# A record is a few kilobytes; these bounds keep a hostile or broken file pulled from another
# PC (a nested-alias "bomb" expanding to billions of values, thousands of nesting levels)
# from stopping an office: it is refused as broken instead of read.
MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 200_000


def parse(text: str):
    """Data from YAML text; ``YamlProblem`` with a 1-based line on any defect."""
    if len(text) > MAX_BYTES:
        raise YamlProblem(None, msg('{count} characters is more than a record can be ({megabytes} MB)', count=len(text), megabytes=MAX_BYTES // 1024 // 1024))
    data = fast_parse(text)
    return data if data is not None else full_parse(text)


def parse_kept(text: str, file: Path):
    """``parse``, kept in ``file`` (in the git directory, never shared) with the exact text it
    was read from, and read back from there while the text is the same. For svcctl.yaml,
    which every command reads and which is not in the layout ``fast_parse`` takes: parsing
    it would load PyYAML for every command. A kept reading is used only for the same text
    read by the same Python, svcctl and PyYAML; anything else reads it afresh."""
    stamp = _reader_stamp()
    try:
        kept = marshal.loads(file.read_bytes())
        if type(kept) is tuple and len(kept) == 3 and kept[0] == stamp and kept[1] == text:
            return kept[2]
    except (OSError, ValueError, EOFError, TypeError):
        pass  # none kept yet, or unreadable: read afresh
    data = parse(text)
    try:
        keep = marshal.dumps((stamp, text, data))
    except ValueError:  # a value marshal cannot hold: read afresh each time
        return data
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(keep)
        os.replace(tmp, file)
    except OSError:
        with contextlib.suppress(OSError):  # a read-only git folder: read afresh each time
            tmp.unlink()
    return data


@functools.cache
def _reader_stamp() -> tuple:
    """What a reading depends on besides the text: this Python, this reader, PyYAML's files
    (found without loading PyYAML)."""
    import importlib.util
    import sys

    from .. import __version__

    def version(path):
        try:
            info = os.stat(path)
        except (OSError, TypeError):
            return None
        return path, info.st_size, info.st_mtime_ns

    spec = importlib.util.find_spec("yaml")
    return (tuple(sys.version_info[:2]), __version__, version(__file__),
            version(spec.origin if spec is not None else None))


def full_parse(text: str):
    """``parse`` by PyYAML alone."""
    import yaml

    if len(text) > MAX_BYTES:
        raise YamlProblem(None, msg('{count} characters is more than a record can be ({megabytes} MB)', count=len(text), megabytes=MAX_BYTES // 1024 // 1024))
    loader = _loaders()[1](text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_shape(node)
        return loader.construct_document(node)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*_where(text, exc)) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlProblem(line, msg('character #x{code:04x} is not allowed in YAML text: write it escaped inside double quotes', code=code)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, msg('YAML: {error}', error=' '.join(str(exc).split()))) from None
    except RecursionError:
        raise YamlProblem(None, msg('values nested more than {MAX_DEPTH} levels deep', MAX_DEPTH=MAX_DEPTH)) from None
    finally:
        loader.dispose()


def _where(text: str, exc) -> tuple[int | None, str]:
    """The line of the mistake and what it is. YAML notices many mistakes only on the line
    after (a key without ':' is found out when the next key starts); the line named is then
    the one where the unfinished thing began, when that is the line just before."""
    mark, context = exc.problem_mark, exc.context_mark
    problem = " ".join(str(exc.problem or "").split()) or "cannot be read"
    if context is not None and exc.context:
        problem += f" ({' '.join(exc.context.split())})"
    if mark is None:
        return (context.line + 1 if context else None), msg("YAML syntax: {problem}", problem=problem)
    line = mark.line
    if context is not None and (exc.context or "").startswith(("while scanning", "while parsing a flow")) and context.line < mark.line:
        line = context.line  # what began there (a key, a quoted text, a [ list) was never finished
    return line + 1, msg("YAML syntax: {problem}", problem=problem)


_MERGE = "tag:yaml.org,2002:merge"


def _check_shape(root) -> None:
    """Refuse what no record holds and what would make reading it explode: keys that are
    lists or mappings, nesting deeper than ``MAX_DEPTH``, aliases expanding past ``MAX_VALUES``."""
    import yaml

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        line = node.start_mark.line + 1
        if key in open_nodes:
            raise YamlProblem(line, msg('an alias refers to the value that contains it (a loop)'))
        if depth > MAX_DEPTH:
            raise YamlProblem(line, msg('values nested more than {MAX_DEPTH} levels deep', MAX_DEPTH=MAX_DEPTH))
        total = 1
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            open_nodes.add(key)
            if isinstance(node, yaml.MappingNode):
                children = []
                for key_node, value_node in node.value:
                    if key_node.tag == _MERGE:
                        raise YamlProblem(key_node.start_mark.line + 1, msg(
                            "a YAML merge key (<<): svcctl records spell every value out where it applies, "
                            "without merge keys or anchors"))
                    if not isinstance(key_node, yaml.ScalarNode):
                        raise YamlProblem(key_node.start_mark.line + 1,
                                          msg('a list or mapping is used as a key: keys are plain words'))
                    children.append(value_node)
            else:
                children = node.value
            for child in children:
                total += size(child, depth + 1)
                if total > MAX_VALUES:
                    raise YamlProblem(line, msg('more than {MAX_VALUES} values once its aliases are expanded', MAX_VALUES=MAX_VALUES))
            open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


def line_index(text: str) -> dict:
    """Map of value paths (``('events', 2, 'at')``) to 1-based lines, for messages (of a
    text ``parse`` accepted: its shape is bounded)."""
    import yaml

    try:
        root = yaml.compose(text, Loader=_loaders()[0])
        if root is not None:
            _check_shape(root)
    except (yaml.YAMLError, YamlProblem, RecursionError):
        return {}
    index: dict = {}

    def walk(node, path):
        if path in index:
            return
        index[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key_path = path + (key_node.value,)
                walk(value_node, key_path)
                index[key_path] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, path + (i,))

    if root is not None:
        walk(root, ())
    return index


@functools.cache
def _canonical_dumper():
    import yaml

    class _CanonicalDumper(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)

        def ignore_aliases(self, data):
            return True  # a record spells every value out: no anchors, nothing to expand

    _CanonicalDumper.add_representer(str, _str_presenter)
    # Times are written bare (at: 2026-11-20T09:30:00+08:00) rather than quoted: easier to read
    # in git diff, and the strict reader above keeps them as text either way.
    _CanonicalDumper.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
    }
    return _CanonicalDumper


def __getattr__(name: str):
    if name == "_CanonicalDumper":  # made when first asked for: it loads PyYAML
        return _canonical_dumper()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Characters YAML reads as line breaks or folds away in plain and block text: a value with
# one of them is written double-quoted, where each is escaped and read back exactly.
_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _str_presenter(dumper, data):
    if any(ch in data for ch in _BREAKS) or any(ord(ch) < 32 and ch not in "\n\t" for ch in data):
        style = '"'
    elif "\n" in data:
        style = "|"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def dump(data) -> str:
    """Block style, keys in the order given, Chinese left readable."""
    fast = _fast_dump(data)
    if fast is not None:
        return fast
    import yaml

    return yaml.dump(
        data, Dumper=_canonical_dumper(), allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=1000,
    )


# How YAML 1.1 reads a plain scalar (text, a number, a flag, null, a time...): PyYAML's
# implicit resolvers as yaml.resolver.Resolver registers them, the same patterns in the
# same order for each first character, so that the direct reader and writer below judge a
# value exactly as PyYAML does without loading it.
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_IMPLICIT = (
    ("tag:yaml.org,2002:bool", re.X, r'''^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$''', "yYnNtTfFoO"),
    ("tag:yaml.org,2002:float", re.X, r'''^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$''', "-+0123456789."),
    ("tag:yaml.org,2002:int", re.X, r'''^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$''', "-+0123456789"),
    ("tag:yaml.org,2002:merge", 0, r'^(?:<<)$', ("<",)),
    ("tag:yaml.org,2002:null", re.X, r'''^(?: ~
                    |null|Null|NULL
                    | )$''', ("~", "n", "N", "")),
    (_TIMESTAMP, re.X, r'''^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                     (?:[Tt]|[ \t]+)[0-9][0-9]?
                     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$''', "0123456789"),
    ("tag:yaml.org,2002:value", 0, r'^(?:=)$', ("=",)),
    ("tag:yaml.org,2002:yaml", 0, r'^(?:!|&|\*)$', "!&*"),
)


@functools.cache
def _implicit_resolvers(times: bool) -> dict[str, list]:
    """First character -> [(tag, pattern)], as PyYAML's loader has them (``times``) or its
    dumper as svcctl makes it, which writes times bare."""
    table: dict[str, list] = {}
    for tag, flags, pattern, firsts in _IMPLICIT:
        if tag == _TIMESTAMP and not times:
            continue
        compiled = re.compile(pattern, flags)
        for first in firsts:
            table.setdefault(first, []).append((tag, compiled))
    return table


def _implicit_tag(value: str, times: bool = True) -> str:
    """The tag YAML gives ``value`` written as a plain scalar (PyYAML's ``Resolver.resolve``)."""
    for tag, pattern in _implicit_resolvers(times).get(value[:1], ()):
        if pattern.match(value):
            return tag
    return _STR


# The pure-Python emitter costs about a millisecond per record, which an import of 20,000
# tickets cannot afford. Records are shallow (scalars, and lists of scalars or of flat
# mappings), so they are written directly when every value is one the emitter would write
# unquoted, or single-quoted because it reads as a number or a flag; anything else (line
# breaks, indicators, odd spacing, floats) goes through the emitter. Tests check that both
# ways give the same bytes.
_STR = "tag:yaml.org,2002:str"
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`. ~=<")
_PRINTABLE = Lazy("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]+")
_SIMPLE = re.compile(r"[0-9A-Za-z.+_-]+")


def _fast_scalar(value) -> str | None:
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is not str or not value or len(value) > 400 or not _PRINTABLE.fullmatch(value) or value.strip() != value:
        return None
    plain = value[0] not in _INDICATORS and ": " not in value and " #" not in value and value[-1] != ":"
    if _implicit_tag(value, times=False) == _STR:
        return value if plain else None
    return f"'{value}'" if _SIMPLE.fullmatch(value) else None


def _fast_key(key) -> bool:
    return type(key) is str and _SIMPLE.fullmatch(key) is not None and key[0] not in _INDICATORS \
        and _implicit_tag(key, times=False) == _STR


class _NotSimple(Exception):
    """A value the direct writer leaves to the emitter."""


def _line(lead: str, key, value) -> str:
    text = _fast_scalar(value)
    if text is None or (key is not None and not _fast_key(key)):
        raise _NotSimple
    return f"{lead}{key}: {text}\n" if key is not None else f"{lead}{text}\n"


def _fast_dump(data) -> str | None:
    if type(data) is not dict or not data:
        return None
    out = []
    try:
        for key, value in data.items():
            if type(value) is not list:
                out.append(_line("", key, value))
                continue
            if not value or not _fast_key(key):
                return None
            out.append(f"{key}:\n")
            for item in value:
                if type(item) is not dict:
                    out.append(_line("  - ", None, item))
                    continue
                if not item:
                    return None
                out.extend(_line("  - " if n == 0 else "    ", sub, sub_value)
                           for n, (sub, sub_value) in enumerate(item.items()))
    except _NotSimple:
        return None
    return "".join(out)


# -- the fast path for records as svcctl writes them ---------------------------------------
# Building the index parses every ticket file; PyYAML spends most of its time constructing
# Python objects node by node. A ticket svcctl wrote is a flat mapping of plain or
# single-quoted scalars plus an ``events:`` list of such mappings, which a few line patterns
# read exactly. Anything else (a comment, a block or double-quoted scalar, a scalar YAML
# would read as a float, null or yes/no, a duplicate key, any unusual character) makes
# ``fast_parse`` give up and the full parser above read the file, so both always agree.
import functools as _functools  # noqa: E402
import re as _re  # noqa: E402

# The three kinds of line, as patterns: a top-level ``KEY:(?: (.+))?`` (no value: a list
# follows), a list item ``  - (?:KEY: )?(.+)`` (with a key it begins a mapping), and a
# mapping's further field ``    KEY: (.+)``; a KEY is:
_KEY_NAME = _re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT = _re.compile(r"0|[1-9][0-9]{0,17}")
_PLAIN_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_ODD_BREAKS = _re.compile("[\r\x85\u2028\u2029\x0b\x0c\x1c-\x1e\ufeff]")
_GIVE_UP = object()
# A time (core.timeutil's one pattern): YAML resolves it as a timestamp, which this loader
# keeps as text, for validation to read.
_WRITTEN_TIME = _re.compile(TIME_PATTERN)
_RESOLVED_FIRST = frozenset(first for _, _, _, firsts in _IMPLICIT for first in firsts)


def _scalar(text: str):
    # A time is the commonest value and never repeats: matched here, not cached below.
    if len(text) >= 20 and text[10] == "T" and _WRITTEN_TIME.fullmatch(text):
        return text
    return _other_scalar(text)


@_functools.lru_cache(maxsize=8192)
def _other_scalar(text: str):
    if text[0] == "'":
        inner = text[1:-1]
        if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", "") or not inner.isprintable():
            return _GIVE_UP
        return inner.replace("''", "'")
    if text[0] in _PLAIN_INDICATORS or text != text.strip() or ": " in text or " #" in text or text.endswith(":") \
            or not text.isprintable():
        return _GIVE_UP
    if text[0] not in _RESOLVED_FIRST:
        return text
    tag = _implicit_tag(text)
    if tag in (_STR, _TIMESTAMP):
        return text
    if tag == "tag:yaml.org,2002:int" and _INT.fullmatch(text):
        return int(text)
    if tag == "tag:yaml.org,2002:bool" and text in ("true", "false"):
        return text == "true"
    return _GIVE_UP


@_functools.lru_cache(maxsize=1024)
def _key(text: str) -> bool:
    """Whether ``text`` is a key the layout allows (``[A-Za-z_][A-Za-z0-9_]*``) that YAML reads as text."""
    return _KEY_NAME.fullmatch(text) is not None and _implicit_tag(text) == _STR


def fast_parse(text: str):
    """The data of a record in svcctl's own layout, exactly as ``parse`` gives it; None
    when the text is anything else (then call ``parse``). The layout: ``key: scalar`` lines,
    ``key: []``, and ``key:`` followed by a list of scalars (``  - scalar``) or of flat
    mappings (``  - key: scalar`` then ``    key: scalar``)."""
    if not text.endswith("\n") or _ODD_BREAKS.search(text) or text.count("\n") * 2 + 2 > MAX_VALUES:
        return None
    # Every file of an office passes through here when the index is built: each line is
    # split with string methods rather than matched, which reads it as the patterns above
    # would (a key holds neither ":" nor " ", so the first ": " ends it).
    scalar, key_ok = _scalar, _key
    data: dict = {}
    items = None  # the list being filled, and whether it holds mappings
    mappings = None
    current = None
    for line in text[:-1].split("\n"):
        if items is not None and line.startswith("  "):
            if line.startswith("  - "):
                rest = line[4:]
                key, sep, value = rest.partition(": ")
                if not (sep and value and key_ok(key)):
                    key, value = None, rest
                    if not value:
                        return None
                value = scalar(value)
                if value is _GIVE_UP or (mappings is not None and mappings != (key is not None)):
                    return None
                mappings = key is not None
                if mappings:
                    current = {key: value}
                    items.append(current)
                else:
                    items.append(value)
                continue
            if current is None or not line.startswith("    "):
                return None
            key, sep, value = line[4:].partition(": ")
            if not (sep and value and key_ok(key)) or key in current:
                return None
            value = scalar(value)
            if value is _GIVE_UP:
                return None
            current[key] = value
            continue
        if items is not None and not items:
            return None  # "key:" with nothing below reads as null
        items = mappings = current = None
        key, sep, value = line.partition(":")
        if not sep or key in data or not key_ok(key):
            return None
        if not value:
            items = data[key] = []
            continue
        if value == " []":  # an empty list, as the emitter writes it (a handover with no urgent work)
            data[key] = []
            continue
        if value[0] != " " or len(value) == 1:
            return None
        value = scalar(value[1:])
        if value is _GIVE_UP:
            return None
        data[key] = value
    if items is not None and not items:
        return None
    return data or None
