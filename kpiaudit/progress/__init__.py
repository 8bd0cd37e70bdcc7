"""Is the plan being met? Each milestone judged against its KPI's actual values as of a day
(progress-rules.md): :func:`judge_plan` over a whole plan, :mod:`.targets` for what one target
asks of a value. Pure functions over the model: no I/O, no clock (the day is an argument)."""

from __future__ import annotations

from .judge import (
    GRADES,
    Judgement,
    Reason,
    judge_kpi,
    judge_plan,
    promises,
)
from .targets import (
    amount,
    comparable_units,
    direction,
    goal,
    meets,
    target_units,
    unit_key,
)

__all__ = [
    "GRADES",
    "Judgement",
    "Reason",
    "amount",
    "comparable_units",
    "direction",
    "goal",
    "judge_kpi",
    "judge_plan",
    "meets",
    "promises",
    "target_units",
    "unit_key",
]
