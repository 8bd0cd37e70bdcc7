"""The checks behind the K rules. Each yields (code, message, node path inside the file); the
engine turns the path into a line and column and stamps the rule's name and severity."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..extract import _MULT, _NUMBER, Deadline, Target, extract, unset_marker
from ..jpdate import find_dates, fold
from ..model import Kpi, Measure

Hit = tuple[str, str, tuple[str | int, ...]]


def check_flags(kpi: Kpi, at: tuple[str | int, ...]) -> Iterator[Hit]:
    """K101 / K102 / K103 from the KPI's structure; K101 suppresses the other two."""
    if kpi.is_unset:
        reason = f" ({kpi.unset_reason})" if kpi.unset_reason else ""
        yield "K101", f"KPI is not set{reason}", (*at, "status")
        return
    if not kpi.has_target:
        message = "KPI states no quantitative target (no number or level to reach)"
        yield "K102", message, (*at, "text")
    if not kpi.has_deadline:
        message = "KPI states no deadline (no date or period to reach its target by)"
        yield "K103", message, (*at, "text")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def check_consistency(kpi: Kpi, at: tuple[str | int, ...], base: date) -> Iterator[Hit]:
    """K201–K206: the structured fields against what the KPI's own text says."""
    x = extract(kpi.text, base, kpi.notes)
    for d in x.date_mismatches:
        yield "K201", f"{d.text}: {d.mismatch}", (*at, "text")
    text = _squash(kpi.text + "".join(kpi.notes))
    for i, m in enumerate(kpi.milestones):
        where = (*at, "milestones", i)
        if m.deadline is not None:
            yield from _check_deadline(m.deadline, text, base, (*where, "deadline"))
        if m.target is not None:
            yield from _check_target(m.target, text, (*where, "target"))
    marker = unset_marker(kpi.text, kpi.notes, has_target=bool(x.targets))
    if marker and not kpi.is_unset:
        yield "K204", f"status is set but the text says {marker!r}", (*at, "status")
    elif kpi.is_unset and not marker:
        yield "K204", "status is unset but nothing in the text or notes says so", (*at, "status")
    if not kpi.is_unset:
        if x.targets and not kpi.has_target:
            what = f"a target ({x.targets[0].text})"
            yield "K206", f"the text states {what} that no milestone records", (*at, "text")
        if x.deadlines and not kpi.has_deadline:
            what = f"a deadline ({x.deadlines[0].text})"
            yield "K206", f"the text states {what} that no milestone records", (*at, "text")


def _check_deadline(
    dl: Deadline, text: str, base: date, at: tuple[str | int, ...]
) -> Iterator[Hit]:
    if _squash(dl.text) not in text:
        message = f"deadline wording {dl.text!r} does not appear in the KPI's text"
        yield "K202", message, (*at, "text")
        return
    if dl.recurring or dl.date is None:
        return
    named = [d for d in find_dates(dl.text, base) if d.end is not None]
    if named and named[-1].end != dl.date:
        message = (
            f"deadline {dl.date.isoformat()} is not the end of {named[-1].text} ({named[-1].end})"
        )
        yield "K202", message, (*at, "date")


def _check_target(t: Target, text: str, at: tuple[str | int, ...]) -> Iterator[Hit]:
    if _squash(t.text) not in text:
        yield "K203", f"target wording {t.text!r} does not appear in the KPI's text", (*at, "text")
        return
    stated = stated_value(t.text) if t.value is not None else None
    if stated is not None and t.value is not None and abs(stated - t.value) > 1e-9:
        message = f"target value {t.value:g} is not what {t.text!r} states ({stated:g})"
        yield "K203", message, (*at, "value")


def stated_value(text: str) -> float | None:
    """The number a target's wording states (万 and 億 multiplied out), or None."""
    m = _NUMBER.search(fold(text))
    if m is None:
        return None
    return float(m["num"].replace(",", "")) * _MULT.get(m["mult"] or "", 1)


def check_ids(measure: Measure) -> Iterator[Hit]:
    expected = {"progress": 0, "outcome": 0}
    seen: set[str] = set()
    for i, kpi in enumerate(measure.kpis):
        expected[kpi.kind] += 1
        want = ("P" if kpi.kind == "progress" else "E") + str(expected[kpi.kind])
        if kpi.id in seen:
            yield "K205", f"KPI id {kpi.id} appears twice", ("kpis", i, "id")
        elif kpi.id != want:
            message = f"KPI id {kpi.id} should be {want} ({kpi.kind} KPI in document order)"
            yield "K205", message, ("kpis", i, "id")
        seen.add(kpi.id)
