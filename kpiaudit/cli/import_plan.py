"""``kpiaudit import``: the published plan text → measures/."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import N_, _, os_reason
from ..model import SCHEMA_REF
from .common import fail, parse_iso

if TYPE_CHECKING:
    from ..importer import Written


HELP = N_(
    """Turn the published plan text into measures/: one YAML file per measure plus plan.yaml.

The same text gives the same files on any day: relative dates (今年度) are read against
the plan's own date, from --base-date or from the text. What import wrote is recorded in
OUT/.kpiaudit-import.json.

Example: kpiaudit import sources/digital-plan-2022-measures.txt --out measures
--base-date 2022-06-07"""
)


def import_plan(
    source_file: Annotated[
        Path, typer.Argument(metavar="SOURCE", help=N_("Plan text extracted from the PDF (UTF-8)."))
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help=N_("Directory to write the measures to."))
    ],
    base_date: Annotated[
        str | None,
        typer.Option(
            "--base-date",
            metavar="YYYY-MM-DD",
            help=N_(
                "Date the plan was decided; relative dates (今年度, 今夏) are read against it. "
                "Default: the date the plan text states on its cover (令和４年６月７日 or "
                "（令和４年６月７日閣議決定） on a line of its own); required when it states none."
            ),
        ),
    ] = None,
    edition: Annotated[str, typer.Option(help=N_("Edition label stored in plan.yaml."))] = "",
    schema_ref: Annotated[
        str,
        typer.Option(help=N_("Schema path written in each file's yaml-language-server comment.")),
    ] = SCHEMA_REF,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help=N_(
                "Overwrite files that already exist, and remove the files an earlier import "
                "wrote that this one does not (never files import did not write, nor files "
                "edited since)."
            ),
        ),
    ] = False,
) -> None:
    from .. import importer, source
    from ..fsutil import PartialWrite
    from ..safe_text import visible, visible_line

    given = parse_iso(base_date, "--base-date") if base_date else None
    try:
        raw = source_file.read_bytes()
    except OSError as exc:
        fail(_("{path}: cannot read: {reason}").format(path=source_file, reason=os_reason(exc)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(
            _(
                "{path}: byte {byte}: not UTF-8 ({reason}); convert the file to UTF-8 first "
                "(e.g. iconv -f SHIFT_JIS -t UTF-8)"
            ).format(path=source_file, byte=exc.start, reason=exc.reason)
        )
    stated = source.stated_date(text)
    if given is not None:
        base, where = given, "--base-date"
    elif stated is not None:
        base, where = (
            stated[0],
            _("line {line} of {source}").format(line=stated[1], source=source_file),
        )
    else:
        fail(
            _(
                "{source}: the plan text states no date of its own; give --base-date YYYY-MM-DD "
                "(the date the plan was decided: relative dates such as 今年度 and 今夏 are read "
                "against it, so without it the same text would give different measures on "
                "different days)"
            ).format(source=source_file)
        )
    files, summary = importer.build(
        text, base, source_name=source_file.as_posix(), edition=edition, schema_ref=schema_ref
    )
    if summary.errors:
        shown_source = visible_line(source_file.as_posix())
        for line_no, message in summary.errors:
            label = _("error")
            print(f"{shown_source}:{line_no}: {label}: {visible(message)}", file=sys.stderr)
        fail(
            _(
                "{source}: {count} problem(s) in the plan text (listed above); nothing was written"
            ).format(source=source_file.as_posix(), count=len(summary.errors))
        )
    if summary.measures == 0:
        fail(
            _("{path}: no measures found (expected headings like [No.６－４] title)").format(
                path=source_file
            )
        )
    try:
        written = importer.write(out, files, force=force)
    except PartialWrite as exc:
        fail(
            _(
                "{out}: cannot write {path}: {reason}; {count} file(s) were written and the "
                "others are as they were: run the import again with --force to finish"
            ).format(out=out, path=exc.failed.name, reason=os_reason(exc), count=len(exc.written))
        )
    except OSError as exc:
        fail(
            _("{out}: cannot write: {reason}; nothing was changed").format(
                out=out, reason=os_reason(exc)
            )
        )
    existing = written.refused
    if existing:
        shown = ", ".join(existing[:3]) + (" …" if len(existing) > 3 else "")
        fail(
            _(
                "{out}: {count} file(s) already exist ({shown}); nothing was written. "
                "Use --force to overwrite."
            ).format(out=out, count=len(existing), shown=shown)
        )
    err = sys.stderr
    for line in importer.summary_lines(summary):
        print(
            _("wrote {count} files to {out}: {summary}").format(
                count=len(files), out=visible(str(out)), summary=line
            ),
            file=err,
        )
    print(_("base date {date} (from {where})").format(date=base, where=where), file=err)
    _say(written, out)
    shown_source = visible_line(source_file.as_posix())
    for line_no, message in summary.warnings:
        label = _("warning")
        print(f"{shown_source}:{line_no}: {label}: {visible(message)}", file=err)


def _say(written: Written, out: Path) -> None:
    """What --force did to the files an earlier import left, and what it left alone."""
    err = sys.stderr
    if written.removed:
        print(
            _(
                "removed {count} file(s) an earlier import wrote and this one does not: {names}"
            ).format(count=len(written.removed), names=", ".join(written.removed)),
            file=err,
        )
    left = (
        (
            written.edited,
            N_(
                "{path}: left in place: an earlier import wrote it and this one does not, but "
                "it was edited since"
            ),
        ),
        (
            written.foreign,
            N_(
                "{path}: left in place: not written by kpiaudit import, and not a measure of "
                "this plan text"
            ),
        ),
    )
    for names, why in left:
        for name in names:
            print(_(why).format(path=out / name), file=err)
    for name, why in written.failed:
        print(_("{path}: could not remove: {why}").format(path=out / name, why=why), file=err)
