"""Japanese date expressions → ISO dates.

Pure functions, no I/O. Two entry points:

* :func:`find_dates` scans free text (a KPI) and returns every date expression in it with its
  span, so the extractor can decide from the surrounding words whether it is a deadline.
* :func:`parse_date` reads one whole expression (a command-line argument such as ``令和6年度``
  or ``2025-03``) and raises :class:`DateParseError` when it cannot.

A date names a *period*; its ``end`` is the date a deadline means ("by the end of the period",
audit-rules.md) and its ``start`` is what ``due --before 令和6年度`` compares against.
Fiscal years run April–March: 令和4年度 is 2022-04-01 … 2023-03-31.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate

from .i18n import _
from .model import Granularity

ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}
# Last year of each era, so that 平成31年 (2019) is accepted and 平成32年 is flagged.
ERA_LAST_YEAR = {"平成": 31, "昭和": 64}
# First and last day of each era: 令和元年4月 and 平成31年5月 do not exist.
ERA_SPAN: dict[str, tuple[date, date | None]] = {
    "令和": (date(2019, 5, 1), None),
    "平成": (date(1989, 1, 8), date(2019, 4, 30)),
    "昭和": (date(1926, 12, 25), date(1989, 1, 7)),
}

_KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

# Full-width → ASCII, one character for one so that spans found in the normalised text are
# valid in the original text too.
_FOLD = str.maketrans(
    "０１２３４５６７８９（）：～〜－　．，／",
    "0123456789():~~- .,/",
)


def fold(text: str) -> str:
    """Fold full-width digits and punctuation to ASCII, keeping every index in place.

    Texts of up to :data:`_REMEMBERED` characters are remembered: the rules fold each KPI's
    text about six times (extraction, dates, consistency, the unset check), and ``translate``
    through a table is slow on Japanese text: 6 of a cold lint's 85 ms of work on the 163
    measures before, 1 ms now. A longer text is folded each time, so that a pull request of
    huge KPI texts cannot pin a thousand of them in memory."""
    if len(text) > _REMEMBERED:
        return text.translate(_FOLD)
    return _folded(text)


_REMEMBERED = 1_000  # characters; the 2022 plan's longest folded text has 220


@lru_cache(maxsize=1024)
def _folded(text: str) -> str:
    return text.translate(_FOLD)


def kanji_number(token: str) -> int:
    """``"12"``, ``"元"`` (= 1), ``"十二"``, ``"二十"``, ``"三十一"`` → int."""
    if token.isdigit():
        return int(token)
    if token == "元":
        return 1
    if "十" in token:
        tens, _, ones = token.partition("十")
        value = (_KANJI_DIGITS[tens] if tens else 1) * 10
        return value + (_KANJI_DIGITS[ones] if ones else 0)
    value = 0
    for ch in token:
        value = value * 10 + _KANJI_DIGITS[ch]
    return value


class DateParseError(ValueError):
    """A date expression that cannot be read; the message says why, in words a user knows."""


@dataclass(frozen=True)
class JpDate:
    """One date expression found in text.

    ``start``/``end`` bound the named period; ``recurring`` expressions (毎年度) have neither.
    ``mismatch`` holds a human-readable description when the era year and the Gregorian year
    written beside it disagree (令和５年度（2024年度）).
    """

    text: str
    start: date | None
    end: date | None
    granularity: Granularity
    begin: int = 0  # span in the text it was found in
    stop: int = 0
    mismatch: str | None = None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def fiscal_year_period(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def fiscal_year(day: date) -> int:
    """The fiscal year (April–March) a day falls in: 2024-03-31 → 2023 (令和5年度)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_span(year: int) -> tuple[date, date]:
    """:func:`fiscal_year_period` for any year a file may name: clamped to the dates Python
    has (date.min, date.max) instead of raising."""
    start = date(year, 4, 1) if date.min.year <= year <= date.max.year else date.min
    end = date(year + 1, 3, 31) if date.min.year <= year < date.max.year else date.max
    return start, end


