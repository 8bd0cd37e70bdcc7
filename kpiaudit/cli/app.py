"""The typer application: one command per module of this package (pre-commit keeps
``pre_commit/commands/`` the same way); ``lint`` is listed here but runs without typer."""

from __future__ import annotations

import io
import sys
from typing import Annotated

import typer

from ..i18n import N_
from ..safe_text import visible
from . import (
    actuals_add,
    actuals_import,
    actuals_suggest,
    diff,
    due,
    export,
    fix,
    import_plan,
    progress,
    report,
    rules,
    show,
    status,
)
from .common import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from .lint import SUMMARY as LINT_SUMMARY

app = typer.Typer(
    name="kpiaudit",
    help=(
        "Audit the KPIs of a public policy plan: unset KPIs, KPIs without a quantitative "
        "target or a deadline, compliance per chapter.\n\n"
        "政策計画のKPIを点検（未設定・定量目標なし・期限なし、章ごとの達成状況）。"
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",  # a docstring wrapped in the source reads as one paragraph
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
) -> None:
    """Options of kpiaudit itself, before the command."""


app.command("import")(import_plan.import_plan)


@app.command(
    help=f"{LINT_SUMMARY} Options: kpiaudit lint --help.",
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
def lint(ctx: typer.Context) -> int:
    # kpiaudit.cli.main sends `kpiaudit lint …` straight to .lint without typer; this entry
    # lists the command in --help and serves callers of `app` itself.
    from .lint import main as lint_main

    return lint_main(list(ctx.args))


app.command()(fix.fix)
app.command()(rules.rules)
app.command()(status.status)
app.command()(due.due)
app.command()(report.report)
app.command("diff", help=diff.help_text())(diff.diff)
app.command()(progress.progress)
app.command()(show.show)
app.command()(export.export)

actuals = typer.Typer(
    help="Actual values (実績): record them in the measure files, from a table, the RS system "
    "or the command line.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
actuals.command("import")(actuals_import.import_actuals)
actuals.command("add")(actuals_add.add)
actuals.command("suggest-map")(actuals_suggest.suggest_map)
app.add_typer(actuals, name="actuals")


def invoke(args: list[str]) -> int:
    """Run the typer application and turn click's outcomes into exit codes."""
    try:
        result = app(args=args, prog_name="kpiaudit", standalone_mode=False)
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
            for line in buffer.getvalue().splitlines():
                print(visible(line), file=sys.stderr)
            return EXIT_USAGE
        raise
    return result if isinstance(result, int) else EXIT_OK
