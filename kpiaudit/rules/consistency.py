"""K201–K206: a KPI's structured fields against what its own text says, and its id.

The flags (K101-K103) judge the text; these rules say where the structured fields (status,
milestones) disagree with it, in words that never contradict the flags: a milestone that
records what the text does not state as a target or a deadline is reported here, and K102 or
K103 still fires; a target or deadline the text states and no milestone records is reported
here, and K102 or K103 does not fire."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ..extract import Extraction, stated_value
from ..i18n import N_
from ..jpdate import find_dates, fold
from ..model import Deadline, Kpi, Measure, Target, kpi_id
from .base import Hit, NodePath, Rule

RULES = [
    Rule(
        "K201",
        "era-mismatch",
        "error",
        N_("An era year disagrees with its Gregorian year."),
        N_(
            "Where the text gives both (令和４年度（2022年度）), they must name the same year; "
            "an era year outside its era (平成32年, 令和元年4月) is reported too."
        ),
        {"default": N_("{text}: {mismatch}")},
    ),
    Rule(
        "K202",
        "deadline-mismatch",
        "error",
        N_("A structured deadline disagrees with the text."),
        N_(
            "A milestone's deadline must be the end of the period its own wording names, and "
            "that wording must stand in the KPI's text."
        ),
        {
            "wording": N_("deadline wording {wording!r} does not appear in the KPI's text"),
            "date": N_("deadline {date} is not the end of {named} ({end})"),
            "not_stated": N_(
                "{wording!r} is not a deadline the text states (a start, a budget year or past "
                "context is not), so K103 reads no deadline there"
            ),
            "set_by": N_(
                "{wording!r} is the date the KPI is to be set by, a promise rather than a "
                "target deadline: it belongs in set_by"
            ),
            "set_by_wording": N_("set_by wording {wording!r} does not appear in the KPI's text"),
            "set_by_not_stated": N_(
                "set_by {wording!r} is not a date the text says the KPI is to be set by"
            ),
        },
        fixable=True,
    ),
    Rule(
        "K203",
        "target-mismatch",
        "error",
        N_("A structured target disagrees with the text."),
        N_(
            "A milestone's target wording must stand in the KPI's text and its value must be "
            "the number that wording states."
        ),
        {
            "wording": N_("target wording {wording!r} does not appear in the KPI's text"),
            "value": N_("target value {value:g} is not what {wording!r} states ({stated:g})"),
            "not_stated": N_(
                "{wording!r} is not a target the text states (a label, a year or a baseline is "
                "not), so K102 reads no target there"
            ),
        },
        fixable=True,
    ),
    Rule(
        "K204",
        "status-mismatch",
        "warning",
        N_("The status disagrees with the KPI's words."),
        N_(
            "status: set while the text says 未設定 (or another unset wording), or status: "
            "unset while nothing in the text or notes says so. K101 follows the words either "
            "way."
        ),
        {
            "set": N_("status is set but the text says {marker!r}"),
            "unset": N_("status is unset but nothing in the text or notes says so"),
        },
        fixable=True,
    ),
    Rule(
        "K205",
        "kpi-id",
        "error",
        N_("KPI ids are not P1, P2 … / E1, E2 … in order."),
        N_(
            "Progress KPIs are P1, P2 …, outcome KPIs E1, E2 …, numbered in document order, "
            "each once; the letter must match the kind."
        ),
        {
            "twice": N_("KPI id {id} appears twice"),
            "order": N_("KPI id {id} should be {want} ({kind} KPI in document order)"),
        },
    ),
    Rule(
        "K206",
        "unrecorded-milestone",
        "warning",
        N_("The text states a target or deadline that no milestone records."),
        N_(
            "The KPI's own words name a target or a deadline, but its milestones leave it out. "
            "K102 and K103 read the words, so they do not fire; add the milestone (kpiaudit "
            "fix) so that due and other tools see it."
        ),
        {
            "target": N_("the text states a target ({wording}) that no milestone records"),
            "deadline": N_("the text states a deadline ({wording}) that no milestone records"),
            "set_by": N_(
                "the text says the KPI is to be set by {wording}, which no set_by records"
            ),
        },
        fixable=True,
    ),
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fold(text))


def check_consistency(
    kpi: Kpi, read: Extraction, at: NodePath, ref: str, base: date | None
) -> Iterator[Hit]:
    """K201–K206 (but K205): the structured fields against ``read``, what the KPI's own text
    says."""
    for d in read.date_mismatches:
        yield Hit(
            "K201", args={"text": d.text, "mismatch": d.mismatch}, node=(*at, "text"), kpi=ref
        )
    text = _squash(kpi.text + "".join(kpi.notes))
    targets = [_squash(t.text) for t in read.targets]
    deadlines = [_squash(d.text) for d in read.deadlines]
    set_by = [_squash(read.set_by.text)] if read.set_by else []
    for i, m in enumerate(kpi.milestones):
        where = (*at, "milestones", i)
        if m.deadline is not None:
            wording = m.deadline.text
            if _stated(wording, set_by) and not _stated(wording, deadlines):
                yield Hit("K202", "set_by", {"wording": wording}, (*where, "deadline"), ref)
            else:
                yield from _check_deadline(
                    m.deadline, text, deadlines, base, (*where, "deadline"), ref
                )
        if m.target is not None:
            yield from _check_target(m.target, text, targets, (*where, "target"), ref)
    yield from _check_set_by(kpi, read, text, set_by, base, (*at, "set_by"), ref)
    if read.unset and not kpi.is_unset:
        yield Hit("K204", "set", {"marker": read.unset}, (*at, "status"), ref)
    elif kpi.is_unset and not read.unset:
        yield Hit("K204", "unset", node=(*at, "status"), kpi=ref)
    if read.unset is None:
        if read.targets and not kpi.has_target:
            yield Hit("K206", "target", {"wording": read.targets[0].text}, (*at, "text"), ref)
        if read.deadlines and not kpi.has_deadline:
            wording = read.deadlines[0].text
            yield Hit("K206", "deadline", {"wording": wording}, (*at, "text"), ref)


def _check_set_by(
    kpi: Kpi,
    read: Extraction,
    text: str,
    stated: list[str],
    base: date | None,
    at: NodePath,
    ref: str,
) -> Iterator[Hit]:
    """set_by against the date the text says the KPI is to be set by."""
    if kpi.set_by is None:
        if read.set_by is not None:
            wording = read.set_by.text
            yield Hit("K206", "set_by", {"wording": wording}, (*at[:-1], "text"), ref)
        return
    yield from _check_deadline(kpi.set_by, text, stated, base, at, ref, _SET_BY_KEYS)


def _stated(wording: str, stated: list[str]) -> bool:
    """Whether a milestone's wording is (part of) something the text states."""
    w = _squash(wording)
    return any(w == s or w in s or s in w for s in stated)


