"""Every example in every command's ``--help`` is a command line svcctl accepts as written:
its command exists, each option is one the command takes, each value is of the option's
type and among its choices, and nothing required is missing. An option renamed or a choice
dropped then fails here, not in the hands of a clerk who copied the example.

The examples name tickets and customers of an office that is not there, so they are parsed
the way svcctl parses them (Click's own parser, every parameter's type and callback), not
run."""
from __future__ import annotations

import shlex

import click
import pytest

from svcctl.cli.click_words import EXAMPLES
from svcctl.cli.common import Obj
from svcctl.cli.main import cli


def commands(group: click.Group = cli, path: tuple = ()):
    ctx = click.Context(group, info_name="svcctl")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command.hidden:
            continue
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def examples_of(command: click.Command) -> list[str]:
    _, found, block = (command.help or "").partition(EXAMPLES)
    return [line.strip() for line in block.splitlines() if line.strip()] if found else []


EXAMPLES_BY_COMMAND = [(" ".join(path), example) for path, command in commands() for example in examples_of(command)]


def parse(argv: list[str]) -> click.Context:
    """``argv`` parsed down to the command it names, as ``svcctl`` would before running it."""
    ctx = cli.make_context("svcctl", argv, resilient_parsing=False)
    ctx.obj = Obj(*(ctx.params[name] for name in ("records_dir", "user", "lang")))  # what the group's callback makes
    while isinstance(ctx.command, click.Group):
        rest = [*ctx._protected_args, *ctx.args]
        name, command, rest = ctx.command.resolve_command(ctx, rest)
        ctx = command.make_context(name, rest, parent=ctx)
    return ctx


def test_the_commands_give_examples():
    assert len(EXAMPLES_BY_COMMAND) > 60
    assert {path for path, _ in EXAMPLES_BY_COMMAND} >= {"intake", "close", "callback", "sync", "customer add"}


@pytest.mark.parametrize("path, example", EXAMPLES_BY_COMMAND, ids=[f"{p}: {e[:40]}" for p, e in EXAMPLES_BY_COMMAND])
def test_every_help_example_is_accepted_as_written(path, example, monkeypatch):
    monkeypatch.setenv("SVCCTL_NOW", "2026-11-20 09:30")
    lexer = shlex.shlex(example.split("  #", 1)[0], posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = list(lexer)
    # A cron line sets variables first; a shell line may send the output on.
    assert "svcctl" in words, f"{path}: an example runs svcctl: {example}"
    words = words[words.index("svcctl"):]
    words = words[:next((i for i, w in enumerate(words) if set(w) <= set("<>|&;")), len(words))]
    try:
        ctx = parse(words[1:])
    except click.UsageError as error:
        pytest.fail(f"svcctl {path} --help: the example is refused ({error.format_message()}): {example}")
    # A group's examples show its subcommands.
    assert f"{ctx.command_path} ".startswith(f"svcctl {path} "), f"svcctl {path} --help shows another command: {example}"


def test_an_example_with_a_renamed_option_would_be_refused():
    with pytest.raises(click.UsageError, match="--kind"):
        parse(["intake", "--kind", "complaint", "--summary", "电梯噪音"])
    with pytest.raises(click.UsageError):
        parse(["close", "202611-A007", "--result", "已修好", "--fee", "八十"])
