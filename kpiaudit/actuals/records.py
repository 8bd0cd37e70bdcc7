"""What the readers of actual values (実績) produce, and how they read one cell.

Every reader returns the rows it could use *and* the rows it could not, as :class:`RowProblem`
values (file and 1-based row as a spreadsheet shows it): one bad row never stops a file. A file
that cannot be read at all (wrong header, not UTF-8, truncated) raises
:class:`ActualsFileError`, once, naming the file and the row.

The cell readers here (:func:`parse_number`, :func:`read_amount`, :func:`parse_period`,
:func:`parse_achieved`, :func:`parse_kpi_ref`) raise :class:`CellError` with a message meant
for the person who typed the cell; the readers turn it into a :class:`RowProblem`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from ..i18n import _
from ..jpdate import DateParseError, parse_date


@dataclass(frozen=True)
class RowProblem:
    """A row (or cell) that was reported and skipped."""

    source_file: str
    row: int  # 1-based, the header is row 1, as a spreadsheet numbers rows
    message: str

    def __str__(self) -> str:
        return _("{file}: row {row}: {message}").format(
            file=self.source_file, row=self.row, message=self.message
        )


@dataclass(frozen=True)
class ActualRow:
    """One measured value of one KPI for one period (progress-rules.md, "Actual values")."""

    source_file: str
    row: int
    kpi: str  # "6-4.P1", normalised to ASCII
    period: str  # as written: 令和5年度, 2024年3月, 2023-12-31
    as_of: date  # the end of that period
    value: float | None  # 万/億 multiplied out; None when only ``achieved`` is given
    unit: str  # the unit of ``value`` after the multiplier left it (万人 → 人)
    achieved: bool | None
    source: str  # 出典, never empty
    note: str = ""


class ActualsFileError(Exception):
    """A file that cannot be read at all. ``str()`` names the file and, where known, the row."""

    def __init__(self, source_file: str, message: str, row: int | None = None) -> None:
        self.source_file = source_file
        self.row = row
        self.message = message
        if row is None:
            text = _("{file}: {message}").format(file=source_file, message=message)
        else:
            text = _("{file}: row {row}: {message}").format(
                file=source_file, row=row, message=message
            )
        super().__init__(text)


class CellError(ValueError):
    """One cell that cannot be read; the message says why, in the user's words."""


def nfkc(text: str) -> str:
    """Full-width letters, digits and signs folded (％ → %, １ → 1), spaces stripped."""
    return unicodedata.normalize("NFKC", text).strip()


# Dashes people type between chapter and number: NFKC leaves these alone.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー－", "-"))
_KPI_REF = re.compile(r"(?P<chapter>\d{1,2})-(?P<number>\d{1,3})\.(?P<kpi>[PE])(?P<n>\d{1,2})")


def parse_kpi_ref(text: str) -> str:
    """``6-4.P1``, ``６－４．Ｐ１``, ``6-4.p1`` → ``6-4.P1``. Raises :class:`CellError`."""
    folded = nfkc(text).translate(_DASHES).replace(" ", "").upper()
    m = _KPI_REF.fullmatch(folded)
    if not m or int(m["chapter"]) == 0 or int(m["number"]) == 0 or int(m["n"]) == 0:
        raise CellError(
            _("{value!r} is not a KPI reference such as 6-4.P1 or 6-4.E2").format(value=text)
        )
    return f"{int(m['chapter'])}-{int(m['number'])}.{m['kpi']}{int(m['n'])}"


# ---------------------------------------------------------------------------------------------
# Numbers

_MULTIPLIERS = {
    "千": 1_000,
    "万": 10_000,
    "十万": 100_000,
    "百万": 1_000_000,
    "千万": 10_000_000,
    "億": 100_000_000,
    "十億": 1_000_000_000,
    "百億": 10_000_000_000,
    "千億": 100_000_000_000,
    "兆": 1_000_000_000_000,
}
# Thousands separators only every three digits: "12,34" is a typo or a decimal comma, not 1234.
_NUMBER = re.compile(
    r"(?P<sign>[-+\u2212\u25b2\u25b3])?"  # - + − ▲ △ (▲/△ mark a negative in Japanese tables)
    r"\s*(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"\s*(?P<mult>[十百千]?[万億]|千|兆)?"
    r"\s*(?P<suffix>\D*)"
)
_APPROX = ("約", "およそ", "概ね", "おおむね", "程度")