def _season_period(year: int, season: str, fiscal: bool) -> tuple[date, date]:
    if season == "春":
        return date(year, 3, 1), date(year, 5, 31)
    if season == "夏":
        return date(year, 6, 1), date(year, 8, 31)
    if season == "秋":
        return date(year, 9, 1), date(year, 11, 30)
    if season == "冬":
        # 令和4年冬 runs from December 2022 to the end of February 2023 (leap years included).
        return date(year, 12, 1), _month_end(year + 1, 2)
    if season in ("上半期", "前半"):
        return (
            (date(year, 4, 1), date(year, 9, 30))
            if fiscal
            else (date(year, 1, 1), date(year, 6, 30))
        )
    # 下半期 / 後半
    return (
        (date(year, 10, 1), date(year + 1, 3, 31))
        if fiscal
        else (date(year, 7, 1), date(year, 12, 31))
    )


_NUM = r"(?:\d{1,2}|元|[一二三四五六七八九十]{1,3})"
_ERA_RE = re.compile(
    r"(?P<era>令和|平成|昭和)\s*(?P<eyears>" + _NUM + r"(?:\s*[・~]\s*" + _NUM + r")*)\s*"
    r"(?P<ey_unit>年度|年)(?P<esuffix>末|(?:中|内)(?![\u4e00-\u9fff]))?"
    r"(?:\s*\(\s*(?P<gyears>\d{4}(?:\s*[・~、]\s*\d{4})*)\s*(?P<g_unit>年度|年)(?P<gsuffix>末|中|内)?\s*\))?"
    r"(?P<late_do>度(?:末|中|内)?)?"  # 令和４年（2022年）度内: the 度 strayed behind the bracket
)
_GREG_YEARS = r"(?:19|20)\d{2}(?:\s*[・~]\s*(?:19|20)\d{2})*"
_GREG_RE = re.compile(
    r"(?<![\d.,])(?P<gyears>" + _GREG_YEARS + r")\s*(?P<g_unit>年度|年)(?P<gsuffix>末|中|内)?"
)
# What find_dates scans with: _GREG_RE, or else the list of years alone (no g_unit). A list that
# is not followed by 年 fails from each of its years alike, since each reads on to the same end;
# matching it whole lets finditer resume after it instead of re-reading it from every year,
# which took time quadratic in the list's length (2020・2020・…).
_GREG_SCAN = re.compile(
    r"(?<![\d.,])(?:(?P<gyears>" + _GREG_YEARS + r")\s*(?P<g_unit>年度|年)(?P<gsuffix>末|中|内)?"
    r"|" + _GREG_YEARS + r")"
)
_REL_RE = re.compile(
    r"(?P<rel>今年度|本年度|来年度|昨年度|前年度|今年|本年|来年|昨年|今)"
    r"(?P<rseason>春|夏|秋|冬)?"
)
_MONTH_RE = re.compile(r"\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*日)?")
_SUFFIX_RE = re.compile(r"\s*(?P<suffix>上半期|下半期|前半|後半|春|夏|秋|冬)")
# Every year: a recurring deadline. The extractor adds the rates (年間60回) to this pattern.
RECURRING = r"毎年度末?|毎年"
_RECURRING_RE = re.compile(RECURRING)


def _years(spec: str) -> list[int]:
    return [kanji_number(tok) for tok in re.split(r"\s*[・~、]\s*", spec.strip()) if tok]


