"""What ``actuals import`` and ``actuals add`` share once they know what to record: report the
rows that cannot be used, show or write the changes (all files or none), say what happened."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..i18n import _, clauses, os_reason
from .common import EXIT_FINDINGS, EXIT_OK, fail

if TYPE_CHECKING:
    from ..actuals.records import RowProblem
    from ..actuals.write import WritePlan


def write_mode(dry_run: bool, diff: bool) -> None:
    """A usage error unless at most one of --dry-run and --diff is given."""
    if dry_run and diff:
        fail(_("--dry-run and --diff: choose one"))


def finish(
    plan: WritePlan, problems: Iterable[RowProblem], *, dry_run: bool, diff: bool, what: str
) -> int:
    """Exit 0 when every row was recorded or already there, 1 when some were skipped."""
    from ..fsutil import atomic_write_all
    from ..safe_text import visible

    err = sys.stderr
    # One line per problem: a row of the RS file holds several years, and a reason that is
    # the same for each of them (its unit) is said once. Every line quotes the files' text,
    # so characters that would act on a terminal are shown, not sent.
    skipped = sorted(
        dict.fromkeys([*problems, *plan.skipped]), key=lambda p: (p.source_file, p.row)
    )
    for p in skipped:  # row 0: the one value of actuals add
        print(visible(str(p) if p.row else f"{p.source_file}: {p.message}"), file=err)
    for note in plan.notes:
        print(visible(note), file=err)
    changed = plan.changed
    if diff:
        for change in changed:
            name = change.path.as_posix()
            sys.stdout.writelines(
                difflib.unified_diff(
                    change.old.splitlines(keepends=True),
                    change.new.splitlines(keepends=True),
                    f"a/{name}",
                    f"b/{name}",
                )
            )
    elif not dry_run:
        try:
            atomic_write_all((c.path, c.new) for c in changed)
        except OSError as exc:
            fail(_("cannot write: {error}; no file was changed").format(error=os_reason(exc)))
    for line in plan.updates:
        print(visible(_("updated: {what}").format(what=line)), file=err)
    rows = len({(p.source_file, p.row) for p in skipped})
    summary = _(
        "{what}: {added} imported, {updated} updated, {unchanged} unchanged, {skipped} skipped; "
        "{files} file(s) {verb}"
    ).format(
        what=what,
        added=plan.added,
        updated=plan.updated,
        unchanged=plan.unchanged,
        skipped=rows,
        files=len(changed),
        verb=_("would change") if dry_run or diff else _("changed"),
    )
    if plan.rs_recorded:
        summary = clauses(
            summary, _("RS targets recorded for {n} KPI(s)").format(n=plan.rs_recorded)
        )
    print(visible(f"kpiaudit: {summary}"), file=err)
    return EXIT_FINDINGS if skipped or plan.notes else EXIT_OK
