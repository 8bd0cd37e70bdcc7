"""The RS system's KPI file, ``3-1_RS_{year}_効果発現経路_目標・実績.csv``, read as a stream.

Each indicator takes four consecutive rows told apart by ``目標年度／目標値／実績値／達成率``
(``1.目標年度``, ``2.目標値``, ``3.実績値``, ``4.達成率``), with one column per fiscal year
(``2007`` … ``2060``). :func:`read_rs` groups the rows as they stream and yields one
:class:`RsIndicator` per indicator, so memory is bounded by one indicator, not by the file
(about 130,000 rows a year). Activity rows (that column empty) carry no values and are passed
over.

Cells hold a number (with or without thousands separators), ``-`` (nothing to report), free
text, or nothing. A target, actual or rate that is text becomes a :class:`RowProblem` of the
indicator; the indicator is still yielded. Values are multiplied out of the unit (``千人`` and
``12`` → 12000 persons), as actuals and the plan's targets are.

Identity: the spec names (予算事業ID, 番号) within a review year, but public parsers of the real
file key series on the number *and* 種別 and アウトカムの期間 (a number can carry a 短期 and a
長期 outcome). Rows are therefore grouped by all five, and a group restarts when the row kinds
start again from a lower one (1 2 3 4 1 2 3 4). Which of several indicators a mapping means is
decided in :func:`rs_actuals`, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

from ..i18n import _
from ..jpdate import fiscal_year_period, parse_date
from ..model import RsLink, RsLinkTarget
from . import csvstream
from .records import (
    ActualRow,
    ActualsFileError,
    CellError,
    RowProblem,
    fiscal_year_name,
    nfkc,
    parse_number,
    parse_period,
    read_amount,
    split_unit,
)

if TYPE_CHECKING:
    from .mapping import MappingEntry

# The columns kpiaudit reads, as the spec (rs-system-3-1.md) lists them. Others are ignored.
FISCAL_YEAR = "事業年度"
PROJECT_ID = "予算事業ID"
PROJECT_NAME = "事業名"
MINISTRY = "府省庁"
DECISION_NAME = "事業に関連するKPIが定められている閣議決定等の名称"
DECISION_PLACE = "事業に関連するKPIが定められている閣議決定等の該当箇所"
DECISION_URL = "事業に関連するKPIが定められている閣議決定等のURL"
NUMBER = "アクティビティ・アウトプット・アウトカムの番号"
KIND = "種別（アクティビティ・アウトプット・アウトカム）"
TERM = "アウトカムの期間"
GOAL_TYPE = "成果目標の種類"
GOAL = "アクティビティ／活動目標／成果目標"
NAME = "活動指標／成果指標"
UNIT = "単位"
DIRECTION = "改善の上向き／下向き"
DATA_SOURCE = "成果実績及び目標値の根拠として用いた統計・データ名（出典）"
QUALITATIVE_REASON = "定性的なアウトカム目標を設定している理由"
QUALITATIVE_RESULT = "定性的なアウトカムに関する成果実績"
ROW_KIND = "目標年度／目標値／実績値／達成率"
COLUMNS = (
    FISCAL_YEAR,
    PROJECT_ID,
    PROJECT_NAME,
    MINISTRY,
    DECISION_NAME,
    DECISION_PLACE,
    DECISION_URL,
    NUMBER,
    KIND,
    TERM,
    GOAL_TYPE,
    GOAL,
    NAME,
    UNIT,
    DIRECTION,
    DATA_SOURCE,
    QUALITATIVE_REASON,
    QUALITATIVE_RESULT,
    ROW_KIND,
)

TARGET_YEAR, TARGET, ACTUAL, RATE = 1, 2, 3, 4
_ROW_KINDS = {
    "1.目標年度": TARGET_YEAR,
    "2.目標値": TARGET,
    "3.実績値": ACTUAL,
    "4.達成率": RATE,
    "目標年度": TARGET_YEAR,
    "目標値": TARGET,
    "実績値": ACTUAL,
    "達成率": RATE,
}
KIND_LABELS = {TARGET_YEAR: "1.目標年度", TARGET: "2.目標値", ACTUAL: "3.実績値", RATE: "4.達成率"}
_NO_VALUE = {"-", "－", "―", "ー", "—", "–", "−"}
# Most cells: ASCII digits, perhaps thousands separators, no sign, no unit.
# At most 15 digits each side, so that float() is exact enough and never infinite.
_PLAIN = re.compile(r"(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d{1,15})?")
_YEAR_COLUMN = re.compile(r"(?:19|20|21)\d\d")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class RsCell:
    """One non-empty year cell: as written, its row, and the number it holds (None for ``-``
    and for text). Targets and actuals are multiplied out of the unit; a rate is a percentage;
    a target year holds the fiscal year it names."""

    raw: str
    row: int
    value: float | None


@dataclass(frozen=True)
class RsTarget:
    """A ``2.目標値`` as the plan's milestones are written: value and unit (multiplied out),
    and the deadline, the end of the fiscal year ``1.目標年度`` names in that column, or of the
    column's own fiscal year where it names none. For rule K305."""

    fiscal_year: int  # the column
    value: float
    unit: str
    deadline: date
    target_year: int | None  # read from 1.目標年度, when it names a year
    text: str


