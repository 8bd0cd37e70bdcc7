"""S0xx: suppression comments (``# kpiaudit: ignore[K102] reason``) that do not do their job.
The engine applies suppressions (:mod:`kpiaudit.audit.suppress`) and reports these."""

from __future__ import annotations

from ..i18n import N_
from .base import Rule

RULES = [
    Rule(
        "S001",
        "unused-suppression",
        "warning",
        N_("A suppression comment suppresses nothing."),
        N_(
            "A `# kpiaudit: ignore[CODE] reason` comment on a KPI that has no such finding, or "
            "that names an unknown code. Remove it so that it cannot hide a future finding."
        ),
        {
            "unknown": N_("ignore[{code}]: unknown rule code"),
            "unused_kpi": N_("ignore[{code}]: suppresses nothing on {kpi}"),
            "unused_measure": N_("ignore[{code}]: suppresses nothing on measure {measure}"),
        },
    ),
]
