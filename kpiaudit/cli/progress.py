"""``kpiaudit progress``: is each milestone being met? One row per milestone, judged against
its KPI's actual values as of a day."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .common import EXIT_FINDINGS, EXIT_OK, fail, numbers_allowed, one_plan, setup, use_color
from .options import (
    AllowBrokenOpt,
    ChapterOpt,
    ConfigOpt,
    FormatOpt,
    PathsArg,
    TodayOpt,
    chapter_number,
    plan_chapter,
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
    allow_broken: AllowBrokenOpt = False,
) -> int:
    """Is the plan being met? Each milestone judged against its KPI's actual values.

    One row per milestone with a deadline: its target, the latest actual and its date, the
    achievement rate, the state (achieved, achieved-late, missed, on-track, behind, no-data,
    not-measurable) and the 成長戦略 grade (A, B, F, N); an unset KPI's promise to be set is a
    set-by row. Why a milestone could not be judged is printed below the table (json: reason).
    Exit 1, with no rows, when files of the plan could not be read or validated or are
    duplicates (--allow-broken lists the rest anyway).

    Examples: kpiaudit progress · kpiaudit progress --chapter 6 --state missed,behind ·
    kpiaudit progress --today 2025-04-01 -f json
    """
    from ..model import STATES, State
    from ..reporters.json_out import dump_json
    from ..reporters.tables import render
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
    if not numbers_allowed(result, allow_broken, config):
        return EXIT_FINDINGS
    plan_chapter(number, result.plan)
    rows = compute(result, day, chapter=number, states=wanted)
    out = sys.stdout
    fmt = table_format(output_format, out)
    if fmt == "json":
        dump_json(progress_document(rows), out)
        return EXIT_OK
    render(progress_table(rows, day), out, fmt, color=fmt == "table" and use_color(out))
    return EXIT_OK
