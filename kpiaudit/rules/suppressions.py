"""S0xx: suppression comments (``# kpiaudit: ignore[K102] reason``) that do not do their job.
The engine reads and applies suppressions (:mod:`kpiaudit.audit.suppress`) and reports these."""

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
            "A `# kpiaudit: ignore[CODE] reason` comment on a KPI that has no such finding. "
            "Remove it so that it cannot hide a future finding."
        ),
        {
            "unused_kpi": N_("ignore[{code}]: suppresses nothing on {kpi}"),
            "unused_measure": N_("ignore[{code}]: suppresses nothing on measure {measure}"),
        },
    ),
    Rule(
        "S002",
        "invalid-suppression",
        "warning",
        N_("A comment tries to suppress a finding and cannot."),
        N_(
            "A suppression is a YAML comment `# kpiaudit: ignore[K102,no-deadline] reason`: "
            "rule codes or names (any case), then the reason, which is required. A comment "
            "that tries and fails (no reason, an unknown rule, ignore[…] without kpiaudit:, "
            "a rule that is always reported) hides nothing, and is reported so that you know. "
            "Text inside a KPI's quoted or block text is not a comment and never suppresses."
        ),
        {
            "malformed": N_(
                "not a suppression kpiaudit can read: {comment!r}; write "
                "'# kpiaudit: ignore[CODE] reason'"
            ),
            "unknown": N_("ignore[{code}]: no such rule; `kpiaudit rules` lists them"),
            "reason": N_(
                "ignore[{codes}] gives no reason, so it hides nothing; add why after the ]"
            ),
            "always": N_(
                "ignore[{code}]: {code} is always reported (a file that was not checked or was "
                "left out) and cannot be suppressed"
            ),
        },
    ),
]
