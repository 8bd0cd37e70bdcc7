"""Lines in NEW for each change, the ``--fail-on`` gate, and ``# kpiaudit: slip-ok`` comments.

A justification is a comment ``# kpiaudit: slip-ok <reason>`` on one of a KPI's lines in NEW
(from its ``- id:`` line to the line before the next KPI): it turns that KPI's gated changes
into notices. On the lines of a measure before its first KPI, it does the same for the
measure's own changes (kpi-removed, measure-renumbered, its title). Without a reason it does
not count, and the report says so. A removed measure has no lines in NEW to carry one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from ..i18n import _
from ..load import load_bytes
from .changes import CHANGE_TYPES, Change

_SLIP_OK = re.compile(r"#\s*kpiaudit:\s*slip-ok\b[\s:]*(?P<reason>.*)$")


@dataclass(frozen=True)
class Note:
    """Something the reader should know that is not a change: where, and what."""

    path: str | None
    line: int
    message: str


def parse_fail_on(values: Sequence[str]) -> set[str]:
    """``a,b`` and repeated options → change types; ValueError naming the unknown ones."""
    wanted = {v.strip() for item in values for v in item.split(",") if v.strip()}
    unknown = sorted(wanted - set(CHANGE_TYPES))
    if unknown:
        raise ValueError(
            _("unknown change type(s) {unknown}; known: {known}").format(
                unknown=", ".join(unknown), known=", ".join(CHANGE_TYPES)
            )
        )
    return wanted


@dataclass
class _File:
    lines: dict[tuple[str | int, ...], tuple[int, int]]  # node → (line, column)
    starts: list[int]  # first line of each KPI
    reasons: dict[int, str]  # line → the reason of a slip-ok comment there ("" when none)

    def line_of(self, node: tuple[str | int, ...]) -> int:
        while node not in self.lines and node:
            node = node[:-1]
        return self.lines.get(node, (1, 1))[0]

    def scope(self, line: int) -> int | None:
        """The KPI index whose lines hold ``line``; None for the measure's own lines."""
        inside = [i for i, start in enumerate(self.starts) if start <= line]
        return inside[-1] if inside else None


def _read(raw: bytes, path: str) -> _File | None:
    loaded = load_bytes(raw, path)
    if loaded.data is None or not isinstance(loaded.data, dict):
        return None
    kpis = loaded.data.get("kpis")
    count = len(kpis) if isinstance(kpis, list) else 0
    reasons = {}
    text = raw.decode("utf-8-sig", "replace").replace("\r\n", "\n")
    for number, physical in enumerate(text.split("\n"), start=1):
        if "slip-ok" in physical:
            m = _SLIP_OK.search(physical)
            if m:
                reasons[number] = m["reason"].strip()
    starts = [loaded.position(("kpis", i))[0] for i in range(count)]
    return _File(loaded.positions, starts, reasons)


def _scope_of(c: Change) -> int | None:
    node = c.node
    if len(node) >= 2 and node[0] == "kpis" and isinstance(node[1], int):
        return node[1]
    return None


def locate_and_gate(
    changes: Iterable[Change],
    fail_on: set[str],
    read: Callable[[str], bytes | None],
) -> tuple[list[Change], list[Note]]:
    """Each change with its line in NEW, and gated when its type is in ``fail_on`` and no
    slip-ok comment with a reason justifies it. ``read(path)`` gives the bytes of NEW's file."""
    files: dict[str, _File | None] = {}
    out: list[Change] = []
    notes: list[Note] = []
    reported: set[tuple[str, int]] = set()
    for c in changes:
        f: _File | None = None
        if c.path is not None:
            if c.path not in files:
                raw = read(c.path)
                files[c.path] = _read(raw, c.path) if raw is not None else None
            f = files[c.path]
        if f is not None and c.path is not None:
            c = replace(c, line=f.line_of(c.node))
        if c.change not in fail_on:
            out.append(c)
            continue
        reason = None
        if f is not None and c.path is not None:
            scope = _scope_of(c)
            for line, text in sorted(f.reasons.items()):
                if f.scope(line) != scope:
                    continue
                if text:
                    reason = text
                    break
                if (c.path, line) not in reported:
                    reported.add((c.path, line))
                    notes.append(
                        Note(
                            c.path,
                            line,
                            _(
                                "`# kpiaudit: slip-ok` without a reason does not count; "
                                "say why after it"
                            ),
                        )
                    )
        out.append(replace(c, justification=reason) if reason else replace(c, gated=True))
    return out, notes
