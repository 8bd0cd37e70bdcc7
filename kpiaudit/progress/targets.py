"""What a milestone's target asks of an actual: its direction, the units an actual may be in,
where progress starts, and whether a value meets it (progress-rules.md, "Judging one
milestone"). Pure functions over the model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..model import Actual, Baseline, Comparison, Direction, Kpi, Target

# A level to fall to: the target is met by going down to it.
_DOWN_WORDS = re.compile(r"解消|ゼロ|根絶|撲滅")
# A reduction (３割削減, 半減, CO2削減) is tracked as the size of the reduction achieved, so it
# is upward; the word may be in the target's own text or right after it in the KPI's.
_REDUCTION = re.compile(r"半減|削減|減少|縮減|低減|短縮")
_REDUCTION_AFTER = re.compile(r"[^、。,，（）()]{0,8}?(?:削減|減少|縮減|低減|短縮)")
RELATIVE_UNIT = "倍"  # 従来比10倍: relative to a value the plan may not record
TOLERANCE = 0.05  # 約/程度 (~): within 5 % of the value


def unit_key(unit: str) -> str:
    """Units compare after NFKC (% = ％, ｋｍ = km), spaces ignored."""
    return unicodedata.normalize("NFKC", unit).strip()


def is_reduction(target: Target, kpi_text: str) -> bool:
    if _REDUCTION.search(target.text) or "削減" in target.unit:
        return True
    at = kpi_text.find(target.text) if target.text else -1
    return at >= 0 and _REDUCTION_AFTER.match(kpi_text, at + len(target.text)) is not None


def direction(target: Target, kpi: Kpi) -> Direction:
    """Upward unless the comparison is <= 以下 / < 未満 or the target names a level to fall to
    (解消, ゼロ, a target of 0); a reduction is upward. Where the wording leaves it open (a
    plain level, = or ~), the RS system's 改善の上向き／下向き decides, else upward."""
    if target.comparison in ("<=", "<"):
        return "down"
    reduction = is_reduction(target, kpi.text)
    if _DOWN_WORDS.search(target.text) or (target.value == 0 and not reduction):
        return "down"
    if reduction or target.comparison in (">=", ">"):
        return "up"
    stated = {link.direction for link in kpi.rs if link.direction}
    return stated.pop() if len(stated) == 1 else "up"


@dataclass(frozen=True)
class Scale:
    """One unit an actual of a milestone may be in: the value to reach in it, and where
    progress starts (None: nowhere known, for a downward target without a baseline)."""

    value: float
    start: float | None
    start_date: date | None  # the baseline's date, when the start is a baseline


@dataclass(frozen=True)
class Goal:
    """A numeric milestone's target as actuals are compared with it."""

    target: Target
    direction: Direction
    comparison: Comparison
    scales: dict[str, Scale]  # unit_key → scale
    relative: bool  # 倍 without a baseline to resolve it against: nothing compares

    def meets(self, value: float, unit: str) -> bool:
        scale = self.scales[unit_key(unit)]
        return meets(value, scale.value, self.comparison, self.direction)

    def progress(self, value: float, unit: str) -> float | None:
        scale = self.scales[unit_key(unit)]
        return progress(value, scale.value, scale.start, self.direction)

    def rate(self, value: float, unit: str) -> float | None:
        return rate(value, self.scales[unit_key(unit)].value, self.direction)


def _baseline(kpi: Kpi, unit: str) -> Baseline | None:
    """The KPI's latest baseline with a value in ``unit``."""
    found = [b for b in kpi.baselines if b.value is not None and unit_key(b.unit) == unit]
    found.sort(key=lambda b: b.as_of or date.min)
    return found[-1] if found else None


