"""KPI text → unset marker, quantitative targets, deadlines and baselines.

The one extractor shared by the importer (published text → measures/) and the linter (does a
hand-edited KPI's structure still agree with its words?). Pure functions over strings; the
rules it implements are those of audit-rules.md, "The three flags the mission names".

The approach: find every date expression (jpdate), decide from the words around it whether it
is a deadline, a start, a baseline's "as of", a budget year or past context; find every number
with a unit or comparison and drop those that are labels (5G, SC27), ordinals (第７回),
durations (２年経過), budgets (予算約55億円) or baselines (…時点); add the level words that
have no digits (半減, 全都道府県); then pair targets with deadlines in reading order.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from .jpdate import RECURRING, JpDate, find_dates, fold
from .model import Baseline, Comparison, Deadline, Kind, Kpi, Milestone, Target

# ---------------------------------------------------------------------------------------------
# Unset (K101)

_DASHES = {"", "―", "-", "－", "ー", "—", "‐", "–", "−"}
UNSET_MARKERS = re.compile(
    r"未設定|検討中|未定(?!義)|今後設定|設定予定|今後[^。]{0,10}?設定(?!した)"
    r"|踏まえ(?:て)?[^。]{0,14}?設定(?!した)|KPIの設定時期|値等を設定"
    r"|設定(?:することと)?したい"
    r"|(?:目標値|目標時期|指標値|数値目標)[^。]{0,30}?(?:設定|明確化)(?!した)|明確化予定"
)
# "Xについては…" scopes a sentence to X; when X is a sub-area rather than the KPI's own value,
# a "set later" remark in that sentence is about something else (9-15's note).
_TOPIC = re.compile(r"([^、。（）()【】※]{1,30}?)については")
_OWN_VALUE_WORDS = re.compile(r"目標|KPI|指標|数値|値|件数|達成時期")


def unset_marker(text: str, notes: Sequence[str] = (), has_target: bool = False) -> str | None:
    """The wording that makes a KPI unset, or None. ``has_target``: the KPI states a target of
    its own, so a remark scoped to a sub-area does not unset it."""
    if fold(text).strip(" 　・") in _DASHES and not notes:
        return text.strip() or "(empty)"
    for part in (text, *notes):
        folded = fold(part)
        scopes = _Scopes(folded)
        for m in UNSET_MARKERS.finditer(folded):
            if has_target and scopes.about_sub_area(m.start()):
                continue
            return part[m.start() : m.end()]
    return None


def _about_sub_area(text: str, pos: int) -> bool:
    return _Scopes(text).about_sub_area(pos)


_SENTENCE_BREAK = re.compile(r"[。※]")


class _Scopes:
    """The sentences of a text and the topic (Xについては) that scopes each.

    The marker at ``pos`` is about a sub-area when the first topic of its sentence (which runs
    from the last 。 or ※ before ``pos``) ends before ``pos`` and names no value of the KPI's
    own. Looking back for the sentence's start and searching it for a topic at every marker was
    quadratic in a long sentence full of markers; the breaks are found once, and each sentence
    is searched once. The first topic from the sentence's start is the one a search ending at
    ``pos`` finds, or there is none before ``pos``: a topic starting later ends no earlier,
    since it ends at the first については after its start."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._breaks: list[int] | None = None  # read on the first question: most KPIs ask none
        self._topics: dict[int, re.Match[str] | None] = {}

    def about_sub_area(self, pos: int) -> bool:
        if self._breaks is None:
            self._breaks = [m.start() for m in _SENTENCE_BREAK.finditer(self._text)]
        i = bisect_left(self._breaks, pos)  # the breaks before pos are the first i
        start = self._breaks[i - 1] if i else 0
        if start not in self._topics:
            # No topic crosses a break (the topic's words exclude 。 and ※), so searching the
            # sentence alone finds what searching on from its start would find.
            j = bisect_right(self._breaks, start)
            stop = self._breaks[j] if j < len(self._breaks) else len(self._text)
            self._topics[start] = _TOPIC.search(self._text, start, stop)
        topic = self._topics[start]
        if topic is None or topic.end() > pos:
            return False
        return not _OWN_VALUE_WORDS.search(topic.group(1))


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class Extraction:
    """What a KPI's text states: unset or not, its targets and deadlines, its baselines."""

    unset: str | None
    milestones: list[Milestone]
    baselines: list[Baseline]
    date_mismatches: list[JpDate]
    # The date an unset KPI is to be set by (今夏を目途に設定予定): a promise, not a milestone.
    set_by: Deadline | None = None

    @property
    def targets(self) -> list[Target]:
        return [m.target for m in self.milestones if m.target]

    @property
    def deadlines(self) -> list[Deadline]:
        return [m.deadline for m in self.milestones if m.deadline]

    def kpi(self, kpi_id: str, kind: Kind, text: str, notes: Sequence[str]) -> Kpi:
        """The KPI with every field that is read from its text (status, unset_reason,
        milestones, baselines) as read: what ``import`` writes and ``fix`` restores."""
        return Kpi(
            id=kpi_id,
            kind=kind,
            text=text,
            status="unset" if self.unset else "set",
            notes=list(notes),
            unset_reason=self.unset,
            milestones=list(self.milestones),
            baselines=list(self.baselines),
            set_by=self.set_by,
        )


