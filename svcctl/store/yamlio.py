"""Canonical YAML: one way to write the same data (same data, same bytes), and a strict
reader that rejects duplicate keys and remembers where every value sits in the file."""
from __future__ import annotations

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
    return yaml.dump(
        data, Dumper=_CanonicalDumper, allow_unicode=True, sort_keys=False,
        default_flow_style=False, width=1000,
    )