def goal(target: Target, kpi: Kpi) -> Goal | None:
    """The goal of a numeric target; None for a level named in words (1人1台)."""
    if target.value is None:
        return None
    way = direction(target, kpi)
    unit = unit_key(target.unit)
    scales: dict[str, Scale] = {}
    if unit == RELATIVE_UNIT:
        # 10倍 of the baseline, in the baseline's unit; a ratio measured against that recorded
        # baseline compares as it is, starting from 1 (the baseline is 1倍 of itself).
        bases = [
            b for b in kpi.baselines if b.value is not None and unit_key(b.unit) != RELATIVE_UNIT
        ]
        if not bases:
            return Goal(target, way, target.comparison, {}, relative=True)
        of = bases[-1]
        assert of.value is not None
        scales[unit_key(of.unit)] = Scale(of.value * target.value, of.value, of.as_of)
        scales[unit] = Scale(target.value, 1.0, of.as_of)
        return Goal(target, way, target.comparison, scales, relative=False)
    reduction = is_reduction(target, kpi.text)
    base = None if reduction else _baseline(kpi, unit)
    if base is not None:
        scale = Scale(target.value, base.value, base.as_of)
    else:  # upward from 0; a reduction starts at no reduction at all
        scale = Scale(target.value, 0.0 if way == "up" else None, None)
    scales[unit] = scale
    if reduction and unit.endswith("削減"):
        scales[unit.removesuffix("削減")] = scale  # 半減 is 50 %削減: an actual of 40 %
    return Goal(target, way, target.comparison, scales, relative=False)


def recorded(kpi: Kpi, target: Target | None, actuals: Iterable[Actual]) -> bool:
    """Whether any of ``actuals`` is for the milestone with ``target``: a value in its units,
    or, for a binary milestone (no numeric target), whether it was achieved. K304 asks."""
    actuals = list(actuals)
    if not actuals:  # most KPIs record none: no need to work out the goal
        return False
    g = goal(target, kpi) if target is not None else None
    if g is None:
        return any(a.achieved is not None for a in actuals)
    units = set(g.scales) | {unit_key(g.target.unit)}
    return any(a.value is not None and unit_key(a.unit) in units for a in actuals)


def comparable_units(kpi: Kpi) -> frozenset[str]:
    """Every unit (NFKC) an actual of the KPI may be in: its numeric targets' units (K301)."""
    units: set[str] = set()
    for m in kpi.milestones:
        g = goal(m.target, kpi) if m.target is not None else None
        if g is not None:  # a relative target without a baseline still names its unit (倍)
            units |= set(g.scales) or {unit_key(g.target.unit)}
    return frozenset(units)


def amount(value: float, unit: str = "") -> str:
    """A value as people write it, with its unit: 1440000 件 → 1,440,000件, 99.86 → 99.86."""
    from decimal import Decimal  # here: status and due rarely print an amount (2 ms to import)

    number = Decimal(repr(float(value))).normalize()
    return f"{number:,f}{unit}"


def target_units(kpi: Kpi) -> str:
    """The KPI's target units as written, for messages: "％, 件"."""
    units = {unit_key(u): u for u in (m.target.unit for m in kpi.milestones if m.target)}
    shown = [units.get(u, u) for u in sorted(comparable_units(kpi))]
    return ", ".join(u or repr(u) for u in shown)  # an empty unit shows as ''


def meets(value: float, target: float, comparison: Comparison, way: Direction) -> bool:
    """Upward: at least the target (> 超: more than it; ~ 約: at least 95 % of it; a plain
    level is a level to reach, so more is fine). Downward: at most it (< 未満: less than it;
    ~: at most 105 % of it)."""
    if way == "up":
        if comparison == ">":
            return value > target
        if comparison == "~":
            return value >= target * (1 - TOLERANCE)
        return value >= target
    if comparison == "<":
        return value < target
    if comparison == "~":
        return value <= target * (1 + TOLERANCE)
    return value <= target


def progress(value: float, target: float, start: float | None, way: Direction) -> float | None:
    """How far from the start to the target: upward (actual − start) / (target − start),
    downward (start − actual) / (start − target); None without a start."""
    if start is None:
        return None
    span = target - start if way == "up" else start - target
    done = value - start if way == "up" else start - value
    if span == 0:
        return 1.0 if meets(value, target, "=", way) else 0.0
    return done / span


def rate(value: float, target: float, way: Direction) -> float | None:
    """達成率 as the RS system shows it, in percent: upward actual / target, downward
    target / actual. None where that divides by zero (a zero target upward, a zero actual
    downward, except a zero actual of a zero target, which is met: 100)."""
    if way == "up":
        return value / target * 100 if target else None
    if value == 0:
        return 100.0 if target == 0 else None
    return target / value * 100
