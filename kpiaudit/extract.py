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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

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
        for m in UNSET_MARKERS.finditer(folded):
            if has_target and _about_sub_area(folded, m.start()):
                continue
            return part[m.start() : m.end()]
    return None


def _about_sub_area(text: str, pos: int) -> bool:
    sentence_start = max(text.rfind("。", 0, pos), text.rfind("※", 0, pos), 0)
    topic = _TOPIC.search(text, sentence_start, pos)
    return topic is not None and not _OWN_VALUE_WORDS.search(topic.group(1))


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class Extraction:
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
    pos = jd.stop
    pos = _PERIOD_SUFFIX.match(flat, pos).end()  # type: ignore[union-attr]
    after = flat[pos : pos + 16]
    before = flat[max(0, jd.begin - 6) : jd.begin]
    past = _before(jd.end, base)
    enclosing = _enclosing(_paren_spans(flat), jd.begin)
    if enclosing and "参考" in flat[enclosing[0] : jd.begin]:
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


def _paren_spans(text: str) -> list[tuple[int, int]]:
    spans, stack = [], []
    for i, ch in enumerate(text):
        if ch in "(（〔":
            stack.append(i)
        elif ch in ")）〕" and stack:
            spans.append((stack.pop(), i + 1))
    return spans


def _enclosing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    inner = [s for s in spans if s[0] < pos < s[1]]
    return min(inner, key=lambda s: s[1] - s[0]) if inner else None


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


def _number_targets(
    flat: str,
    original: str,
    excluded: list[tuple[int, int]],
    base: date | None,
    dates: list[JpDate],
) -> tuple[list[Target], list[Baseline]]:
    targets: list[Target] = []
    baselines: list[Baseline] = []
    parens = _paren_spans(flat)

    def in_excluded(a: int, b: int) -> bool:
        return any(a < e and b > s for s, e in excluded)

    for m in _NUMBER.finditer(flat):
        a, b = m.start("num"), m.end()
        if in_excluded(a, m.end("num")):
            continue
        prev = flat[max(0, a - 2) : a]
        follow = flat[m.end("num") :]
        if (
            prev[-1:] in (".", "-", "/", "_")
            or (prev[-1:].isascii() and prev[-1:].isalpha())
            or (prev[-1:] == " " and prev[:1].isascii() and prev[:1].isalpha())
        ):
            continue  # label: SC27, Ver.2, X 8341-3, Society 5.0, /200万円
        if re.match(r"\d*[A-Za-z]", follow) and not (m["unit"] or _ASCII_UNIT.match(follow)):
            continue  # label: 5G, 3D, SIP4D
        if re.match(r"-\d", follow) or flat[max(0, a - 1) : a] == "第":
            continue
        if m["unit"] is None and m["mult"] is None and _ORDINAL_AFTER.match(follow):
            continue
        if m["unit"] in (None, "台", "人", "件") and _PER_UNIT.match(flat, m.end("num")):
            continue  # １台当たり, １か月当たり: the metric's definition, not a level
        if re.match(r"(?:万|億)?円", follow) and "予算" in flat[max(0, a - 8) : a]:
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
                or re.match(r"の[^、。()]{1,15}?数", follow)
            )
        if not is_target:
            continue
        if unit in ("年", "月"):
            continue
        text = original[m.start() : end]
        comparison = _CMP.get(cmp or "", "~" if m["approx"] else "=")
        if (
            m["unit"]
            and flat[max(0, a - 1) : a] == "全"
            and re.match(r"[^、。]{0,6}?(?:のうち|中|に占める)", flat[end:])
        ):
            continue  # 全932港湾のうち: the denominator, not a level
        if _is_baseline(flat, m.start(), end, parens, base, dates):
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
    enclosing = _enclosing(parens, a)
    if enclosing and _BASELINE_PAREN.search(flat, enclosing[0], enclosing[1]):
        inner = flat[enclosing[0] : enclosing[1]]
        if "時点" not in inner or _past_as_of(inner, base):
            return True
    # 全体の94％（令和４年（2022年）２月時点）: the bracket right after the number dates it.
    rest = flat[b : b + 1]
    if rest in "(（":
        follow = next((s for s in parens if s[0] == b), None)
        if follow:
            inner = flat[follow[0] : follow[1]]
            if re.search(r"時点|現在|実績|確定値", inner) and _past_as_of(inner, base):
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
    for m in _WORD_TARGETS.finditer(flat):
        if any(m.start() < e and m.end() > s for s, e in excluded):
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

