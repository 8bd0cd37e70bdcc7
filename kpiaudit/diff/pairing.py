"""Which old measure is which new one, and which old KPI is which new one in a measure pair.

Measures are paired over the whole plan (a measure may move to another chapter), KPIs within
a pair of measures; both by id first, then by text, as :mod:`.similarity` defines.
"""

from __future__ import annotations

from ..model import Kpi, Measure
from .similarity import Pair, bigrams, jaccard, pair_up


def measure_text(m: Measure) -> tuple[str, str]:
    """(title, whole text): what a measure is recognised by."""
    kpis = " ".join(k.text + " ".join(k.notes) for k in m.kpis)
    return m.title, f"{m.title} {m.objective} {kpis}"


class _Shapes:
    """Bigram sets of each text, made on first use: a measure whose text did not change is
    paired without them."""

    def __init__(self, texts: list[tuple[str, ...]]) -> None:
        self.texts = texts
        self._sets: dict[int, tuple[frozenset[str], ...]] = {}

    def __getitem__(self, i: int) -> tuple[frozenset[str], ...]:
        if i not in self._sets:
            self._sets[i] = tuple(bigrams(t) for t in self.texts[i])
        return self._sets[i]


def pair_measures(old: list[Measure], new: list[Measure]) -> list[Pair]:
    """Title and whole text (title, objective, KPIs) weigh half each: a measure keeps its
    title when its body is revised, and its body when its title is reworded."""
    a = _Shapes([measure_text(m) for m in old])
    b = _Shapes([measure_text(m) for m in new])

    def score(i: int, j: int, floor: float) -> float:
        if a.texts[i] == b.texts[j]:
            return 1.0
        (title_a, whole_a), (title_b, whole_b) = a[i], b[j]
        title = jaccard(title_a, title_b)
        # the mean reaches floor only if the whole text reaches 2 * floor - title
        return 0.5 * title + 0.5 * jaccard(whole_a, whole_b, 2 * floor - title)

    return pair_up([m.id for m in old], [m.id for m in new], score)


def pair_kpis(old: list[Kpi], new: list[Kpi]) -> list[Pair]:
    """A KPI that is unset on either side keeps its id whatever its text: 未設定 → a full KPI
    shares no words with it, and becoming set or unset is the change to report."""
    a = _Shapes([(k.text + " ".join(k.notes),) for k in old])
    b = _Shapes([(k.text + " ".join(k.notes),) for k in new])

    def score(i: int, j: int, floor: float) -> float:
        return 1.0 if a.texts[i] == b.texts[j] else jaccard(a[i][0], b[j][0], floor)

    return pair_up(
        [k.id for k in old],
        [k.id for k in new],
        score,
        keep_same_id=lambda i, j: old[i].is_unset or new[j].is_unset,
    )
