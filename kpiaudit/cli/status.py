"""``kpiaudit status``: compliance per chapter, or per measure of one chapter."""

from __future__ import annotations

import sys

from .common import EXIT_FINDINGS, EXIT_OK, numbers_allowed, one_plan, setup, use_color
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


def status(
    paths: PathsArg = None,
    chapter: ChapterOpt = None,
    today: TodayOpt = None,
    output_format: FormatOpt = None,
    config_file: ConfigOpt = None,
    allow_broken: AllowBrokenOpt = False,
) -> int:
    """Compliance per chapter: KPIs, unset, without a target, without a deadline, compliant.

    A KPI is compliant when it is set, has a quantitative target and a deadline. With
    --chapter, one row per measure of that chapter too. Once the plan records actual values, a
    second table counts its target milestones by state (achieved, on track, behind, missed, no
    data, not measurable) as of --today; json always has those counts. Exit 1, with no numbers,
    when files of the plan could not be read or validated or are duplicates (--allow-broken
    prints them).

    Examples: kpiaudit status · kpiaudit status --chapter 6 · kpiaudit status -f markdown
    """
    from ..reporters.json_out import dump_json
    from ..reporters.tables import render
    from ..views.status import status as compute

    number = chapter_number(chapter)
    day = today_date(today)
    targets, config = setup(paths, config_file)
    result = one_plan(targets, config)
    if not numbers_allowed(result, allow_broken, config):
        return EXIT_FINDINGS
    out = sys.stdout
    fmt = table_format(output_format, out)
    plan_chapter(number, result.plan)
    doc = compute(result, number, day)
    if fmt == "json":
        dump_json(doc.as_json(), out)
        return EXIT_OK
    color = fmt == "table" and use_color(out)
    for i, table in enumerate(doc.tables()):
        if i:
            out.write("\n")
        render(table, out, fmt, color=color)
    return EXIT_OK
