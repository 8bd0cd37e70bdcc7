"""``kpiaudit diff OLD [NEW]``: what changed between two versions of a plan.

sides (a directory, or a git revision read with git's plumbing) → engine (the audit, one
plan per directory) → compare (pair measures and KPIs, by id then by text similarity; the
changes of each pair) → gate (lines in NEW, --fail-on, slip-ok comments) → a reporter.
"""
