"""``kpiaudit actuals add``: one actual value typed at the command line, for the person who
just read a new statistic."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import N_, _
from .common import fail, one_plan, setup
from .options import ConfigOpt, DiffOpt, DryRunOpt, PathsArg, TodayOpt
from .values import today_date

FROM_COMMAND_LINE = "(command line)"


HELP = N_(
    """Record one actual value (実績) of a KPI in its measure file.

The value and its unit for a KPI with a numeric target, --achieved / --not-achieved for a
binary milestone; --period and --source always. The same period and source as an actual
already recorded updates it. The file is edited surgically (comments and layout kept) and
written atomically. Exit 0 recorded (or already there), 1 not usable for that KPI (the
reason is printed), 2 usage error.

Examples: kpiaudit actuals add 1-7.E2 --period 令和5年度 --value 98.1 --unit ％ --source
https://www.soumu.go.jp/… · kpiaudit actuals add 9-18.P1 --period 2022年9月 --achieved
--source デジタル庁"""
)


def add(
    kpi: Annotated[
        str, typer.Argument(metavar="KPI", help=N_("The KPI: 6-4.P1."), show_default=False)
    ],
    paths: PathsArg = None,
    period: Annotated[
        str,
        typer.Option(
            metavar="PERIOD",
            help=N_("The period measured: 令和5年度, 2024年3月, 2023-12-31, R5年度, FY2023."),
            show_default=False,
        ),
    ] = "",
    value: Annotated[
        str | None,
        typer.Option(metavar="NUMBER", help=N_("The value: 2100, 2,100, 40万, 97.5.")),
    ] = None,
    unit: Annotated[
        str, typer.Option(metavar="UNIT", help=N_("Its unit, the target's: か所, ％, 件."))
    ] = "",
    achieved: Annotated[
        bool | None,
        typer.Option(
            "--achieved/--not-achieved",
            help=N_("For a milestone with no numeric target (策定, 確立): reached or not."),
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str,
        typer.Option(
            metavar="SOURCE",
            help=N_("Where the value comes from (出典): the statistic, document or URL. Required."),
            show_default=False,
        ),
    ] = "",
    note: Annotated[str, typer.Option(metavar="TEXT", help=N_("A note to keep with it."))] = "",
    dry_run: DryRunOpt = False,
    diff: DiffOpt = False,
    today: TodayOpt = None,
    config_file: ConfigOpt = None,
) -> int:
    from ..actuals.records import (
        ActualRow,
        CellError,
        parse_kpi_ref,
        parse_period,
        read_amount,
    )
    from ..actuals.write import plan_writes
    from .recording import finish, write_mode

    write_mode(dry_run, diff)
    if not period.strip():
        fail(_("--period is required: the period the value is for (令和5年度, 2024年3月 …)"))
    if not source.strip():
        fail(_("--source is required: where the value comes from (出典)"))
    if value is None and achieved is None:
        fail(_("give --value (with --unit) or, for a binary milestone, --achieved/--not-achieved"))
    day = today_date(today)
    try:
        ref = parse_kpi_ref(kpi)
        as_of = parse_period(period)
        amount, unit_of = read_amount(value, unit) if value is not None else (None, unit.strip())
    except CellError as exc:
        fail(str(exc))
    row = ActualRow(
        FROM_COMMAND_LINE,
        0,
        ref,
        period.strip(),
        as_of,
        amount,
        unit_of,
        achieved,
        source.strip(),
        note.strip(),
    )
    targets, config = setup(paths, config_file)
    plan = plan_writes(one_plan(targets, config), [row], day)
    return finish(
        plan,
        [],
        dry_run=dry_run,
        diff=diff,
        what=_("{kpi} {period}").format(kpi=ref, period=row.period),
    )
