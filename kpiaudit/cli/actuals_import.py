"""``kpiaudit actuals import``: actual values from a table kept by hand or the RS system's 3-1
file, written into the measure files of the KPIs they measure."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import N_, _, os_reason
from .common import fail, one_plan, setup
from .options import ConfigOpt, DiffOpt, DryRunOpt, PathsArg, TodayOpt
from .values import today_date

if TYPE_CHECKING:
    from ..actuals.records import ActualRow, RowProblem
    from ..model import RsLink

FORMATS = ("table", "rs")
SHOWN_UNMAPPED = 10  # rows of unmapped indicators that could not be read, named one by one


HELP = N_(
    """Record actual values (実績) in the measure files of the KPIs they measure.

A table has the columns kpi, period, value, unit, source, note, achieved (or KPI, 期間,
実績値, 単位, 出典, 備考, 達成). With --from rs and --map, the 3.実績値 of each mapped RS
indicator are imported and its targets recorded under the KPI's rs: key (lint compares
them with the plan: K305). A row that cannot be used is reported with its file and row and
skipped; the others are written, surgically (comments and layout kept), all files
atomically or none. The same period and source is the same actual: importing twice changes
nothing, and a changed value is an update (shown by --diff). Exit 0 all recorded, 1 rows
skipped, 2 a file that cannot be read or a usage error.

Examples: kpiaudit actuals import actuals.csv --diff · kpiaudit actuals import
3-1_RS_2024_効果発現経路_目標・実績.csv --map rs-map.yaml"""
)


def import_actuals(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help=N_(
                "A table of actuals (CSV or XLSX), or the RS system's "
                "3-1_RS_{year}_効果発現経路_目標・実績.csv."
            ),
            show_default=False,
        ),
    ],
    paths: PathsArg = None,
    source_format: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="table|rs",
            help=N_("What FILE is. Default: rs when its header is the RS 3-1 layout, else table."),
        ),
    ] = None,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            metavar="MAP",
            help=N_(
                "With --from rs: the YAML file saying which RS indicator measures which KPI "
                "(kpiaudit actuals suggest-map proposes one)."
            ),
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    diff: DiffOpt = False,
    today: TodayOpt = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help=N_("No progress bar while a long file is read."))
    ] = False,
    config_file: ConfigOpt = None,
) -> int:
    from ..actuals.records import ActualsFileError
    from ..actuals.write import plan_writes
    from .recording import finish, write_mode

    write_mode(dry_run, diff)
    if source_format is not None and source_format not in FORMATS:
        fail(_("--from: {value!r} is not table or rs").format(value=source_format))
    day = today_date(today)
    kind = source_format or _sniff(file)
    if kind == "table" and map_file is not None:
        fail(_("--map goes with --from rs"))
    if kind == "rs" and map_file is None:
        fail(
            _("{file} is an RS file: say with --map which indicator measures which KPI").format(
                file=file.as_posix()
            )
        )
    targets, config = setup(paths, config_file)
    result = one_plan(targets, config)
    try:
        if kind == "table":
            from ..actuals.table import read_table

            rows, problems = read_table(file)
            links: dict[str, list[RsLink]] | None = None
        else:
            assert map_file is not None
            rows, problems, links = _read_rs(file, map_file, quiet)
    except ActualsFileError as exc:
        fail(str(exc))
    plan = plan_writes(result, rows, day, links)
    if links is None:
        read = {(r.source_file, r.row) for r in rows} | {(p.source_file, p.row) for p in problems}
        what = _("{file}: {n} row(s)").format(file=file.as_posix(), n=len(read))
    else:
        what = _("{file}: {n} mapped indicator(s)").format(
            file=file.as_posix(), n=sum(len(v) for v in links.values())
        )
    return finish(plan, problems, dry_run=dry_run, diff=diff, what=what)


def _sniff(path: Path) -> str:
    """rs when the file's first line names the RS file's columns, else table."""
    from ..actuals.rs import PROJECT_ID, ROW_KIND

    try:
        with path.open("rb") as fh:
            head = fh.readline(1 << 16).decode("utf-8-sig", errors="replace")
    except OSError as exc:
        fail(_("{path}: cannot read: {reason}").format(path=path.as_posix(), reason=os_reason(exc)))
    return "rs" if PROJECT_ID in head and ROW_KIND in head else "table"


def _read_rs(
    path: Path, map_file: Path, quiet: bool
) -> tuple[list[ActualRow], list[RowProblem], dict[str, list[RsLink]]]:
    """The mapped indicators' actuals, the problems of their rows, and per KPI what its rs:
    key records. Rows of indicators nobody mapped are not this import's business: only how
    many of them could not be read is said."""
    from ..actuals.mapping import MappingEntry, load_mapping
    from ..actuals.rs import RsIndicator, read_rs, rs_actuals
    from ..safe_text import visible
    from .progressbar import reading

    mapping = load_mapping(map_file)
    if not mapping:
        fail(
            _("{file} maps no indicator (are its entries still commented out?)").format(
                file=map_file.as_posix()
            )
        )
    linked: list[tuple[MappingEntry, RsIndicator]] = []
    unmapped: list[RowProblem] = []
    with reading(path, quiet=quiet) as progress:
        rows, problems = rs_actuals(read_rs(path, unmapped, progress), mapping, linked)
    if unmapped:
        # Not this import's rows, but a malformed file all the same (a row cut short or run
        # on, an unknown row kind): each is named, so that it can be found and checked.
        print(
            visible(
                "kpiaudit: "
                + _("{n} row(s) of {file} belong to no indicator and were passed over").format(
                    n=len(unmapped), file=path.as_posix()
                )
            ),
            file=sys.stderr,
        )
        for problem in unmapped[:SHOWN_UNMAPPED]:
            print(visible(str(problem)), file=sys.stderr)
        if len(unmapped) > SHOWN_UNMAPPED:
            more = len(unmapped) - SHOWN_UNMAPPED
            print(visible(_("… and {n} more").format(n=more)), file=sys.stderr)
    links: dict[str, list[RsLink]] = {}
    for entry, indicator in linked:
        links.setdefault(entry.kpi, []).append(indicator.link(entry.kind, entry.term))
    return rows, problems, links
