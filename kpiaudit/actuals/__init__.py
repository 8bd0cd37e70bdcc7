"""Readers of actual values (実績): pure functions from files to :class:`ActualRow` values.

Nothing here writes a measure file; the ``actuals`` commands call these readers and decide.

* :func:`~kpiaudit.actuals.table.read_table` — a CSV or XLSX table kept by hand.
* :func:`~kpiaudit.actuals.rs.read_rs` — the RS system's 3-1 file, streamed, one
  :class:`~kpiaudit.actuals.rs.RsIndicator` per indicator (targets, actuals, rates per year).
* :func:`~kpiaudit.actuals.mapping.load_mapping` and :func:`~kpiaudit.actuals.rs.rs_actuals` —
  which indicator measures which KPI, and the mapped indicators' actuals as rows.
* :func:`~kpiaudit.actuals.mapping.suggest_mapping` and
  :func:`~kpiaudit.actuals.mapping.format_suggestions` — candidate mappings with their evidence,
  as YAML a person confirms line by line.

Every reader returns the usable rows *and* a :class:`RowProblem` for each row it skipped; a file
that cannot be read at all raises :class:`ActualsFileError` naming the file and the row.
"""

from __future__ import annotations

from .mapping import MappingEntry, MappingError, format_suggestions, load_mapping, suggest_mapping
from .records import ActualRow, ActualsFileError, RowProblem
from .rs import RsIndicator, read_rs, rs_actuals
from .table import read_table

__all__ = [
    "ActualRow",
    "ActualsFileError",
    "MappingEntry",
    "MappingError",
    "RowProblem",
    "RsIndicator",
    "format_suggestions",
    "load_mapping",
    "read_rs",
    "read_table",
    "rs_actuals",
    "suggest_mapping",
]
