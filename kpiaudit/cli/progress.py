"""``kpiaudit progress``: is each milestone being met? One row per milestone, judged against
its KPI's actual values as of a day."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..i18n import N_, _
from .common import EXIT_FINDINGS, fail, numbers_allowed, one_plan, print_tables, setup
from .options import (
    AllowBrokenOpt,
    ChapterOpt,
    ConfigOpt,
    FormatOpt,
    NoCacheOpt,
    PathsArg,
    QuietOpt,
    TodayOpt,
)
from .values import chapter_number, plan_chapter, table_format, today_date

HELP = N_(
    """Is the plan being met? Each milestone judged against its KPI's actual values.

One row per milestone with a deadline: its target, the latest actual and its date, the
achievement rate, the state (achieved, achieved-late, missed, on-track, behind, no-data,
not-measurable) and the 成長戦略 grade (A, B, F, N); an unset KPI's promise to be set is a
set-by row. Why a milestone could not be judged is printed below the table (json: reason).
Exit 1, with no rows, when files of the plan could not be read or validated or are
duplicates (--allow-broken lists the rest anyway).

Examples: kpiaudit progress · kpiaudit progress --chapter 6 --state missed,behind ·
kpiaudit progress --today 2025-04-01 -f json"""
)


def progress(
    paths: PathsArg = None,
    chapter: ChapterOpt = None,
    state: Annotated[
        str | None,
        typer.Option(
            metavar="STATES",
            help=N_(
                "Only these states, comma-separated: achieved, achieved-late, missed, "
                "on-track, behind, no-data, not-measurable."
            ),
        ),
    ] = None,
    today: TodayOpt = None,
    output_format: FormatOpt = None,
    config_file: ConfigOpt = None,
    allow_broken: AllowBrokenOpt = False,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
) -> int:
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
            fail(
                _("--state: {value!r} is not one of {states}").format(
                    value=name, states=", ".join(STATES)
                )
            )
        wanted.append(match)
    number = chapter_number(chapter)
    day = today_date(today)
    targets, config = setup(paths, config_file)
    result = one_plan(targets, config, cached=not no_cache, quiet=quiet)
    if not numbers_allowed(result, allow_broken, config):
        return EXIT_FINDINGS
    plan_chapter(number, result.plan)
    rows = compute(result, day, chapter=number, states=wanted)
    fmt = table_format(output_format, sys.stdout)
    return print_tables(fmt, lambda: progress_document(rows), lambda: [progress_table(rows, day)])
