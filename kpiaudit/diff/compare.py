"""OLD plan against NEW plan: what changed in each pair of measures and KPIs (:mod:`.pairing`
says which is which), and what was added or removed.

Works on :mod:`kpiaudit.model` types only. Milestones are compared pairwise in order, after
unchanged milestones are set aside (difflib's matching blocks over their values), so that a
milestone inserted in front does not make every later one look moved; :mod:`.ranking` names
the way each half of a milestone moved.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..model import Deadline, Kpi, KpiRef, Measure, Milestone, Plan, Target
from .changes import Change
from .pairing import pair_kpis, pair_measures
from .ranking import deadline_change, deadline_value, level, target_change, target_json
from .similarity import Pair, normalise

T = TypeVar("T", Target, Deadline)


def compare(old: Plan, new: Plan) -> list[Change]:
    """Every change from ``old`` to ``new``, in NEW's document order (removals where they
    were)."""
    pairs = pair_measures(old.measures, new.measures)
    changes: list[Change] = []
    paired_old = {p.old for p in pairs}
    paired_new = {p.new for p in pairs}
    for p in pairs:
        changes.extend(_measure_changes(old.measures[p.old], new.measures[p.new], p))
    for j, m in enumerate(new.measures):
        if j not in paired_new:
            changes.extend(_added_measure(m))
    for i, m in enumerate(old.measures):
        if i not in paired_old:
            changes.extend(_removed_measure(m))
    changes.sort(key=_order)
    return changes


def _order(c: Change) -> tuple[int, int, int, int]:
    """As the plan reads: the measure, then its KPIs (c.new or c.old names the KPI, if any)."""
    named = c.new or c.old or ""
    kpi = KpiRef.parse(named).kpi if "." in named else None
    return KpiRef.of(c.measure, kpi).sort_key()


def _added_measure(m: Measure) -> Iterator[Change]:
    where: dict[str, Any] = {"measure": m.id, "chapter": m.chapter, "path": m.path}
    yield Change("measure-added", old=None, new=m.id, after=m.title, node=("id",), **where)
    for j, k in enumerate(m.kpis):
        yield Change(
            "kpi-added", old=None, new=str(m.kpi_ref(k)), after=k.text, node=("kpis", j), **where
        )


def _removed_measure(m: Measure) -> Iterator[Change]:
    where: dict[str, Any] = {"measure": m.id, "chapter": m.chapter}
    yield Change("measure-removed", old=m.id, new=None, before=m.title, **where)
    for k in m.kpis:
        yield Change("kpi-removed", old=str(m.kpi_ref(k)), new=None, before=k.text, **where)


def _measure_changes(om: Measure, nm: Measure, pair: Pair) -> Iterator[Change]:
    where: dict[str, Any] = {"measure": nm.id, "chapter": nm.chapter, "path": nm.path}
    score = None if pair.by_id else round(pair.score, 2)
    if om.id != nm.id:
        yield Change(
            "measure-renumbered",
            old=om.id,
            new=nm.id,
            before=om.id,
            after=nm.id,
            before_value={"chapter": om.chapter},
            after_value={"chapter": nm.chapter},
            score=score,
            node=("id",),
            **where,
        )
    if normalise(om.title) != normalise(nm.title):
        yield Change(
            "text-changed",
            old=om.id,
            new=nm.id,
            before=om.title,
            after=nm.title,
            field="title",
            node=("title",),
            **where,
        )
    kpi_pairs = pair_kpis(om.kpis, nm.kpis)
    for kp in kpi_pairs:
        yield from _kpi_changes(om, om.kpis[kp.old], nm, kp.new, kp)
    paired_new = {kp.new for kp in kpi_pairs}
    paired_old = {kp.old for kp in kpi_pairs}
    for j, k in enumerate(nm.kpis):
        if j not in paired_new:
            yield Change(
                "kpi-added",
                old=None,
                new=str(nm.kpi_ref(k)),
                after=k.text,
                node=("kpis", j),
                **where,
            )
    for i, k in enumerate(om.kpis):
        if i not in paired_old:
            yield Change(
                "kpi-removed",
                old=str(om.kpi_ref(k)),
                new=None,
                before=k.text,
                node=("kpis",),
                **where,
            )


def _kpi_changes(om: Measure, ok: Kpi, nm: Measure, j: int, pair: Pair) -> Iterator[Change]:
    nk = nm.kpis[j]
    at: tuple[str | int, ...] = ("kpis", j)
    base: dict[str, Any] = {
        "measure": nm.id,
        "chapter": nm.chapter,
        "old": str(om.kpi_ref(ok)),
        "new": str(nm.kpi_ref(nk)),
        "score": None if pair.by_id else round(pair.score, 2),
        "path": nm.path,
    }
    if ok.kind != nk.kind:  # the id follows the kind (P → E): one change says both
        yield Change("kind-changed", before=ok.kind, after=nk.kind, node=(*at, "kind"), **base)
    elif ok.id != nk.id:
        yield Change("kpi-renumbered", before=ok.id, after=nk.id, node=(*at, "id"), **base)
    if ok.is_unset != nk.is_unset:
        # As K101 stands for K102 and K103: the new text and milestones are the change.
        kind = "became-unset" if nk.is_unset else "became-set"
        yield Change(
            kind,
            before=ok.text,
            after=nk.text,
            before_value=ok.status,
            after_value=nk.status,
            node=(*at, "status"),
            **base,
        )
        return
    if normalise(ok.text) != normalise(nk.text):
        yield Change(
            "text-changed",
            before=ok.text,
            after=nk.text,
            field="text",
            node=(*at, "text"),
            **base,
        )
    if normalise("".join(ok.notes)) != normalise("".join(nk.notes)):
        yield Change(
            "text-changed",
            before="\n".join(ok.notes) or None,
            after="\n".join(nk.notes) or None,
            field="notes",
            node=(*at, "notes"),
            **base,
        )
    for i_old, i_new in _aligned(ok.milestones, nk.milestones):
        o = ok.milestones[i_old] if i_old is not None else Milestone(None, None)
        n = nk.milestones[i_new] if i_new is not None else Milestone(None, None)
        number = (i_new if i_new is not None else i_old or 0) + 1
        node = (*at, "milestones", i_new) if i_new is not None else (*at, "milestones")
        kpis = (ok, nk)
        yield from _part_change(_TARGET, o.target, n.target, kpis, number, node, base)
        yield from _part_change(_DEADLINE, o.deadline, n.deadline, kpis, number, node, base)


def _key(m: Milestone) -> tuple[object, object]:
    t, d = m.target, m.deadline
    return (
        None if t is None else level(t),
        None if d is None else (d.date, d.recurring),
    )


def _aligned(old: list[Milestone], new: list[Milestone]) -> Iterator[tuple[int | None, int | None]]:
    """(old index, new index) of milestones to compare; None on one side when a milestone was
    added or dropped. Equal milestones are skipped; between them, pairwise in order."""
    matcher = difflib.SequenceMatcher(None, [_key(m) for m in old], [_key(m) for m in new], False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = list(range(i1, i2)), list(range(j1, j2))
        for k in range(max(len(olds), len(news))):
            yield (olds[k] if k < len(olds) else None, news[k] if k < len(news) else None)


@dataclass(frozen=True)
class _Part(Generic[T]):
    """How one part of a milestone (its target or its deadline) is compared."""

    name: str  # the key in the file, for the node a change points at
    added: str  # the change when NEW has it and OLD had not
    removed: str
    ranked: Callable[[T, T, Kpi, Kpi], str | None]  # the change (the KPIs: for direction)
    value: Callable[[T], Any]  # how it is shown as before/after values


_TARGET: _Part[Target] = _Part(
    "target", "target-raised", "target-lowered", target_change, target_json
)
_DEADLINE: _Part[Deadline] = _Part(
    "deadline",
    "deadline-added",
    "deadline-removed",
    lambda o, n, _old_kpi, _new_kpi: deadline_change(o, n),
    deadline_value,
)


def _part_change(
    part: _Part[T],
    o: T | None,
    n: T | None,
    kpis: tuple[Kpi, Kpi],
    number: int,
    node: tuple[str | int, ...],
    base: dict[str, Any],
) -> Iterator[Change]:
    if o is None and n is None:
        return
    if o is None or n is None:
        kind = part.added if o is None else part.removed
    else:
        found = part.ranked(o, n, *kpis)
        if found is None:
            return
        kind = found
    yield Change(
        kind,
        before=o.text if o is not None else None,
        after=n.text if n is not None else None,
        before_value=part.value(o) if o is not None else None,
        after_value=part.value(n) if n is not None else None,
        milestone=number,
        node=(*node, part.name) if n is not None and len(node) > 3 else node,
        **base,
    )