@dataclass(frozen=True)
class Number:
    value: float  # with the cell's own 万/億 multiplied out
    multiplied: bool  # the cell wrote 万, 億 … itself
    suffix: str  # text after the number, NFKC: "%", "人", "" …


def parse_number(text: str) -> Number:
    """``1,234``, ``１２３４``, ``40万``, ``1.5億``, ``70％``, ``▲3`` → :class:`Number`.
    Raises :class:`CellError` for anything else (empty, text, ``12,34``, ``1億2000万``)."""
    folded = nfkc(text)
    if not folded:
        raise CellError(_("empty: no number"))
    if any(folded.startswith(w) or folded.endswith(w) for w in _APPROX):
        raise CellError(
            _("{value!r} is approximate: write the number alone (put 約 in the note)").format(
                value=text
            )
        )
    m = _NUMBER.fullmatch(folded)
    if not m:
        raise CellError(_("{value!r} is not a number").format(value=text))
    try:
        amount = Decimal(m["digits"].replace(",", "") + (m["frac"] or ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern only lets digits through
        raise CellError(_("{value!r} is not a number").format(value=text)) from exc
    if m["mult"]:
        amount *= _MULTIPLIERS[m["mult"]]  # Decimal, so that 1.15万 is 11500 and not 11499.99…
    if m["sign"] and m["sign"] != "+":
        amount = -amount
    value = float(amount)
    if not math.isfinite(value):
        raise CellError(_("{value!r} is too large a number").format(value=text[:40]))
    return Number(value, bool(m["mult"]), m["suffix"].strip())


def split_unit(unit: str) -> tuple[int, str]:
    """``万人`` → (10000, ``人``), ``百万円`` → (1000000, ``円``), ``件`` → (1, ``件``).
    A unit that is only a multiplier (``万``) leaves an empty unit."""
    stripped = unit.strip()
    for prefix in sorted(_MULTIPLIERS, key=len, reverse=True):
        if stripped.startswith(prefix):
            return _MULTIPLIERS[prefix], stripped[len(prefix) :].strip()
    return 1, stripped


def same_unit(a: str, b: str) -> bool:
    """Units compare after NFKC (% = ％), as progress-rules.md says."""
    return nfkc(a) == nfkc(b)


def read_amount(value_text: str, unit_text: str) -> tuple[float, str]:
    """A value cell and a unit cell → (value, unit) with 万/億 multiplied out of both.

    ``40`` + ``万人`` → (400000, 人); ``40万人`` + ``人`` → (400000, 人); ``70%`` + `` `` →
    (70, %). The multiplier may be written in the value or in the unit, not in both, and a unit
    written in the value must be the unit column's. Raises :class:`CellError`."""
    number = parse_number(value_text)
    if not unit_text.strip():
        return number.value, number.suffix
    multiplier, unit = split_unit(unit_text)
    if multiplier != 1 and (number.multiplied or number.suffix):
        raise CellError(
            _(
                "{value!r} with unit {unit!r}: write 万/億 either in the value or in the unit"
            ).format(value=value_text, unit=unit_text)
        )
    if number.suffix and not same_unit(number.suffix, unit):
        raise CellError(
            _("the value {value!r} is in {suffix!r} but the unit says {unit!r}").format(
                value=value_text, suffix=number.suffix, unit=unit_text
            )
        )
    value = float(Decimal(str(number.value)) * multiplier) if multiplier != 1 else number.value
    return value, unit


# ---------------------------------------------------------------------------------------------
# Periods

_ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和"}
# R5 / R5年度 / R5.3 / R5.3.31 (abbreviations used in government spreadsheets), FY2023.
_ERA_ABBREV = re.compile(
    r"(?P<era>[RHS])\s*(?P<year>\d{1,2}|元)"
    r"(?:(?P<unit>年度|年)|\.(?P<month>\d{1,2})(?:\.(?P<day>\d{1,2}))?)?",
    re.IGNORECASE,
)
_FISCAL = re.compile(r"FY\s*(?P<year>\d{4})", re.IGNORECASE)
_SLASHED = re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})(?:/(?P<d>\d{1,2}))?")
# Relative periods (今年度) are read against a base date; two far-apart bases tell them apart.
_FAR_BASES = (date(1990, 6, 1), date(2090, 6, 1))


