"""The dated step: the rules whose answer depends on the day as well as the file (K302 an
actual after today, K304 no actual a year after a deadline), run on a per-file result after
:func:`~kpiaudit.audit.check.check_file`.

They are kept out of ``check_file`` on purpose: its result is a pure function of the file and
is cached per file (:mod:`.cache`); these findings change with the calendar and ``--today``,
so the cache keeps them only for the day they were judged on. This step needs the result only
(the positions it reports at, and the dates it judges, are in it), not the loaded file or the
model.
"""

from __future__ import annotations

from datetime import date

from ..model import Finding
from ..rules import check_dated
from .check import FileResult
from .findings import finding


def dated_findings(result: FileResult, today: date, base: date | None) -> list[Finding]:
    """The findings of the date-dependent rules for one file, from its per-file result."""
    mid = result.measure_id
    return [
        finding(result.path, *result.position(h.node), h.code, h.key, h.args, mid, h.kpi)
        for h in check_dated(result.dated, today, base)
    ]
