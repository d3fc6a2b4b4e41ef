"""The ``svcctl`` command: global options, error handling, and the command groups."""
from __future__ import annotations

import gc
import os
import sys

import click

from .. import __version__
from ..core.errors import SvcError, from_os_error
from ..core.message import msg
from ..present.i18n import LANGUAGES
from . import click_words, complete
from .common import Obj, examples
from ..present.escapes import ShownStream, one_line

click_words.install()


def _undecodable(args) -> str | None:
    """Why an argument cannot be taken (bytes that are not UTF-8, read with surrogateescape)."""
    for i, arg in enumerate(args):
        if "\0" in str(arg):
            option = next((str(a).split("=")[0] for a in (arg, args[i - 1] if i else "") if str(a).startswith("--")),
                          None)  # the option it is given to, when there is one
            if option:
                return _say("the value of {option} contains a NUL character, which no value may hold", option=option)
            return f"argument '{one_line(arg)}' contains a NUL character, which no value may hold"
        bad = next((ch for ch in str(arg) if 0xDC80 <= ord(ch) <= 0xDCFF), None)
        if bad is not None:
            return (f"argument '{one_line(arg)}' is not UTF-8 text (byte 0x{ord(bad) - 0xDC00:02x}): "
                    "set the terminal to UTF-8 and type it again")
    return None

HELP = ("svcctl: the service desk of a property-management office.\n\n"
        "Records live as YAML files in a git repository: one file per customer and per ticket, one commit per "
        "change. Deadlines follow the office rules and the Chinese working-day calendar.\n\n"
        "Output is in the office's language (svcctl.yaml language:, Chinese for a new office); --lang zh|en or "
        "SVCCTL_LANG override it. Choices accept the English key or the Chinese name (--type 投诉, --status 待回访, "
        "--format 表格).") + examples(
    "svcctl init office --name 翠苑物业管理处 --code CY --director wang --director-name 王主任",
    "export SVCCTL_RECORDS=$PWD/office SVCCTL_USER=wang",
    "svcctl intake --type complaint --grade general --unit 3-2-1502 --summary 电梯噪音",
    "svcctl overdue")


# The module that declares each command. Only the one named on the command line is loaded
# (all of them for --help and completion): loading every command costs a short command
# a tenth of its time. A test holds the table (command_modules) to what the modules declare.
COMMAND_MODULES = {
    **dict.fromkeys(("init", "setup", "clone", "sync", "staff", "policy", "check", "commit", "merge-driver"),
                    "office_cmds"),
    "customer": "customer_cmds",
    **dict.fromkeys(("intake", "show", "list", "log", "workorder", "overdue", "callbacks"), "ticket_cmds"),
    "import": "io_cmds", "export": "io_cmds",
    "report": "report_cmds", "handover": "report_cmds",
    "print": "print_cmds",
    "notify": "notify_cmds",
    "audit": "audit_cmds",
}
# The workflow commands are the kinds of event that declare one (core.events); the kinds are
# looked at only when a name not in the table above is asked for, or for --help.
WORKFLOW_MODULE = "workflow_cmds"


def command_modules() -> dict[str, str]:
    """Every command and the module that declares it."""
    from ..core.events import commands

    return {**COMMAND_MODULES, **dict.fromkeys(commands(), WORKFLOW_MODULE)}


# Neither acts in an existing records folder, so neither takes the global options after its name.
_WITHOUT_GLOBALS = ("init", "merge-driver")