def _spelled_out(text: str) -> str:
    """The abbreviations spreadsheets use, spelled out so that parse_date reads them:
    ``R5`` → ``令和5年`` (a year, as ``令和5年`` and ``2023`` are), ``R5年度`` → ``令和5年度``,
    ``R5.3`` → ``令和5年3月``, ``FY2023`` → ``2023年度``, ``2024/3/31`` (Excel's Japanese
    date) → ``2024-03-31``."""
    folded = nfkc(text)
    m = _ERA_ABBREV.fullmatch(folded)
    if m:
        era = _ERA_LETTERS[m["era"].upper()]
        if m["month"]:
            day = f"{int(m['day'])}日" if m["day"] else ""
            return f"{era}{m['year']}年{int(m['month'])}月{day}"
        return f"{era}{m['year']}{m['unit'] or '年'}"
    m = _FISCAL.fullmatch(folded)
    if m:
        return f"{m['year']}年度"
    m = _SLASHED.fullmatch(folded)
    if m:
        day = f"-{int(m['d']):02d}" if m["d"] else ""
        return f"{m['y']}-{int(m['m']):02d}{day}"
    return text


def parse_period(text: str) -> date:
    """The end of the period a cell names (令和5年度 → 2024-03-31), by the normalisation table
    of audit-rules.md (:func:`kpiaudit.jpdate.parse_date`). Relative periods (今年度) are
    refused: a stored actual must mean the same period next year. Raises :class:`CellError`."""
    if not text.strip():
        raise CellError(_("no period"))
    spelled = _spelled_out(text)
    try:
        ends = {parse_date(spelled, base).end for base in _FAR_BASES}
    except DateParseError as exc:
        raise CellError(str(exc)) from exc
    except ValueError as exc:  # parse_date lets date()'s own error through for year 0000
        raise CellError(
            _("{value!r} is not a date: {error}").format(value=text, error=exc)
        ) from exc
    if len(ends) > 1:
        raise CellError(
            _(
                "{value!r} is relative to today: write the period itself (令和5年度, 2024-03)"
            ).format(value=text)
        )
    (end,) = ends
    if end is None:  # pragma: no cover - parse_date refuses recurring periods
        raise CellError(_("{value!r} names no single period").format(value=text))
    return end


def period_key(text: str) -> tuple[date | None, date | None] | str:
    """What makes two periods the same period: the span they name (``令和5年度``, ``R5年度``
    and ``FY2023`` are one; ``2024年3月`` ends the same day but is another), or the text
    itself (NFKC) where it names no span kpiaudit reads."""
    try:
        named = parse_date(_spelled_out(text), _FAR_BASES[0])
    except ValueError:  # DateParseError included
        return nfkc(text)
    return (named.start, named.end)


def fiscal_year_name(year: int) -> str:
    """The Japanese name of a fiscal year: 2023 → 令和5年度, 2019 → 令和元年度 (the era
    changed in May 2019; that fiscal year is called 令和元年度), 2018 → 平成30年度."""
    if year >= 2019:
        n = year - 2018
        return f"令和{'元' if n == 1 else n}年度"
    if year >= 1989:
        n = year - 1988
        return f"平成{'元' if n == 1 else n}年度"
    return f"{year}年度"


# ---------------------------------------------------------------------------------------------
# achieved

_TRUE = {"true", "yes", "1", "達成", "○", "〇", "◯", "y"}
_FALSE = {"false", "no", "0", "未達成", "×", "✕", "✗", "n"}


def parse_achieved(text: str) -> bool | None:
    """true/false, yes/no, 1/0, 達成/未達成, ○/× (any case, full width) → bool; empty → None.
    Raises :class:`CellError`."""
    folded = nfkc(text).casefold()
    if not folded:
        return None
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(
        _("{value!r} is not one of true/false, yes/no, 1/0, 達成/未達成, ○/×").format(value=text)
    )
