"""The typer application: import, fix, rules, status, due and diff, and lint's line in --help.

Heavy modules are imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    fail,
    for_terminal,
    parse_iso,
    setup,
    use_color,
)
from .diff_command import diff as diff_command
from .diff_command import help_text as diff_help
from .lint_command import SUMMARY as LINT_SUMMARY

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
    from .. import importer

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


PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="PATHS",
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


@app.command(
    help=f"{LINT_SUMMARY} Options: kpiaudit lint --help.",
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
def lint(ctx: typer.Context) -> int:
    # kpiaudit.cli.main sends `kpiaudit lint …` straight to lint_command without typer;
    # this entry lists the command in --help and serves callers of `app` itself.
    from .lint_command import main as lint_main

    return lint_main(list(ctx.args))


@app.command()
def fix(
    paths: PathsArg = None,
    diff: Annotated[
        bool,
        typer.Option("--diff", help="Print the changes as a unified diff; write nothing."),
    ] = False,
    config_file: ConfigOpt = None,
) -> int:
    """Re-read the structure of each KPI whose structure disagrees with its text.

    Fixes the findings K202, K203, K204 and K206 that lint reports (after configuration and
    suppression comments) by reading status, unset_reason, milestones and baselines from the
    KPI's text again, as import does. Nothing else in the file changes: comments, key order
    and quoting stay as they were. A key with a comment on its lines is left for you and
    reported. Files are written atomically, all or none. Exit 0 done, 1 something was left
    (or, with --diff, something would change), 2 usage or write error.

    Examples: kpiaudit fix --diff · kpiaudit fix measures/06-04.yaml
    """
    import difflib

    from ..fix import plan_fixes
    from ..fsutil import atomic_write_all

    targets, config = setup(paths, config_file)
    fixes = plan_fixes(targets, config)
    changed = [f for f in fixes if f.new != f.old]
    err = sys.stderr
    if diff:
        for f in changed:
            name = f.path.as_posix()
            sys.stdout.writelines(
                difflib.unified_diff(
                    f.old.splitlines(keepends=True),
                    f.new.splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
    else:
        try:
            atomic_write_all((f.path, f.new) for f in changed)
        except OSError as exc:
            fail(f"cannot write: {exc.strerror or exc}; no file was changed")
    verb = "would fix" if diff else "fixed"
    for f in fixes:
        for item in f.fixed:
            print(f"{f.path.as_posix()}: {verb} {item}", file=err)
        for item in f.skipped:
            print(f"{f.path.as_posix()}: not fixed: {item}", file=err)
    kpis = sum(len(f.fixed) for f in fixes)
    left = sum(len(f.skipped) for f in fixes)
    print(
        f"kpiaudit: {verb} {kpis} KPI(s) in {len(changed)} file(s)"
        + (f"; {left} left to fix by hand" if left else ""),
        file=err,
    )
    return EXIT_FINDINGS if left or (diff and changed) else EXIT_OK


@app.command()
def rules(
    code: Annotated[
        str | None,
        typer.Argument(help="A rule code or name (K102, no-quantitative-target) to explain."),
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> int:
    """List the rules, or explain one: kpiaudit rules K102."""
    from ..reporters.json_out import dump_json
    from ..rules import RULES, resolve

    chosen = list(RULES.values())
    if code is not None:
        rule = resolve(code)
        if rule is None:
            fail(f"unknown rule {code!r}; `kpiaudit rules` lists them")
        chosen = [rule]
    if output_format == "json":
        dump_json([r.__dict__ for r in chosen], sys.stdout)
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
    from ..reporters.tables import TABLE_FORMATS

    if fmt is None:
        return "table" if for_terminal(stream) else "plain"
    if fmt not in TABLE_FORMATS:
        fail(f"--format: {fmt!r} is not one of {', '.join(TABLE_FORMATS)}")
    return fmt


def _chapter(value: str | None) -> int | None:
    from ..views import parse_chapter

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
    """Compliance per chapter: KPIs, unset, without a target, without a deadline, compliant.

    A KPI is compliant when it is set, has a quantitative target and a deadline. With
    --chapter, one row per measure of that chapter too.

    Examples: kpiaudit status · kpiaudit status --chapter 6 · kpiaudit status -f markdown
    """
    from ..lint import audit
    from ..reporters.json_out import dump_json
    from ..reporters.tables import render
    from ..views import status as compute
    from ..views import status_table

    number = _chapter(chapter)
    targets, config = setup(paths, config_file)
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
    color = fmt == "table" and use_color(out)
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
    from ..jpdate import DateParseError, parse_date

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
    """Milestones by deadline, for deadline sweeps: kpiaudit due --before 2025-03.

    One row per dated milestone, sorted by date, with its target, the deadline's original
    wording and whether it is overdue.

    Examples: kpiaudit due --before 2025-03 · kpiaudit due --before 令和6年度 --kind outcome ·
    kpiaudit due --overdue --today 2024-04-01 -f csv
    """
    from ..lint import audit
    from ..reporters.json_out import dump_json
    from ..reporters.tables import render
    from ..views import due as compute

    before_date = _date_arg(before, "--before")
    after_date = _date_arg(after, "--after")
    today_date = parse_iso(today, "--today") if today else date.today()
    if kind is not None and kind not in ("progress", "outcome"):
        fail(f"--kind: {kind!r} is not progress or outcome")
    number = _chapter(chapter)
    targets, config = setup(paths, config_file)
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
        color=fmt == "table" and use_color(out),
    )
    return EXIT_OK


app.command("diff", help=diff_help())(diff_command)


def invoke(args: list[str]) -> int:
    """Run the typer application and turn click's outcomes into exit codes."""
    try:
        result = app(args=args, prog_name="kpiaudit", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except Exception as exc:
        # typer ships its own copy of click, so recognise click's exceptions by shape.
        if type(exc).__name__ == "Abort":
            return EXIT_INTERRUPTED
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            return EXIT_USAGE
        raise
    return result if isinstance(result, int) else EXIT_OK
