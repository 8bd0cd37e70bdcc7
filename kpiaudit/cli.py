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
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from .config import Config

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


def _use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _setup(paths: list[Path] | None, config_file: Path | None) -> tuple[list[Path], Config]:
    from .config import ConfigError, load_config

    try:
        config = load_config(explicit=config_file)
    except ConfigError as exc:
        fail(str(exc))
    if not paths:
        default = config.measures or Path("measures")
        if not default.is_dir():
            fail(
                f"no measures directory {default}; name files or directories to check, or set "
                'measures = "…" under [tool.kpiaudit] in pyproject.toml'
            )
        paths = [default]
    return list(paths), config


PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="[PATHS]...",
        help="Measure files or directories. Default: the configured measures "
        "directory, else ./measures.",
        show_default=False,
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Read settings from FILE instead of searching for "
        ".kpiaudit.toml or [tool.kpiaudit] in pyproject.toml.",
    ),
]


@app.command()
def lint(
    paths: PathsArg = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            metavar="CODES", help="Only these rules (codes, prefixes or names, comma-separated)."
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(metavar="CODES", help="Skip these rules.")
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text (default), json, github (workflow annotations) or sarif (code scanning).",
        ),
    ] = "text",
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Also print how many findings each rule produced.")
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are errors (report only).")
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Report only findings not recorded in FILE (existing debt)."
        ),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Record today's findings in FILE and exit 0."),
    ] = None,
    config_file: ConfigOpt = None,
) -> int:
    """Check measure files: schema, unset KPIs (K101), no quantitative target (K102), no
    deadline (K103) and consistency. Exit 0 clean, 1 errors found, 2 usage or config error.

    Examples: kpiaudit lint · kpiaudit lint measures/06-04.yaml --format github ·
    kpiaudit lint --select K1 --statistics · kpiaudit lint --baseline .kpiaudit-baseline.json
    """
    from .lint import apply_baseline, audit
    from .reporters import REPORTERS

    if output_format not in REPORTERS:
        fail(f"--format: {output_format!r} is not one of {', '.join(REPORTERS)}")
    targets, config = _setup(paths, config_file)
    if select:
        config.select = _split(select)
    if ignore:
        config.ignore = [*config.ignore, *_split(ignore)]
    from .rules import RULES

    for code in [*config.select, *config.ignore]:
        if (
            code.upper() != "ALL"
            and not any(c.startswith(code.upper()) for c in RULES)
            and not any(r.name == code.lower() for r in RULES.values())
        ):
            fail(f"unknown rule {code!r}; `kpiaudit rules` lists them")
    result = audit(targets, config)
    findings = result.findings
    err = sys.stderr
    if write_baseline is not None:
        from .lint import write_baseline as write

        try:
            write(write_baseline, findings)
        except OSError as exc:
            fail(f"{write_baseline}: cannot write: {exc.strerror or exc}")
        print(f"kpiaudit: recorded {len(findings)} finding(s) in {write_baseline}", file=err)
        return EXIT_OK
    if baseline is not None:
        try:
            findings, fixed = apply_baseline(baseline, findings)
        except (OSError, ValueError) as exc:
            fail(f"{baseline}: cannot use as a baseline: {exc}")
        for key in fixed:
            print(
                f"kpiaudit: fixed since the baseline: {key} (remove it with --write-baseline)",
                file=err,
            )
    out = sys.stdout
    REPORTERS[output_format](findings, out, output_format == "text" and _use_color(out))
    if statistics:
        stream = out if output_format == "text" else err
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.code] = counts.get(f.code, 0) + 1
        for code, n in sorted(counts.items()):
            print(f"{n:6d}  {code}  {RULES[code].name}", file=stream)
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    if output_format == "text":
        print(
            f"{len(findings)} finding(s): {errors} error(s), {warnings} warning(s) in "
            f"{result.files} file(s)",
            file=err,
        )
    return EXIT_FINDINGS if errors and not exit_zero else EXIT_OK


@app.command()
def rules(
    code: Annotated[
        str | None,
        typer.Argument(help="A rule code or name (K102, no-quantitative-target) to explain."),
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> int:
    """List the rules, or explain one: kpiaudit rules K102."""
    import json

    from .rules import RULES, resolve

    chosen = list(RULES.values())
    if code is not None:
        rule = resolve(code)
        if rule is None:
            fail(f"unknown rule {code!r}; `kpiaudit rules` lists them")
        chosen = [rule]
    if output_format == "json":
        print(json.dumps([r.__dict__ for r in chosen], ensure_ascii=False, indent=2))
        return EXIT_OK
    if code is not None:
        r = chosen[0]
        print(
            f"{r.code} {r.name} (default severity: {r.severity})\n\n{r.summary}\n\n"
            f"{r.explanation}\n\nExample:\n"
            + "\n".join("    " + ln for ln in r.example.split("\n"))
        )
        return EXIT_OK
    for r in chosen:
        print(f"{r.code}  {r.name:<24} {r.severity:<8} {r.summary}")
    return EXIT_OK


def _table_format(fmt: str | None, stream: object) -> str:
    from .reporters.tables import TABLE_FORMATS

    if fmt is None:
        return "table" if _use_color(stream) or os.environ.get("FORCE_COLOR") else "plain"
    if fmt not in TABLE_FORMATS:
        fail(f"--format: {fmt!r} is not one of {', '.join(TABLE_FORMATS)}")
    return fmt


def _chapter(value: str | None) -> int | None:
    from .views import parse_chapter

    if value is None:
        return None
    try:
        return parse_chapter(value)
    except ValueError as exc:
        fail(f"--chapter: {exc}")


FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table (rich, default on a terminal), plain "
        "(default when piped), markdown, github, csv or json.",
    ),
]
ChapterOpt = Annotated[
    str | None, typer.Option("--chapter", "-c", metavar="N", help="Chapter number: 6, Ⅵ or VI.")
]