def _resolve_period(
    year: int, fiscal: bool, month: int | None, day: int | None, season: str | None
) -> tuple[date, date, Granularity]:
    if month is not None:
        if not 1 <= month <= 12:
            raise DateParseError(f"{month}月 is not a month")
        # A month inside a fiscal year (令和4年度3月) belongs to the next calendar year when it
        # falls in January–March.
        cal_year = year + 1 if fiscal and month <= 3 else year
        if day is not None:
            try:
                d = date(cal_year, month, day)
            except ValueError as exc:
                raise DateParseError(f"{cal_year}年{month}月{day}日 does not exist") from exc
            return d, d, "day"
        return date(cal_year, month, 1), _month_end(cal_year, month), "month"
    if season is not None:
        start, end = _season_period(year, season, fiscal)
        return start, end, "half" if "半" in season else "season"
    if fiscal:
        start, end = fiscal_year_period(year)
        return start, end, "fiscal_year"
    return date(year, 1, 1), date(year, 12, 31), "year"


def _tail(folded: str, pos: int) -> tuple[int | None, int | None, str | None, int]:
    """Read a month/day or a season/half written right after a year."""
    m = _MONTH_RE.match(folded, pos)
    if m:
        day = int(m["day"]) if m["day"] else None
        return int(m["month"]), day, None, m.end()
    s = _SUFFIX_RE.match(folded, pos)
    if s:
        return None, None, s["suffix"], s.end()
    return None, None, None, pos


def _era_match(m: re.Match[str], folded: str, original: str) -> JpDate:
    era = m["era"]
    years = _years(m["eyears"])
    fiscal = m["ey_unit"] == "年度" or bool(m["late_do"]) or m["g_unit"] == "年度"
    gregorian = [ERAS[era] + y for y in years]
    mismatch = None
    for y in years:
        if y < 1 or (era in ERA_LAST_YEAR and y > ERA_LAST_YEAR[era]):
            mismatch = f"{era}{y}年 is outside the {era} era"
    if m["gyears"]:
        written = [int(y) for y in re.split(r"\s*[・~、]\s*", m["gyears"])]
        if written != gregorian:
            shown = "・".join(str(y) for y in written)
            expected = "・".join(str(y) for y in gregorian)
            unit = m["ey_unit"]
            mismatch = (
                f"{era}{m['eyears'].strip()}{unit} is {expected}{unit}, "
                f"but the text says {shown}{m['g_unit']}"
            )
    month, day, season, stop = _tail(folded, m.end())
    start, end, gran = _resolve_period(gregorian[-1], fiscal, month, day, season)
    if len(gregorian) > 1:  # 令和３・４年度: the period runs from the first year to the last
        start = _resolve_period(gregorian[0], fiscal, month, day, season)[0]
    first, last = ERA_SPAN[era]
    if end < first or (last is not None and start > last):
        mismatch = f"{original[m.start() : stop]} is outside the {era} era"
    return JpDate(original[m.start() : stop], start, end, gran, m.start(), stop, mismatch)


def _greg_match(m: re.Match[str], folded: str, original: str) -> JpDate:
    years = [int(y) for y in re.split(r"\s*[・~]\s*", m["gyears"])]
    fiscal = m["g_unit"] == "年度"
    month, day, season, stop = _tail(folded, m.end())
    start, end, gran = _resolve_period(years[-1], fiscal, month, day, season)
    if len(years) > 1:
        start = _resolve_period(years[0], fiscal, month, day, season)[0]
    return JpDate(original[m.start() : stop], start, end, gran, m.start(), stop)


def _relative_match(m: re.Match[str], original: str, base: date) -> JpDate | None:
    rel, season = m["rel"], m["rseason"]
    base_fy = base.year if base.month >= 4 else base.year - 1
    if rel == "今":
        if not season:
            return None
        # 今夏 is this calendar year's summer; 今冬 the coming winter.
        year = base.year
        fiscal = False
    elif rel in ("今年度", "本年度"):
        year, fiscal = base_fy, True
    elif rel == "来年度":
        year, fiscal = base_fy + 1, True
    elif rel in ("昨年度", "前年度"):
        year, fiscal = base_fy - 1, True
    elif rel in ("今年", "本年"):
        year, fiscal = base.year, False
    elif rel == "来年":
        year, fiscal = base.year + 1, False
    else:  # 昨年
        year, fiscal = base.year - 1, False
    start, end, gran = _resolve_period(year, fiscal, None, None, season)
    return JpDate(original[m.start() : m.end()], start, end, gran, m.start(), m.end())


