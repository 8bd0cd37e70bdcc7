"""A per-file result as bytes, and back: what the cache keeps on disk and what a worker
process sends to the one that reports.

A record is compact JSON (nothing a reader could run, unlike pickle): the findings without
their path (stamped again on decoding, since one file may be named in several ways), the
measure id and KPI references, suppression comments, the positions the dated step reports
at, and the dated facts. The measure's data travels separately (:func:`encode_data`), only to
commands that need models; the cache never keeps it. The findings of the rules of the day,
once judged, are kept beside the record for that day (:func:`encode_of_the_day`).
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from ..model import Finding, Severity
from ..rules import RULES, DatedFacts
from ..rules.progress import DatedActual, DatedMilestone
from ..safe_text import Excerpt
from .check import FileResult

# Bumped whenever the shape below, or the layout of a cache file (:mod:`.cache`), changes:
# the cache then starts afresh.
FORMAT = 4  # 4: cache files sealed with HMAC-SHA256 (keyed BLAKE2b before)

_tuple_new = tuple.__new__

# JSON holds no lone surrogate in UTF-8; a file name decoded with surrogateescape may.
_ERRORS = "surrogatepass"


def encode(result: FileResult) -> bytes:
    """``result`` as one line (no newline: JSON escapes every control character): two JSON
    values split by a tab (which JSON escapes too), what every run reads of the file and the
    facts only the rules of the day and suppressions read (:func:`decode_of_the_day` skips
    them)."""
    core = [
        result.measure_id,
        [finding_row(f) for f in result.findings],
        list(result.id_position),
        result.kpi_refs,
    ]
    facts = [
        [list(s) for s in result.suppressions],
        result.kpi_lines,
        [[list(node), line, col] for node, (line, col) in result.positions.items()],
        [[list(a.node), a.kpi, a.period, a.as_of] for a in result.dated.actuals],
        [
            [list(m.node), m.kpi, m.wording, m.deadline, list(m.recorded_on)]
            for m in result.dated.milestones
        ],
    ]
    return to_json(core) + b"\t" + to_json(facts)


def decode(path: str, record: bytes, data: bytes | None = None) -> FileResult:
    """The result :func:`encode` wrote, for the file named ``path`` in this run; ``data`` is
    the measure's data (:func:`encode_data`) when the model is wanted. Raises ValueError (or
    KeyError, TypeError) on a record that is not one: the cache then checks the file again."""
    # The two JSON values, made one array: one parse instead of two.
    core, facts = from_json(b"[%s]" % record.replace(b"\t", b",", 1))
    sups, lines, positions, actuals, milestones = facts
    result = _from_core(path, *core)
    result.suppressions = [(s[0], s[1], s[2]) for s in sups]
    result.kpi_lines = lines
    result.positions = {tuple(node): (line, col) for node, line, col in positions}
    result.dated = DatedFacts(
        tuple(DatedActual(tuple(node), kpi, period, as_of) for node, kpi, period, as_of in actuals),
        tuple(
            DatedMilestone(tuple(node), kpi, wording, deadline, tuple(recorded))
            for node, kpi, wording, deadline, recorded in milestones
        ),
    )
    if data is not None and result.measure_id is not None:
        result.data = data
    return result


def encode_of_the_day(findings: list[Finding]) -> bytes:
    """The findings of the rules of the day for one file, judged on one day."""
    return to_json([finding_row(f) for f in findings])


def decode_of_the_day(path: str, record: bytes, of_the_day: bytes) -> FileResult:
    """The result of a file without suppressions whose rules of the day were judged on the
    day of this run (:func:`encode_of_the_day`), from the first part of its record only: the
    facts are not needed, and not read."""
    core = record.partition(b"\t")[0]
    (mid, findings, id_pos, refs), dated = from_json(b"[%s,%s]" % (core, of_the_day))
    result = _from_core(path, mid, findings, id_pos, refs)
    result.of_the_day = [restored_finding(path, f) for f in dated]
    return result


def _from_core(path: str, mid: Any, findings: Any, id_pos: Any, refs: Any) -> FileResult:
    return FileResult(
        path,
        mid and sys.intern(mid),
        [restored_finding(path, f) for f in findings],
        id_position=(id_pos[0], id_pos[1]),
        kpi_refs=[sys.intern(ref) for ref in refs],
    )


# One encoder for every record and snapshot: json.dumps with options makes one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def to_json(value: Any) -> bytes:
    """Compact JSON, UTF-8 (lone surrogates of file names kept): the cache's records and
    snapshots."""
    return _ENCODER.encode(value).encode("utf-8", _ERRORS)


def from_json(raw: bytes) -> Any:
    """What :func:`to_json` wrote."""
    return json.loads(raw.decode("utf-8", _ERRORS))


def encode_data(data: Any) -> bytes:
    """A valid measure file's data (str, int, float, bool, None, lists and mappings) as JSON."""
    return to_json(data)


def finding_row(f: Finding) -> list[Any]:
    """A finding as JSON values, without its path."""
    args = f.args  # none, for most: no comprehension to run (a snapshot writes 30,000 rows)
    return [
        f.line,
        f.column,
        f.code,
        _keys(f.code).get(f.template, f.template),
        [[name, _value(v)] for name, v in args] if args else [],
        f.measure,
        f.kpi,
    ]


def restored_finding(path: str, item: list[Any]) -> Finding:
    """The finding :func:`finding_row` wrote, at ``path``."""
    line, column, code, key, args, measure, kpi = item
    code, name, severity, template = _message(code, key)
    # the arguments' pairs as args_of makes them (finding_row wrote each name once)
    values = tuple([(k, _restored_value(v)) for k, v in args]) if args else ()
    # One string for each measure and KPI id, however many findings name it: a large plan
    # holds hundreds of thousands of findings.
    measure = measure and sys.intern(measure)
    kpi = kpi and sys.intern(kpi)
    # tuple.__new__ rather than Finding(…), whose __new__ is a Python call: tens of thousands
    # of findings are restored in the run after an edit of a large plan
    return _tuple_new(
        Finding, (path, line, column, code, name, severity, template, values, measure, kpi)
    )


@cache
def _message(code: str, key: str) -> tuple[str, str, Severity, str]:
    """The rule's code, name, severity and message template of a recorded finding (a warm
    run restores tens of thousands of findings of a handful of rules)."""
    rule = RULES[code]
    return rule.code, rule.name, rule.severity, rule.messages.get(key, key)


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
