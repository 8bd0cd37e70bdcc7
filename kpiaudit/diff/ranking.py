"""Which way a target or a deadline moved: the change types of one milestone's two halves.

A target is ranked by its direction, as :func:`kpiaudit.progress.targets.direction` reads it
for judging actuals: an upward one (以上, 超, a level to reach, a reduction such as 半減 or
３割削減 whose size is the number) is raised by a larger number, a downward one (以下, 未満, a
level to fall to such as 解消 or ゼロ, or one the RS system calls 下向き) by a smaller one.
Numbers are compared on one scale: 割 as ％ (３割 = 30％) and a reduction's ％削減 as ％
(半減 = 50％削減), so 半減 → ３割削減 is a lowered target, not a new unit. Targets in
different units, or whose direction flipped (a floor became a ceiling), or where a level in
words (1人1台) is involved and changed, cannot be ranked: unit-changed.
A deadline is ranked by its date; a dated one that became recurring (毎年度) or back is
neither earlier nor later: deadline-changed.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ..model import Deadline, Kpi, Target
from ..progress.targets import direction
from .similarity import normalise


def unit(t: Target) -> str:
    # Not normalise(): % is punctuation to Unicode, and ％ against no unit is a real change.
    return unicodedata.normalize("NFKC", t.unit).strip()


def level(t: Target) -> tuple[object, ...]:
    """What a target states: its number, unit and comparison; for a level in words (1人1台,
    no number), the words."""
    words = normalise(t.text) if t.value is None else None
    return (t.value, unit(t), t.comparison, words)


def target_json(t: Target) -> dict[str, Any]:
    return {"value": t.value, "unit": t.unit, "comparison": t.comparison}


def _scaled(t: Target) -> tuple[float | None, str]:
    """The target's number and unit on the scale versions are ranked on: 割 as ％, and a
    reduction's ％削減 as ％ (the reduction's size; its direction says it is a reduction)."""
    u = unit(t).removesuffix("削減")
    if u == "割" and t.value is not None:
        return t.value * 10, "%"
    return t.value, u


def target_change(o: Target, n: Target, old_kpi: Kpi, new_kpi: Kpi) -> str | None:
    """The change type from target ``o`` (of ``old_kpi``) to ``n`` (of ``new_kpi``), or None
    when they state the same level."""
    if level(o) == level(n):
        return None
    (old_value, old_unit), (new_value, new_unit) = _scaled(o), _scaled(n)
    if old_unit != new_unit or old_value is None or new_value is None:
        return "unit-changed"
    way = direction(o, old_kpi)
    if way != direction(n, new_kpi):
        return "unit-changed"  # 以上 ↔ 未満: a floor became a ceiling; no order between them
    if old_value == new_value:
        strict_o, strict_n = o.comparison in ("<", ">"), n.comparison in ("<", ">")
        if strict_o == strict_n:
            return None  # 70% ↔ 70%以上 ↔ 約70% ↔ ７割: the wording, which text-changed reports
        return "target-raised" if strict_n else "target-lowered"
    return "target-raised" if (new_value > old_value) == (way == "up") else "target-lowered"


def deadline_value(d: Deadline) -> str:
    return d.date.isoformat() if d.date is not None and not d.recurring else "recurring"


def deadline_change(o: Deadline, n: Deadline) -> str | None:
    o_dated = o.date is not None and not o.recurring
    n_dated = n.date is not None and not n.recurring
    if not o_dated or not n_dated:
        return None if o_dated == n_dated else "deadline-changed"
    assert o.date is not None and n.date is not None
    if n.date > o.date:
        return "deadline-slipped"
    if n.date < o.date:
        return "deadline-advanced"
    return None
