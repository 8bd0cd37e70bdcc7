"""``kpiaudit import``: the published plan text → measures/."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from .common import fail, parse_iso


def import_plan(
    source_file: Annotated[
        Path, typer.Argument(metavar="SOURCE", help="Plan text extracted from the PDF (UTF-8).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write the measures to.")],
    base_date: Annotated[
        str | None,
        typer.Option(
            "--base-date",
            metavar="YYYY-MM-DD",
            help="Date the plan was decided; relative dates (今年度, 今夏) are read against it. "
            "Default: today.",
        ),
    ] = None,
    edition: Annotated[str, typer.Option(help="Edition label stored in plan.yaml.")] = "",
    schema_ref: Annotated[
        str, typer.Option(help="Schema path written in each file's yaml-language-server comment.")
    ] = ("../schema/measure.schema.json"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that already exist.")
    ] = False,
) -> None:
    """Turn the published plan text into measures/: one YAML file per measure plus plan.yaml.

    Example: kpiaudit import sources/digital-plan-2022-measures.txt --out measures
    --base-date 2022-06-07
    """
    from .. import importer
    from ..fsutil import PartialWrite
    from ..i18n import _
    from ..safe_text import visible, visible_line

    base = parse_iso(base_date, "--base-date") if base_date else date.today()
    try:
        raw = source_file.read_bytes()
    except OSError as exc:
        fail(f"{source_file}: cannot read: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(
            f"{source_file}: byte {exc.start}: not UTF-8 ({exc.reason}); convert the file "
            "to UTF-8 first (e.g. iconv -f SHIFT_JIS -t UTF-8)"
        )
    files, summary = importer.build(
        text, base, source_name=source_file.as_posix(), edition=edition, schema_ref=schema_ref
    )
    if summary.errors:
        source = visible_line(source_file.as_posix())
        for line_no, message in summary.errors:
            print(f"{source}:{line_no}: {_('error')}: {visible(message)}", file=sys.stderr)
        fail(
            _(
                "{source}: {count} problem(s) in the plan text (listed above); nothing was written"
            ).format(source=source_file.as_posix(), count=len(summary.errors))
        )
    if summary.measures == 0:
        fail(f"{source_file}: no measures found (expected headings like [No.６－４] title)")
    try:
        existing = importer.write(out, files, force=force)
    except PartialWrite as exc:
        fail(
            _(
                "{out}: cannot write {path}: {reason}; {count} file(s) were written and the "
                "others are as they were: run the import again with --force to finish"
            ).format(out=out, path=exc.failed.name, reason=exc.strerror, count=len(exc.written))
        )
    except OSError as exc:
        fail(f"{out}: cannot write: {exc.strerror or exc}; nothing was changed")
    if existing:
        shown = ", ".join(existing[:3]) + (" …" if len(existing) > 3 else "")
        fail(
            f"{out}: {len(existing)} file(s) already exist ({shown}); nothing was written. "
            "Use --force to overwrite."
        )
    err = sys.stderr
    for line in importer.summary_lines(summary):
        print(
            _("wrote {count} files to {out}: {summary}").format(
                count=len(files), out=visible(str(out)), summary=line
            ),
            file=err,
        )
    source = visible_line(source_file.as_posix())
    for line_no, message in summary.warnings:
        print(f"{source}:{line_no}: {_('warning')}: {visible(message)}", file=err)
