"""Which way a target or a deadline moved: the change types of one milestone's two halves.

A target is ranked by its direction: an upward one (以上, 超, a level to reach) is raised by a
larger number, a downward one (以下, 未満, or a level to fall to such as 解消 or ゼロ, whose
value is 0) by a smaller one. Targets in different units, or whose sense flipped (a floor
became a ceiling), or where a level in words (1人1台) is involved and changed, cannot be
ranked: unit-changed.
A deadline is ranked by its date; a dated one that became recurring (毎年度) or back is
neither earlier nor later: deadline-changed.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ..model import Deadline, Target
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


def _downward(t: Target) -> bool:
    """A ceiling (以下, 未満) or a level to fall to (解消, ゼロ: 0): less is more ambitious."""
    return t.comparison in ("<", "<=") or t.value == 0


def target_change(o: Target, n: Target) -> str | None:
    """The change type from target ``o`` to ``n``, or None when they state the same level."""
    if level(o) == level(n):
        return None
    if unit(o) != unit(n) or o.value is None or n.value is None:
        return "unit-changed"
    down = _downward(o)
    if down != _downward(n):
        return "unit-changed"  # 以上 ↔ 未満: a floor became a ceiling; no order between them
    if o.value == n.value:
        strict_o, strict_n = o.comparison in ("<", ">"), n.comparison in ("<", ">")
        if strict_o == strict_n:
            return None  # 70% ↔ 70%以上 ↔ 約70%: the wording, which text-changed reports
        return "target-raised" if strict_n else "target-lowered"
    return "target-raised" if (n.value > o.value) != down else "target-lowered"


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
