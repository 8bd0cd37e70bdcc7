"""``kpiaudit fix``: re-read the structure of KPIs whose structure disagrees with their text."""

from __future__ import annotations

import difflib
import re
import sys
from typing import TYPE_CHECKING

from ..i18n import N_, os_reason
from .common import EXIT_FINDINGS, EXIT_OK, fail, one_plan, setup, shown_path
from .options import ConfigOpt, DiffOpt, PathsArg

if TYPE_CHECKING:
    from ..fix import FileFix


def _lines(text: str) -> list[str]:
    """Lines as YAML and fix count them, each with its ending: split at LF only
    (str.splitlines also splits at form feeds and U+2028, which would join diff lines)."""
    return [ln for ln in re.split(r"(?<=\n)", text) if ln]


HELP = N_(
    """Re-read the structure of each KPI whose structure disagrees with its text.

Fixes the findings K202, K203, K204 and K206 that lint reports (after configuration and
suppression comments) by reading status, unset_reason, milestones and baselines from the
KPI's text again, as import does. Nothing else in the file changes: comments, key order
and quoting stay as they were. A key with a comment on its lines is left for you and
reported, and so is a file that could not be read or validated. A symbolic link is
written through; a read-only file, or one edited while fix
runs, is left as it is and reported. Each file is replaced atomically; an interrupted run
changes no file, or (killed during the renames) some: run fix again to finish. Exit 0
done, 1 something was left (or, with --diff, something would change), 2 usage or write
error.

Examples: kpiaudit fix --diff · kpiaudit fix measures/06-04.yaml"""
)


def fix(
    paths: PathsArg = None,
    diff: DiffOpt = False,
    config_file: ConfigOpt = None,
) -> int:
    from ..fix import fixes_for, write_fixes
    from ..fsutil import PartialWrite, remove_stale_temporaries
    from ..i18n import _
    from ..safe_text import visible, visible_line

    targets, config = setup(paths, config_file)
    fixes = fixes_for(one_plan(targets, config))
    changed = [f for f in fixes if f.new != f.old]
    err = sys.stderr
    if not diff:  # what a killed run left behind is said, then finished by this run
        directories = {t if t.is_dir() else t.parent for t in targets}
        stale = [n for d in sorted(directories) for n in remove_stale_temporaries(d)]
        if stale:
            print(
                _(
                    "kpiaudit: removed {count} temporary file(s) of an interrupted run; "
                    "this run finishes its work"
                ).format(count=len(stale)),
                file=err,
            )
    left: list[tuple[FileFix, str]] = []  # files not written, and why
    if diff:
        for f in changed:
            name = visible_line(shown_path(f.path.as_posix(), config.root))
            for line in difflib.unified_diff(
                _lines(f.old),
                _lines(f.new),
                f"a/{name}",
                f"b/{name}",
            ):
                # People read the diff: what a file holds is shown, never acted on.
                body = line.rstrip("\r\n")
                sys.stdout.write(visible(body) + line[len(body) :])
        done = changed
    else:
        try:
            report = write_fixes(changed)
        except PartialWrite as exc:
            fail(
                _(
                    "cannot write {path}: {reason}; {count} file(s) were fixed and the others "
                    "are unchanged: run kpiaudit fix again to finish"
                ).format(path=exc.failed.as_posix(), reason=os_reason(exc), count=len(exc.written))
            )
        except OSError as exc:
            fail(_("cannot write: {reason}; no file was changed").format(reason=os_reason(exc)))
        done = report.written
        left += report.refused
        left += [
            (f, _("the file changed while fix ran; it was left as it is: run kpiaudit fix again"))
            for f in report.changed
        ]
    verb = _("would fix") if diff else _("fixed")
    not_fixed = _("not fixed")
    unwritten = {id(f) for f, _why in left}
    for f in fixes:
        name = visible_line(shown_path(f.path.as_posix(), config.root))
        if id(f) not in unwritten:
            for item in f.fixed:
                print(f"{name}: {verb} {visible(item)}", file=err)
        for item in f.skipped:
            print(f"{name}: {not_fixed}: {visible(item)}", file=err)
    for f, why in left:
        name = visible_line(shown_path(f.path.as_posix(), config.root))
        print(f"{name}: {not_fixed}: {visible(why)}", file=err)
    kpis = sum(len(f.fixed) for f in done)
    by_hand = sum(len(f.skipped) for f in fixes) + sum(len(f.fixed) for f, _why in left)
    summary = _("kpiaudit: {verb} {kpis} KPI(s) in {files} file(s)").format(
        verb=verb, kpis=kpis, files=len(done)
    )
    if by_hand:
        summary += _("; {count} left to fix by hand").format(count=by_hand)
    print(summary, file=err)
    return EXIT_FINDINGS if by_hand or (diff and changed) else EXIT_OK