# The messages for a wording not in the KPI's text, and for one the text does not state.
_WORDING_KEYS = ("wording", "not_stated")
_SET_BY_KEYS = ("set_by_wording", "set_by_not_stated")


def _unstated(
    code: str,
    wording: str,
    text: str,
    stated: list[str],
    at: NodePath,
    ref: str,
    keys: tuple[str, str] = _WORDING_KEYS,
) -> Hit | None:
    """What every recorded wording (a deadline's, a target's, set_by's) is asked first: is it
    in the KPI's text, and is it something the text states?"""
    if _squash(wording) not in text:
        return Hit(code, keys[0], {"wording": wording}, (*at, "text"), ref)
    if not _stated(wording, stated):
        return Hit(code, keys[1], {"wording": wording}, (*at, "text"), ref)
    return None


def _check_deadline(
    dl: Deadline,
    text: str,
    stated: list[str],
    base: date | None,
    at: NodePath,
    ref: str,
    keys: tuple[str, str] = _WORDING_KEYS,
) -> Iterator[Hit]:
    unstated = _unstated("K202", dl.text, text, stated, at, ref, keys)
    if unstated is not None:
        yield unstated
        return
    yield from _check_date(dl, base, at, ref)


def _check_date(dl: Deadline, base: date | None, at: NodePath, ref: str) -> Iterator[Hit]:
    """The date is the end of the period its own wording names."""
    if dl.recurring or dl.date is None:
        return
    named = [d for d in find_dates(dl.text, base) if d.end is not None]
    if named and named[-1].end != dl.date:
        args = {"date": dl.date.isoformat(), "named": named[-1].text, "end": named[-1].end}
        yield Hit("K202", "date", args, (*at, "date"), ref)


def _check_target(
    t: Target, text: str, targets: list[str], at: NodePath, ref: str
) -> Iterator[Hit]:
    unstated = _unstated("K203", t.text, text, targets, at, ref)
    if unstated is not None:
        yield unstated
        return
    stated = stated_value(t.text) if t.value is not None else None
    if stated is not None and t.value is not None and abs(stated - t.value) > 1e-9:
        args = {"value": t.value, "wording": t.text, "stated": stated}
        yield Hit("K203", "value", args, (*at, "value"), ref)


def check_kpi_ids(measure: Measure) -> Iterator[Hit]:
    """K205: P1, P2 … / E1, E2 … in document order, each once."""
    counts = {"progress": 0, "outcome": 0}
    seen: set[str] = set()
    for i, kpi in enumerate(measure.kpis):
        counts[kpi.kind] += 1
        want = kpi_id(kpi.kind, counts[kpi.kind])
        if kpi.id in seen:
            yield Hit("K205", "twice", {"id": kpi.id}, ("kpis", i, "id"))
        elif kpi.id != want:
            yield Hit(
                "K205", "order", {"id": kpi.id, "want": want, "kind": kpi.kind}, ("kpis", i, "id")
            )
        seen.add(kpi.id)
