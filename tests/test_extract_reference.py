"""The extractor's linear-time rewrites against straightforward reference versions of the same
steps (the quadratic ones they replaced), on random short texts made of the tokens each step
reacts to: a rewrite must not change a single result."""

from __future__ import annotations

import itertools
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from kpiaudit import extract as ex
from kpiaudit import jpdate
from kpiaudit.extract import Deadline, Milestone, Target
from kpiaudit.jpdate import JpDate, find_dates, fold

from .conftest import BASE

EXAMPLES = settings(max_examples=200, deadline=None)


def texts(tokens: str | list[str], max_size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(list(tokens)), max_size=max_size).map("".join)


BRACKETS = [*"(（〔)）〕", "a", "b"]
DATE_TOKENS = [
    *[
        "令和",
        "平成",
        "4",
        "3",
        "13",
        "2022",
        "2019",
        "年度",
        "年",
        "末",
        "中",
        "月",
        "・",
        "~",
        "、",
    ],
    *[
        "今年度",
        "来年度",
        "今夏",
        "毎年度",
        "までに",
        "時点",
        "現在",
        "実績",
        "確定値",
        "参考",
        "見込",
    ],
    *["み", ":", "(", ")", "（", "）", "〔", "〕", " ", "1件", "約5%", "全", "のうち", "。", "\n"],
    # A date whose own bracket is a bracket span: its (2022年) read alone is a date.
    *["令和4年(2022年)", "令和3年度（2021年度）", "令和９年（2027年）"],
]


# ---------------------------------------------------------------------------------------------
# Reference versions: each step as it was written before, scanning what it needs every time.


def ref_paren_spans(text: str) -> list[tuple[int, int]]:
    spans, stack = [], []
    for i, ch in enumerate(text):
        if ch in "(（〔":
            stack.append(i)
        elif ch in ")）〕" and stack:
            spans.append((stack.pop(), i + 1))
    return spans


def ref_enclosing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    inner = [s for s in spans if s[0] < pos < s[1]]
    return min(inner, key=lambda s: s[1] - s[0]) if inner else None


def ref_past_as_of(inner: str, base: date) -> bool:
    found = find_dates(inner, base)
    return not found or all(d.end is not None and d.end < base for d in found)


def ref_is_baseline(flat: str, a: int, b: int, base: date) -> bool:
    parens = ref_paren_spans(flat)
    enclosing = ref_enclosing(parens, a)
    if enclosing and ex._BASELINE_PAREN.search(flat, enclosing[0], enclosing[1]):
        inner = flat[enclosing[0] : enclosing[1]]
        if "時点" not in inner or ref_past_as_of(inner, base):
            return True
    rest = flat[b : b + 1]
    if rest in "(（":
        follow = next((s for s in parens if s[0] == b), None)
        if follow:
            inner = flat[follow[0] : follow[1]]
            if re.search(r"時点|現在|実績|確定値", inner) and ref_past_as_of(inner, base):
                return True
    head = flat[max(0, a - 6) : a]
    return bool(re.search(r"(?:時点|現在)\s*[:：]?\s*$", head))


def ref_about_sub_area(text: str, pos: int) -> bool:
    sentence_start = max(text.rfind("。", 0, pos), text.rfind("※", 0, pos), 0)
    topic = ex._TOPIC.search(text, sentence_start, pos)
    return topic is not None and not ex._OWN_VALUE_WORDS.search(topic.group(1))


def ref_drop_restatements(flat: str, targets: list[Target]) -> list[Target]:
    parens = ref_paren_spans(flat)
    kept = []
    for t in targets:
        enclosing = ref_enclosing(parens, t.begin)
        if enclosing and any(o.stop == enclosing[0] for o in targets if o is not t):
            continue
        kept.append(t)
    return kept


def ref_pair(
    targets: list[Target], deadlines: list[Deadline], rates: list[Deadline], flat: str
) -> list[Milestone]:
    clause_end = re.compile(r"。|\n(?![(（])")
    paired: dict[int, Deadline] = {}
    used: set[int] = set()
    for i, d in enumerate(deadlines):
        nxt = deadlines[i + 1].begin if i + 1 < len(deadlines) else len(flat) + 1
        after = [t for t in targets if d.stop <= t.begin < nxt and id(t) not in paired]
        after = [t for t in after if not clause_end.search(flat, d.stop, t.begin)]
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
            and not clause_end.search(flat, t.stop, d.begin)
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
    milestones.sort(key=lambda m: ex._position(m))
    return milestones