@dataclass
class RsIndicator:
    """One indicator (アウトプット / アウトカム) of one budget project in one review year."""

    source_file: str
    row: int  # its first row
    review_year: str  # 事業年度
    project_id: str  # 予算事業ID, a string: ids may have leading zeros
    project_name: str
    ministry: str
    decision_name: str  # 閣議決定等の名称
    decision_place: str  # 閣議決定等の該当箇所
    decision_url: str
    number: str  # アクティビティ・アウトプット・アウトカムの番号
    kind: str  # 種別: アウトプット / アウトカム
    term: str  # アウトカムの期間: 短期 / 中期 / 長期
    goal_type: str  # 成果目標の種類: 定量的 / 定性的
    goal: str
    name: str  # 活動指標／成果指標
    unit: str  # 単位, as written
    direction: str | None  # "up" (上向き), "down" (下向き), None where the file says neither
    data_source: str  # 出典
    qualitative_reason: str
    qualitative_result: str
    target_year: dict[int, RsCell] = field(default_factory=dict)
    target: dict[int, RsCell] = field(default_factory=dict)
    actual: dict[int, RsCell] = field(default_factory=dict)
    rate: dict[int, RsCell] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """(予算事業ID, 番号): what a mapping entry names."""
        return self.project_id, self.number

    @property
    def base_unit(self) -> str:
        """The unit after its multiplier: 千人 → 人. Values are in this unit."""
        return split_unit(self.unit)[1]

    @property
    def label(self) -> str:
        """``RS 2024 001234 #1``: the file, the review year, the project and the number."""
        return f"RS {self.review_year} {self.project_id} #{self.number}"

    @property
    def years(self) -> list[int]:
        return sorted({*self.target_year, *self.target, *self.actual, *self.rate})

    def link(self, kind: str | None = None, term: str | None = None) -> RsLink:
        """What a measure file records of this indicator (the KPI's ``rs:`` key): its identity,
        direction and its targets by the fiscal year they are set for, so that lint compares
        them with the plan (K305) without the RS file."""
        by_year = {
            t.target_year or t.fiscal_year: RsLinkTarget(
                t.target_year or t.fiscal_year, t.value, t.unit
            )
            for t in self.targets()
        }
        return RsLink(
            self.project_id,
            self.number,
            self.review_year,
            tuple(by_year[y] for y in sorted(by_year)),
            "up" if self.direction == "up" else "down" if self.direction == "down" else None,
            " ".join(self.name.split()),
            kind,
            term,
        )

    def targets(self) -> list[RsTarget]:
        """Every numeric ``2.目標値`` with the deadline ``1.目標年度`` gives it, by column."""
        out = []
        for year, cell in sorted(self.target.items()):
            if cell.value is None:
                continue
            named = self.target_year.get(year)
            target_year = int(named.value) if named and named.value is not None else None
            deadline = fiscal_year_period(target_year if target_year else year)[1]
            out.append(RsTarget(year, cell.value, self.base_unit, deadline, target_year, cell.raw))
        return out


