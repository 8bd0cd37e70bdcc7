"""Suppression comments: ``# kpiaudit: ignore[K102] reason`` on a KPI's lines hides that
finding of that KPI (on a line before the first KPI: of the measure).

Only real YAML comments count (:func:`kpiaudit.load.suppression_comments`), never text inside a
KPI's quoted or block text. The form is tolerant of case and spacing (``#kpiaudit:ignore[k102,
no-deadline] …``: codes or rule names) and strict about the rest: a suppression must name
known rules and give its reason. Every comment that tries to be one and is not (no reason, an
unknown rule, a rule that is always reported, a mistyped form) hides nothing and is reported
(S002); a suppression that hides nothing is reported too (S001), so it cannot hide a future
finding."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Finding
from ..rules import resolve
from .check import FileResult
from .findings import finding

_ATTEMPT = re.compile(r"#\s*kpiaudit\b", re.IGNORECASE)
_FORM = re.compile(
    r"#\s*kpiaudit\s*:\s*ignore\s*\[(?P<codes>[^\]]*)\](?P<reason>.*)$", re.IGNORECASE
)
_BARE_IGNORE = re.compile(r"(?<![\w-])ignore\s*\[", re.IGNORECASE)
# A mistyped form: # kpiaudit ignore[…], # kpiaudit-ignore[…], # kpiaudit: disable[…] …
_MISTYPED = re.compile(r"#\s*kpiaudit\s*(?::|[-_.]?\s*(?:ignore|disable|noqa))", re.IGNORECASE)
# kpiaudit diff's own comment (# kpiaudit: slip-ok <reason>, see kpiaudit.diff.gate): not an
# attempt to suppress a finding.
_SLIP_OK = re.compile(r"#\s*kpiaudit\s*:\s*slip-ok\b", re.IGNORECASE)


@dataclass
class Suppression:
    """One ``# kpiaudit: ignore[...]`` comment: where it is, and what it hides."""

    line: int
    column: int
    codes: list[str] = field(default_factory=list)  # rule codes it hides (resolved)
    problems: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # S002 keys


def parse(line: int, column: int, comment: str) -> Suppression | None:
    """What a comment says as a suppression: the codes it hides, and what is wrong with it.
    None for a comment that only mentions kpiaudit (``# checked with kpiaudit``)."""
    s = Suppression(line, column)
    attempt = _ATTEMPT.search(comment)
    if attempt and _SLIP_OK.match(comment, attempt.start()):
        return None
    form = _FORM.search(comment, attempt.start()) if attempt else None
    if form is None:
        if attempt and _MISTYPED.match(comment, attempt.start()):
            s.problems.append(("malformed", {"comment": comment.strip()}))
            return s
        if _BARE_IGNORE.search(comment):  # ignore[K102] without "kpiaudit:" before it
            s.problems.append(("malformed", {"comment": comment.strip()}))
            return s
        return None
    names = [c.strip() for c in form["codes"].split(",") if c.strip()]
    if not names:
        s.problems.append(("malformed", {"comment": comment.strip()}))
        return s
    for name in names:
        rule = resolve(name)
        if rule is None:
            s.problems.append(("unknown", {"code": name}))
        elif rule.always:
            s.problems.append(("always", {"code": rule.code}))
        else:
            s.codes.append(rule.code)
    if not form["reason"].strip():
        s.problems.append(("reason", {"codes": ",".join(names)}))
        s.codes = []  # a suppression without its reason hides nothing
    return s


def parse_all(line: int, column: int, comment: str) -> list[Suppression]:
    """:func:`parse` for each ``# kpiaudit`` a comment holds: in ``# kpiaudit: ignore[K102] why
    # kpiaudit: ignore[K103] why too`` the second is a suppression of its own, never part of the
    first one's reason."""
    starts = [m.start() for m in _ATTEMPT.finditer(comment)][1:]
    if not starts:
        found = parse(line, column, comment)
        return [found] if found else []
    pieces = [comment[a:b] for a, b in zip([0, *starts], [*starts, len(comment)], strict=True)]
    return [found for piece in pieces if (found := parse(line, column, piece))]


def _kpi_at(line: int, r: FileResult) -> str | None:
    """The KPI whose lines hold ``line`` (a KPI runs to the next KPI's first line)."""
    ref = None
    for start, kpi in zip(r.kpi_lines, r.kpi_refs, strict=True):
        if start <= line:
            ref = kpi
    return ref


def apply_suppressions(r: FileResult, more: list[Finding]) -> list[Finding]:
    """The file's findings (its own, and ``more`` of the steps after it: the dated and the
    cross-file rules) without the suppressed ones, plus S001 for each suppression that hides
    nothing and S002 for each that is not one."""
    kept = r.findings + more
    if not r.suppressions or r.measure_id is None:
        return kept
    mid = r.measure_id
    for line, column, comment in r.suppressions:
        ref = _kpi_at(line, r)
        for s in parse_all(line, column, comment):
            for key, args in s.problems:
                kept.append(finding(r.path, line, column, "S002", key, args, mid, ref))
            for code in s.codes:
                hits = [f for f in kept if f.code == code and f.kpi == ref]
                if hits:
                    kept = [f for f in kept if f not in hits]
                    continue
                if ref is None:
                    key, unused = "unused_measure", {"code": code, "measure": mid}
                else:
                    key, unused = "unused_kpi", {"code": code, "kpi": ref}
                kept.append(finding(r.path, line, column, "S001", key, unused, mid, ref))
    return kept
