"""``kpiaudit due``: milestones by deadline, for deadline sweeps."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer

from ..i18n import N_, _
from .common import (
    EXIT_FINDINGS,
    EXIT_OK,
    fail,
    numbers_allowed,
    one_plan,
    parse_iso,
    setup,
    use_color,
)
from .options import (
    AllowBrokenOpt,
    ChapterOpt,
    ConfigOpt,
    FormatOpt,
    KindOpt,
    PathsArg,
    chapter_number,
    date_end,
    date_start,
    kpi_kind,
    plan_chapter,
    table_format,
)


def due(
    paths: PathsArg = None,
    before: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help=N_(
                "Deadlines before the start of DATE (exclusive): 2025 (= before 2025-01-01), "
                "2025-03 or 2025/03 (before 1 March), 2025-03-15, 令和7年 or R7, 令和6年度 or "
                "FY2024 (before 2024-04-01), 令和7年3月, 令和6年度末 (before 2025-03-31)."
            ),
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help=N_(
                "Deadlines on or before the end of DATE (inclusive; same forms): --by 令和6年度 "
                "and --by 令和6年度末 include 2025-03-31, --by 2025-03 includes 31 March."
            ),
        ),
    ] = None,
    after: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Deadlines on or after the start of DATE (same forms)."),
    ] = None,
    overdue: Annotated[
        bool,
        typer.Option(
            "--overdue",
            help="Only overdue milestones: the deadline is before --today and the target was "
            "not achieved (missed, no data, not measurable); an unset KPI still unset after "
            "the date it was to be set by.",
        ),
    ] = False,
    chapter: ChapterOpt = None,
    kind: KindOpt = None,
    include_recurring: Annotated[
        bool,
        typer.Option(
            "--include-recurring", help="Also list recurring deadlines (毎年度, 年間60回)."
        ),
    ] = False,
    row_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            metavar="TYPE",
            help=N_(
                "target (milestones: a target to reach by a date) or set-by (the date an unset "
                "KPI is promised to be set by). Default: both."
            ),
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD",
            help="Judge as of this day: the actuals known then, and what had passed. "
            "Default: today.",
        ),
    ] = None,
    output_format: FormatOpt = None,
    config_file: ConfigOpt = None,
    allow_broken: AllowBrokenOpt = False,
) -> int:
    """Milestones by deadline, for deadline sweeps: kpiaudit due --before 2025-03.

    One row per dated milestone (type target) and per date an unset KPI is promised to be set
    by (type set-by), sorted by date, with its target, the original wording, its state
    (kpiaudit progress) and whether it is overdue: the deadline has passed and it was not
    achieved. Exit 1, with no rows, when files of the plan could not be read or validated or
    are duplicates (--allow-broken lists the rest anyway).

    Examples: kpiaudit due --before 2025-03 · kpiaudit due --by 令和6年度末 --kind 効果 ·
    kpiaudit due --overdue --today 2024-04-01 -f csv
    """
    from ..reporters.json_out import dump_json
    from ..reporters.tables import render
    from ..views.due import ROW_TYPES, due_document, due_table
    from ..views.due import due as compute

    before_date = date_start(before, "--before")
    by_date = date_end(by, "--by")
    after_date = date_start(after, "--after")
    today_date = parse_iso(today, "--today") if today else date.today()
    kind_value = kpi_kind(kind)
    if row_type is not None and row_type not in ROW_TYPES:
        fail(_("--type: {value!r} is not target or set-by").format(value=row_type))
    number = chapter_number(chapter)
    targets, config = setup(paths, config_file)
    result = one_plan(targets, config)
    if not numbers_allowed(result, allow_broken, config):
        return EXIT_FINDINGS
    plan_chapter(number, result.plan)
    rows = compute(
        result,
        before=before_date,
        by=by_date,
        after=after_date,
        today=today_date,
        overdue_only=overdue,
        chapter=number,
        kind=kind_value,
        include_recurring=include_recurring,
        row_type="set-by" if row_type == "set-by" else "target" if row_type else None,
    )
    out = sys.stdout
    fmt = table_format(output_format, out)
    if fmt == "json":
        dump_json(due_document(rows), out)
        return EXIT_OK
    render(due_table(rows), out, fmt, color=fmt == "table" and use_color(out))
    return EXIT_OK
