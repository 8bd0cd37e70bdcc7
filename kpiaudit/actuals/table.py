"""Tables of actual values kept by hand: CSV (UTF-8, with or without BOM, as Excel saves it) or
XLSX, one row per actual.

Columns, in any order, English or Japanese (matched after NFKC, case and spaces ignored):

====================  =======  =========================================================
``kpi``               KPI      ``6-4.P1`` (full-width and other dashes accepted)
``period``            期間     ``令和5年度``, ``2024年3月``, ``2023-12-31``, ``R5年度`` …
``value``             実績値   ``1,234``, ``40万``, ``70%``; ``-`` or empty for none
``unit``              単位     ``件``, ``万人`` (万/億 are multiplied out of value and unit)
``source``            出典     required in every row
``note``              備考     optional
``achieved``          達成     true/false, yes/no, 1/0, 達成/未達成, ○/×
====================  =======  =========================================================

``kpi``, ``period`` and ``source`` are required, and ``value`` or ``achieved`` (or both).

**Any other column is an error**, unless its header starts with ``#`` (a column for the
person keeping the table, ignored). A misspelt header (``単位名``, ``sorce``) would otherwise
silently drop what the column holds; ``#`` keeps helper columns possible. A column with an empty
header is ignored when it is empty, and a row with something in it is reported.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator, Iterator
from contextlib import closing
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from ..i18n import _, os_reason
from . import csvstream
from .records import (
    ActualRow,
    ActualsFileError,
    CellError,
    RowProblem,
    nfkc,
    parse_achieved,
    parse_kpi_ref,
    parse_period,
    read_amount,
)

FIELDS = ("kpi", "period", "value", "unit", "source", "note", "achieved")
_HEADERS = {
    **{f: f for f in FIELDS},
    "期間": "period",
    "実績値": "value",
    "単位": "unit",
    "出典": "source",
    "備考": "note",
    "達成": "achieved",
}
_NO_VALUE = {"", "-", "―", "−", "ー", "—", "–"}


def read_table(path: Path, sheet: str | None = None) -> tuple[list[ActualRow], list[RowProblem]]:
    """Every usable row of a CSV or XLSX table of actuals, and a problem for every row that is
    not (skipped). ``sheet`` names an XLSX worksheet (default: the first). The format is told by
    the file's first bytes, not its name. Raises :class:`ActualsFileError` for a file that
    cannot be read at all (unreadable, not UTF-8, wrong header, truncated)."""
    name = path.as_posix()
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ActualsFileError(
            name, _("cannot read: {error}").format(error=os_reason(exc))
        ) from exc
    if head.startswith(b"PK\x03\x04"):
        # openpyxl warns about workbook features it does not read (data validation, some
        # styles); they do not change a cell's value, and the user can do nothing about them.
        # closing(): a header error leaves the rows unread; the workbook is closed all the same.
        with warnings.catch_warnings(), closing(_xlsx_rows(path, sheet)) as xlsx:
            warnings.simplefilter("ignore")
            return _Table(name).read(xlsx)
    if sheet is not None:
        raise ActualsFileError(name, _("a sheet can only be chosen in an .xlsx workbook"))
    with closing(csvstream.records(path)) as records:
        return _Table(name).read((row, cells) for row, cells, _last in records)


class _Table:
    def __init__(self, name: str) -> None:
        self.name = name
        self.columns: dict[str, int] = {}
        self.headers: dict[str, str] = {}  # field → the header as written, for messages
        self.blank: list[int] = []  # columns with an empty header
        self.width = 0

    def read(
        self, rows: Iterator[tuple[int, list[str]]]
    ) -> tuple[list[ActualRow], list[RowProblem]]:
        first = next(rows, None)
        if first is None:
            raise ActualsFileError(self.name, _("the file is empty: no header row"), 1)
        self._header(first[1])
        found: list[ActualRow | None] = []
        problems: list[RowProblem] = []
        # (kpi, period, source) → index in found: one actual, written twice, is one actual
        seen: dict[tuple[str, str, str], int] = {}
        for row, cells in rows:
            result = self._row(row, cells)
            if result is None:
                continue
            if isinstance(result, list):
                problems.extend(RowProblem(self.name, row, m) for m in result)
                continue
            key = (result.kpi, nfkc(result.period), nfkc(result.source))
            if key not in seen:
                seen[key] = len(found)
                found.append(result)
                continue
            earlier = found[seen[key]]
            if earlier is None or _payload(earlier) != _payload(result):
                first_row = earlier.row if earlier is not None else None
                problems.append(self._conflict(row, first_row))
                if earlier is not None:
                    problems.append(self._conflict(earlier.row, row))
                    found[seen[key]] = None  # neither value is imported: a person decides
        problems.sort(key=lambda p: p.row)
        return [r for r in found if r is not None], problems

    def _conflict(self, row: int, other: int | None) -> RowProblem:
        if other is None:
            message = _("same KPI, period and source as an earlier conflicting row")
        else:
            message = _(
                "same KPI, period and source as row {other} but a different value: "
                "neither is imported"
            ).format(other=other)
        return RowProblem(self.name, row, message)

    def _header(self, cells: list[str]) -> None:
        unknown: list[str] = []
        for i, cell in enumerate(cells):
            written = cell.strip()
            key = nfkc(written).casefold().replace(" ", "")
            if not key:
                self.blank.append(i)
                continue
            if key.startswith("#"):
                continue
            field = _HEADERS.get(key)
            if field is None:
                unknown.append(written)
                continue
            if field in self.columns:
                raise ActualsFileError(
                    self.name,
                    _("columns {first!r} and {second!r} both hold {field}").format(
                        first=self.headers[field], second=written, field=field
                    ),
                    1,
                )
            self.columns[field] = i
            self.headers[field] = written
        self.width = len(cells)
        if unknown:
            hint = ""
            if len(cells) == 1 and any(sep in cells[0] for sep in "\t;"):
                hint = " " + _("(the file is not comma-separated: save it as 'CSV UTF-8')")
            raise ActualsFileError(
                self.name,
                _(
                    "unknown column(s) {columns}; the columns are kpi, period, value, unit, "
                    "source, note, achieved (or KPI, 期間, 実績値, 単位, 出典, 備考, 達成); "
                    "start a header with # to keep a column of your own{hint}"
                ).format(columns=", ".join(repr(c) for c in unknown), hint=hint),
                1,
            )
        missing = [f for f in ("kpi", "period", "source") if f not in self.columns]
        if "value" not in self.columns and "achieved" not in self.columns:
            missing.append("value/achieved")
        if missing:
            raise ActualsFileError(
                self.name,
                _("the header has no {columns} column (row 1 must be the header)").format(
                    columns=", ".join(missing)
                ),
                1,
            )

    def _cell(self, cells: list[str], field: str) -> str:
        i = self.columns.get(field)
        return csvstream.text(cells[i]) if i is not None and i < len(cells) else ""

    def _row(self, row: int, cells: list[str]) -> ActualRow | list[str] | None:
        """The actual in a row, the messages saying why there is none, or None (blank row)."""
        known = {f: self._cell(cells, f) for f in FIELDS}
        stray = [
            i
            for i, cell in enumerate(cells)
            if cell.strip() and (i >= self.width or i in self.blank)
        ]
        if not any(known.values()) and not stray:
            return None  # an empty row, or one with only # columns filled
        messages: list[str] = []
        if stray:
            messages.append(
                _("{count} cell(s) in columns without a header (column {columns})").format(
                    count=len(stray), columns=", ".join(_column_letter(i) for i in stray)
                )
            )

        def check(field: str, message: str) -> None:
            messages.append(
                _("{column}: {message}").format(column=self.headers[field], message=message)
            )

        kpi = ""
        try:
            kpi = parse_kpi_ref(known["kpi"]) if known["kpi"] else ""
        except CellError as exc:
            check("kpi", str(exc))
        else:
            if not kpi:
                check("kpi", _("no KPI"))
        as_of: date | None = None
        try:
            as_of = parse_period(known["period"])
        except CellError as exc:
            check("period", str(exc))
        achieved: bool | None = None
        if "achieved" in self.columns:
            try:
                achieved = parse_achieved(known["achieved"])
            except CellError as exc:
                check("achieved", str(exc))
        value: float | None = None
        unit = known["unit"]
        value_text = "" if nfkc(known["value"]) in _NO_VALUE else known["value"]
        if value_text:
            try:
                value, unit = read_amount(value_text, known["unit"])
            except CellError as exc:
                check("value", str(exc))
        elif achieved is None and not (known["achieved"] and "achieved" in self.columns):
            field = "value" if "value" in self.columns else "achieved"
            check(field, _("no value (and no achieved)"))
        if not known["source"]:
            check("source", _("no source: every actual needs one"))
        if messages or as_of is None:
            return messages
        return ActualRow(
            self.name,
            row,
            kpi,
            known["period"],
            as_of,
            value,
            unit,
            achieved,
            known["source"],
            known["note"],
        )


def _payload(row: ActualRow) -> tuple[object, ...]:
    return (row.value, nfkc(row.unit), row.achieved)


def _column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# XLSX


def _xlsx_text(value: object, number_format: str | None) -> str:
    """A cell's value as the text a person sees: 0.7 formatted as 0% → ``70%``, a date →
    ``2024-03-31``, 1234.0 → ``1234``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number_format and "%" in number_format:
            return format((number * 100).normalize(), "f") + "%"
        return format(number.normalize(), "f")  # never 1e+20 or 1.5e-07, which read as text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: Path, sheet: str | None) -> Generator[tuple[int, list[str]], None, None]:
    # Imported here: openpyxl takes ~0.2 s to import and only XLSX tables need it.
    import openpyxl

    name = path.as_posix()
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any parse failure of an untrusted workbook is the user's file
        raise ActualsFileError(
            name, _("not a readable .xlsx workbook: {error}").format(error=_short(exc))
        ) from exc
    try:
        if sheet is None:
            if not workbook.worksheets:
                raise ActualsFileError(name, _("the workbook has no worksheet"))
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise ActualsFileError(
                name,
                _("no sheet {sheet!r}; the sheets are {names}").format(
                    sheet=sheet, names=", ".join(repr(s) for s in workbook.sheetnames)
                ),
            )
        if not hasattr(worksheet, "reset_dimensions"):
            raise ActualsFileError(
                name, _("sheet {sheet!r} is a chart, not a table").format(sheet=sheet)
            )
        # The stored dimensions can be wrong (files written by other programs); without
        # them openpyxl reads every row that is there.
        worksheet.reset_dimensions()
        row = 0
        try:
            for row, cells in enumerate(worksheet.iter_rows(), start=1):
                yield row, [_xlsx_text(c.value, getattr(c, "number_format", None)) for c in cells]
        except Exception as exc:  # a corrupt sheet part: report where reading stopped
            raise ActualsFileError(
                name,
                _("cannot read the sheet: {error}").format(error=_short(exc)),
                row + 1,
            ) from exc
    finally:
        workbook.close()


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