def ref_find_dates(text: str, base: date) -> list[JpDate]:
    folded = fold(text)
    found: list[JpDate] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in jpdate._ERA_RE.finditer(folded):
        jd = jpdate._era_match_safe(m, folded, text)
        if jd is not None:
            found.append(jd)
            taken.append((jd.begin, jd.stop))
    for m in jpdate._GREG_RE.finditer(folded):
        if free(m.start(), m.end()):
            jd = jpdate._greg_match_safe(m, folded, text)
            if jd is not None:
                found.append(jd)
                taken.append((jd.begin, jd.stop))
    for m in jpdate._RECURRING_RE.finditer(folded):
        if free(m.start(), m.end()):
            found.append(
                JpDate(text[m.start() : m.end()], None, None, "recurring", m.start(), m.end())
            )
            taken.append((m.start(), m.end()))
    for m in jpdate._REL_RE.finditer(folded):
        if free(m.start(), m.end()):
            rel = jpdate._relative_match(m, text, base)
            if rel is not None:
                found.append(rel)
                taken.append((rel.begin, rel.stop))
    found.sort(key=lambda d: d.begin)
    return found


OLD_RATE = re.compile(
    r"毎年度末?|毎年|年間\s*で?\s*(?=\d)|(?<![\d度])年\s*(?=\d+\s*(?:回|件))|/年|年(?:一|1)(?:度|回)"
    r"|(?<![\d年度])年度内(?=年限)"
)


# ---------------------------------------------------------------------------------------------


@EXAMPLES
@given(texts(BRACKETS), st.randoms(use_true_random=False))
def test_innermost_bracket(text: str, rnd) -> None:
    spans = ex._paren_spans(text)
    assert spans == ref_paren_spans(text)
    brackets = ex._Brackets(text)
    cursor = brackets.cursor()
    positions = list(range(len(text) + 2))
    assert [cursor.at(p) for p in positions] == [ref_enclosing(spans, p) for p in positions]
    rnd.shuffle(positions)  # asked out of order, the cursor walks again
    assert [cursor.at(p) for p in positions] == [ref_enclosing(spans, p) for p in positions]
    assert brackets.starting_at == {s: (s, e) for s, e in spans}


@EXAMPLES
@given(texts(DATE_TOKENS), st.sampled_from([BASE, date(2020, 1, 1), date(2030, 1, 1)]))
def test_words_and_dates_in_brackets(text: str, base: date) -> None:
    flat = fold(text)
    reading = ex._Reading(flat, base, find_dates(text, base))
    for s, e in ref_paren_spans(flat):
        assert reading.words(ex._BASELINE_PAREN).within(s, e) == bool(
            ex._BASELINE_PAREN.search(flat, s, e)
        )
        assert reading.words(ex._AS_OF_WORD).within(s, e) == ("時点" in flat[s:e])
        assert reading.words(ex._DATED_WORDS).within(s, e) == bool(
            re.search(r"時点|現在|実績|確定値", flat[s:e])
        )
        assert reading.past_as_of(s, e) == ref_past_as_of(flat[s:e], base)
        for pos in range(s, len(flat) + 1):
            assert reading.words(ex._REFERENCE).within(s, pos) == ("参考" in flat[s:pos])


@EXAMPLES
@given(texts(DATE_TOKENS, max_size=20))
def test_is_baseline(text: str) -> None:
    flat = fold(text)
    parens = ex._paren_spans(flat)
    for a in range(len(flat) + 1):
        for b in range(a, min(len(flat), a + 4) + 1):
            expected = ref_is_baseline(flat, a, b, BASE)
            assert ex._is_baseline(flat, a, b, parens, BASE, []) == expected, (a, b)


@EXAMPLES
@given(
    texts(["未設定", "今後設定", "地域", "目標値", "については", "、", "。", "※", "値", "(", "数"])
)
def test_about_sub_area(text: str) -> None:
    scopes = ex._Scopes(text)
    for pos in range(len(text) + 1):
        assert scopes.about_sub_area(pos) == ref_about_sub_area(text, pos), pos


