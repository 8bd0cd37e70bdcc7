"""``kpiaudit due``: milestones by deadline, for deadline sweeps."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer

from .common import EXIT_OK, fail, one_plan, parse_iso, setup, use_color
from .options import (
    ChapterOpt,
    ConfigOpt,
    FormatOpt,
    PathsArg,
    chapter_number,
    date_start,
    table_format,
)


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
        bool,
        typer.Option(
            "--overdue",
            help="Only overdue milestones: the deadline is before --today and the target was "
            "not achieved (missed, no data, not measurable); an unset KPI still unset after "
            "the date it was to be set by.",
        ),
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
            metavar="YYYY-MM-DD",
            help="Judge as of this day: the actuals known then, and what had passed. "
            "Default: today.",
        ),
    ] = None,
    output_format: FormatOpt = None,
    config_file: ConfigOpt = None,
) -> int:
    """Milestones by deadline, for deadline sweeps: kpiaudit due --before 2025-03.

    One row per dated milestone, sorted by date, with its target, the deadline's original
    wording, its state (kpiaudit progress) and whether it is overdue: the deadline has passed
    and the target was not achieved.

    Examples: kpiaudit due --before 2025-03 · kpiaudit due --before 令和6年度 --kind outcome ·
    kpiaudit due --overdue --today 2024-04-01 -f csv
    """
    from ..reporters.json_out import dump_json
    from ..reporters.tables import render
    from ..views.due import due as compute
    from ..views.due import due_document, due_table

    before_date = date_start(before, "--before")
    after_date = date_start(after, "--after")
    today_date = parse_iso(today, "--today") if today else date.today()
    if kind is not None and kind not in ("progress", "outcome"):
        fail(f"--kind: {kind!r} is not progress or outcome")
    number = chapter_number(chapter)
    targets, config = setup(paths, config_file)
    result = one_plan(targets, config)
    rows = compute(
        result,
        before=before_date,
        after=after_date,
        today=today_date,
        overdue_only=overdue,
        chapter=number,
        kind="progress" if kind == "progress" else "outcome" if kind else None,
        include_recurring=include_recurring,
    )
    out = sys.stdout
    fmt = table_format(output_format, out)
    if fmt == "json":
        dump_json(due_document(rows), out)
        return EXIT_OK
    render(due_table(rows), out, fmt, color=fmt == "table" and use_color(out))
    return EXIT_OK
