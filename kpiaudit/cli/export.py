"""``kpiaudit export``: the plan as CSV, XLSX or SQLite, to analyse, share or publish."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, os_reason
from .common import EXIT_FINDINGS, EXIT_OK, fail, numbers_allowed, one_plan, setup
from .options import AllowBrokenOpt, ConfigOpt, PathsArg, TodayOpt
from .values import today_date

_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".db": "sqlite", ".sqlite": "sqlite"}
_SUFFIXES[".sqlite3"] = "sqlite"


HELP = N_(
    """Export the plan: one row per KPI and per milestone, with flags and states.

KPI rows carry the flags status counts (unset, no_target, no_deadline, compliant);
milestone rows the state, grade, rate and overdue of kpiaudit progress as of --today.

csv: two files, UTF-8 with a BOM for Excel: FILE, one row per KPI, and beside it one row
per milestone (kpis.csv → kpis-milestones.csv). xlsx: one sheet per table (kpis,
milestones, actuals, findings, measures, chapters, plan). sqlite: the same tables with
primary and foreign keys, for sqlite3 or datasette. Text a spreadsheet would run as a
formula (= + - @) is prefixed with an apostrophe in csv and xlsx. Files are replaced whole
or not at all. Exit 1, writing nothing, when files of the plan could not be read or
validated or are duplicates (--allow-broken exports the rest anyway).

Examples: kpiaudit export --out kpis.csv · kpiaudit export -f xlsx --out plan.xlsx
--headers ja · kpiaudit export --out measures.db && datasette measures.db"""
)


def export(
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE", help=N_("The file to write."))
    ],
    paths: PathsArg = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=N_(
                "csv, xlsx or sqlite. Default: from FILE's suffix (.csv, .xlsx, .db, .sqlite)."
            ),
        ),
    ] = None,
    headers: Annotated[
        str,
        typer.Option(
            metavar="LANG",
            help=N_(
                "Column headers of csv and xlsx: en (the stable keys, default) or ja (for "
                "people). SQLite columns are always the English keys."
            ),
        ),
    ] = "en",
    today: TodayOpt = None,
    config_file: ConfigOpt = None,
    allow_broken: AllowBrokenOpt = False,
) -> int:
    from ..i18n import _
    from ..reporters.export import EXPORT_FORMATS, WRITERS, Headers, csv_paths
    from ..rules.files import NOT_LOADED
    from ..views.export import export as compute

    if str(out) == "-" or (out.exists() and not out.is_file() and not out.is_dir()):
        # "-" is not stdout here: export writes files (two for csv, a workbook, a database).
        fail(_("--out: {path} is not a file export can write; give a file name").format(path=out))
    fmt = output_format or _SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        fail(
            _("--format: give csv, xlsx or sqlite (the suffix of {out} does not say)").format(
                out=out
            )
        )
    if fmt not in EXPORT_FORMATS:
        fail(
            _("--format: {fmt!r} is not one of {choices}").format(
                fmt=fmt, choices=", ".join(EXPORT_FORMATS)
            )
        )
    if headers not in ("en", "ja"):
        fail(_("--headers: {value!r} is not en or ja").format(value=headers))
    language: Headers = "ja" if headers == "ja" else "en"
    day = today_date(today)
    targets, config = setup(paths, config_file)
    result = one_plan(targets, config, day)
    if not numbers_allowed(result, allow_broken, config):
        return EXIT_FINDINGS
    files = csv_paths(out) if fmt == "csv" else [out]
    inputs = {os.path.realpath(p) for ps in result.paths.values() for p in ps}
    for path in files:
        if path.is_dir():
            fail(_("--out: {path} is a directory; give a file name").format(path=path))
        if os.path.realpath(path) in inputs or path.suffix.lower() in (".yaml", ".yml"):
            fail(_("--out: {path} is a measure file; refusing to replace it").format(path=path))
    document = compute(result, day)
    try:
        written = WRITERS[fmt](document, out, language)
    except OSError as exc:
        fail(
            _("{out}: cannot write: {reason}; nothing was changed").format(
                out=out, reason=os_reason(exc)
            )
        )
    t = document.tables
    print(
        _(
            "kpiaudit: wrote {files}: {measures} measures, {kpis} KPIs, {milestones} "
            "milestones, {actuals} actuals, {findings} findings"
        ).format(
            files=", ".join(map(str, written)),
            measures=len(t["measures"].rows),
            kpis=len(t["kpis"].rows),
            milestones=len(t["milestones"].rows),
            actuals=len(t["actuals"].rows),
            findings=len(t["findings"].rows),
        ),
        file=sys.stderr,
    )
    for item in document.left_out:
        print(
            _("kpiaudit: {item} left out: an earlier file or KPI holds the same id").format(
                item=item
            ),
            file=sys.stderr,
        )
    left = {f.path for f in result.findings if f.code in NOT_LOADED}
    if left:
        print(
            _(
                "kpiaudit: {n} file(s) could not be read or validated and are left out; "
                "run kpiaudit lint"
            ).format(n=len(left)),
            file=sys.stderr,
        )
    return EXIT_OK