_RATE = re.compile(
    RECURRING + r"|年間\s*で?\s*(?=\d)|(?<![\d度])年\s*(?=\d+\s*(?:回|件))|/年|年(?:一|1)(?:度|回)"
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
    excluded: list[tuple[int, int]] = [(d.begin, d.stop) for d in dates]
    deadlines: list[Deadline] = []
    bare: list[Deadline] = []
    baselines: list[Baseline] = []
    for jd in dates:
        if jd.granularity == "recurring":
            continue  # counted with the rates below
        kind = _classify_date(flat, jd, base)
        if kind == "deadline":
            suffix = _suffix(text, jd)
            explicit = bool(re.search(r"[末中内]|まで|目途|目処|頃", jd.text[-3:] + suffix))
            deadlines.append(Deadline(jd.end, False, jd.text + suffix, explicit, jd.begin, jd.stop))
        elif kind == "bare":
            bare.append(Deadline(jd.end, False, jd.text, False, jd.begin, jd.stop))
    rates = _rates(flat, text, [])
    words = _word_targets(flat, text, excluded)
    targets, number_baselines = _number_targets(
        flat, text, excluded + [(t.begin, t.stop) for t in words], base, dates
    )
    targets = _drop_restatements(flat, sorted(targets + words, key=lambda t: t.begin))
    baselines += number_baselines
    # A date in brackets with nothing after it, or at the end, is the deadline of what it
    # stands beside (運用開始（令和3年（2021年）12月）, 1,800か所（令和３年度）), past or not.
    deadlines += bare
    deadlines.sort(key=lambda d: d.begin)
    milestones = _pair(targets, deadlines, rates, flat)
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
    near. Its wording keeps 末/まで/目途 (令和４年度（2022年度）末)."""
    best: tuple[int, Deadline] | None = None
    for m in UNSET_MARKERS.finditer(flat):
        if has_target and _about_sub_area(flat, m.start()):
            continue
        for d in dated:
            a, b = (d.stop, m.start()) if d.stop <= m.start() else (m.end(), d.begin)
            gap = max(0, b - a)
            if gap > _SET_BY_REACH or "。" in flat[min(a, b) : max(a, b)]:
                continue
            if best is None or gap < best[0]:
                best = (gap, d)
    if best is None:
        return None
    d = best[1]
    wording = text[d.begin : d.stop] + _suffix_at(text, d.stop)
    return Deadline(d.date, False, wording, True, d.begin, d.stop)


def _set_by_in_note(note: str, base: date | None) -> Deadline | None:
    flat = fold(note)
    dated = []
    for jd in find_dates(note, base):
        if jd.end is not None and _classify_date(flat, jd, base) in ("deadline", "bare"):
            dated.append(Deadline(jd.end, False, jd.text, True, jd.begin, jd.stop))
    found = _set_by(note, flat, dated, has_target=False) if dated else None
    # Its position is in the note, not in the KPI's text: keep it out of the text's spans.
    return Deadline(found.date, False, found.text) if found else None


def _drop_restatements(flat: str, targets: list[Target]) -> list[Target]:
    """99.85％（未整備世帯約９万世帯）, ３倍程度（45kmで1Mbps程度）: a bracket right after a
    target restates or qualifies it; its figures are not targets of their own."""
    parens = _paren_spans(flat)
    kept = []
    for t in targets:
        enclosing = _enclosing(parens, t.begin)
        if enclosing and any(o.stop == enclosing[0] for o in targets if o is not t):
            continue
        kept.append(t)
    return kept


def _suffix(text: str, jd: JpDate) -> str:
    """The words that make a date a deadline (末までに, を目途), kept with its wording."""
    return _suffix_at(text, jd.stop)


_SUFFIX = re.compile(r"(?:[)）]?(?:末|中|内))?(?:までに|まで|を目途|を目処|頃)?")


def _suffix_at(text: str, stop: int) -> str:
    m = _SUFFIX.match(text, stop)
    return m.group(0) if m else ""


_CLAUSE_END = re.compile(r"。|\n(?![(（])")


def _pair(
    targets: list[Target], deadlines: list[Deadline], rates: list[Deadline], flat: str
) -> list[Milestone]:
    """Pair each target with a deadline in reading order.

    A deadline governs the targets that follow it up to the next deadline
    (令和６年度末までに99.85％、令和９年度末までに99.90％); a target with no deadline before it
    takes the first deadline after it in the same clause (２倍にする（令和５年度末）)."""
    paired: dict[int, Deadline] = {}
    used: set[int] = set()
    for i, d in enumerate(deadlines):
        nxt = deadlines[i + 1].begin if i + 1 < len(deadlines) else len(flat) + 1
        after = [t for t in targets if d.stop <= t.begin < nxt and id(t) not in paired]
        # Targets after a deadline belong to it only within the same sentence.
        after = [t for t in after if not _CLAUSE_END.search(flat, d.stop, t.begin)]
        for t in after:
            paired[id(t)] = d
            used.add(id(d))
    for d in deadlines:
        if id(d) in used:
            continue
        before = [
            t
            for t in targets
            if t.stop <= d.begin
            and id(t) not in paired
            and not _CLAUSE_END.search(flat, t.stop, d.begin)
        ]
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
