"""Writing the export document (views/export.py) as CSV, XLSX or SQLite, each file whole or
not at all (a temporary file in the same directory, then a rename).

CSV and XLSX are read by people in a spreadsheet: text cells that a spreadsheet would run as a
formula are neutralised and control characters made visible (.cells.spreadsheet_text). SQLite
is a database for queries and keeps the text exactly as the measure files hold it.
"""

from __future__ import annotations

import csv
import io
import math
import sqlite3
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ..fsutil import atomic_path, atomic_write_all
from ..safe_text import spreadsheet_text
from ..views.export import Export, ExportTable

Headers = Literal["en", "ja"]
EXPORT_FORMATS = ("csv", "xlsx", "sqlite")
# CSV holds the two tables people open most, one row per KPI and one per milestone (each row
# names its measure and kind, so each file reads on its own); XLSX and SQLite hold them all.
CSV_TABLES = ("kpis", "milestones")


def headers(table: ExportTable, language: Headers) -> list[str]:
    return [f.ja if language == "ja" else f.key for f in table.fields]


def _number(value: float) -> str:
    """As people write it: 20, not 20.0; 46.5; never 1e-05."""
    if math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return repr(value) if "e" not in repr(value) else f"{value:f}".rstrip("0")


# --- CSV ---------------------------------------------------------------------------------


def csv_paths(out: Path) -> list[Path]:
    """``kpis.csv`` → kpis.csv (KPIs) and kpis-milestones.csv (milestones)."""
    suffix = out.suffix or ".csv"
    return [out, out.with_name(f"{out.stem}-milestones{suffix}")]


def csv_cell(value: Any, enum: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number(value) if isinstance(value, float) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if enum else spreadsheet_text(str(value))


def csv_text(table: ExportTable, language: Headers) -> str:
    """UTF-8 with a BOM, so that Excel reads it as UTF-8 (not the ANSI code page), and CRLF
    line ends (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(table, language))
    enums = [f.type == "enum" for f in table.fields]
    writer.writerows(
        [csv_cell(v, enum) for v, enum in zip(row, enums, strict=True)] for row in table.rows
    )
    return "\ufeff" + buffer.getvalue()


def write_csv(document: Export, out: Path, language: Headers = "en") -> list[Path]:
    paths = csv_paths(out)
    texts = [csv_text(document.tables[name], language) for name in CSV_TABLES]
    atomic_write_all(zip(paths, texts, strict=True))
    return paths


# --- XLSX --------------------------------------------------------------------------------

_MIN_WIDTH, _MAX_WIDTH = 6, 60


def _width(text: str) -> int:
    """Terminal-like width of the longest line: kanji and full-width forms count two."""
    lines = text.splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in ln) for ln in lines)


def xlsx_cell(value: Any, enum: bool = False) -> Any:
    if isinstance(value, str):
        # openpyxl stores any string that starts with "=" as a formula: the closed values
        # that do ("=") are kept as text by their cell's type, set by the caller.
        return value if enum else spreadsheet_text(value)
    return value  # None, bool, int, float, date: Excel's own types


def write_xlsx(document: Export, out: Path, language: Headers = "en") -> list[Path]:
    """One sheet per table, in the document's order; header row (and key column) frozen,
    auto-filter on, columns as wide as their content up to a limit."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    bold = Font(bold=True)
    for table in document.tables.values():
        sheet = book.create_sheet(table.name)
        names = headers(table, language)
        sheet.append(names)
        widths = [_width(h) + 2 for h in names]  # room for the filter button
        enums = [f.type == "enum" for f in table.fields]
        for r, row in enumerate(table.rows, 2):
            cells = [xlsx_cell(v, enum) for v, enum in zip(row, enums, strict=True)]
            sheet.append(cells)
            for i, value in enumerate(cells):
                if value is None:
                    continue
                if isinstance(value, date):
                    sheet.cell(row=r, column=i + 1).number_format = "yyyy-mm-dd"
                    widths[i] = max(widths[i], 10)
                    continue
                if isinstance(value, str) and value.startswith("="):
                    # only a closed value ("="): text, never a formula
                    sheet.cell(row=r, column=i + 1).data_type = "s"
                widths[i] = max(widths[i], _width(str(value)))
        for i, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(i)].width = max(
                _MIN_WIDTH, min(_MAX_WIDTH, width)
            )
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "B2"  # the header row and the key column stay in view
        last = get_column_letter(len(names))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    book.properties.creator = "kpiaudit"
    with atomic_path(out) as tmp:
        book.save(tmp)
    return [out]


# --- SQLite ------------------------------------------------------------------------------

_SQL_TYPES = {
    "text": "TEXT",
    "enum": "TEXT",
    "integer": "INTEGER",
    "real": "REAL",
    "boolean": "INTEGER",
}
_SQL_TYPES["date"] = "TEXT"  # ISO 8601, which sorts and compares as dates do


def _q(name: str) -> str:
    """A quoted identifier: "column" and "plan" are SQL keywords."""
    return '"' + name.replace('"', '""') + '"'


def _sql_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        # A lone surrogate (a YAML escape) cannot be stored as UTF-8: the one change made.
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def create_statements(table: ExportTable) -> list[str]:
    pk = set(table.primary_key)
    columns = [
        f"{_q(f.key)} {_SQL_TYPES[f.type]}{' NOT NULL' if f.key in pk else ''}"
        for f in table.fields
    ]
    columns.append(f"PRIMARY KEY ({', '.join(map(_q, table.primary_key))})")
    columns += [
        f"FOREIGN KEY ({_q(fk.column)}) REFERENCES {_q(fk.table)} ({_q(fk.references)})"
        for fk in table.foreign_keys
    ]
    out = [f"CREATE TABLE {_q(table.name)} (\n  " + ",\n  ".join(columns) + "\n)"]
    out += [
        f"CREATE INDEX {_q(f'{table.name}_{fk.column}')} ON {_q(table.name)} ({_q(fk.column)})"
        for fk in table.foreign_keys
    ]
    return out


# Referenced tables first, so that every row's foreign keys resolve as it is inserted.
_SQL_ORDER = ("plan", "chapters", "measures", "kpis", "milestones", "actuals", "findings")


def write_sqlite(document: Export, out: Path, language: Headers = "en") -> list[Path]:
    """Tables with primary and foreign keys (datasette follows them), checked with
    ``PRAGMA foreign_key_check`` before the file is put in place. Column names are always the
    English keys: queries must not depend on --headers."""
    with atomic_path(out) as tmp:
        db = sqlite3.connect(tmp)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            for name in _SQL_ORDER:
                table = document.tables[name]
                for statement in create_statements(table):
                    db.execute(statement)
                marks = ", ".join("?" * len(table.fields))
                db.executemany(
                    f"INSERT INTO {_q(name)} VALUES ({marks})",
                    ([_sql_value(v) for v in row] for row in table.rows),
                )
            broken = db.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"export: foreign keys that do not resolve: {broken[:5]}")
            db.commit()
        finally:
            db.close()
    return [out]


WRITERS: dict[str, Callable[[Export, Path, Headers], list[Path]]] = {
    "csv": write_csv,
    "xlsx": write_xlsx,
    "sqlite": write_sqlite,
}
