"""``kpiaudit actuals suggest-map``: candidate RS indicators for the plan's KPIs, with their
evidence, as a mapping file a person confirms line by line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, _
from .common import EXIT_OK, fail, one_plan, setup
from .options import ConfigOpt, PathsArg

HELP = N_(
    """Propose which RS indicator measures which KPI, each with its evidence.

First the indicators whose 閣議決定等の名称/該当箇所 cite the plan and a measure number,
then those whose name resembles a KPI's text (and whose unit is its target's). Printed as
YAML on stdout with every entry commented out: remove the '# ' before the one entry you
confirm for each indicator and pass the file to actuals import --map. Nothing is mapped
until a person has read it.

Example: kpiaudit actuals suggest-map 3-1_RS_2024_効果発現経路_目標・実績.csv > rs-map.yaml"""
)


def suggest_map(
    rs_file: Annotated[
        Path,
        typer.Argument(
            metavar="RS.csv",
            help=N_("The RS system's 3-1_RS_{year}_効果発現経路_目標・実績.csv."),
            show_default=False,
        ),
    ],
    paths: PathsArg = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help=N_("No progress bar while the file is read."))
    ] = False,
    config_file: ConfigOpt = None,
) -> int:
    from ..actuals.mapping import format_suggestions, suggest_mapping
    from ..actuals.records import ActualsFileError
    from ..actuals.rs import read_rs
    from ..safe_text import visible_block
    from .progressbar import reading

    targets, config = setup(paths, config_file)
    result = one_plan(targets, config)
    try:
        with reading(rs_file, quiet=quiet) as progress:
            found = suggest_mapping(read_rs(rs_file, None, progress), result.plan.measures)
    except ActualsFileError as exc:
        fail(str(exc))
    # The RS file's text is quoted in the comments: shown, never acting on a terminal.
    sys.stdout.write(visible_block(format_suggestions(found)))
    indicators = len({(s.project, s.indicator, s.kind, s.term) for s in found})
    print(
        "kpiaudit: "
        + _("{n} suggestion(s) for {m} indicator(s); confirm each by removing its '# '").format(
            n=len(found), m=indicators
        ),
        file=sys.stderr,
    )
    return EXIT_OK
