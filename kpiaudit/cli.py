"""The command line: arguments in, one call into the core, a reporter out.

Exit codes CI can rely on: 0 clean, 1 findings at error severity, 2 usage, configuration or
internal error. Heavy modules are imported inside the commands that need them, so that
``kpiaudit lint`` on one file is dominated by Python's start-up, not by ours.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="kpiaudit",
    help=(
        "Audit the KPIs of a public policy plan: unset KPIs, KPIs without a quantitative "
        "target or a deadline, compliance per chapter.\n\n"
        "政策計画のKPIを点検します（未設定・定量目標なし・期限なし、章ごとの達成状況）。"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root() -> None:
    """Keep typer in multi-command mode even while a single command is registered."""


class UsageError(Exception):
    """A bad argument or configuration: reported in one line, exit 2."""


def fail(message: str) -> NoReturn:
    raise UsageError(message)


def parse_iso(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date in the form YYYY-MM-DD")


@app.command("import")
def import_cmd(
    source_file: Annotated[
        Path, typer.Argument(metavar="SOURCE", help="Plan text extracted from the PDF (UTF-8).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write the measures to.")],
    base_date: Annotated[
        str | None,
        typer.Option(
            "--base-date",
            metavar="YYYY-MM-DD",
            help="Date the plan was decided; relative dates (今年度, 今夏) are read against it. "
            "Default: today.",
        ),
    ] = None,
    edition: Annotated[str, typer.Option(help="Edition label stored in plan.yaml.")] = "",
    schema_ref: Annotated[
        str, typer.Option(help="Schema path written in each file's yaml-language-server comment.")
    ] = ("../schema/measure.schema.json"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that already exist.")
    ] = False,
) -> None:
    """Turn the published plan text into measures/: one YAML file per measure plus plan.yaml.

    Example: kpiaudit import sources/digital-plan-2022-measures.txt --out measures
    --base-date 2022-06-07
    """
    from . import importer

    base = parse_iso(base_date, "--base-date") if base_date else date.today()
    try:
        raw = source_file.read_bytes()
    except OSError as exc:
        fail(f"{source_file}: cannot read: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(
            f"{source_file}: byte {exc.start}: not UTF-8 ({exc.reason}); convert the file "
            "to UTF-8 first (e.g. iconv -f SHIFT_JIS -t UTF-8)"
        )
    files, summary = importer.build(
        text, base, source_name=source_file.as_posix(), edition=edition, schema_ref=schema_ref
    )
    if summary.measures == 0:
        fail(f"{source_file}: no measures found (expected headings like [No.６－４] title)")
    try:
        existing = importer.write(out, files, force=force)
    except OSError as exc:
        fail(f"{out}: cannot write: {exc.strerror or exc}; nothing was changed")
    if existing:
        shown = ", ".join(existing[:3]) + (" …" if len(existing) > 3 else "")
        fail(
            f"{out}: {len(existing)} file(s) already exist ({shown}); nothing was written. "
            "Use --force to overwrite."
        )
    err = sys.stderr
    for line in importer.summary_lines(summary):
        print(f"wrote {len(files)} files to {out}: {line}", file=err)
    for line_no, message in summary.warnings:
        print(f"{source_file}:{line_no}: warning: {message}", file=err)


def main(argv: list[str] | None = None) -> int:
    """Entry point with the one error boundary (style: pre-commit's error_handler)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("KPIAUDIT_DEBUG") == "1"
    args = [a for a in args if a != "--debug"]
    try:
        result = app(args=args, prog_name="kpiaudit", standalone_mode=False)
    except UsageError as exc:
        print(f"kpiaudit: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except typer.Exit as exc:
        return int(exc.exit_code)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        print("kpiaudit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the boundary: any other exception is our bug
        # typer ships its own copy of click, so recognise click's exceptions by shape.
        if type(exc).__name__ == "Abort":
            return 130
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            return EXIT_USAGE
        if debug:
            raise
        print(
            f"kpiaudit: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in kpiaudit; run again with --debug for the traceback.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return result if isinstance(result, int) else EXIT_OK


def run() -> NoReturn:
    sys.exit(main())
