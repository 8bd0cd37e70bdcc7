"""``kpiaudit diff OLD [NEW]``: what changed between two versions of a plan.

sides (a directory; a git revision through revision and gitread, never checked out) →
engine (the audit: one plan per directory, with K101–K103 per KPI) → pairing (which measure
and KPI is which: by id, then by similarity) → compare and ranking (the changes of each pair)
→ compliance (per chapter, before and after) → gate (lines in NEW, --fail-on, slip-ok) →
one of reports.FORMATS. core.run_diff does it all in one call.
"""