# ---------------------------------------------------------------------------------------------
# Dates: which ones are deadlines

_START = re.compile(r"\s*(?:以降|以後|から|より)")
_VERSUS = re.compile(r"\s*\)?\s*(?:比|と比べ|と比較)")
_BUDGET = re.compile(r"\s*(?:当初|補正)?予算")
_AS_OF = re.compile(r"\s*(?:時点|現在)")
_EXPLICIT = re.compile(r"\s*(?:まで|を?目途|を?目処|頃|ごろ|程度|において|には|に|で|:|の)")
_PAST_CLAUSE = re.compile(
    r"に[^、。,()]{0,14}?(?:した|った|めた|れた|いた|きた|てた|えた)(?![めら])"
)
_PERIOD_SUFFIX = re.compile(r"(?:末|中|内)?")


def _classify_date(flat: str, jd: JpDate, base: date | None) -> str:
    """deadline | start | baseline | budget | context | bare.

    A past date is not context for being past (audit-rules.md, "past milestone dates"): a date
    attached to the KPI's own event or target, as its time phrase (令和３年度中に運用開始) or in
    brackets right after it (運用開始（令和3年（2021年）12月）), is that milestone's deadline.
    Context is a date inside a clause about something else: a past-tense clause (令和３年度に
    構築したシステム), a name (令和２年度衛生行政報告例, 報告書（令和３年７月公表）), a date
    that qualifies a noun (令和３年度の調査). Baselines (時点, 比, 参考) stay baselines."""
    reading = _Reading(flat, base)
    return _classify(reading, jd, reading.brackets.cursor().at(jd.begin))


def _classify(reading: _Reading, jd: JpDate, enclosing: tuple[int, int] | None) -> str:
    """_classify_date, with the text read once for all its dates and ``enclosing`` the innermost
    bracket around the date."""
    flat, base = reading.flat, reading.base
    pos = jd.stop
    pos = _PERIOD_SUFFIX.match(flat, pos).end()  # type: ignore[union-attr]
    after = flat[pos : pos + 16]
    before = flat[max(0, jd.begin - 6) : jd.begin]
    past = _before(jd.end, base)
    if enclosing and reading.words(_REFERENCE).within(enclosing[0], jd.begin):
        return "baseline"  # （参考：令和３年度 243件）: reference figures, not a deadline
    if _START.match(after):
        return "start"
    if _VERSUS.match(after) or re.search(r"時点\(?$", before):
        return "baseline"
    if _BUDGET.match(after):
        return "budget"
    if _AS_OF.match(after):
        return "baseline" if past else "deadline"
    if re.match(r"\s*\)\s*(?:以降|以後|から)", after):
        return "start"
    if after.startswith("に") and _PAST_CLAUSE.match(after):
        return "context"
    if _EXPLICIT.match(after):
        if past and re.match(r"\s*の", after):
            return "context"  # 令和３年度の調査: the date qualifies a noun, not the KPI
        return "deadline"
    if re.match(r"\s*(?:約|おおむね)?\d", after):
        return "deadline"
    if past and re.match(r"\s*\)\s*の", after):
        return "context"  # 〇〇戦略（令和元年度）の実施状況: a name's date
    if re.match(r"\s*\)", after) or not after.strip():
        return "bare"
    return "context" if past else "deadline"


# ---------------------------------------------------------------------------------------------
# Numbers: which ones are targets

_COUNTERS = (
    "都道府県|市町村|自治体|地方公共団体|団体|拠点|都市|か所|箇所|ヶ所|カ所|件|人|者|個|回|校|局|機関"
    "|種類|地域|海域|分野|港|社|台|本|機|つ|領域|サービス|事業者|施設|名|項目|課題|プロジェクト"
    "|事例|県|日|時間|世帯|km|t|Mbps|Gbps|Tbps|kbps|MW|GB|TB"
)
_NUMBER = re.compile(
    r"(?P<approx>約|おおむね)?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?:\s*~\s*(?P<num2>\d+(?:,\d{3})*(?:\.\d+)?))?"
    r"(?P<mult>万|億|千)?"
    r"(?P<unit>%|％|倍|割|(?:" + _COUNTERS + r"))?"
    r"(?P<per>/年|/月)?"
    r"(?P<cmp>以上|以下|超|未満|程度|強)?"
)
_GENERIC_UNIT_CMP = re.compile(
    r"(?P<unit>[\u30a0-\u30ff\u4e00-\u9fff]{1,6}?)(?P<cmp>以上|以下|超|未満|程度)"
)
_ORDINAL_AFTER = re.compile(
    r"(?:期|次|段階|段目|番目|位|号|条|項|版|世代|回目|期目|年|か年|ヵ年|ケ年|カ年|か月|ヶ月|カ月|月|量子|D\b|G\b)"
)
_PER_UNIT = re.compile(r"[^\s、。]{0,4}?(?:当たり|あたり)")
_ASCII_UNIT = re.compile(r"(?:km|t|Mbps|Gbps|Tbps|kbps|MW|GB|TB)(?![A-Za-z])")
_CMP: dict[str, Comparison] = {
    "以上": ">=",
    "超": ">",
    "以下": "<=",
    "未満": "<",
    "程度": "~",
    "強": ">",
}
_MULT: dict[str, int] = {"万": 10_000, "億": 100_000_000, "千": 1_000}
_BASELINE_PAREN = re.compile(r"時点|現在|実績|参考|速報値|確定値|見込(?!み?[:：])")