def find_dates(text: str, base: date | None) -> list[JpDate]:
    """Every date expression in ``text``, in order, spans relative to ``text``. Relative
    expressions (今年度, 今夏) are read against ``base``, and left out when it is unknown."""
    folded = fold(text)
    found: list[JpDate] = []
    taken = _Taken()
    for m in _ERA_RE.finditer(folded):
        jd = _era_match_safe(m, folded, text)
        if jd is not None:
            found.append(jd)
            taken.add(jd.begin, jd.stop)
    taken.seal()
    for m in _GREG_SCAN.finditer(folded):
        if m["g_unit"] is not None and taken.free(m.start(), m.end()):
            jd = _greg_match_safe(m, folded, text)
            if jd is not None:
                found.append(jd)
                taken.add(jd.begin, jd.stop)
    taken.seal()
    for m in _RECURRING_RE.finditer(folded):
        if taken.free(m.start(), m.end()):
            found.append(
                JpDate(text[m.start() : m.end()], None, None, "recurring", m.start(), m.end())
            )
            taken.add(m.start(), m.end())
    taken.seal()
    for m in _REL_RE.finditer(folded) if base is not None else ():
        if taken.free(m.start(), m.end()):
            assert base is not None
            rel = _relative_match_safe(m, text, base)
            if rel is not None:
                found.append(rel)
                taken.add(rel.begin, rel.stop)
    found.sort(key=lambda d: d.begin)
    return found


class _Taken:
    """The spans find_dates has already read as dates: is (a, b) free of all of them?

    Asking each match against every span taken so far was quadratic in the number of dates.
    The spans of earlier passes are kept sorted by start with the furthest end reached so far,
    so that one binary search answers whether one of them starts before b and ends after a.
    A pass finds its spans in order, each after the matches asked about before it, so the
    furthest end among this pass's spans answers for them; ``seal`` ends a pass."""

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []  # of earlier passes, sorted
        self._starts: list[int] = []
        self._reach: list[int] = []  # _reach[i]: the furthest end among the first i + 1
        self._new: list[tuple[int, int]] = []  # of this pass
        self._new_start = self._new_reach = -1  # the last start and the furthest end in it

    def add(self, a: int, b: int) -> None:
        self._new.append((a, b))
        self._new_start = max(self._new_start, a)
        self._new_reach = max(self._new_reach, b)

    def seal(self) -> None:
        if self._new:
            self._spans = sorted(self._spans + self._new)  # two sorted runs: a merge
            self._starts = [a for a, _ in self._spans]
            self._reach = list(accumulate((b for _, b in self._spans), max))
            self._new, self._new_start, self._new_reach = [], -1, -1

    def free(self, a: int, b: int) -> bool:
        i = bisect_left(self._starts, b)  # the earlier spans starting before b
        if i and self._reach[i - 1] > a:
            return False
        if self._new_start < b:  # every span of this pass starts before b
            return self._new_reach <= a
        return all(b <= s or a >= e for s, e in self._new)  # asked out of order


def _era_match_safe(m: re.Match[str], folded: str, original: str) -> JpDate | None:
    try:
        return _era_match(m, folded, original)
    except (DateParseError, KeyError, ValueError):
        return None  # e.g. 令和4年13月: not a date, so not a deadline either


def _relative_match_safe(m: re.Match[str], original: str, base: date) -> JpDate | None:
    try:
        return _relative_match(m, original, base)
    except (ValueError, OverflowError):
        return None  # 来年度 of a base date in 9999 lies outside the calendar: no date


def _greg_match_safe(m: re.Match[str], folded: str, original: str) -> JpDate | None:
    try:
        return _greg_match(m, folded, original)
    except (DateParseError, ValueError):
        return None


