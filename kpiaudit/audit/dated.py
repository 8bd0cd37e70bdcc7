"""The dated step: the rules whose answer depends on the day as well as the file (K302 an
actual after today, K304 no actual a year after a deadline), run on a per-file result after
:func:`~kpiaudit.audit.check.check_file`.

They are kept out of ``check_file`` on purpose: its result is a pure function of the file and
can be cached per file (issue 16 plans that cache); these findings change with the calendar
and ``--today``, so a cache must never hold them. This step needs the result only (the
positions it reports at are in it), not the loaded file.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..rules import check_dated
from .check import FileResult
from .findings import finding


def add_dated_findings(result: FileResult, today: date, base: date | None) -> FileResult:
    """``result`` with the findings of the date-dependent rules added."""
    if result.measure is None:
        return result
    measure = result.measure
    found = [
        finding(result.path, *result.position(h.node), h.code, h.key, h.args, measure.id, h.kpi)
        for h in check_dated(measure, today, base)
    ]
    return replace(result, findings=result.findings + found) if found else result