_BRACKET = re.compile(r"[(（〔)）〕]")


def _paren_spans(text: str) -> list[tuple[int, int]]:
    spans, stack = [], []
    for m in _BRACKET.finditer(text):  # the brackets only, not every character in Python
        i = m.start()
        if text[i] in "(（〔":
            stack.append(i)
        elif stack:
            spans.append((stack.pop(), i + 1))
    return spans


def _enclosing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    inner = [s for s in spans if s[0] < pos < s[1]]
    return min(inner, key=lambda s: s[1] - s[0]) if inner else None


class _Brackets:
    """A text's bracket spans, read once (by _paren_spans) for every question asked of them.

    Spans from a stack nest or are disjoint, never cross, so the innermost span around a
    position (what _enclosing picks, the shortest) is the top of a stack of spans opened and not
    yet closed before it: a cursor walks the openings and closings once for positions asked in
    increasing order, where calling _enclosing for each figure and date was quadratic."""

    def __init__(self, flat: str, spans: list[tuple[int, int]] | None = None) -> None:
        self.spans = _paren_spans(flat) if spans is None else spans
        self.starting_at = {s: (s, e) for s, e in self.spans}
        # (position, span): the span opens at s and closes at e - 1; no two share a position.
        events = [(s, (s, e)) for s, e in self.spans] + [(e - 1, (s, e)) for s, e in self.spans]
        events.sort()
        self.events = events

    def cursor(self) -> _Cursor:
        return _Cursor(self.events)


class _Cursor:
    def __init__(self, events: list[tuple[int, tuple[int, int]]]) -> None:
        self._events = events
        self._next = 0
        self._open: list[tuple[int, int]] = []
        self._pos = -1

    def at(self, pos: int) -> tuple[int, int] | None:
        """The innermost span (s, e) with s < pos < e, as _enclosing finds it."""
        if pos < self._pos:  # asked out of order: walk again from the start
            self._next, self._open = 0, []
        self._pos = pos
        events, i = self._events, self._next
        while i < len(events) and events[i][0] < pos:
            at, span = events[i]
            if at == span[0]:
                self._open.append(span)
            else:
                self._open.pop()  # spans nest, so the one closing is the innermost open one
            i += 1
        self._next = i
        return self._open[-1] if self._open else None


class _Words:
    """Where the words of a pattern occur in a text, found once, so that "is there one between
    a and b" is a binary search rather than a scan of the span (which, for every figure inside
    one long bracket, was quadratic). The pattern's words must not overlap one another (no
    word's end is another's beginning), so that finditer finds every occurrence; then the first
    occurrence from ``a`` on also ends first. A search bounded at b cannot see past b: asked
    of a bracket, whose last character is its closing one, 見込(?!み?[:：]) reads the same
    characters either way."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        found = [(m.start(), m.end()) for m in pattern.finditer(text)]
        self._starts = [a for a, _ in found]
        self._ends = [b for _, b in found]

    def within(self, a: int, b: int) -> bool:
        """Whether an occurrence lies wholly in [a, b)."""
        i = bisect_left(self._starts, a)
        return i < len(self._starts) and self._ends[i] <= b


class _SpanIndex:
    """Spans sorted by start, with the furthest end reached among the first i + 1, so that
    "does a span overlap (a, b)" is one binary search, not a scan of every span."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach = list(accumulate((b for _, b in ordered), max))

    def overlaps(self, a: int, b: int) -> bool:
        """Whether a span (s, e) has ``a < e and b > s``."""
        i = bisect_left(self.starts, b)  # the spans with s < b are the first i
        return i > 0 and self.reach[i - 1] > a


_REFERENCE = re.compile("参考")
_AS_OF_WORD = re.compile("時点")
_DATED_WORDS = re.compile(r"時点|現在|実績|確定値")


