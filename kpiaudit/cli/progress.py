"""``kpiaudit progress``: is each milestone being met? One row per milestone, judged against
its KPI's actual values as of a day."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .common import fail, one_plan, print_tables, setup
from .options import (
    ChapterOpt,
    ConfigOpt,
    FormatOpt,
    PathsArg,
    TodayOpt,
    chapter_number,
    table_format,
    today_date,
)


def progress(
    paths: PathsArg = None,
    chapter: ChapterOpt = None,
    state: Annotated[
        str | None,
        typer.Option(
            metavar="STATES",
            help="Only these states, comma-separated: achieved, achieved-late, missed, "
            "on-track, behind, no-data, not-measurable.",
        ),
    ] = None,
    today: TodayOpt = None,
    output_format: FormatOpt = None,
    config_file: ConfigOpt = None,
) -> int:
    """Is the plan being met? Each milestone judged against its KPI's actual values.

    One row per milestone with a deadline: its target, the latest actual and its date, the
    achievement rate, the state (achieved, achieved-late, missed, on-track, behind, no-data,
    not-measurable) and the 成長戦略 grade (A, B, F, N); an unset KPI's promise to be set is a
    set-by row. Why a milestone could not be judged is printed below the table (json: reason).

    Examples: kpiaudit progress · kpiaudit progress --chapter 6 --state missed,behind ·
    kpiaudit progress --today 2025-04-01 -f json
    """
    from ..model import STATES, State
    from ..views.progress import progress as compute
    from ..views.progress import progress_document, progress_table

    wanted: list[State] = []
    for name in (state or "").split(","):
        name = name.strip()
        if not name:
            continue
        match = next((s for s in STATES if s == name), None)
        if match is None:
            fail(f"--state: {name!r} is not one of {', '.join(STATES)}")
        wanted.append(match)
    number = chapter_number(chapter)
    day = today_date(today)
    targets, config = setup(paths, config_file)
    result = one_plan(targets, config)
    rows = compute(result, day, chapter=number, states=wanted)
    fmt = table_format(output_format, sys.stdout)
    return print_tables(fmt, progress_document(rows), [progress_table(rows, day)])
