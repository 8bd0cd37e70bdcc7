"""``kpiaudit diff OLD [NEW]``: arguments in, one call into :mod:`kpiaudit.diff`, a report out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..diff.changes import CHANGE_TYPES
from ..i18n import N_, _, clauses
from .common import EXIT_FINDINGS, EXIT_OK, fail, for_terminal, repository_root, use_color
from .options import ConfigOpt

HELP = N_(
    """What changed between two versions of a plan: deadlines, targets, KPIs, numbering.

Measures are paired by id, and when renumbered or moved to another chapter by the similarity
of their title and text (shown as a score); KPIs likewise within their measure. Each pair is
compared field by field and milestone by milestone; compliance per chapter (set, with a target
and a deadline, as `status` counts it) is given before and after. Edits to whitespace,
full/half-width forms and punctuation alone are no change.

**OLD and NEW** are each a plan directory or a git revision, read with git itself (nothing is
checked out): `main`, `origin/main`, `HEAD~1`, or `REV:path` for the plan at that path in REV.
Without a path, a revision's plan is at the directory the other side names, else the
configured measures directory, else measures. NEW defaults to that directory in the working
tree. A directory that exists wins over a revision of the same name.

**Change types** (old → new, each with its before and after):

{types}

A number kept by a measure that became wholly different (similarity under 0.25) is a removal
and an addition, not an edit.

**--fail-on TYPES** exits 1 when a change of those types occurs. A comment
`# kpiaudit: slip-ok <reason>` on one of a KPI's lines in NEW justifies that KPI's changes
(reported, not failed); on a measure's lines before its KPIs, the measure's own. A slip-ok
without a reason does not count. With --fail-on, a file of NEW that cannot be read fails too:
its measures could not be compared.

**Exit status**: 0 nothing fails --fail-on; 1 a change fails it; 2 usage error (an unknown
revision or change type, a missing directory).

**Examples**:

- `kpiaudit diff main` (the working tree against main)
- `kpiaudit diff origin/main --fail-on deadline-slipped,target-lowered,kpi-removed,became-unset`
- `kpiaudit diff origin/main -f markdown >> "$GITHUB_STEP_SUMMARY"`
- `kpiaudit diff v2022:measures v2023:measures -f json`
- `kpiaudit diff plan-2022/ plan-2023/`"""
)


def help_text() -> str:
    types = "\n".join("- **" + kind + "**: " + _(meaning) for kind, meaning in CHANGE_TYPES.items())
    return _(HELP).format(types=types)


def diff(
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD",
            help=N_("The earlier version: a plan directory, REV or REV:path."),
            show_default=False,
        ),
    ],
    new: Annotated[
        str | None,
        typer.Argument(
            metavar="NEW",
            help=N_(
                "The later version, same forms. Default: the measures directory in the "
                "working tree."
            ),
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=N_(
                "text (a table on a terminal, lines when piped), markdown (a pull request "
                "comment), json or github (annotations)."
            ),
        ),
    ] = "text",
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            metavar="TYPES",
            help=N_("Exit 1 when a change of these types occurs (comma-separated, repeatable)."),
            show_default=False,
        ),
    ] = None,
    config_file: ConfigOpt = None,
) -> int:
    from ..config import ConfigError, load_config
    from ..diff.core import run_diff
    from ..diff.gate import parse_fail_on
    from ..diff.present import gate_line, summary
    from ..diff.reports import FORMATS as REPORTERS
    from ..diff.safe import visible
    from ..diff.sides import SideError

    if output_format not in REPORTERS:
        known = ", ".join(REPORTERS)
        fail(_("--format: {fmt!r} is not one of {known}").format(fmt=output_format, known=known))
    try:
        gate = parse_fail_on(fail_on or [])
    except ValueError as exc:
        fail(_("--fail-on: {reason}").format(reason=exc))
    try:
        config = load_config(explicit=config_file)
        report = run_diff(old, new, config=config, fail_on=gate, cwd=Path.cwd())
    except (ConfigError, SideError) as exc:
        fail(visible(str(exc)))  # it can quote a revision or a path as typed
    report.root = repository_root(config)
    out = sys.stdout
    REPORTERS[output_format](report, out, for_terminal(out), use_color(out))
    if output_format in ("json", "github"):
        lines = [summary(report), gate_line(report)]
        print("kpiaudit diff: " + clauses(*(x for x in lines if x)), file=sys.stderr)
    return EXIT_FINDINGS if report.failed else EXIT_OK