_ISO_RE = re.compile(r"(?P<y>\d{4})(?:[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?")
_DEADLINE_WORDS = re.compile(r"(?:まで(?:に)?|を?目途|を?目処|頃|ごろ|程度|時点)$")
# What people type for an era year: R7, R7年度, R7.3, R7/3/31 (令和), H31 (平成), S64 (昭和).
_ERA_LETTER = {"R": "令和", "H": "平成", "S": "昭和"}
_ERA_SHORT = re.compile(
    r"(?P<era>[RHS])(?P<y>\d{1,2}|元)(?:(?P<rest>年.*)|[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?)?",
    re.IGNORECASE,
)
_FISCAL = re.compile(r"FY(?P<y>\d{4})", re.IGNORECASE)
_FORMS = (
    "2025, 2025-03, 2025/03, 2025-03-15, 2025年3月, 令和7年, R7, 令和6年度, FY2024, 令和7年3月末"
)


def _argument(raw: str) -> tuple[str, bool]:
    """A date argument in the forms :func:`find_dates` reads, and whether it names the last day
    of its period (末: 令和6年度末 is 2025-03-31, 令和7年3月末 is 2025-03-31)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw))
    text = _DEADLINE_WORDS.sub("", text)
    last_day = text.endswith("末")
    text = text.removesuffix("末")
    short = _ERA_SHORT.fullmatch(text)
    if short:
        era = _ERA_LETTER[short["era"].upper()] + short["y"]
        if short["rest"]:
            text = era + short["rest"]
        elif short["m"]:
            text = f"{era}年{short['m']}月" + (f"{short['d']}日" if short["d"] else "")
        else:
            text = era + "年"
    fiscal = _FISCAL.fullmatch(text)
    if fiscal:  # FY2024 is the Japanese fiscal year 2024: April 2024 to March 2025 (令和6年度)
        text = f"{fiscal['y']}年度"
    return text, last_day


def parse_date(text: str, base: date | None = None) -> JpDate:
    """Read one whole date expression, as people type them on a command line: ``2025``,
    ``2025-03``, ``2025/03``, ``2025-03-15``, ``2025年3月``, ``令和6年度``, ``R7``, ``R7年度``,
    ``FY2024``, ``今年度``. ``末`` names the period's last day (``令和6年度末`` is 2025-03-31).
    Raises :class:`DateParseError`."""
    raw = text.strip()
    if not raw:
        raise DateParseError(_("empty date"))
    core, last_day = _argument(raw)
    found = _period(raw, core, base)
    if last_day and found.end is not None:
        return JpDate(raw, found.end, found.end, "day", 0, len(raw))
    return found


def _period(raw: str, core: str, base: date | None) -> JpDate:
    iso = _ISO_RE.fullmatch(core)
    if iso:
        y = int(iso["y"])
        try:
            if iso["d"]:
                d = date(y, int(iso["m"]), int(iso["d"]))
                return JpDate(raw, d, d, "day", 0, len(raw))
            if iso["m"]:
                month = int(iso["m"])
                if not 1 <= month <= 12:
                    raise DateParseError(
                        _("{date}: month {month} is not 1–12").format(date=raw, month=month)
                    )
                return JpDate(raw, date(y, month, 1), _month_end(y, month), "month", 0, len(raw))
            return JpDate(raw, date(y, 1, 1), date(y, 12, 31), "year", 0, len(raw))
        except ValueError as exc:  # 0000 included: year 0 is outside the calendar
            raise DateParseError(f"{raw}: {exc}") from exc
    found = find_dates(core, base or date.today())
    if core and len(found) == 1 and found[0].begin == 0 and found[0].stop == len(core):
        jd = found[0]
        if jd.mismatch:
            raise DateParseError(f"{raw}: {jd.mismatch}")
        if jd.granularity == "recurring":
            raise DateParseError(
                _("{date}: a recurring period has no single date").format(date=raw)
            )
        return jd
    raise DateParseError(
        _("cannot read {date!r} as a date; use {forms}").format(date=raw, forms=_FORMS)
    )
