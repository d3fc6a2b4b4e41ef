"""Canonical YAML: one way to write the same data (same data, same bytes), and a strict
reader that rejects duplicate keys and remembers where every value sits in the file."""
from __future__ import annotations

import re

import yaml

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class YamlProblem(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _StrictLoader(_BaseLoader):
    """Safe loading that rejects duplicate keys and keeps times as text (constructors below)."""


def _strict_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key {key!r} (first at line {seen[key]})")
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep=deep)


def _keep_timestamps_as_text(loader, node):
    return loader.construct_scalar(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _strict_mapping)
# Times stay strings until the domain reads them, so an offset is never silently dropped.
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _keep_timestamps_as_text)


def parse(text: str):
    """Data from YAML text; ``YamlProblem`` with a 1-based line on any defect."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader subclass
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = f"YAML syntax: {exc.problem or exc}"
        context = exc.context_mark
        if exc.context and context is not None and mark is not None and context.line != mark.line:
            # YAML notices a defect where parsing fails, often a line after the real mistake.
            message += f" ({exc.context} at line {context.line + 1})"
        raise YamlProblem(mark.line + 1 if mark else None, message) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, f"YAML: {exc}") from None


def line_index(text: str) -> dict:
    """Map of value paths (``('events', 2, 'at')``) to 1-based lines, for messages."""
    try:
        root = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError:
        return {}
    index: dict = {}

    def walk(node, path):
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


class _CanonicalDumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _str_presenter(dumper, data):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_CanonicalDumper.add_representer(str, _str_presenter)
# Times are written bare (at: 2026-11-20T09:30:00+08:00) rather than quoted: easier to read
# in git diff, and the strict reader above keeps them as text either way.
_CanonicalDumper.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def dump(data) -> str:
    """Block style, keys in the order given, Chinese left readable."""
    fast = _fast_dump(data)
    if fast is not None:
        return fast
    return yaml.dump(
        data, Dumper=_CanonicalDumper, allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=1000,
    )


# The pure-Python emitter costs about a millisecond per record, which an import of 20,000
# tickets cannot afford. Records are shallow (scalars, and lists of scalars or of flat
# mappings), so they are written directly when every value is one the emitter would write
# unquoted, or single-quoted because it reads as a number or a flag; anything else (line
# breaks, indicators, odd spacing, floats) goes through the emitter. Tests check that both
# ways give the same bytes.
_STR = "tag:yaml.org,2002:str"
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`. ~=<")
_PRINTABLE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]+")
_SIMPLE = re.compile(r"[0-9A-Za-z.+_-]+")
_resolve = _CanonicalDumper(None).resolve


def _fast_scalar(value) -> str | None:
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is not str or not value or len(value) > 400 or not _PRINTABLE.fullmatch(value) or value.strip() != value:
        return None
    plain = value[0] not in _INDICATORS and ": " not in value and " #" not in value and value[-1] != ":"
    if _resolve(yaml.ScalarNode, value, (True, False)) == _STR:
        return value if plain else None
    return f"'{value}'" if _SIMPLE.fullmatch(value) else None


def _fast_key(key) -> bool:
    return type(key) is str and _SIMPLE.fullmatch(key) is not None and key[0] not in _INDICATORS \
        and _resolve(yaml.ScalarNode, key, (True, False)) == _STR


def _fast_dump(data) -> str | None:
    if type(data) is not dict or not data:
        return None
    out = []
    for key, value in data.items():
        if not _fast_key(key):
            return None
        if type(value) is not list:
            text = _fast_scalar(value)
            if text is None:
                return None
            out.append(f"{key}: {text}\n")
            continue
        if not value:
            return None
        out.append(f"{key}:\n")
        for item in value:
            if type(item) is not dict:
                text = _fast_scalar(item)
                if text is None:
                    return None
                out.append(f"  - {text}\n")
                continue
            if not item:
                return None
            lead = "  - "
            for sub, sub_value in item.items():
                text = _fast_scalar(sub_value)
                if text is None or not _fast_key(sub):
                    return None
                out.append(f"{lead}{sub}: {text}\n")
                lead = "    "
    return "".join(out)