def read_rs(
    path: Path,
    problems: list[RowProblem] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[RsIndicator]:
    """Stream the indicators of an RS 3-1 file, in file order.

    Problems of one indicator (a cell that is text, a missing row) are in its ``problems``;
    problems of rows that belong to no indicator (an unknown row kind, a short row, values on
    an activity row) are appended to ``problems`` when a list is given.

    Raises :class:`ActualsFileError` for a file that is not this file (wrong header), not UTF-8
    or truncated. It is a generator: the error can come after indicators were yielded, so read
    the whole file before acting on any of them. ``progress`` is told the bytes read so far
    now and then (see :func:`csvstream.records`)."""
    sink: list[RowProblem] = problems if problems is not None else []
    name = path.as_posix()
    # closing(): the file is closed as soon as this generator is, read to the end or not.
    with closing(csvstream.records(path, progress)) as stream:
        header = next(stream)[1]
        layout = _Layout(name, header)
        current: _Group | None = None
        for row, fields, last in stream:
            if not any(fields):
                continue  # a blank line
            if len(fields) < layout.width or any(fields[layout.width :]):
                if last and len(fields) < layout.width:
                    raise ActualsFileError(
                        name,
                        _("the last row has {n} of {width} columns: the file is truncated").format(
                            n=len(fields), width=layout.width
                        ),
                        row,
                    )
                sink.append(
                    RowProblem(
                        name,
                        row,
                        _("{n} columns where the header has {width}: row skipped").format(
                            n=len(fields), width=layout.width
                        ),
                    )
                )
                continue
            kind_text = nfkc(fields[layout.row_kind])
            if not kind_text:  # an activity: no year values by design
                if any(raw for _year, raw in layout.year_cells(fields)):
                    message = _("year values on a row with no {column}: ignored")
                    sink.append(RowProblem(name, row, message.format(column=ROW_KIND)))
                continue
            kind = _ROW_KINDS.get(kind_text)
            if kind is None:
                sink.append(
                    RowProblem(
                        name,
                        row,
                        _("{column} is {value!r}, not one of {kinds}: row skipped").format(
                            column=ROW_KIND, value=kind_text, kinds=", ".join(KIND_LABELS.values())
                        ),
                    )
                )
                continue
            key = layout.key(fields)
            if current is None or current.key != key or kind < current.last_kind:
                if current is not None:
                    yield current.finish()
                current = _Group(layout, key, row, fields)
            current.add(kind, row, fields)
        if current is not None:
            yield current.finish()


class _Layout:
    """Where the columns are, checked once against the header."""

    def __init__(self, name: str, header: list[str]) -> None:
        self.name = name
        self.width = len(header)
        index: dict[str, int] = {}
        for i, cell in enumerate(header):
            written = nfkc(cell)
            if written in index and written:
                raise ActualsFileError(
                    name, _("the header has {column!r} twice").format(column=cell.strip()), 1
                )
            index[written] = i
        missing = [c for c in COLUMNS if nfkc(c) not in index]
        self.years = sorted(
            (int(h), i) for h, i in index.items() if _YEAR_COLUMN.fullmatch(h) is not None
        )
        if missing or not self.years:
            shown = ", ".join(missing[:4]) + (" …" if len(missing) > 4 else "")
            raise ActualsFileError(
                name,
                _(
                    "not an RS 3-1 file (効果発現経路_目標・実績): the header lacks {columns}"
                ).format(columns=shown or _("the fiscal-year columns 2007 … 2060")),
                1,
            )
        # Year columns side by side (as published) are read with one C-level pass.
        first_year, first_col = self.years[0]
        self._contiguous = all(
            (y, i) == (first_year + k, first_col + k) for k, (y, i) in enumerate(self.years)
        )
        self._span = (first_col, first_col + len(self.years))
        self._year_numbers = [y for y, _i in self.years]
        self.col = {c: index[nfkc(c)] for c in COLUMNS}
        self.row_kind = self.col[ROW_KIND]
        self._key_cols = [self.col[c] for c in (FISCAL_YEAR, PROJECT_ID, NUMBER, KIND, TERM)]

    def year_cells(self, fields: list[str]) -> list[tuple[int, str]]:
        """(fiscal year, stripped cell) for every year cell that is not empty."""
        if self._contiguous:
            start, stop = self._span
            values = fields[start:stop]
            return [
                (year, values[year - self._year_numbers[0]].strip())
                for year in compress(self._year_numbers, values)
            ]
        return [(year, fields[i].strip()) for year, i in self.years if fields[i]]

    def key(self, fields: list[str]) -> tuple[str, ...]:
        return tuple(fields[i].strip() for i in self._key_cols)

    def text(self, fields: list[str], column: str) -> str:
        return csvstream.text(fields[self.col[column]])


class _Group:
    """The rows of one indicator as they arrive."""

    def __init__(self, layout: _Layout, key: tuple[str, ...], row: int, fields: list[str]) -> None:
        self.layout = layout
        self.key = key
        self.last_kind = 0
        self.rows: dict[int, tuple[int, list[tuple[int, str]]]] = {}
        text = layout.text
        self.unit = text(fields, UNIT)
        self.multiplier = split_unit(self.unit)[0]
        direction = nfkc(text(fields, DIRECTION))
        self.indicator = RsIndicator(
            source_file=layout.name,
            row=row,
            review_year=text(fields, FISCAL_YEAR),
            project_id=text(fields, PROJECT_ID),
            project_name=text(fields, PROJECT_NAME),
            ministry=text(fields, MINISTRY),
            decision_name=text(fields, DECISION_NAME),
            decision_place=text(fields, DECISION_PLACE),
            decision_url=text(fields, DECISION_URL),
            number=text(fields, NUMBER),
            kind=text(fields, KIND),
            term=text(fields, TERM),
            goal_type=text(fields, GOAL_TYPE),
            goal=text(fields, GOAL),
            name=text(fields, NAME),
            unit=self.unit,
            direction="up" if "上" in direction else "down" if "下" in direction else None,
            data_source=text(fields, DATA_SOURCE),
            qualitative_reason=text(fields, QUALITATIVE_REASON),
            qualitative_result=text(fields, QUALITATIVE_RESULT),
        )

    def add(self, kind: int, row: int, fields: list[str]) -> None:
        cells = [(year, raw) for year, raw in self.layout.year_cells(fields) if raw]
        if kind in self.rows:
            if self.rows[kind][1] != cells:
                self._problem(
                    row,
                    _("a second {kind} row with other values: ignored (first at row {first})"),
                    kind=KIND_LABELS[kind],
                    first=self.rows[kind][0],
                )
            return  # an identical repeat changes nothing
        self.rows[kind] = (row, cells)
        self.last_kind = kind
        target = {
            TARGET_YEAR: self.indicator.target_year,
            TARGET: self.indicator.target,
            ACTUAL: self.indicator.actual,
            RATE: self.indicator.rate,
        }[kind]
        for year, raw in cells:
            target[year] = RsCell(raw, row, self._value(kind, year, row, raw))

    def _value(self, kind: int, year: int, row: int, raw: str) -> float | None:
        if raw in _NO_VALUE:
            return None
        if kind == TARGET_YEAR:
            return _named_year(raw)
        if _PLAIN.fullmatch(raw):  # the common case, without NFKC and Decimal
            plain = raw.replace(",", "")
            if self.multiplier == 1 or kind == RATE:  # a rate is a percentage, whatever 単位 is
                return float(plain)
            return float(Decimal(plain) * self.multiplier)
        try:
            if kind == RATE:
                number = parse_number(raw)
                if number.suffix not in ("", "%"):
                    raise CellError(_("{value!r} is not a percentage").format(value=raw))
                return number.value
            return read_amount(raw, self.unit)[0]
        except CellError as exc:
            self._problem(
                row, _("{year} {kind}: {message}"), year=year, kind=KIND_LABELS[kind], message=exc
            )
            return None

    def _problem(self, row: int, template: str, **args: object) -> None:
        self.indicator.problems.append(RowProblem(self.layout.name, row, template.format(**args)))

    def finish(self) -> RsIndicator:
        missing = [KIND_LABELS[k] for k in KIND_LABELS if k not in self.rows]
        if missing:
            self._problem(
                self.indicator.row,
                _("{label} has no {rows} row"),
                label=self.indicator.label,
                rows=", ".join(missing),
            )
        return self.indicator


def _named_year(raw: str) -> float | None:
    """The fiscal year a ``1.目標年度`` cell names: ``2025``, ``2025年度``, ``令和7年度``."""
    folded = nfkc(raw)
    if _YEAR_COLUMN.fullmatch(folded):
        return float(folded)
    try:
        jd = parse_date(folded, date(2000, 1, 1))
    except ValueError:  # DateParseError, or date()'s own for year 0000
        return None
    if jd.start is None or jd.granularity not in ("fiscal_year", "year"):
        return None
    return float(jd.start.year)


# ---------------------------------------------------------------------------------------------
# Mapped indicators → actuals


def rs_actuals(
    indicators: Iterable[RsIndicator],
    mapping: Sequence[MappingEntry],
    linked: list[tuple[MappingEntry, RsIndicator]] | None = None,
) -> tuple[list[ActualRow], list[RowProblem]]:
    """The ``3.実績値`` of every mapped indicator as actuals of its KPI: one per fiscal year with
    a number (period ``令和5年度`` for column 2023, as_of 2024-03-31), unit from 単位, source
    ``RS {year} {予算事業ID} #{番号}`` plus the 出典, the RS 達成率 in the note.

    Reported, never guessed: an entry that matches no indicator, or several (add ``term`` or
    ``kind`` to the entry), an indicator that two entries claim, a mapped indicator with no
    numeric actual, and the cell problems of mapped indicators. Only mapped indicators are
    kept in memory, so ``indicators`` can be :func:`read_rs` itself. ``linked``, when given,
    receives each entry with the one indicator it maps (for the KPI's rs: record, K305)."""
    by_key: dict[tuple[str, str], list[int]] = {}
    for i, entry in enumerate(mapping):
        by_key.setdefault((entry.project, entry.indicator), []).append(i)
    matched: dict[int, list[RsIndicator]] = {}
    problems: list[RowProblem] = []
    source_files: set[str] = set()
    for indicator in indicators:
        source_files.add(indicator.source_file)
        claims = [i for i in by_key.get(indicator.key, ()) if mapping[i].matches(indicator)]
        if len(claims) == 1:
            matched.setdefault(claims[0], []).append(indicator)
        elif claims:
            lines = ", ".join(str(mapping[i].line) for i in claims)
            message = _("{label} is mapped by several entries ({file}, lines {lines})").format(
                label=indicator.label, file=mapping[claims[0]].source_file, lines=lines
            )
            problems.append(RowProblem(indicator.source_file, indicator.row, message))
    rows: list[ActualRow] = []
    for i, entry in enumerate(mapping):
        found = matched.get(i, [])
        if len(found) == 1:
            _to_actuals(found[0], entry, rows, problems)
            if linked is not None:
                linked.append((entry, found[0]))
            continue
        if not found:
            message = _("no indicator {project} #{number} in {files}").format(
                project=entry.project,
                number=entry.indicator,
                files=", ".join(sorted(source_files)) or _("the RS file"),
            )
        else:
            series = "; ".join(
                f"row {ind.row}: {ind.kind} {ind.term} {ind.name}".strip() for ind in found
            )
            message = _(
                "{project} #{number} is {n} indicators ({series}): add term: or kind: to the "
                "entry to say which"
            ).format(project=entry.project, number=entry.indicator, n=len(found), series=series)
        problems.append(RowProblem(entry.source_file, entry.line, message))
    return rows, problems


def _to_actuals(
    indicator: RsIndicator, entry: MappingEntry, rows: list[ActualRow], problems: list[RowProblem]
) -> None:
    problems.extend(indicator.problems)
    label = indicator.label
    if entry.term or entry.kind:
        label = f"{label} {entry.kind or ''} {entry.term or ''}".rstrip()
        label = _SPACES.sub(" ", label)
    data_source = _SPACES.sub(" ", indicator.data_source).strip()
    source = f"{label}（{data_source}）" if data_source else label
    before = len(rows)
    for year, cell in sorted(indicator.actual.items()):
        if cell.value is None:
            continue  # '-' says there is nothing; text was reported with the indicator
        period = fiscal_year_name(year)
        rate = indicator.rate.get(year)
        note = f"RS 達成率 {rate.raw}" if rate is not None and rate.value is not None else ""
        rows.append(
            ActualRow(
                indicator.source_file,
                cell.row,
                entry.kpi,
                period,
                parse_period(period),
                cell.value,
                indicator.base_unit,
                None,
                source,
                note,
            )
        )
    if len(rows) == before:
        why = (
            _("it is qualitative (定性的): record achieved: by hand")
            if "定性" in indicator.goal_type
            else _("no fiscal year has a number")
        )
        problems.append(
            RowProblem(
                indicator.source_file,
                indicator.row,
                _("{label} (mapped to {kpi}) has no actual value: {why}").format(
                    label=indicator.label, kpi=entry.kpi, why=why
                ),
            )
        )
