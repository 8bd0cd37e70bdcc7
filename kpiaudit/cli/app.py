"""The typer application: one command per module of this package (pre-commit keeps
``pre_commit/commands/`` the same way); ``lint`` is listed here but runs without typer.

typer reads help when it builds its click commands, so the help here is English (marked with
``N_``) and :func:`build` translates the built commands, every run, in the language
:mod:`.language` chose: a module imported earlier in another language changes nothing."""

from __future__ import annotations

import functools
import inspect
import io
import re
import sys
from collections.abc import Callable
from typing import Annotated, Any, get_type_hints

import typer

from ..i18n import N_, _
from ..safe_text import visible
from . import (
    actuals_add,
    actuals_import,
    actuals_suggest,
    clean,
    diff,
    due,
    export,
    fix,
    import_plan,
    lint,
    progress,
    report,
    rules,
    show,
    status,
)
from .common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from .language import LANG_HELP

HELP_OPTIONS = ["-h", "--help"]

HELP = N_(
    "Audit the KPIs of a public policy plan: unset KPIs, KPIs without a quantitative target or a "
    "deadline, compliance per chapter."
)
FRONT_HELP = N_("{summary} Options: kpiaudit {name} --help.")
ACTUALS_HELP = N_(
    "Actual values (実績): record them in the measure files, from a table, the RS system or the "
    "command line."
)

app = typer.Typer(
    name="kpiaudit",
    help=HELP,
    no_args_is_help=True,
    rich_markup_mode="markdown",  # a docstring wrapped in the source reads as one paragraph
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": HELP_OPTIONS},
)

LangOpt = Annotated[str | None, typer.Option("--lang", metavar="LANG", help=LANG_HELP)]


def with_lang(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command`` with a ``--lang`` option in its help. The option is never parsed here:
    kpiaudit.cli.main has taken it out of the arguments and set the language already."""

    @functools.wraps(command)
    def wrapper(*args: Any, lang: str | None = None, **kwargs: Any) -> Any:
        return command(*args, **kwargs)

    signature = inspect.signature(command, eval_str=True)
    parameter = inspect.Parameter(
        "lang", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=LangOpt
    )
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), parameter]
    )
    wrapper.__annotations__ = {
        **get_type_hints(command, include_extras=True),
        "lang": LangOpt,
    }
    return wrapper


def _version(show: bool) -> None:
    if show:
        from .. import __version__

        print(f"kpiaudit {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            is_eager=True,
            callback=_version,
            help=N_("Print kpiaudit's version and exit."),
        ),
    ] = False,
    lang: LangOpt = None,
) -> None:
    """Options of kpiaudit itself, before the command."""


app.command("import", help=import_plan.HELP)(with_lang(import_plan.import_plan))


def front(name: str, summary: str, main: Callable[[list[str]], int]) -> None:
    """List a command parsed by argparse (kpiaudit.cli.main sends it there without typer):
    this entry gives it a line in --help and serves callers of ``app`` itself."""

    @app.command(
        name,
        help=FRONT_HELP.format(summary=summary, name=name),
        add_help_option=False,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )
    def command(ctx: typer.Context) -> int:
        return main(list(ctx.args))


front("lint", lint.SUMMARY, lint.main)
app.command(help=fix.HELP)(with_lang(fix.fix))
app.command(help=rules.HELP)(with_lang(rules.rules))
front("status", status.SUMMARY, status.main)
front("due", due.SUMMARY, due.main)
app.command(help=report.HELP)(with_lang(report.report))
app.command("diff", help=diff.HELP)(with_lang(diff.diff))
app.command(help=progress.HELP)(with_lang(progress.progress))
app.command(help=show.HELP)(with_lang(show.show))
app.command(help=export.HELP)(with_lang(export.export))
app.command(help=clean.HELP)(with_lang(clean.clean))

actuals = typer.Typer(
    help=ACTUALS_HELP,
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": HELP_OPTIONS},
)
actuals.command("import", help=actuals_import.HELP)(with_lang(actuals_import.import_actuals))
actuals.command("add", help=actuals_add.HELP)(with_lang(actuals_add.add))
actuals.command("suggest-map", help=actuals_suggest.HELP)(with_lang(actuals_suggest.suggest_map))
app.add_typer(actuals, name="actuals")

# Help whose English text is filled in before it is translated: its English text → how to
# say it in the run's language.
_FILLED: dict[str, Callable[[], str]] = {diff.HELP: diff.help_text}


def _say_front(name: str, summary: str) -> Callable[[], str]:
    return lambda: _(FRONT_HELP).format(summary=_(summary), name=name)


for _name, _summary in (("lint", lint.SUMMARY), ("status", status.SUMMARY), ("due", due.SUMMARY)):
    _FILLED[FRONT_HELP.format(summary=_summary, name=_name)] = _say_front(_name, _summary)

# typer's own words in its help screens (rich_utils reads these module constants when it
# draws a screen): marked here, so that the catalogue has them.
_TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {}]"),
}
_HELP_OPTION = N_("Show this message and exit.")


class _Folded:
    """A help text drawn with rich's ``overflow="fold"``. rich breaks lines at spaces only, and
    typer draws option help in table cells that cut what does not fit with "…": a Japanese
    sentence, which has no spaces, lost its end at 80 columns. Folded, it wraps at the edge of
    its column, as Japanese text does; English, which has spaces, wraps as before."""

    def __init__(self, renderable: Any) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield from console.render(self.renderable, options.update(overflow="fold"))

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.renderable)


def _folded_help(rich_utils: Any) -> None:
    """Make typer draw every help text it builds (its ``_make_rich_text``) folded, once."""
    make = getattr(rich_utils, "_make_rich_text", None)
    if make is None or getattr(make, "folded", False):
        return

    @functools.wraps(make)
    def folded(*args: Any, **kwargs: Any) -> Any:
        return _Folded(make(*args, **kwargs))

    folded.folded = True  # type: ignore[attr-defined]
    rich_utils._make_rich_text = folded


def build() -> Any:
    """The click command typer builds from :data:`app`, its help in the run's language."""
    from typer import rich_utils

    for name, word in _TYPER_WORDS.items():
        setattr(rich_utils, name, _(word))
    _folded_help(rich_utils)
    command = typer.main.get_command(app)
    _translate(command)
    return command


def _translate(command: Any) -> None:
    if command.help:
        filled = _FILLED.get(command.help)
        command.help = filled() if filled else _(command.help)
    # click writes "Usage: " itself, in its help screens and usage errors alike.
    prefix = _("Usage: {usage}").format(usage="")

    def format_usage(ctx: Any, formatter: Any) -> None:
        pieces = command.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=prefix)

    command.format_usage = format_usage
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _(param.help)
    if command.add_help_option:
        # The help option is made on first use and kept; made here, with the names every
        # command of the app has, so that its line is translated too.
        context = typer.Context(command, help_option_names=HELP_OPTIONS)
        option = command.get_help_option(context)
        if option is not None:
            option.help = _(_HELP_OPTION)
    for sub in getattr(command, "commands", {}).values():
        _translate(sub)


