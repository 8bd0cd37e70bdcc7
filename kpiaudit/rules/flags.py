"""K101–K103: the three flags the audit names — unset, no quantitative target, no deadline —
and K104, a measure that has lost its progress or outcome KPIs.

The text decides (audit-rules.md): the flags judge what the KPI's text (and, for K101, its
notes) states, as :func:`kpiaudit.extract.extract` reads it, never the structured fields. A
hand-edited ``status`` or a milestone pointed at a label cannot silence them; where the fields
disagree with the text, the consistency rules (K202-K206) say so as well."""

from __future__ import annotations

from collections.abc import Iterator

from ..extract import Extraction
from ..i18n import N_
from ..model import KINDS, Measure
from .base import Hit, NodePath, Rule

# The three flags of audit-rules.md, with the key documents give each (status's and export's
# columns, show's JSON): a KPI with none of them, after configuration, is compliant.
COMPLIANCE_FLAGS: dict[str, str] = {"K101": "unset", "K102": "no_target", "K103": "no_deadline"}

RULES = [
    Rule(
        "K101",
        "kpi-unset",
        "error",
        N_("The KPI is not set."),
        N_(
            "The KPI's text or notes say it is not set: ―, empty, 未設定, 検討中, 未定, or its "
            "target or value is to be set later (今後設定, 設定予定, …を踏まえて具体的にKPIを"
            "設定). Judged on the words, whatever the status field says. K101 suppresses K102 "
            "and K103 for the same KPI."
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
            "nor does a binary milestone (技術を確立). Judged on the KPI's text, not on its "
            "milestones."
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
            "past context (令和元年度策定) or a budget year (令和３年度予算) is not a deadline. "
            "A date attached to the KPI's own event or target is, even when already past. "
            "Judged on the KPI's text, not on its milestones."
        ),
        {"default": N_("KPI states no deadline (no date or period to reach its target by)")},
    ),
    Rule(
        "K104",
        "missing-kpi-kind",
        "error",
        N_("A measure has no progress KPI or no outcome KPI."),
        N_(
            "Every measure of the plan has at least one progress KPI (KPI（進捗）) and one "
            "outcome KPI (KPI（効果）); a KPI whose text is ― is unset (K101), not missing. A "
            "measure file without one has lost it: deleting a KPI does not fix its findings."
        ),
        # One template per kind, so that the kind is a word of the sentence in every language.
        {
            "progress": N_("measure {measure} has no progress KPI ({label})"),
            "outcome": N_("measure {measure} has no outcome KPI ({label})"),
        },
    ),
]


def check_flags(read: Extraction, at: NodePath, ref: str) -> Iterator[Hit]:
    """K101 / K102 / K103 from what the KPI's text states; K101 suppresses the other two."""
    if read.unset is not None:
        yield Hit("K101", "reason", {"reason": read.unset}, (*at, "text"), ref)
        return
    if not read.targets:
        yield Hit("K102", node=(*at, "text"), kpi=ref)
    if not read.deadlines:
        yield Hit("K103", node=(*at, "text"), kpi=ref)


_LABELS = {"progress": "KPI（進捗）", "outcome": "KPI（効果）"}


def check_kpi_kinds(measure: Measure) -> Iterator[Hit]:
    """K104: every measure of a plan has a progress KPI and an outcome KPI (one whose text is
    ― is an unset KPI, still there); a file without one has lost it."""
    present = {k.kind for k in measure.kpis}
    for kind in KINDS:
        if kind not in present:
            args = {"measure": measure.id, "label": _LABELS[kind]}
            yield Hit("K104", kind, args=args, node=("kpis",))
