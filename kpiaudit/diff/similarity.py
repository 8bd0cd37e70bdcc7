"""When two texts are the same words, how alike two are, and which old item is which new one.

``normalise`` is what "the same text" means: NFKC (full-width and half-width forms fold
together: ９９．８５％ = 99.85%), then without whitespace and punctuation (Unicode categories P*:
、。・「」（） and friends), so an edit that only touches those is no change at all.

The similarity of two texts (:func:`jaccard` of their :func:`bigrams`) is the Jaccard index of
the sets of character bigrams of the normalised texts, each padded with a start and an end mark
(so one-character texts have bigrams too): 1.0 for the same words, 0.0 for no two adjacent
characters in common. Bigrams rather than words, because Japanese is not written with spaces;
a set index rather than an edit distance, because it costs one set intersection per pair and
every old measure may have to be compared with every new one.

``pair_up`` is the assignment, greedy best first:

* a pair with the same id gets ``ID_BONUS`` on top of its similarity, and is a candidate when
  its similarity is at least ``SAME_ID_FLOOR``: below that the two are wholly different things
  that happen to share a number (a measure deleted and another inserted in its place);
* a pair with different ids is a candidate when its similarity is at least ``MATCH``;
* candidates are taken best first; ties go to the same id, then to document order.

Thresholds, from the 2022 plan (``python benchmarks/diff_bench.py --similarities`` prints
them). A measure's score is the mean of the similarity of its titles and that of its whole text
(see ``compare.pair_measures``). Over all 13,203 pairs of *different* measures the score is at
most 0.45 (9-8 and 9-9, sibling measures with near-identical titles), only 12 pairs reach 0.25,
and 99% stay under 0.15. So ``MATCH = 0.5`` pairs no two measures of the 2022 plan with each
other, while a measure that kept its title scores at least 0.5 however much its body was
rewritten. ``SAME_ID_FLOOR = 0.25`` is where a number has been reused for something else: as
far from the measure as all but a dozen pairs of unrelated measures are from each other.
``ID_BONUS = 0.25`` makes the same text under a new number (score 1.0) beat an edited measure
that kept its number unless the edit kept three quarters of it; that is what tells a
renumbering from a rewrite. A same-id pair at 0.75 or more is therefore taken whatever else
there is, without comparing it with anything else: that is how diffing a plan with itself
costs one comparison per measure. KPIs are paired the same way within a pair of measures,
except that a KPI unset on either side keeps its id whatever its text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MATCH = 0.5
SAME_ID_FLOOR = 0.25
ID_BONUS = 0.25


class _Dropped(dict[int, int | None]):
    """str.translate table, filled on first sight of each character: whitespace and
    punctuation map to None (dropped), anything else to itself."""

    def __missing__(self, code: int) -> int | None:
        ch = chr(code)
        keep = not (ch.isspace() or unicodedata.category(ch).startswith("P"))
        value = code if keep else None
        self[code] = value
        return value


_DROP = _Dropped()


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_DROP)


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the normalised text, padded with a start and an end mark."""
    padded = "\x02" + normalise(text) + "\x03"
    return frozenset(map(str.__add__, padded[:-1], padded[1:]))


def jaccard(a: frozenset[str], b: frozenset[str], floor: float = 0.0) -> float:
    """The Jaccard index; 0.0 without intersecting the sets when their sizes alone keep it
    below ``floor`` (it is at most the smaller size over the larger)."""
    if a is b or a == b:
        return 1.0
    small, large = (len(a), len(b)) if len(a) <= len(b) else (len(b), len(a))
    if small < floor * large:
        return 0.0
    common = len(a & b)
    return common / (small + large - common)


@dataclass(frozen=True)
class Pair:
    old: int  # index into the old sequence
    new: int
    score: float  # similarity, without the bonus
    by_id: bool


def pair_up(
    old_ids: Sequence[str],
    new_ids: Sequence[str],
    score: Callable[[int, int, float], float],
    *,
    keep_same_id: Callable[[int, int], bool] | None = None,
) -> list[Pair]:
    """Pairs of (old index, new index), each index at most once. ``score(i, j, floor)`` is the
    similarity of old i and new j, or any value below ``floor`` once it is sure to be below it
    (so that most pairs of unrelated measures cost a size comparison, not a set intersection).
    ``keep_same_id(i, j)`` makes a same-id pair a candidate whatever its similarity."""
    first_new: dict[str, int] = {}
    for j, key in enumerate(new_ids):
        first_new.setdefault(key, j)
    seen: set[str] = set()
    same: dict[int, int] = {}  # old index → new index with the same id (first of each id)
    for i, key in enumerate(old_ids):
        if key not in seen and key in first_new:
            same[i] = first_new[key]
        seen.add(key)

    pairs: list[Pair] = []
    candidates: list[tuple[float, bool, int, int, float]] = []
    for i, j in same.items():
        forced = keep_same_id is not None and keep_same_id(i, j)
        s = score(i, j, 0.0 if forced else SAME_ID_FLOOR)
        if s >= 1 - ID_BONUS:
            pairs.append(Pair(i, j, s, True))
        elif s >= SAME_ID_FLOOR or forced:
            candidates.append((s + ID_BONUS, True, i, j, s))
    done_old = {p.old for p in pairs}
    done_new = {p.new for p in pairs}
    rest_new = [j for j in range(len(new_ids)) if j not in done_new]
    for i in range(len(old_ids)):
        if i in done_old:
            continue
        for j in rest_new:
            if same.get(i) == j:
                continue
            s = score(i, j, MATCH)
            if s >= MATCH:
                candidates.append((s, False, i, j, s))
    candidates.sort(key=lambda c: (-c[0], not c[1], c[2], c[3]))
    for _ranked, by_id, i, j, s in candidates:
        if i not in done_old and j not in done_new:
            pairs.append(Pair(i, j, s, by_id))
            done_old.add(i)
            done_new.add(j)
    pairs.sort(key=lambda p: (p.new, p.old))
    return pairs