class _Reading:
    """One KPI text as the steps read it, each part found once: its brackets, where the words
    that make a bracket a baseline or a reference occur (when first asked for), and which of
    its dates lie in the past."""

    def __init__(
        self,
        flat: str,
        base: date | None,
        dates: list[JpDate] | None = None,
        spans: list[tuple[int, int]] | None = None,
    ) -> None:
        self.flat = flat
        self.base = base
        self.brackets = _Brackets(flat, spans)
        self._dates = dates
        self._words: dict[re.Pattern[str], _Words] = {}
        self._open: tuple[_SpanIndex, list[int]] | None = None
        self._read_alone: dict[tuple[int, int], bool] = {}

    def words(self, pattern: re.Pattern[str]) -> _Words:
        found = self._words.get(pattern)
        if found is None:
            found = self._words[pattern] = _Words(pattern, self.flat)
        return found

    def _open_dates(self) -> tuple[_SpanIndex, list[int]]:
        """The dates' spans, and how many of the first i dates (by start) are not past."""
        if self._open is None:
            dates = self._dates if self._dates is not None else find_dates(self.flat, self.base)
            open_before = [0]
            for d in sorted(dates, key=lambda d: (d.begin, d.stop)):  # the index's order
                is_open = not _before(d.end, self.base)
                open_before.append(open_before[-1] + is_open)
            self._open = _SpanIndex([(d.begin, d.stop) for d in dates]), open_before
        return self._open

    def past_as_of(self, s: int, e: int) -> bool:
        """_past_as_of(flat[s:e], base) for a bracket span (s, e), from the dates of the whole
        text: running find_dates on the bracket for every figure in it was quadratic.

        A bracket holds the dates find_dates finds in it alone whenever no date of the whole
        text crosses its edges. No date expression reads a bracket but the Gregorian year after
        an era year, 令和4年（2022年）, whose date starts before the bracket; such a bracket
        (it holds no figure of its own) is read alone, as before, once."""
        index, open_before = self._open_dates()
        i = bisect_left(index.starts, s)  # dates starting before s
        j = bisect_left(index.starts, e)  # dates starting before e
        if (i and index.reach[i - 1] > s) or (j and index.reach[j - 1] > e):
            if (s, e) not in self._read_alone:
                self._read_alone[s, e] = _past_as_of(self.flat[s:e], self.base)
            return self._read_alone[s, e]
        return open_before[j] == open_before[i]


def _value(num: str) -> float:
    return float(num.replace(",", ""))


def stated_value(text: str) -> float | None:
    """The number a target's wording states (万 and 億 multiplied out), or None."""
    m = _NUMBER.search(fold(text))
    if m is None:
        return None
    return _value(m["num"]) * _MULT.get(m["mult"] or "", 1)


def _before(day: date | None, base: date | None) -> bool:
    """``day`` is known to lie before the plan's base date (never, when either is unknown)."""
    return day is not None and base is not None and day < base


_LABEL_AFTER = re.compile(r"\d*[A-Za-z]")
_RANGE_AFTER = re.compile(r"-\d")
_YEN_AFTER = re.compile(r"(?:万|億)?円")
_COUNT_NOUN_AFTER = re.compile(r"の[^、。()]{1,15}?数")
_SHARE_OF = re.compile(r"[^、。]{0,6}?(?:のうち|中|に占める)")


def _number_targets(
    flat: str,
    original: str,
    excluded: list[tuple[int, int]],
    base: date | None,
    dates: list[JpDate],
) -> tuple[list[Target], list[Baseline]]:
    return _numbers(_Reading(flat, base), original, excluded)


