"""``kpiaudit status``: compliance per chapter, or per measure of one chapter. On argparse
(:mod:`.argfront`): people run it by hand on large plans, and it starts as fast as lint."""

from __future__ import annotations

import sys

from ..i18n import N_
from .argfront import Parser, add_plan_options, parser, speaking
from .common import EXIT_FINDINGS, numbers_allowed, one_plan, print_tables, setup
from .values import chapter_number, plan_chapter, table_format, today_date

SUMMARY = N_(
    "Compliance per chapter: KPIs, unset, without a target, without a deadline, compliant."
)

_DESCRIPTION = N_(
    """Compliance per chapter: KPIs, unset, without a target, without a deadline, compliant.

A KPI is compliant when it is set, has a quantitative target and a deadline. With --chapter,
one row per measure of that chapter too. Once the plan records actual values, a second table
counts its target milestones by state (achieved, on track, behind, missed, no data, not
measurable) as of --today; json always has those counts."""
)

_EPILOG = N_(
    """exit status:
  0    the numbers were printed
  1    files of the plan could not be read or validated, or are duplicates: no numbers
       (--allow-broken prints them, with what was left out)
  2    usage or configuration error

examples:
  kpiaudit status
  kpiaudit status --chapter 6
  kpiaudit status -f markdown"""
)


def main(argv: list[str]) -> int:
    from ..audit import FLAG_CODES, LEFT_OUT_CODES
    from ..views.status import Counting
    from ..views.status import status as compute

    with speaking():
        # Options between paths, as typer took them: status a.yaml -c 1 b.yaml
        args = _parser().parse_intermixed_args(argv)
    number = chapter_number(args.chapter)
    day = today_date(args.today)
    targets, config = setup(args.paths, args.config)
    # Each measure counted in the worker that checks its file: no model is kept.
    counting = Counting(day)
    result = one_plan(
        targets,
        config,
        summarise=counting,
        cached=not args.no_cache,
        quiet=args.quiet,
        keep=LEFT_OUT_CODES | FLAG_CODES,  # what left_out() and kpi_codes() read
    )
    if not numbers_allowed(result, args.allow_broken, config):
        return EXIT_FINDINGS
    fmt = table_format(args.format, sys.stdout)
    plan_chapter(number, result.plan, (m.chapter for m in result.summaries(counting)))
    doc = compute(result, number, day)
    del result  # its findings and summaries, not needed to print the counts
    return print_tables(fmt, doc.as_json, doc.tables)


def _parser() -> Parser:
    ap = parser("status", _DESCRIPTION, _EPILOG)
    add_plan_options(ap)
    return ap
