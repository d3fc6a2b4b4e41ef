"""Click's own words (usage errors, ``Usage:``, ``Options:``) and every command's help, in the
reader's language.

Click words its messages with ``gettext`` looked up in each of its modules; those lookups go to
svcctl's catalog instead, whose msgids are Click's English. Help strings are English msgids
(a ``Message`` where a help names choices) translated when the help is shown, on a copy of the
command: the commands themselves are shared and stay English.
"""
from __future__ import annotations

import copy
import os
import sys
from contextlib import contextmanager

import click

# Click's modules that word what a person reads.
_CLICK_MODULES = ("core", "exceptions", "parser", "types", "formatting", "decorators", "termui", "utils")
# The block examples() appends to a help: commands, read as typed in either language.
EXAMPLES = "\n\n\b\nExamples:\n"

# Click's messages a person can meet with svcctl's commands, and the words svcctl's help adds:
# the catalog translates each (tests/catalog.py reads this list).
CLICK_MESSAGES = (
    "Usage:", "Options", "Commands", "Positional arguments", "OPTIONS", "Examples:",
    "Show this message and exit.", "Show the version and exit.", "%(prog)s, version %(version)s",
    "default: {default}", "required", "env var: {var}",
    "Invalid value for {param_hint}: {message}", "Invalid value: {message}",
    "Missing argument", "Missing option", "Missing parameter", "Missing {param_type}",
    "Missing parameter: {param_name}", "Missing command.",
    "No such option {name!r}.", "No such command {name!r}.",
    "Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)",
    "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})",
    "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.",
    "Option {name!r} does not take a value.",
    "{value!r} is not {choice}.", "{value!r} is not one of {choices}.", "Choose from:\n\t{choices}",
    "{value!r} is not a valid {number_type}.", "{value} is not in the range {range}.",
    "file", "directory", "path", "{name} {filename!r} does not exist.", "{name} {filename!r} is a file.",
    "{name} {filename!r} is a directory.", "{name} {filename!r} is not readable.",
    "{name} {filename!r} is not writable.",
)

_chosen: list[str] = []  # the language fixed while a help or an error is worded
# Click keeps a help as plain text: the message each help naming choices was made from, by its English.
_HELP_MESSAGES: dict[str, object] = {}


def help_msg(template: str, **args) -> str:
    """A help that names values (``{choices}``), translated when shown as its template is."""
    from ..core.message import msg

    message = msg(template, **args)
    _HELP_MESSAGES[str(message)] = message
    return message


_typed: list[list[str]] = []  # the arguments of the command being run


def remember_arguments(args) -> None:
    """What was typed, for the --lang in it before a command has read its options."""
    _typed[:] = [[str(a) for a in args]]


def _typed_lang() -> str | None:
    from ..present.i18n import normalise_language

    argv = _typed[0] if _typed else sys.argv[1:]
    return normalise_language(next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--lang"), None))


def typed_language() -> str:
    """The reader's language from what needs no records: --lang as typed, else SVCCTL_LANG,
    else Chinese."""
    from ..present.i18n import DEFAULT, normalise_language

    return _typed_lang() or normalise_language(os.environ.get("SVCCTL_LANG")) or DEFAULT


def context_language(ctx: click.Context | None) -> str:
    """The reader's language for a command's context: --lang as typed (a usage error may come
    before the option is read), else the office's when it can be read."""
    from .common import Obj

    obj = ctx.find_object(Obj) if ctx is not None else None
    if obj is None or (obj.lang is None and _typed_lang()):
        return typed_language()
    return obj.language()


@contextmanager
def worded_in(lang: str):
    _chosen.append(lang)
    try:
        yield
    finally:
        _chosen.pop()


def _language() -> str:
    if _chosen:
        return _chosen[-1]
    from .common import Obj

    # Click words some messages while parsing, before a command has opened the records: the
    # office's language is known only once they are open.
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(Obj) if ctx is not None else None
    if obj is not None and (obj.lang or obj._env is not None):
        return context_language(ctx)
    return typed_language()


def click_word(text: str) -> str:
    """One of Click's messages in the reader's language."""
    from ..present.i18n import words

    return words(_language())(text)


def _ngettext(one: str, many: str, n: int) -> str:
    return click_word(one if n == 1 else many)


def install() -> None:
    """Send Click's gettext lookups to svcctl's catalog."""
    import importlib

    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = click_word
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext


def help_text(text, lang: str):
    """A help string in ``lang``: the English msgid (or ``Message``) translated, the examples
    block kept as typed under a translated heading."""
    from ..present.i18n import localise

    if not text:
        return text
    prose, found, examples = str(text).partition(EXAMPLES)
    prose = localise(_HELP_MESSAGES.get(prose, prose), lang)
    if found:
        return prose + EXAMPLES.replace("Examples:", localise("Examples:", lang)) + examples
    return prose


def translated(command: click.Command, lang: str) -> click.Command:
    """A copy of ``command`` whose help, options' help and subcommands' help read in ``lang``."""
    shown = copy.copy(command)
    shown.help = help_text(command.help, lang)
    shown.short_help = help_text(command.short_help, lang) or _first_sentence(shown.help)
    shown.epilog = help_text(command.epilog, lang)
    if command.options_metavar == "[OPTIONS]":
        shown.options_metavar = "[" + help_text("OPTIONS", lang) + "]"
    shown.params = [_translated_param(p, lang) for p in command.params]
    shown._help_option = None  # Click keeps the one it made first, worded in the language of then
    if isinstance(command, click.Group):
        listed = command.get_command

        def get_command(ctx, name):
            found = listed(ctx, name)
            return translated(found, lang) if found is not None else None
        shown.get_command = get_command
    return shown


def _first_sentence(text):
    """What a command list shows of a help: Click finds a sentence's end by '.', which Chinese
    does not write."""
    if not text or "。" not in text:
        return None
    return text.split(EXAMPLES)[0].split("。")[0] + "。"


def _translated_param(param: click.Parameter, lang: str) -> click.Parameter:
    shown = copy.copy(param)
    if getattr(param, "help", None):
        shown.help = help_text(param.help, lang)
    return shown


class HelpContext(click.Context):
    """A context whose help is shown in the reader's language."""

    def get_help(self) -> str:
        lang = context_language(self)
        with worded_in(lang):
            return translated(self.command, lang).get_help(self)