def invoke(args: list[str]) -> int:
    """Run the typer application and turn click's outcomes into exit codes."""
    try:
        result = build()(args=args, prog_name="kpiaudit", standalone_mode=False)
    except SystemExit:
        # click meets a closed pipe by wrapping stdout and exiting 1; report it as the closed
        # pipe it is, so that every command ends the same way (kpiaudit.cli.main).
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            sys.stdout = getattr(sys.stdout, "wrapped", sys.stdout)
            raise BrokenPipeError from None
        raise
    except typer.Exit as exc:
        return int(exc.exit_code)
    except Exception as exc:
        # typer ships its own copy of click, so recognise click's exceptions by shape.
        if type(exc).__name__ == "Abort":
            return EXIT_INTERRUPTED
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            # click quotes what was typed (an option name, a value) as it is: made visible.
            buffer = io.StringIO()
            show(file=buffer)
            for line in shown_error(buffer.getvalue(), exc):
                print(visible(line), file=sys.stderr)
            return EXIT_USAGE
        raise
    return result if isinstance(result, int) else EXIT_OK


# click's usage errors are English f-strings in typer's copy of click: the ones people meet
# are recognised by their words and said again in the run's language; any other stays English.
_CLICK_ERRORS = [
    (
        re.compile(r"No such option: (?P<name>.+) Did you mean (?P<option>\S+)\?"),
        N_("No such option: {name} Did you mean {option}?"),
    ),
    (
        re.compile(r"No such option: (?P<name>.+) \(Possible options: (?P<options>.+)\)"),
        N_("No such option: {name} (Possible options: {options})"),
    ),
    (re.compile(r"No such option: (?P<name>.+)"), N_("No such option: {name}")),
    (
        re.compile(r"Option '(?P<name>.+)' requires an argument\."),
        N_("Option '{name}' requires an argument."),
    ),
    (re.compile(r"Missing option '(?P<name>.+)'\."), N_("Missing option '{name}'.")),
    (re.compile(r"Missing argument '(?P<name>.+)'\."), N_("Missing argument '{name}'.")),
    (
        re.compile(r"Got unexpected extra argument \((?P<args>.*)\)"),
        N_("Got unexpected extra argument ({args})"),
    ),
    (
        re.compile(r"Got unexpected extra arguments \((?P<args>.*)\)"),
        N_("Got unexpected extra arguments ({args})"),
    ),
    (re.compile(r"No such command '(?P<name>.+)'\."), N_("No such command '{name}'.")),
]
_TRY = re.compile(r"Try '(?P<command>.+)' for help\.")


def shown_error(shown: str, exc: Exception) -> list[str]:
    """The lines click showed for a usage error, in the run's language."""
    english = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = english
    for pattern, template in _CLICK_ERRORS:
        match = pattern.fullmatch(english)
        if match:
            message = _(template).format(**match.groupdict())
            break
    lines = []
    for line in shown.splitlines():
        try_line = _TRY.fullmatch(line)
        if try_line:
            line = _("Try '{command}' for help.").format(command=try_line["command"])
        elif line == f"Error: {english}":
            line = _("Error: {message}").format(message=message)
        elif line.startswith("Usage: "):
            line = _("Usage: {usage}").format(usage=line.removeprefix("Usage: "))
        lines.append(line)
    return lines