@app.command()
def status(
    paths: PathsArg = None,
    chapter: ChapterOpt = None,
    output_format: FormatOpt = None,
    config_file: ConfigOpt = None,
) -> int:
    """Compliance per chapter: KPIs, unset, without quantitative target, without deadline,
    compliant (set, quantitative and dated). With --chapter, one row per measure too.

    Examples: kpiaudit status · kpiaudit status --chapter 6 · kpiaudit status -f markdown
    """
    from .lint import audit
    from .reporters.tables import dump_json, render
    from .views import status as compute
    from .views import status_table

    number = _chapter(chapter)
    targets, config = _setup(paths, config_file)
    result = audit(targets, config)
    out = sys.stdout
    fmt = _table_format(output_format, out)
    chapters, total, measures = compute(result, number)
    if number is not None and not measures:
        fail(f"--chapter: no measures in chapter {number}")
    if fmt == "json":
        doc: dict[str, object] = {
            "chapters": [{"chapter": int(r.key), **r.as_json()} for r in chapters],
            "total": total.as_json(),
        }
        if number is not None:
            doc["measures"] = [{"measure": r.key, **r.as_json()} for r in measures]
        dump_json(doc, out)
        return EXIT_OK
    color = fmt == "table" and _use_color(out)
    headers, rows = status_table(chapters, total if number is None else None, "chapter")
    fractions = [r.compliance for r in chapters] + ([total.compliance] if number is None else [])
    title = result.plan.title or "kpiaudit status"
    render(
        headers,
        rows,
        out,
        fmt,
        title=title,
        color=color,
        bar_column=len(headers),
        fractions=fractions,
    )
    if number is not None:
        headers, rows = status_table(measures, None, "measure")
        del headers[2]  # a measure row is one measure
        for row in rows:
            del row[2]
        out.write("\n")
        render(
            headers,
            rows,
            out,
            fmt,
            title=f"Chapter {number}: measures",
            color=color,
            bar_column=len(headers),
            fractions=[r.compliance for r in measures],
        )
    if result.findings and any(f.code.startswith("E") for f in result.findings):
        bad = sum(f.code.startswith("E") for f in result.findings)
        print(
            f"kpiaudit: {bad} file problem(s) left measures out; run kpiaudit lint", file=sys.stderr
        )
    return EXIT_OK


def _date_arg(value: str | None, option: str) -> date | None:
    from .jpdate import DateParseError, parse_date

    if value is None:
        return None
    try:
        return parse_date(value).start
    except DateParseError as exc:
        fail(f"{option}: {exc}")


@app.command()
def due(
    paths: PathsArg = None,
    before: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="Deadlines before the start of DATE: 2025 (= before 2025-01-01), "
            "2025-03 (before 1 March), 2025-03-15, 令和7年, 令和6年度 (before 2024-04-01), "
            "令和7年3月.",
        ),
    ] = None,
    after: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Deadlines on or after the start of DATE (same forms)."),
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only deadlines already past (before --today).")
    ] = False,
    chapter: ChapterOpt = None,
    kind: Annotated[str | None, typer.Option(metavar="KIND", help="progress or outcome.")] = None,
    include_recurring: Annotated[
        bool,
        typer.Option(
            "--include-recurring", help="Also list recurring deadlines (毎年度, 年間60回)."
        ),
    ] = False,
    today: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD", help="The date overdue is judged against. Default: today."
        ),
    ] = None,
    output_format: FormatOpt = None,
    config_file: ConfigOpt = None,
) -> int:
    """Milestones by deadline: one row per dated milestone, sorted by date, with its target,
    the deadline's original wording and whether it is overdue.

    Examples: kpiaudit due --before 2025-03 · kpiaudit due --before 令和6年度 --kind outcome ·
    kpiaudit due --overdue --today 2024-04-01 -f csv
    """
    from .lint import audit
    from .reporters.tables import dump_json, render
    from .views import due as compute

    before_date = _date_arg(before, "--before")
    after_date = _date_arg(after, "--after")
    today_date = parse_iso(today, "--today") if today else date.today()
    if kind is not None and kind not in ("progress", "outcome"):
        fail(f"--kind: {kind!r} is not progress or outcome")
    number = _chapter(chapter)
    targets, config = _setup(paths, config_file)
    result = audit(targets, config)
    rows = compute(
        result,
        before=before_date,
        after=after_date,
        today=today_date,
        overdue_only=overdue,
        chapter=number,
        kind=kind,
        include_recurring=include_recurring,
    )
    out = sys.stdout
    fmt = _table_format(output_format, out)
    if fmt == "json":
        dump_json([r.as_json() for r in rows], out)
        return EXIT_OK
    headers = ["deadline", "measure", "KPI", "target", "wording", "overdue"]
    body = [
        [
            r.deadline.isoformat() if r.deadline else "recurring",
            r.measure,
            r.kpi,
            r.target,
            r.deadline_text,
            "overdue" if r.overdue else "",
        ]
        for r in rows
    ]
    render(
        headers,
        body,
        out,
        fmt,
        title=f"{len(rows)} milestone(s)",
        color=fmt == "table" and _use_color(out),
    )
    return EXIT_OK


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