IN_PLACE = [
    ex._LABEL_AFTER,
    ex._RANGE_AFTER,
    ex._YEN_AFTER,
    ex._COUNT_NOUN_AFTER,
    ex._SHARE_OF,
    ex._SUFFIX,
]


@EXAMPLES
@given(
    texts(["1", "a", "G", "D", "-", "万", "円", "の", "事業者", "数", "、", "のうち", "中", "末"])
)
def test_matching_in_place_is_matching_the_rest(text: str) -> None:
    """pattern.match(text, pos) replaced re.match(pattern, text[pos:]) (a copy per number)."""
    for pattern in IN_PLACE:
        for pos in range(len(text) + 1):
            here, rest = pattern.match(text, pos), re.match(pattern.pattern, text[pos:])
            assert (here and (here.start() - pos, here.end() - pos)) == (rest and rest.span())


@st.composite
def targets_and_deadlines(draw: st.DrawFn) -> tuple[str, list[Target], list[Deadline]]:
    # A line break before a bracket ends no clause, except for a search stopping at the bracket.
    flat = draw(texts(["a", "。", "\n", "\n(", "(", ")", "（", "）"], max_size=25))
    n = len(flat)

    def span() -> tuple[int, int]:
        a = draw(st.integers(0, n))
        return a, draw(st.integers(a, min(n, a + 4)))

    targets = [Target(1.0, "", "=", "t", *span()) for _ in range(draw(st.integers(0, 6)))]
    deadlines = [Deadline(None, False, "d", True, *span()) for _ in range(draw(st.integers(0, 5)))]
    if draw(st.booleans()):  # as extract passes them; the others too, for any caller
        targets.sort(key=lambda t: t.begin)
        deadlines.sort(key=lambda d: d.begin)
    return flat, targets, deadlines


@EXAMPLES
@given(targets_and_deadlines(), st.booleans())
def test_pair(case: tuple[str, list[Target], list[Deadline]], with_rate: bool) -> None:
    flat, targets, deadlines = case
    rates = [Deadline(None, True, "毎年", True, 0, 2)] if with_rate else []

    def ids(milestones: list[Milestone]) -> list[tuple[int, int]]:
        return [(id(m.target), id(m.deadline)) for m in milestones]

    assert ids(ex._pair(targets, deadlines, rates, flat)) == ids(
        ref_pair(targets, deadlines, rates, flat)
    )


@EXAMPLES
@given(targets_and_deadlines())
def test_restatements(case: tuple[str, list[Target], list[Deadline]]) -> None:
    flat, targets, _ = case
    assert [id(t) for t in ex._drop_restatements(flat, targets)] == [
        id(t) for t in ref_drop_restatements(flat, targets)
    ]


@EXAMPLES
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=8),
        max_size=4,
    ),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), max_size=8),
)
def test_taken_spans(passes: list[list[tuple[int, int]]], questions: list[tuple[int, int]]) -> None:
    taken, plain = jpdate._Taken(), []
    for spans in passes:
        for a, length in spans:
            taken.add(a, a + length)
            plain.append((a, a + length))
            for q, qlength in questions:
                want = all(q + qlength <= s or q >= e for s, e in plain)
                assert taken.free(q, q + qlength) == want
        taken.seal()


@EXAMPLES
@given(
    texts(
        [
            "2020",
            "2021・2022",
            "19",
            "・",
            "~",
            " ",
            "年",
            "度",
            "末",
            ".",
            "1",
            "令和",
            "毎年",
            "今年度",
        ]
    )
)
def test_find_dates(text: str) -> None:
    assert find_dates(text, BASE) == ref_find_dates(text, BASE)


@EXAMPLES
@given(texts(["年間", "で", " ", "1", "年", "度", "回", "件", "/", "毎年度", "内", "年限", "一"]))
def test_rate_pattern(text: str) -> None:
    assert [m.span() for m in ex._RATE.finditer(text)] == [
        m.span() for m in OLD_RATE.finditer(text)
    ]


def test_rate_pattern_on_every_short_text() -> None:
    """All texts of up to six of the tokens around 年間's spaces, which random ones seldom
    line up (年間で 1)."""
    for n in range(7):
        for tokens in itertools.product(["年間", "で", " ", "1", "年", "回"], repeat=n):
            text = "".join(tokens)
            assert [m.span() for m in ex._RATE.finditer(text)] == [
                m.span() for m in OLD_RATE.finditer(text)
            ], text
