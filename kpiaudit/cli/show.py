"""``kpiaudit show``: one measure, or one KPI, with everything known about it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..i18n import N_, _, clauses
from .common import (
    EXIT_OK,
    fail,
    for_terminal,
    one_plan,
    setup,
    shown_findings,
    shown_path,
    use_color,
)
from .options import ConfigOpt, PathsArg, TodayOpt
from .values import today_date

HELP = N_(
    """One measure or KPI with everything known about it: kpiaudit show 6-4.

Its title and chapter, and each KPI with its kind, status, text, notes, baselines,
milestones (target, deadline, wording), actuals, each milestone's state, grade and rate as
kpiaudit progress judges it on --today, and the findings lint reports for it. An ID that
names nothing exits 2 and names the nearest ids.

Examples: kpiaudit show 6-4 · kpiaudit show 6-4.E1 · kpiaudit show 06-04.yaml -f json ·
kpiaudit show 1-7 --today 2026-11-27"""
)


ID_HELP = N_("A measure (6-4), a KPI (6-4.E1) or a measure file (06-04.yaml).")


def show(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help=ID_HELP,
        ),
    ],
    paths: PathsArg = None,
    today: TodayOpt = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=N_("table (rich, default on a terminal), plain (default when piped) or json."),
        ),
    ] = None,
    config_file: ConfigOpt = None,
) -> int:
    from ..model import measure_filename
    from ..reporters.json_out import dump_json
    from ..reporters.show import render
    from ..views.show import UnknownId, find, parse_query
    from ..views.show import show as compute

    fmt = output_format or ("table" if for_terminal(sys.stdout) else "plain")
    if fmt not in ("table", "plain", "json"):
        fail(_("--format: {fmt!r} is not one of table, plain, json").format(fmt=fmt))
    day = today_date(today)
    targets, config = setup(paths, config_file)
    # The day goes to the audit too: K302 and K304 depend on it, as in lint --today.
    result = one_plan(targets, config, day)
    try:
        measure, kpi = find(result, ref)
    except UnknownId as exc:
        message = _("no measure or KPI {ref} in {plan}").format(
            ref=ref, plan=result.plan.directory or ", ".join(map(str, targets))
        )
        parsed = parse_query(ref)
        broken = parsed is not None and any(
            f.code.startswith("E") and f.path.endswith(measure_filename(parsed.measure))
            for f in result.findings
        )
        if broken:
            message = clauses(message, _("its file has errors and was left out: run kpiaudit lint"))
        elif exc.suggestions:
            message = clauses(
                message, _("did you mean {ids}?").format(ids=", ".join(exc.suggestions))
            )
        elif parsed is None:  # not shaped like an id at all: say what one looks like
            message = clauses(message, "ID: " + _(ID_HELP))
        fail(message)
    doc = compute(result, measure, kpi, day).with_paths(
        lambda found: shown_findings(found, fmt, config),  # paths as lint shows them
        lambda path: shown_path(path, config.root),
    )
    out = sys.stdout
    if fmt == "json":
        dump_json(doc.as_json(), out)
    else:
        render(doc, out, rich=fmt == "table", color=fmt == "table" and use_color(out))
    return EXIT_OK