class SvcGroup(click.Group):
    """Turns every error a user can fix into one line on stderr and its exit code, in the
    reader's language as the help is; loads a command's module when the command is asked for."""

    context_class = click_words.HelpContext

    def list_commands(self, ctx) -> list[str]:
        return sorted({*self.commands, *command_modules()})

    def get_command(self, ctx, name: str):
        if name not in self.commands:
            module = COMMAND_MODULES.get(name) or command_modules().get(name)
            if module is not None:
                self.load(module)
        return self.commands.get(name)

    def load(self, module_name: str) -> None:
        import importlib

        before = set(self.commands)
        importlib.import_module(f"{__package__}.{module_name}").register(self)
        for name in set(self.commands) - before:
            _show_help_translated(self.commands[name])
            if name not in _WITHOUT_GLOBALS:
                _accept_global_options_after(self.commands[name])

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # Whatever svcctl prints passes through shown(): a control character typed into a
        # name or pulled in from another PC's record reaches the terminal escaped.
        streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = ShownStream(sys.stdout), ShownStream(sys.stderr)
        try:
            code = self._main(args, prog_name, complete_var, **extra)
        finally:
            sys.stdout, sys.stderr = streams
            if "svcctl.store.walk" in sys.modules:
                sys.modules["svcctl.store.walk"].stop_early()
        if standalone_mode:
            sys.exit(code)
        return code

    def _main(self, args, prog_name, complete_var, **extra) -> int:
        click_words.remember_arguments(sys.argv[1:] if args is None else args)
        undecodable = _undecodable(sys.argv[1:] if args is None else args)
        if undecodable:
            click.echo(f"svcctl: {undecodable}", err=True)
            return 2
        # Click's own usage errors come as usage + hint + message; one line reads better in
        # a cron mail and is what every other svcctl error looks like.
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Abort:
            click.echo(f"svcctl: {_say('aborted')}", err=True)
            result = 130
        except click.exceptions.NoArgsIsHelpError as exc:  # a group named alone: its help, as --help shows it
            click.echo(exc.ctx.get_help(), err=True)
            result = exc.exit_code
        except click.ClickException as exc:
            click.echo(f"svcctl: {_worded(exc)}", err=True)
            result = exc.exit_code
        return result if isinstance(result, int) else 0

    def invoke(self, ctx: click.Context):
        worked = False
        try:
            result = super().invoke(ctx)
            worked = True
            return result
        except SvcError as exc:
            _refuse(ctx, exc)
        except KeyboardInterrupt:
            click.echo(f"svcctl: {_say('interrupted')}", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader (head, less) went away: not an error of ours, and nothing more to say.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except (click.exceptions.Exit, SystemExit) as exc:  # a command's answer by its exit code (overdue found some)
            worked = exc.exit_code in (0, 1) if isinstance(exc, click.exceptions.Exit) else exc.code in (0, 1, None)
            raise
        except (click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: one line for the user, the traceback on request
            refused = from_os_error(exc, _records_folder(ctx)) if isinstance(exc, OSError) else None
            if refused is not None:  # a full disk, a folder this account may not change: not a bug
                _refuse(ctx, refused)
            if os.environ.get("SVCCTL_DEBUG"):
                raise
            click.echo("svcctl: " + _say("internal error: {kind}: {error} (set SVCCTL_DEBUG=1 for details)",
                                         kind=type(exc).__name__, error=one_line(str(exc))), err=True)
            ctx.exit(70)
        finally:
            env = _env(ctx)
            if env is not None:
                if worked:  # a command that failed says only why
                    _tell(ctx, env)
                env.close()  # the next command in this process must not wait on the index's locks


def _worded(exc: click.ClickException) -> str:
    """A usage error in one line and the reader's language: Click's words from the catalog,
    svcctl's own (a bad amount, an unknown status) localised."""
    from ..present.i18n import localise

    ctx = getattr(exc, "ctx", None)
    lang = click_words.context_language(ctx)
    with click_words.worded_in(lang):
        exc.message = localise(exc.message, lang)
        if isinstance(exc, click.exceptions.NoSuchOption):  # worded while parsing, maybe before the office was read
            exc.message = click_words.click_word("No such option {name!r}.").format(name=exc.option_name)
        hint = localise(msg(" (see '{command} --help')", command=ctx.command_path), lang) \
            if isinstance(exc, click.UsageError) and ctx else ""
        text = one_line(exc.format_message())
        if lang == "zh" and text.endswith("."):
            text = text[:-1] + "。"  # Click ends some messages with its own full stop, whatever the words
        return text + hint


def _show_help_translated(command: click.Command) -> None:
    command.context_class = click_words.HelpContext
    for sub in getattr(command, "commands", {}).values():
        _show_help_translated(sub)


def _env(ctx: click.Context):
    """The command's Env, when it got as far as making one."""
    obj = ctx.find_object(Obj)
    return getattr(obj, "_env", None) if obj is not None else None


def _records_folder(ctx: click.Context) -> str | None:
    env = _env(ctx)
    return str(env.records.root) if env is not None and "records" in env.__dict__ else None


def _refuse(ctx: click.Context, exc: SvcError):
    obj = ctx.find_object(Obj)
    text = obj.localise(exc.message) if obj is not None else _say(exc.message)
    click.echo(f"svcctl: {one_line(text)}", err=True)
    ctx.exit(exc.exit_code)


def _tell(ctx: click.Context, env) -> None:
    """What the records had to say along the way, each once (the index given up, say)."""
    for notice in env.notices:
        click.echo(f"svcctl: {one_line(ctx.find_object(Obj).localise(notice))}", err=True)


def _say(template: str, **args) -> str:
    """A line in the reader's language where no command has started (or none could):
    --lang as typed, else SVCCTL_LANG, else Chinese."""
    from ..present.i18n import localise

    return localise(msg(template, **args) if args else template, click_words.typed_language())


@click.group(cls=SvcGroup, help=HELP, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--records", "records_dir", metavar="DIR", help="Records folder (default: $SVCCTL_RECORDS, else found upwards from here).")
@click.option("--as", "user", metavar="STAFF", shell_complete=complete.staff,
              help="Acting staff id (default: $SVCCTL_USER, else git user.name if on the roster).")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of what you read: zh (Chinese) or en (English) "
              "(default: $SVCCTL_LANG, else svcctl.yaml's language:, else zh).")
@click.version_option(__version__, prog_name="svcctl", help="Show the version and exit.")  # worded when shown
@click.pass_context
def cli(ctx: click.Context, records_dir: str | None, user: str | None, lang: str | None) -> None:
    ctx.obj = Obj(records_dir, user, lang)
    if ctx.invoked_subcommand is None:  # plain 'svcctl': a short overview, not an error
        from ..present.overview import overview

        click.echo(overview(ctx.obj.language()))




def _remember(attribute: str):
    def callback(ctx: click.Context, _param, value):
        if value is not None:
            setattr(ctx.find_object(Obj), attribute, value)
    return callback


def _accept_global_options_after(command: click.Command) -> None:
    """People type ``svcctl intake ... --as li`` as often as ``svcctl --as li intake ...``."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _accept_global_options_after(sub)
        return
    names = {opt for param in command.params for opt in getattr(param, "opts", ())}
    if "--as" not in names:
        command.params.append(click.Option(["--as", "as_"], metavar="STAFF", expose_value=False,
                                           shell_complete=complete.staff, callback=_remember("user"),
                                           help="Acting staff id (as the global --as)."))
    if "--records" not in names:
        command.params.append(click.Option(["--records", "records_"], metavar="DIR", expose_value=False,
                                           callback=_remember("records_dir"), help="Records folder (as the global --records)."))
    if "--lang" not in names:
        command.params.append(click.Option(["--lang", "lang_"], type=click.Choice(LANGUAGES), expose_value=False,
                                           callback=_remember("lang"), help="zh or en (as the global --lang)."))


def main() -> None:
    try:
        cli(prog_name="svcctl")
    finally:
        # The process ends here, and the interpreter's last collections would look at every
        # object once more before freeing them: a tenth of a short command's time. Nothing
        # needs them: every file svcctl writes is closed and every git child waited for.
        gc.freeze()