def _numbers(
    reading: _Reading, original: str, excluded: list[tuple[int, int]]
) -> tuple[list[Target], list[Baseline]]:
    """_number_targets on a text read once. Each test reads a bounded window or looks up an
    index; the words after a number are matched in place (``pattern.match(flat, pos)``), not
    copied out to the end of the text for every number."""
    flat = reading.flat
    targets: list[Target] = []
    baselines: list[Baseline] = []
    taken = _SpanIndex(excluded)
    enclosing = reading.brackets.cursor()

    for m in _NUMBER.finditer(flat):
        a, b = m.start("num"), m.end()
        after_num = m.end("num")
        if taken.overlaps(a, after_num):
            continue
        prev = flat[max(0, a - 2) : a]
        if (
            prev[-1:] in (".", "-", "/", "_")
            or (prev[-1:].isascii() and prev[-1:].isalpha())
            or (prev[-1:] == " " and prev[:1].isascii() and prev[:1].isalpha())
        ):
            continue  # label: SC27, Ver.2, X 8341-3, Society 5.0, /200万円
        if _LABEL_AFTER.match(flat, after_num) and not (
            m["unit"] or _ASCII_UNIT.match(flat, after_num)
        ):
            continue  # label: 5G, 3D, SIP4D
        if _RANGE_AFTER.match(flat, after_num) or flat[max(0, a - 1) : a] == "第":
            continue
        if m["unit"] is None and m["mult"] is None and _ORDINAL_AFTER.match(flat, after_num):
            continue
        if m["unit"] in (None, "台", "人", "件") and _PER_UNIT.match(flat, after_num):
            continue  # １台当たり, １か月当たり: the metric's definition, not a level
        if _YEN_AFTER.match(flat, after_num) and "予算" in flat[max(0, a - 8) : a]:
            continue
        unit = m["unit"] or ""
        cmp = m["cmp"]
        end = b
        if not unit and not cmp:
            generic = _GENERIC_UNIT_CMP.match(flat, m.end())
            if generic and m["mult"] is None:
                unit, cmp, end = generic["unit"], generic["cmp"], generic.end()
        value = _value(m["num"]) * _MULT.get(m["mult"] or "", 1)
        lead = flat[max(0, m.start() - 3) : m.start()]
        is_target = bool(unit or cmp or m["mult"])
        if not is_target:
            # A bare number still is a target where the words make it one: 事例の創出数 ５,
            # までに１, 30の認定情報銀行事業者数.
            is_target = bool(
                re.search(r"数\s*[:：]?\s*$", lead)
                or re.search(r"までに?\s*$", lead)
                or _COUNT_NOUN_AFTER.match(flat, after_num)
            )
        if not is_target:
            continue
        if unit in ("年", "月"):
            continue
        text = original[m.start() : end]
        comparison = _CMP.get(cmp or "", "~" if m["approx"] else "=")
        if m["unit"] and flat[max(0, a - 1) : a] == "全" and _SHARE_OF.match(flat, end):
            continue  # 全932港湾のうち: the denominator, not a level
        if _baseline_at(reading, m.start(), end, enclosing.at(m.start())):
            baselines.append(Baseline(text=text, value=value, unit=unit + (m["per"] or "")))
            continue
        targets.append(Target(value, unit + (m["per"] or ""), comparison, text, m.start(), end))
    return targets, baselines


def _is_baseline(
    flat: str,
    a: int,
    b: int,
    parens: list[tuple[int, int]],
    base: date | None,
    dates: list[JpDate],
) -> bool:
    return _baseline_at(_Reading(flat, base, spans=parens), a, b, _enclosing(parens, a))


def _baseline_at(reading: _Reading, a: int, b: int, enclosing: tuple[int, int] | None) -> bool:
    """_is_baseline on a text read once; ``enclosing``: the innermost bracket around ``a``."""
    flat = reading.flat
    if (
        enclosing
        and reading.words(_BASELINE_PAREN).within(*enclosing)
        and (not reading.words(_AS_OF_WORD).within(*enclosing) or reading.past_as_of(*enclosing))
    ):
        return True
    # 全体の94％（令和４年（2022年）２月時点）: the bracket right after the number dates it.
    rest = flat[b : b + 1]
    if rest in "(（":
        follow = reading.brackets.starting_at.get(b)
        if follow and reading.words(_DATED_WORDS).within(*follow) and reading.past_as_of(*follow):
            return True
    head = flat[max(0, a - 6) : a]
    return bool(re.search(r"(?:時点|現在)\s*[:：]?\s*$", head))


def _past_as_of(inner: str, base: date | None) -> bool:
    found = find_dates(inner, base)
    return not found or all(_before(d.end, base) for d in found)


_WORD_TARGETS = re.compile(
    r"半減|倍増|(?:ほぼ)?解消|ゼロ(?:に|と)|1人1台|(?:おおむね)?全ての[^、。()]{1,20}|全(?:都道府県|市町村|自治体"
    r"|地方公共団体|大学|学校|国民|住民|医療機関|府省庁|省庁|世帯|港湾|法人)|(?:全産業|世界)?平均まで"
)
_DENOMINATOR = re.compile(r"[^、。()]{0,12}?(?:のうち|に占める)")


def _word_targets(flat: str, original: str, excluded: list[tuple[int, int]]) -> list[Target]:
    out = []
    taken = _SpanIndex(excluded)  # scanning every date for every word was quadratic
    for m in _WORD_TARGETS.finditer(flat):
        if taken.overlaps(m.start(), m.end()):
            continue
        word = m.group(0)
        if word.startswith(("全", "おおむね全")) and _DENOMINATOR.match(flat, m.end()):
            continue
        if word.startswith(("おおむね全", "全")):
            # Keep the words up to the set's noun: 全ての大学生・高専生が → 全ての大学生・高専生
            if "全ての" in word[:8]:
                head, _, noun = word.partition("全ての")
                noun = re.split(r"[がをにでのへと、。]", noun, maxsplit=1)[0]
                word = f"{head}全ての{noun}"
            out.append(
                Target(
                    100.0,
                    "%",
                    "=" if not word.startswith("おおむね") else "~",
                    original[m.start() : m.start() + len(word)],
                    m.start(),
                    m.start() + len(word),
                )
            )
        elif word == "半減":
            out.append(
                Target(50.0, "%削減", "=", original[m.start() : m.end()], m.start(), m.end())
            )
        elif word == "倍増":
            out.append(Target(2.0, "倍", "=", original[m.start() : m.end()], m.start(), m.end()))
        elif word.endswith("解消") or word.startswith("ゼロ"):
            out.append(
                Target(
                    0.0,
                    "",
                    "~" if word.startswith("ほぼ") else "=",
                    original[m.start() : m.end()],
                    m.start(),
                    m.end(),
                )
            )
        else:  # 1人1台, 全産業平均まで: a level named in words
            out.append(Target(None, "", "=", original[m.start() : m.end()], m.start(), m.end()))
    return out


