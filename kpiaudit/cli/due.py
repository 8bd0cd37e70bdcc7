"""``kpiaudit due``: milestones by deadline, for deadline sweeps. On argparse
(:mod:`.argfront`): people run it by hand on large plans, and it starts as fast as lint."""

from __future__ import annotations

import sys

from ..i18n import N_, _
from .argfront import Parser, add_plan_options, parser, speaking
from .common import (
    EXIT_FINDINGS,
    KIND_HELP,
    fail,
    numbers_allowed,
    one_plan,
    print_tables,
    setup,
)
from .values import (
    chapter_number,
    date_end,
    date_start,
    kpi_kind,
    plan_chapter,
    table_format,
    today_date,
)

SUMMARY = N_("Milestones by deadline, for deadline sweeps: kpiaudit due --before 2025-03.")

_DESCRIPTION = N_(
    """Milestones by deadline, for deadline sweeps: kpiaudit due --before 2025-03.

One row per dated milestone (type target) and per date an unset KPI is promised to be set by
(type set-by), sorted by date, with its target, the original wording, its state (kpiaudit
progress) and whether it is overdue: the deadline has passed and it was not achieved."""
)

_EPILOG = N_(
    """exit status:
  0    the rows were printed (none, when nothing is due)
  1    files of the plan could not be read or validated, or are duplicates: no rows
       (--allow-broken lists the rest, with what was left out)
  2    usage or configuration error, or a date that cannot be read

examples:
  kpiaudit due --before 2025-03
  kpiaudit due --by 令和6年度末 --kind 効果
  kpiaudit due --overdue --today 2024-04-01 -f csv"""
)


def main(argv: list[str]) -> int:
    from ..audit import LEFT_OUT_CODES
    from ..views.due import ROW_TYPES, DueQuery, due_document, due_table
    from ..views.due import due as compute

    with speaking():
        # Options between paths, as typer took them: status a.yaml -c 1 b.yaml
        args = _parser().parse_intermixed_args(argv)
    before_date = date_start(args.before, "--before")
    by_date = date_end(args.by, "--by")
    after_date = date_start(args.after, "--after")
    day = today_date(args.today)
    kind_value = kpi_kind(args.kind)
    if args.type is not None and args.type not in ROW_TYPES:
        fail(_("--type: {value!r} is not target or set-by").format(value=args.type))
    number = chapter_number(args.chapter)
    query = DueQuery(
        before=before_date,
        by=by_date,
        after=after_date,
        today=day,
        overdue_only=args.overdue,
        chapter=number,
        kind=kind_value,
        include_recurring=args.include_recurring,
        row_type="set-by" if args.type == "set-by" else "target" if args.type else None,
    )
    targets, config = setup(args.paths, args.config)
    # Each measure's rows picked in the worker that checks its file: no model is kept.
    result = one_plan(
        targets,
        config,
        summarise=query,
        cached=not args.no_cache,
        quiet=args.quiet,
        keep=LEFT_OUT_CODES,  # what left_out() reads
    )
    if not numbers_allowed(result, args.allow_broken, config):
        return EXIT_FINDINGS
    plan_chapter(number, result.plan, (m.chapter for m in result.summaries(query)))
    rows = compute(result, query)
    del result  # its findings and summaries, not needed to print the rows
    fmt = table_format(args.format, sys.stdout)
    return print_tables(fmt, lambda: due_document(rows), lambda: [due_table(rows)])


def _parser() -> Parser:
    ap = parser("due", _DESCRIPTION, _EPILOG)
    ap.add_argument(
        "--before",
        metavar="DATE",
        help=_(
            "Deadlines before the start of DATE (exclusive): 2025 (= before 2025-01-01), "
            "2025-03 or 2025/03 (before 1 March), 2025-03-15, 令和7年 or R7, 令和6年度 or "
            "FY2024 (before 2024-04-01), 令和7年3月, 令和6年度末 (before 2025-03-31)."
        ),
    )
    ap.add_argument(
        "--by",
        metavar="DATE",
        help=_(
            "Deadlines on or before the end of DATE (inclusive; same forms): --by 令和6年度 "
            "and --by 令和6年度末 include 2025-03-31, --by 2025-03 includes 31 March."
        ),
    )
    ap.add_argument(
        "--after",
        metavar="DATE",
        help=_("Deadlines on or after the start of DATE (same forms)."),
    )
    ap.add_argument(
        "--overdue",
        action="store_true",
        help=_(
            "Only overdue milestones: the deadline is before --today and the target was "
            "not achieved (missed, no data, not measurable), recurring ones included (from "
            "the end of the fiscal year judged); an unset KPI still unset after the date it "
            "was to be set by."
        ),
    )
    ap.add_argument("--kind", metavar="KIND", help=_(KIND_HELP))
    ap.add_argument(
        "--include-recurring",
        action="store_true",
        help=_("Also list recurring deadlines (毎年度, 年間60回)."),
    )
    ap.add_argument(
        "--type",
        metavar="TYPE",
        help=_(
            "target (milestones: a target to reach by a date) or set-by (the date an unset "
            "KPI is promised to be set by). Default: both."
        ),
    )
    add_plan_options(ap)
    return ap
