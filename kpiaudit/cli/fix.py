"""``kpiaudit fix``: re-read the structure of KPIs whose structure disagrees with their text."""

from __future__ import annotations

import difflib
import sys
from typing import Annotated

import typer

from .common import EXIT_FINDINGS, EXIT_OK, fail, setup, two_plans
from .options import ConfigOpt, PathsArg


def fix(
    paths: PathsArg = None,
    diff: Annotated[
        bool,
        typer.Option("--diff", help="Print the changes as a unified diff; write nothing."),
    ] = False,
    config_file: ConfigOpt = None,
) -> int:
    """Re-read the structure of each KPI whose structure disagrees with its text.

    Fixes the findings K202, K203, K204 and K206 that lint reports (after configuration and
    suppression comments) by reading status, unset_reason, milestones and baselines from the
    KPI's text again, as import does. Nothing else in the file changes: comments, key order
    and quoting stay as they were. A key with a comment on its lines is left for you and
    reported. Files are written atomically, all or none. Exit 0 done, 1 something was left
    (or, with --diff, something would change), 2 usage or write error.

    Examples: kpiaudit fix --diff · kpiaudit fix measures/06-04.yaml
    """
    from ..audit import TwoPlansError
    from ..fix import plan_fixes
    from ..fsutil import atomic_write_all
    from ..safe_text import visible, visible_line

    targets, config = setup(paths, config_file)
    try:
        fixes = plan_fixes(targets, config)
    except TwoPlansError as exc:
        two_plans(exc.directories)
    changed = [f for f in fixes if f.new != f.old]
    err = sys.stderr
    if diff:
        for f in changed:
            name = f.path.as_posix()
            sys.stdout.writelines(
                difflib.unified_diff(
                    f.old.splitlines(keepends=True),
                    f.new.splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
    else:
        try:
            atomic_write_all((f.path, f.new) for f in changed)
        except OSError as exc:
            fail(f"cannot write: {exc.strerror or exc}; no file was changed")
    verb = "would fix" if diff else "fixed"
    for f in fixes:
        name = visible_line(f.path.as_posix())
        for item in f.fixed:
            print(f"{name}: {verb} {visible(item)}", file=err)
        for item in f.skipped:
            print(f"{name}: not fixed: {visible(item)}", file=err)
    kpis = sum(len(f.fixed) for f in fixes)
    left = sum(len(f.skipped) for f in fixes)
    print(
        f"kpiaudit: {verb} {kpis} KPI(s) in {len(changed)} file(s)"
        + (f"; {left} left to fix by hand" if left else ""),
        file=err,
    )
    return EXIT_FINDINGS if left or (diff and changed) else EXIT_OK