# ---------------------------------------------------------------------------------------------
# Recurring deadlines written as rates: 年間60回, 年15件, ３件/年, 年１回以上, 年一度

# 年間\s*(?:で\s*)? and not 年間\s*で?\s*: two \s* in a row share a run of spaces in every way
# before the match fails, quadratic in the run; the matches are the same.
_RATE = re.compile(
    RECURRING
    + r"|年間\s*(?:で\s*)?(?=\d)|(?<![\d度])年\s*(?=\d+\s*(?:回|件))|/年|年(?:一|1)(?:度|回)"
    r"|(?<![\d年度])年度内(?=年限)"
)


def _rates(flat: str, original: str, excluded: list[tuple[int, int]]) -> list[Deadline]:
    out = []
    for m in _RATE.finditer(flat):
        if any(m.start() < e and m.end() > s for s, e in excluded if s != m.start()):
            continue
        out.append(
            Deadline(
                None,
                True,
                original[m.start() : m.end()].strip() or "毎年",
                True,
                m.start(),
                m.end(),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------


def extract(text: str, base: date | None, notes: Sequence[str] = ()) -> Extraction:
    """Read a KPI. ``text`` is the KPI itself, ``notes`` its ※/補足/参考 notes, which can make a
    KPI unset and can hold baselines but never a target or a deadline."""
    flat = fold(text)
    dates = find_dates(text, base)
    # Every step is linear in the text: it is read once here (brackets, words, dates), and each
    # date, number and target is then looked up in it in reading order.
    reading = _Reading(flat, base, dates)
    excluded: list[tuple[int, int]] = [(d.begin, d.stop) for d in dates]
    deadlines: list[Deadline] = []
    bare: list[Deadline] = []
    baselines: list[Baseline] = []
    enclosing = reading.brackets.cursor()
    for jd in dates:
        if jd.granularity == "recurring":
            continue  # counted with the rates below
        kind = _classify(reading, jd, enclosing.at(jd.begin))
        if kind == "deadline":
            suffix = _suffix(text, jd)
            explicit = bool(re.search(r"[末中内]|まで|目途|目処|頃", jd.text[-3:] + suffix))
            deadlines.append(Deadline(jd.end, False, jd.text + suffix, explicit, jd.begin, jd.stop))
        elif kind == "bare":
            bare.append(Deadline(jd.end, False, jd.text, False, jd.begin, jd.stop))
    rates = _rates(flat, text, [])
    words = _word_targets(flat, text, excluded)
    targets, number_baselines = _numbers(
        reading, text, excluded + [(t.begin, t.stop) for t in words]
    )
    targets = _restated(reading.brackets, sorted(targets + words, key=lambda t: t.begin))
    baselines += number_baselines
    # A date in brackets with nothing after it, or at the end, is the deadline of what it
    # stands beside (運用開始（令和3年（2021年）12月）, 1,800か所（令和３年度）), past or not.
    deadlines += bare
    deadlines.sort(key=lambda d: d.begin)
    milestones = _pair(targets, deadlines, rates, flat)
    milestones = _past_points_to_baselines(milestones, baselines, base)
    for note in notes:
        for m in _NUMBER.finditer(fold(note)):
            if m["unit"] and m["unit"] not in ("つ",):
                baselines.append(
                    Baseline(
                        text=note[m.start() : m.end()],
                        value=_value(m["num"]) * _MULT.get(m["mult"] or "", 1),
                        unit=m["unit"],
                    )
                )
                break
    marker = unset_marker(text, notes, has_target=bool(targets))
    set_by = None
    if marker is not None:
        set_by = _set_by(text, flat, [d for d in deadlines if d.date], has_target=bool(targets))
        if set_by is None:
            set_by = next(filter(None, (_set_by_in_note(n, base) for n in notes)), None)
        if set_by is not None:  # the promise is not a milestone of the KPI
            milestones = [
                m
                for m in milestones
                if not (m.deadline and m.deadline.begin == set_by.begin and m.target is None)
            ]
    mismatches = [d for d in dates if d.mismatch]
    for note in notes:
        mismatches += [d for d in find_dates(note, base) if d.mismatch]
    return Extraction(marker, milestones, baselines, mismatches, set_by)


# How far (in characters, within one sentence) a date may stand from the words that say the KPI
# is to be set for it to be the date it is set by: 令和５年度を目途に目標時期、目標値の明確化.
_SET_BY_REACH = 12


def _set_by(text: str, flat: str, dated: list[Deadline], *, has_target: bool) -> Deadline | None:
    """The deadline among ``dated`` that says when the KPI is to be set: the one nearest to
    an unset wording (設定予定, 明確化, KPIの設定時期 …) in the same sentence, if one is that
    near. Its wording keeps 末/まで/目途 (令和４年度（2022年度）末).

    Linear: dates do not overlap, so sorted by where they begin they are sorted by where they
    end too, and for each wording only the dates within reach of it are looked at (found by
    binary search), never every date of the text."""
    dated = sorted(dated, key=lambda d: d.begin)
    begins = [d.begin for d in dated]
    stops = [d.stop for d in dated]
    scopes = _Scopes(flat) if has_target else None
    best: tuple[int, Deadline] | None = None
    for m in UNSET_MARKERS.finditer(flat):
        if scopes is not None and scopes.about_sub_area(m.start()):
            continue
        # The dates that end within reach before the wording, overlap it, or begin within reach
        # after it: a contiguous run.
        i = bisect_left(stops, m.start() - _SET_BY_REACH)
        j = bisect_right(begins, m.end() + _SET_BY_REACH)
        for d in dated[i:j]:
            a, b = (d.stop, m.start()) if d.stop <= m.start() else (m.end(), d.begin)
            gap = max(0, b - a)
            if gap > _SET_BY_REACH:
                continue
            between = flat[min(a, b) : max(a, b)]
            if "。" in between or _closes(between):
                continue
            if best is None or gap < best[0]:
                best = (gap, d)
    if best is None:
        return None
    d = best[1]
    wording = text[d.begin : d.stop] + _suffix_at(text, d.stop)
    return Deadline(d.date, False, wording, True, d.begin, d.stop)


def _closes(between: str) -> bool:
    """Whether text between a date and an unset wording closes a bracket it did not open: the
    two are in different clauses (（令和３年度 40万人）目標値は未設定: the date is the figure's,
    not the date the KPI is to be set by)."""
    depth = 0
    for c in between:
        if c in "(（":
            depth += 1
        elif c in ")）":
            depth -= 1
            if depth < 0:
                return True
    return False


def _set_by_in_note(note: str, base: date | None) -> Deadline | None:
    flat = fold(note)
    dates = find_dates(note, base)
    reading = _Reading(flat, base, dates)
    enclosing = reading.brackets.cursor()
    dated = [
        Deadline(jd.end, False, jd.text, True, jd.begin, jd.stop)
        for jd in dates
        if jd.end is not None
        and _classify(reading, jd, enclosing.at(jd.begin)) in ("deadline", "bare")
    ]
    found = _set_by(note, flat, dated, has_target=False) if dated else None
    # Its position is in the note, not in the KPI's text: keep it out of the text's spans.
    return Deadline(found.date, False, found.text) if found else None


def _drop_restatements(flat: str, targets: list[Target]) -> list[Target]:
    """99.85％（未整備世帯約９万世帯）, ３倍程度（45kmで1Mbps程度）: a bracket right after a
    target restates or qualifies it; its figures are not targets of their own."""
    return _restated(_Brackets(flat), targets)


def _restated(brackets: _Brackets, targets: list[Target]) -> list[Target]:
    """_drop_restatements on a text read once: the bracket around each target from a cursor
    (targets come in reading order), and whether a target ends where it opens from the set of
    ends, where both were scans per target. The target ending there is never t itself, which
    ends after it begins, inside the bracket."""
    ends = {t.stop for t in targets}
    enclosing = brackets.cursor()
    kept = []
    for t in targets:
        around = enclosing.at(t.begin)
        if around and around[0] in ends:
            continue
        kept.append(t)
    return kept


_SUFFIX = re.compile(r"(?:[)）]?(?:末|中|内))?(?:までに|まで|を目途|を目処|頃)?")


def _suffix(text: str, jd: JpDate) -> str:
    """The words that make a date a deadline (末までに, を目途), kept with its wording."""
    return _suffix_at(text, jd.stop)


def _suffix_at(text: str, stop: int) -> str:
    m = _SUFFIX.match(text, stop)  # in place: a copy of the rest of the text per date
    return m.group(0) if m else ""  # was quadratic


_CLAUSE_END = re.compile(r"。|\n(?![(（])")


class _Clauses:
    """Where a text's clauses end, found once: "does a clause end in [a, b)", asked for every
    pair of a target and a deadline, was a search of the text between them each time.

    ``_CLAUSE_END.search(flat, a, b)`` sees the text as ending at b, so a line break just
    before b ends a clause there even when a bracket follows it; ``ends_between`` keeps that."""

    def __init__(self, flat: str) -> None:
        self._flat = flat
        self.ends = [m.start() for m in _CLAUSE_END.finditer(flat)]

    def ends_between(self, a: int, b: int) -> bool:
        if a >= b:
            return False
        i = bisect_left(self.ends, a)
        if i < len(self.ends) and self.ends[i] < b:
            return True
        return self._flat[b - 1] == "\n"

    def clause(self, pos: int) -> int:
        """Which clause ``pos`` is in: positions a <= b share one when no clause ends in [a, b)
        (the line break just before b aside)."""
        return bisect_left(self.ends, pos)


def _pair(
    targets: list[Target], deadlines: list[Deadline], rates: list[Deadline], flat: str
) -> list[Milestone]:
    """Pair each target with a deadline in reading order.

    A deadline governs the targets that follow it up to the next deadline
    (令和６年度末までに99.85％、令和９年度末までに99.90％); a target with no deadline before it
    takes the first deadline after it in the same clause (２倍にする（令和５年度末）).

    Linear in reading order: the targets a deadline governs are found by binary search among
    the targets sorted by start, and the targets waiting for a later deadline are kept per
    clause, sorted by end, so each deadline takes its own from the front."""
    paired: dict[int, Deadline] = {}
    used: set[int] = set()
    clauses = _Clauses(flat)
    by_begin = sorted(targets, key=lambda t: t.begin)
    begins = [t.begin for t in by_begin]
    for i, d in enumerate(deadlines):
        nxt = deadlines[i + 1].begin if i + 1 < len(deadlines) else len(flat) + 1
        lo, hi = bisect_left(begins, d.stop), bisect_left(begins, nxt)
        after = [t for t in by_begin[lo:hi] if id(t) not in paired]
        # Targets after a deadline belong to it only within the same sentence.
        after = [t for t in after if not clauses.ends_between(d.stop, t.begin)]
        for t in after:
            paired[id(t)] = d
            used.add(id(d))
    # The targets no deadline before them took, per clause of their end, sorted by end; a
    # deadline takes those of its clause that end before it begins (a prefix: they are sorted).
    waiting: dict[int, list[Target]] = {}
    for t in sorted(targets, key=lambda t: t.stop):
        if id(t) not in paired:
            waiting.setdefault(clauses.clause(t.stop), []).append(t)
    taken_from: dict[int, int] = {}  # how many of each clause's list are already paired
    for d in deadlines:
        if id(d) in used:
            continue
        clause = clauses.clause(d.begin)
        queue = waiting.get(clause, [])
        first = taken_from.get(clause, 0)
        while first < len(queue) and id(queue[first]) in paired:
            first += 1
        taken_from[clause] = first
        last = first
        while last < len(queue) and queue[last].stop <= d.begin:
            last += 1
        before = [t for t in queue[first:last] if id(t) not in paired]
        if d.begin > 0 and flat[d.begin - 1] == "\n":
            # The line break just before the deadline (see _Clauses): only a target ending
            # right at the deadline is in its clause. The others stay for a later deadline.
            before = [t for t in before if t.stop == d.begin]
        else:
            taken_from[clause] = last
        if before:
            for t in before:
                paired[id(t)] = d
            used.add(id(d))
    milestones: list[Milestone] = []
    rate = rates[0] if rates else None
    for t in targets:
        deadline = paired.get(id(t)) or rate
        if deadline is rate and rate is not None:
            used.add(id(rate))
        milestones.append(Milestone(t, deadline))
    for d in deadlines:
        if id(d) not in used:
            milestones.append(Milestone(None, d))
    if rate is not None and id(rate) not in used and not any(m.deadline for m in milestones):
        milestones.append(Milestone(None, rate))
    milestones.sort(key=lambda m: _position(m))
    return milestones


def _position(m: Milestone) -> int:
    return min(x.begin for x in (m.target, m.deadline) if x is not None)


def _past_points_to_baselines(
    milestones: list[Milestone], baselines: list[Baseline], base: date | None
) -> list[Milestone]:
    """令和２年度 約22万件、令和７年度 約150万件: when a series has a future point, the past
    points written without まで/末 are where the series starts (its baseline, as a careful
    reader takes the figure a plan of June 2022 gives for FY2020), not deadlines. A past
    date standing alone with its target (1-3: 令和３年度 1,800か所) is still a deadline."""
    future = [
        m
        for m in milestones
        if m.deadline and m.deadline.date and not _before(m.deadline.date, base) and m.target
    ]
    if not future:
        return milestones
    kept = []
    for m in milestones:
        d = m.deadline
        if m.target and d and d.date and _before(d.date, base) and not d.explicit:
            baselines.append(
                Baseline(
                    text=f"{d.text} {m.target.text}",
                    value=m.target.value,
                    unit=m.target.unit,
                    as_of=d.date,
                )
            )
            continue
        kept.append(m)
    return kept
