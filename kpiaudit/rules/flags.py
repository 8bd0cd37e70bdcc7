"""K101–K103: the three flags the audit names — unset, no quantitative target, no deadline."""

from __future__ import annotations

from collections.abc import Iterator

from ..i18n import N_
from ..model import Kpi
from .base import Hit, NodePath, Rule

RULES = [
    Rule(
        "K101",
        "kpi-unset",
        "error",
        N_("The KPI is not set."),
        N_(
            "The KPI is ―, empty, 未設定, 検討中, 未定, or says its target or value is to be set "
            "later (今後設定, 設定予定, …を踏まえて具体的にKPIを設定). K101 suppresses K102 and "
            "K103 for the same KPI."
        ),
        {
            "default": N_("KPI is not set"),
            "reason": N_("KPI is not set ({reason})"),
        },
    ),
    Rule(
        "K102",
        "no-quantitative-target",
        "error",
        N_("The KPI states no number to reach."),
        N_(
            "A quantitative target is a number with a unit or comparison the KPI aims to reach "
            "or keep (70％, 100以上, 1,800か所, 年間60回), or a level named in words (半減, "
            "1人1台, 全都道府県). Labels (5G), years, budgets and baselines (…時点) do not count; "
            "nor does a binary milestone (技術を確立)."
        ),
        {"default": N_("KPI states no quantitative target (no number or level to reach)")},
    ),
    Rule(
        "K103",
        "no-deadline",
        "error",
        N_("The KPI states no date to reach its target by."),
        N_(
            "A deadline is a date or period by which the target is to be reached "
            "(令和４年度末まで, 令和７年（2025年）までに, 毎年度末). A start (令和４年度以降), "
            "past context (令和元年度策定) or a budget year (令和３年度予算) is not a deadline."
        ),
        {"default": N_("KPI states no deadline (no date or period to reach its target by)")},
    ),
]


def check_flags(kpi: Kpi, at: NodePath, ref: str) -> Iterator[Hit]:
    """K101 / K102 / K103 from the KPI's structure; K101 suppresses the other two."""
    if kpi.is_unset:
        if kpi.unset_reason:
            yield Hit("K101", "reason", {"reason": kpi.unset_reason}, (*at, "status"), ref)
        else:
            yield Hit("K101", node=(*at, "status"), kpi=ref)
        return
    if not kpi.has_target:
        yield Hit("K102", node=(*at, "text"), kpi=ref)
    if not kpi.has_deadline:
        yield Hit("K103", node=(*at, "text"), kpi=ref)
