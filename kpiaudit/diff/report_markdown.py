"""``--format markdown``: a pull request comment (or $GITHUB_STEP_SUMMARY).

Summary counts first, then one table per change type, old → new. Every value is escaped for
GitHub-flavoured markdown: control characters made visible, ``|`` cannot end a cell, markdown
and HTML punctuation is backslash-escaped (a measure's text cannot add a link, an image or a
tag to the comment), and an ``@`` is followed by a zero-width space so that no one is
notified by a measure's text.
"""

from __future__ import annotations

import re
from typing import TextIO

from ..i18n import _
from .changes import CHANGE_TYPES
from .core import DiffReport
from .present import counts, gate_line, share, summary, values
from .safe import clipped, visible

_MARKUP = re.compile(r"([\\`*_\[\]<>|~!#])")


def md(text: str) -> str:
    escaped = _MARKUP.sub(r"\\\1", visible(text)).replace("&", "&amp;")
    return escaped.replace("@", "@\u200b")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(headers), _row(["---"] * len(headers)), *(_row(r) for r in rows)]


def report(diff: DiffReport, out: TextIO, terminal: bool = False, color: bool = False) -> None:
    lines = [f"### kpiaudit diff: {md(diff.old.label)} → {md(diff.new.label)}", ""]
    lines.append(f"**{md(summary(diff, detail=False))}**")
    gate = gate_line(diff)
    if gate:
        mark = "❌" if diff.failed else "✅"
        lines += ["", f"{mark} {md(gate)}"]
    if diff.changes:
        lines += ["", *_table([_("change"), _("count")], [[k, str(n)] for k, n in counts(diff)])]
    for kind, n in counts(diff):
        group = [c for c in diff.changes if c.change == kind]
        scored = any(c.score is not None for c in group)
        headers = [_("old"), _("new"), _("before"), _("after")]
        headers += [_("score")] * scored + [_("where")] + [_("gate")] * bool(diff.fail_on)
        rows = []
        for c in group:
            before, after = values(c)
            cells = [md(c.old or "—"), md(c.new or "—"), md(before), md(after)]
            if scored:
                cells.append(f"{c.score:.2f}" if c.score is not None else "")
            where = f"{diff.new.display(c.path)}:{c.line or 1}" if c.path else ""
            if c.field in ("title", "notes"):
                where = f"{where} ({c.field})".strip()
            cells.append(md(where))
            if diff.fail_on:
                if c.gated:
                    cells.append("❌ " + md(_("fails")))
                elif c.justification is not None:
                    cells.append("slip-ok: " + md(c.justification))
                else:
                    cells.append("")
            rows.append(cells)
        lines += ["", f"#### {kind} ({n})", "", f"_{md(_(CHANGE_TYPES[kind]))}_", ""]
        lines += _table(headers, rows)
    if diff.compliance:
        rows = [
            [
                md(_("total") if r.chapter is None else f"{r.chapter} {r.title}"),
                share(r.before.kpis, r.before.compliant),
                share(r.after.kpis, r.after.compliant),
            ]
            for r in diff.compliance
        ]
        headers = [_("chapter"), _("compliant before"), _("compliant after")]
        lines += ["", "#### " + md(_("Compliance per chapter")), "", *_table(headers, rows)]
    problems = [(side, p) for side in (diff.old, diff.new) for p in side.broken]
    if problems:
        lines += ["", "#### " + md(_("Files that could not be read")), ""]
        for side, p in problems:
            where = side.display(p.path)
            lines.append(f"- {md(where)}:{p.line}:{p.column}: {p.code} {md(clipped(p.message))}")
    if diff.notes:
        lines += ["", "#### " + md(_("Notes")), ""]
        for note in diff.notes:
            where = f"{diff.new.display(note.path)}:{note.line}: " if note.path else ""
            lines.append(f"- {md(where + note.message)}")
    out.write("\n".join(lines) + "\n")
