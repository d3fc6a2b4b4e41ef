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

    def __reduce__(self):  # rebuilt whole when it crosses to another process (check on every core)
        return Message, (self.template, self.args)


class Term(str):
    """A stable key of a kind (``status``/``closed``): in English text the key (or the English
    words given), a name in the reader's language when rendered (``key``)."""

    kind: str
    key: str

    def __new__(cls, kind: str, key: str, english: str | None = None):
        self = super().__new__(cls, english or key)
        self.kind = kind
        self.key = key
        return self

    def __reduce__(self):
        return Term, (self.kind, self.key, str.__str__(self))


def msg(template: str, **args) -> Message:
    return Message(template, args)


def term(kind: str, key, english: str | None = None) -> Term | str:
    return Term(kind, key, english) if isinstance(key, str) and key else key
