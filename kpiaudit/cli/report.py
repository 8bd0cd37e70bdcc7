"""``kpiaudit report``: a static HTML report of the plan, to look at and to share."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import N_, os_reason
from .common import EXIT_OK, fail, setup, two_plans
from .options import ConfigOpt, PathsArg, QuietOpt, TodayOpt
from .values import today_date

HELP = N_(
    """Write a static HTML report: compliance per chapter, deadlines, one page per measure.

The site makes no network request: open DIR/index.html from disk or publish DIR on any
static host. DIR is replaced as a whole, in one step; it must be new, empty or a previous
report (or use --force).

Examples: kpiaudit report --out site · kpiaudit report --out site --lang ja --today 2024-04-01"""
)


def report(
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help=N_("Directory to write the site to."))
    ],
    paths: PathsArg = None,
    today: TodayOpt = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help=N_("Replace DIR even if it holds something other than a report.")
        ),
    ] = False,
    config_file: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> int:
    from ..audit import TwoPlansError
    from ..i18n import _, current_language
    from ..report.make import make_report
    from ..report.write import OutputRefused
    from .progressbar import counting

    # --lang, like every command's (kpiaudit.cli.language): the pages speak the run's language.
    language = current_language()
    day = today_date(today)
    targets, config = setup(paths, config_file)
    try:
        with counting(quiet=quiet) as progress:
            done = make_report(
                targets, config, out, lang=language, today=day, force=force, progress=progress
            )
    except TwoPlansError as exc:
        two_plans(exc.directories)
    except OutputRefused as exc:
        fail(_("--out: {reason}; nothing was written").format(reason=exc))
    except OSError as exc:
        fail(
            _("{out}: cannot write: {reason}; nothing was changed").format(
                out=out, reason=os_reason(exc)
            )
        )
    print(
        _(
            "kpiaudit: wrote {files} files ({mb:.1f} MB) to {out}: {measures} measures, "
            "{kpis} KPIs, {pct:.0%} compliant"
        ).format(
            files=done.files,
            mb=done.size / 1e6,
            out=out,
            measures=done.measures,
            kpis=done.kpis,
            pct=done.compliance,
        ),
        file=sys.stderr,
    )
    if done.files_left_out:
        print(
            _(
                "kpiaudit: {n} file(s) could not be read or validated and are left out; "
                "run kpiaudit lint"
            ).format(n=done.files_left_out),
            file=sys.stderr,
        )
    return EXIT_OK
