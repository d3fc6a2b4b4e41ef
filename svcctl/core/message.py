"""Messages that can be read in any language.

Core code speaks English, but it never fixes the words: ``msg(template, **args)`` is the
English text (a ``str``, so tests, logs and JSON read it as before) that also remembers its
template and arguments, and ``term(kind, key)`` is a stable key (a status, a request type)
that the rendering layer names in the reader's language. ``svcctl.present.i18n.localise``
turns either into the reader's words: the template is the catalog's msgid.
"""
from __future__ import annotations


class Message(str):
    """English text that remembers the template and arguments it was made from."""

    template: str
    args: dict

    def __new__(cls, template: str, args: dict):
        text = template.format(**args) if args else template
        self = super().__new__(cls, text)
        self.template = template
        self.args = args
        return self


class Term(str):
    """A stable key of a kind (``status``/``closed``): the key in English text, a label when rendered."""

    kind: str

    def __new__(cls, kind: str, key: str):
        self = super().__new__(cls, key)
        self.kind = kind
        return self


def msg(template: str, **args) -> Message:
    return Message(template, args)


def term(kind: str, key) -> Term | str:
    return Term(kind, key) if isinstance(key, str) and key else key
