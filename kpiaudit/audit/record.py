"""A per-file result as bytes, and back: what the cache keeps on disk and what a worker
process sends to the one that reports.

A record is compact JSON (nothing a reader could run, unlike pickle): the findings without
their path (stamped again on decoding, since one file may be named in several ways), the
measure id and KPI references, suppression comments, the positions the dated step reports
at, and the dated facts. The measure's data travels separately (:func:`encode_data`), only to
commands that need models; the cache never keeps it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from ..model import Finding, args_of
from ..rules import RULES, DatedFacts
from ..rules.progress import DatedActual, DatedMilestone
from ..safe_text import Excerpt
from .check import FileResult

# Bumped whenever the shape below changes: the cache then starts afresh.
FORMAT = 1

# JSON holds no lone surrogate in UTF-8; a file name decoded with surrogateescape may.
_ERRORS = "surrogatepass"


def encode(result: FileResult) -> bytes:
    """``result`` as one line of JSON (no newline: JSON escapes every control character)."""
    fields = [
        result.measure_id,
        [_finding(f) for f in result.findings],
        list(result.id_position),
        [list(s) for s in result.suppressions],
        result.kpi_refs,
        result.kpi_lines,
        [[list(node), line, col] for node, (line, col) in result.positions.items()],
        [[list(a.node), a.kpi, a.period, a.as_of] for a in result.dated.actuals],
        [
            [list(m.node), m.kpi, m.wording, m.deadline, list(m.recorded_on)]
            for m in result.dated.milestones
        ],
    ]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8", _ERRORS)


def decode(path: str, record: bytes, data: bytes | None = None) -> FileResult:
    """The result :func:`encode` wrote, for the file named ``path`` in this run; ``data`` is
    the measure's data (:func:`encode_data`) when the model is wanted. Raises ValueError (or
    KeyError, TypeError) on a record that is not one: the cache then checks the file again."""
    (mid, findings, id_pos, sups, refs, lines, positions, actuals, milestones) = json.loads(
        record.decode("utf-8", _ERRORS)
    )
    return FileResult(
        path,
        mid,
        [_restore(path, f) for f in findings],
        id_position=(id_pos[0], id_pos[1]),
        suppressions=[(s[0], s[1], s[2]) for s in sups],
        kpi_refs=refs,
        kpi_lines=lines,
        positions={tuple(node): (line, col) for node, line, col in positions},
        dated=DatedFacts(
            tuple(
                DatedActual(tuple(node), kpi, period, as_of) for node, kpi, period, as_of in actuals
            ),
            tuple(
                DatedMilestone(tuple(node), kpi, wording, deadline, tuple(recorded))
                for node, kpi, wording, deadline, recorded in milestones
            ),
        ),
        data=data if mid is not None else None,
    )


def encode_data(data: Any) -> bytes:
    """A valid measure file's data (str, int, float, bool, None, lists and mappings) as JSON."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", _ERRORS)


def _finding(f: Finding) -> list[Any]:
    return [
        f.line,
        f.column,
        f.code,
        _keys(f.code).get(f.template, f.template),
        [[name, _value(v)] for name, v in f.args],
        f.measure,
        f.kpi,
    ]


def _restore(path: str, item: list[Any]) -> Finding:
    line, column, code, key, args, measure, kpi = item
    rule = RULES[code]
    template = rule.messages.get(key, key)
    values = args_of({name: _restored_value(v) for name, v in args})
    return Finding(
        path, line, column, code, rule.name, rule.severity, template, values, measure, kpi
    )


@cache
def _keys(code: str) -> dict[str, str]:
    """template → key for the rule's messages: a record names a message by its key."""
    return {template: key for key, template in RULES[code].messages.items()}


# Message arguments are numbers, short strings, None, excerpts of file content and paths
# (safe_text.bounded); never a list or a mapping, so those mark the two kinds that are not
# plain JSON values.
def _value(v: Any) -> Any:
    if isinstance(v, Excerpt):
        return {"excerpt": [str(v), repr(v)]}
    if isinstance(v, PurePath):
        return {"path": str(v)}
    return v


def _restored_value(v: Any) -> Any:
    if isinstance(v, dict):
        if "excerpt" in v:
            text, shown = v["excerpt"]
            return Excerpt.restore(text, shown)
        return Path(v["path"])
    return v
