"""Known findings (the ``--baseline`` file): findings accepted as existing debt, so that lint
fails only on new ones. Keyed by measure, KPI and code, never by line, so edits elsewhere keep
an entry valid. (A KPI's *baselines*, its starting values, are something else: see model.)

A run judges only the entries of the files it checked (the pre-commit hook checks the files a
commit touches) and of the rules it ran (--select, --ignore): other entries are neither "fixed"
nor rewritten, just counted. When a
directory is checked, every entry of its plan is judged, so a deleted measure file is seen.
An entry whose KPI (or measure) no longer exists did not get fixed: it disappeared, and is
said so. Findings of always-reported rules (a file that could not be checked) are never known
findings: they are neither recorded nor hidden.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import _
from ..load import Problem, read_bounded
from ..model import Finding, KpiRef
from ..rules import ALWAYS, RULES
from ..safe_text import Excerpt, json_safe


def key(f: Finding) -> str:
    return f"{f.kpi or f.measure or f.path}:{f.code}"


@dataclass
class Scope:
    """What a run checked, for judging known findings."""

    whole: bool  # a directory was named: every entry is in scope
    codes: frozenset[str] | None = None  # the rules that ran (--select/--ignore); None: all
    measures: set[str] = field(default_factory=set)  # measure ids of the files checked
    unreadable: set[str] = field(default_factory=set)  # of files that could not be read
    present: set[str] = field(default_factory=set)  # measure ids and KPI refs that exist


@dataclass
class Judgement:
    """A run's findings judged against the known findings (``--baseline``)."""

    new: list[Finding]  # findings not known: these fail the run
    fixed: list[str]  # entries whose finding no longer occurs on a KPI still there
    gone: dict[str, list[str]]  # KPI or measure that no longer exists → codes known on it
    not_judged: int  # entries of files checked that could not be read
    out_of_scope: int  # entries of files not checked
    keep: dict[str, int]  # entries a rewrite keeps as they are (not judged, out of scope)


class BaselineError(ValueError):
    """The file is not a kpiaudit baseline."""


def read(path: Path) -> dict[str, int]:
    """The entries of a baseline file. Raises OSError or BaselineError."""
    return parse(read_bytes(path))


def read_bytes(path: Path) -> bytes:
    """A baseline file's bytes. Raises BaselineError. The file comes with the pull request:
    it may be a link, a FIFO or huge."""
    raw = read_bounded(path, path.parent)
    if isinstance(raw, Problem):
        raise BaselineError(_(RULES[raw.code].template(raw.key)).format(**raw.args))
    return raw


def parse(raw: bytes) -> dict[str, int]:
    """The entries of a baseline file's bytes. Raises BaselineError: it may be anything, JSON
    nested 100,000 deep included."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(_("not JSON: {error}").format(error=exc)) from exc
    except RecursionError:  # [[[[… 100,000 deep: json recurses
        raise BaselineError(_("nested too deeply to be a baseline")) from None
    entries = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(entries, dict):
        raise BaselineError(_('not a kpiaudit baseline (expected {"version": 1, "findings": {…}})'))
    for k, v in entries.items():
        if isinstance(v, bool) or not isinstance(v, int) or v <= 0:  # null, 1e400, "3", [..]
            raise BaselineError(
                _("{key!r}: the count must be a whole number, not {value!r}").format(
                    key=Excerpt(k), value=Excerpt(v)
                )
            )
    return dict(entries)


def _measure_of(entry: str) -> str | None:
    try:
        return KpiRef.parse(entry.rsplit(":", 1)[0]).measure
    except ValueError:  # keyed by a path: nothing a run can judge
        return None


def judge(entries: dict[str, int], findings: Iterable[Finding], scope: Scope) -> Judgement:
    keep: dict[str, int] = {}
    budget: dict[str, int] = {}
    not_judged = out_of_scope = 0
    for entry, count in entries.items():
        measure = _measure_of(entry)
        if measure is not None and measure in scope.unreadable:
            keep[entry] = count
            not_judged += count
        elif (
            measure is None
            or not (scope.whole or measure in scope.measures)
            or (scope.codes is not None and entry.rsplit(":", 1)[1] not in scope.codes)
        ):
            keep[entry] = count
            out_of_scope += count
        else:
            budget[entry] = count
    new = []
    for f in findings:
        k = key(f)
        if f.code not in ALWAYS and budget.get(k, 0) > 0:
            budget[k] -= 1
        else:
            new.append(f)
    fixed: list[str] = []
    gone: dict[str, list[str]] = {}
    for entry in sorted(e for e, left in budget.items() if left > 0):
        ref, code = entry.rsplit(":", 1)
        if ref in scope.present:
            fixed.append(entry)
        else:
            gone.setdefault(ref, []).append(code)
    return Judgement(new, fixed, gone, not_judged, out_of_scope, keep)


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """The entries that record ``findings`` (never those of always-reported rules)."""
    out: dict[str, int] = {}
    for f in findings:
        if f.code not in ALWAYS:
            out[key(f)] = out.get(key(f), 0) + 1
    return out


def write(path: Path, entries: dict[str, int]) -> None:
    from ..fsutil import atomic_write_all

    doc = {"version": 1, "findings": dict(sorted(entries.items()))}
    atomic_write_all([(path, json_safe(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n")])
