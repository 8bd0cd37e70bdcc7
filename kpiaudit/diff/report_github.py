"""``--format github``: workflow-command annotations on the changed lines of NEW.

``::error`` for a change that fails ``--fail-on``, ``::notice`` for every other change
(a justified one says its reason), ``::warning`` for files that could not be read and for
notes. A change with no line in NEW (a removed measure) is annotated without a file. A file
of a directory is named relative to the repository root (``DiffReport.root``), as GitHub
resolves it whatever directory kpiaudit ran in; a file of a revision already is. Data is
escaped as the runner expects (``%``, CR, LF; in properties also ``:`` and ``,``), after
control characters are made visible.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from ..i18n import _
from ..reporters.github import escape_data, escape_property
from .core import DiffReport
from .present import ref, values
from .safe import clipped, visible


def _command(level: str, message: str, *, path: str | None, line: int | None, title: str) -> str:
    props = []
    if path is not None:
        props.append(f"file={escape_property(visible(path))}")
        props.append(f"line={line or 1}")
    props.append(f"title={escape_property(visible(title))}")
    return f"::{level} {','.join(props)}::{escape_data(visible(message))}\n"


def _file(diff: DiffReport, path: str | None) -> str | None:
    """NEW's ``path`` as GitHub resolves it: relative to the repository root."""
    if path is None or diff.new.rev is not None or diff.root is None:
        return path
    try:
        return Path(os.path.abspath(path)).relative_to(diff.root).as_posix()
    except ValueError:  # outside the repository: GitHub cannot place it anyway
        return path


def report(diff: DiffReport, out: TextIO, terminal: bool = False, color: bool = False) -> None:
    for c in diff.changes:
        before, after = values(c)
        message = f"{ref(c)}: {before} → {after}"
        if c.score is not None:
            message += " (" + _("score") + f" {c.score:.2f})"
        if c.gated:
            message += " — " + _("fails --fail-on")
        elif c.justification is not None:
            message += " — slip-ok: " + c.justification
        level = "error" if c.gated else "notice"
        out.write(
            _command(
                level,
                message,
                path=_file(diff, c.path),
                line=c.line,
                title=f"kpiaudit diff: {c.change}",
            )
        )
    for side in (diff.old, diff.new):
        for p in side.broken:
            # Only NEW's files are what the pull request annotates.
            path = _file(diff, p.path) if side is diff.new else None
            message = f"{side.display(p.path)}:{p.line}: {clipped(p.message)}"
            out.write(
                _command(
                    "warning", message, path=path, line=p.line, title=f"kpiaudit diff: {p.code}"
                )
            )
    for note in diff.notes:
        out.write(
            _command(
                "warning",
                note.message,
                path=_file(diff, note.path),
                line=note.line or None,
                title="kpiaudit diff",
            )
        )
