"""Which RS indicator measures which KPI: the mapping file, and suggestions for writing one.

A mapping file is YAML, a list of entries::

    - {project: "001234", indicator: "1", kpi: 6-4.P1}
    - project: "005678"
      indicator: "3"
      kpi: 1-7.E1
      term: 長期          # optional: where one number carries several series (短期 / 長期)
      kind: アウトカム     # optional: アウトプット / アウトカム

``project`` is the 予算事業ID and ``indicator`` the アクティビティ・アウトプット・アウトカムの番号,
both read as written (``007`` stays ``007``; plain or quoted). One indicator maps to one KPI.
The file is composed, never constructed: no tag can build an object.

:func:`suggest_mapping` proposes entries for a person to confirm; :func:`format_suggestions`
writes them as YAML whose every entry is commented out with its evidence, so that nothing is
mapped until a person has read it (progress-rules.md: the importer never guesses silently).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..i18n import _, os_reason
from ..load import compose
from ..model import Kpi, Measure
from .records import ActualsFileError, CellError, RowProblem, nfkc, parse_kpi_ref, split_unit
from .rs import DECISION_NAME, DECISION_PLACE, GOAL, NAME, RsIndicator

MAX_BYTES = 5_000_000
_KEYS = ("project", "indicator", "kpi", "kind", "term")
_REQUIRED = ("project", "indicator", "kpi")
_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass(frozen=True)
class MappingEntry:
    project: str  # 予算事業ID
    indicator: str  # アクティビティ・アウトプット・アウトカムの番号
    kpi: str  # 6-4.P1
    source_file: str
    line: int
    kind: str | None = None  # 種別, to tell series with one number apart
    term: str | None = None  # アウトカムの期間

    def matches(self, indicator: RsIndicator) -> bool:
        """Same project and number (the caller looks those up), and the optional selectors."""
        return (self.kind is None or nfkc(self.kind) == nfkc(indicator.kind)) and (
            self.term is None or nfkc(self.term) == nfkc(indicator.term)
        )


class MappingError(ActualsFileError):
    """A mapping file with mistakes: every one of them, each with its line, in ``problems``."""

    def __init__(self, source_file: str, problems: list[RowProblem]) -> None:
        self.problems = problems
        first = problems[0]
        more = len(problems) - 1
        message = first.message + (" " + _("(and {n} more)").format(n=more) if more else "")
        super().__init__(source_file, message, first.row)

    def __str__(self) -> str:
        return "\n".join(
            _("{file}: line {line}: {message}").format(
                file=p.source_file, line=p.row, message=p.message
            )
            for p in self.problems
        )


def load_mapping(path: Path) -> list[MappingEntry]:
    """The entries of a mapping file, in file order. An empty file (or one of comments only,
    as :func:`format_suggestions` writes it) maps nothing. Raises :class:`MappingError` with
    every mistake and its line: a mapping is used whole or not at all."""
    name = path.as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ActualsFileError(
            name, _("cannot read: {error}").format(error=os_reason(exc))
        ) from exc
    if len(raw) > MAX_BYTES:
        raise ActualsFileError(name, _("larger than {n:,} bytes").format(n=MAX_BYTES))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise MappingError(
            name, [RowProblem(name, line, _("not UTF-8: save it as UTF-8"))]
        ) from exc
    try:
        node = compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        raise MappingError(
            name, [RowProblem(name, line, _("YAML syntax error: {what}").format(what=what))]
        ) from exc
    except (YAMLError, RecursionError) as exc:
        raise MappingError(
            name, [RowProblem(name, 1, _("not YAML: {error}").format(error=exc))]
        ) from exc
    if node is None or (
        isinstance(node, ScalarNode) and not node.style and str(node.value) in _NULLS
    ):
        return []  # nothing, or a document that is only "---"
    return _Entries(name).read(node)


class _Entries:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[RowProblem] = []

    def _problem(self, node: Node, message: str) -> None:
        self.problems.append(RowProblem(self.name, node.start_mark.line + 1, message))

    def read(self, root: Node) -> list[MappingEntry]:
        if _tag(root) not in _STANDARD_TAGS:
            self._problem(root, _("tags are not allowed in a mapping file"))
        elif not isinstance(root, SequenceNode):
            self._problem(
                root,
                _("a mapping file is a list of entries: - {project: …, indicator: …, kpi: …}"),
            )
        entries: list[MappingEntry] = []
        if not self.problems:
            first: dict[tuple[str, str, str | None, str | None], int] = {}
            for item in root.value:
                entry = self._entry(item)
                if entry is None:
                    continue
                key = (entry.project, entry.indicator, entry.kind, entry.term)
                if key in first:
                    self._problem(
                        item,
                        _(
                            "{project} #{number} is already mapped at line {line}: one "
                            "indicator maps to one KPI"
                        ).format(project=entry.project, number=entry.indicator, line=first[key]),
                    )
                    continue
                first[key] = entry.line
                entries.append(entry)
        if self.problems:
            raise MappingError(self.name, self.problems)
        return entries

    def _entry(self, item: Node) -> MappingEntry | None:
        if not isinstance(item, MappingNode) or _tag(item) not in _STANDARD_TAGS:
            self._problem(item, _("an entry is a mapping: {project: …, indicator: …, kpi: …}"))
            return None
        values: dict[str, str] = {}
        ok = True
        for key_node, value_node in item.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else ""
            if key not in _KEYS:
                self._problem(
                    key_node,
                    _("unknown key {key!r}; the keys are {keys}").format(
                        key=key, keys=", ".join(_KEYS)
                    ),
                )
                ok = False
            elif key in values:
                self._problem(key_node, _("{key} is given twice").format(key=key))
                ok = False
            elif (
                not isinstance(value_node, ScalarNode)
                or _tag(value_node) not in _STANDARD_TAGS
                or (not value_node.style and str(value_node.value) in _NULLS)
                or not str(value_node.value).strip()
            ):
                self._problem(value_node, _("{key} needs a plain value").format(key=key))
                ok = False
            else:
                values[key] = str(value_node.value).strip()
        missing = [k for k in _REQUIRED if k not in values]
        if missing and ok:
            self._problem(item, _("the entry has no {keys}").format(keys=", ".join(missing)))
            return None
        if not ok:
            return None
        try:
            kpi = parse_kpi_ref(values["kpi"])
        except CellError as exc:
            self._problem(item, str(exc))
            return None
        return MappingEntry(
            nfkc(values["project"]),
            nfkc(values["indicator"]),
            kpi,
            self.name,
            item.start_mark.line + 1,
            values.get("kind"),
            values.get("term"),
        )


def _tag(node: Node) -> str:
    tag = node.tag
    return str(tag if isinstance(tag, str) else getattr(tag, "value", tag))


# ---------------------------------------------------------------------------------------------
# Suggestions

PLAN_NAMES = ("デジタル社会の実現に向けた重点計画", "施策集")
# A measure number as the RS sheets cite it: [No.６－４], No.6-4, 施策番号6-4, ６－４, 6-4 —
# but not 第2-3 (a section of the plan's body) nor part of a longer 2-3-1 or a date.
_MEASURE_NO = re.compile(r"(?<![\d\-第])(?<!\d\.)(\d{1,2})\s*-\s*(\d{1,3})(?![\d\-])")
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ー－", "-"))
_NOISE = re.compile(r"[\s\W_]+")
MIN_SIMILARITY = 0.5  # below this a name shares little more than generic words with a KPI
UNIT_BONUS = 0.15
TOP = 3  # candidates per indicator


@dataclass(frozen=True)
class Evidence:
    field: str  # the RS column that matched, or "単位"
    detail: str  # what matched, in words
    score: float


@dataclass(frozen=True)
class Suggestion:
    """One candidate KPI for one RS indicator, with why, best candidates first."""

    project: str
    indicator: str
    kpi: str
    score: float
    evidence: tuple[Evidence, ...]
    label: str  # RS 2024 001234 #1
    name: str  # 活動指標／成果指標
    unit: str
    kind: str = ""
    term: str = ""
    project_name: str = ""
    # Several indicators share this project and number: the entry needs kind/term to choose.
    ambiguous: bool = field(default=False, compare=False)


@dataclass
class _Kpi:
    ref: str
    measure: str
    units: frozenset[str]
    grams: frozenset[str]


def _bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a text without spaces and punctuation: Japanese has no word
    boundaries, and bigrams match 光ファイバ世帯カバー率 inside a longer KPI sentence."""
    flat = _NOISE.sub("", nfkc(text).casefold())
    return frozenset(flat[i : i + 2] for i in range(len(flat) - 1))


class _Index:
    """KPIs by bigram, with each bigram's weight (rare bigrams say more than 件数 or 推進)."""

    def __init__(self, measures: Iterable[Measure]) -> None:
        self.kpis: list[_Kpi] = []
        self.by_measure: dict[str, list[int]] = {}
        for measure in measures:
            for kpi in measure.kpis:
                self.by_measure.setdefault(measure.id, []).append(len(self.kpis))
                self.kpis.append(
                    _Kpi(str(measure.kpi_ref(kpi)), measure.id, _units(kpi), _grams(kpi))
                )
        self.postings: dict[str, list[int]] = {}
        for i, k in enumerate(self.kpis):
            for gram in k.grams:
                self.postings.setdefault(gram, []).append(i)
        n = max(len(self.kpis), 1)
        self.weight = {g: math.log(1 + n / len(p)) for g, p in self.postings.items()}
        self.unknown_weight = math.log(1 + n / 0.5)  # a bigram no KPI has

    def similar(self, grams: frozenset[str]) -> dict[int, float]:
        """IDF-weighted share of ``grams`` found in each KPI's text (0…1)."""
        total = sum(self.weight.get(g, self.unknown_weight) for g in grams)
        if not total:
            return {}
        found: dict[int, float] = {}
        for gram in grams:
            weight = self.weight.get(gram)
            if weight is None:
                continue
            for i in self.postings[gram]:
                found[i] = found.get(i, 0.0) + weight
        return {i: w / total for i, w in found.items()}

    def similar_to(self, grams: frozenset[str], kpis: Iterable[int]) -> dict[int, float]:
        """:meth:`similar`, for a few KPIs only (those of a cited measure)."""
        total = sum(self.weight.get(g, self.unknown_weight) for g in grams)
        if not total:
            return {}
        return {i: sum(self.weight[g] for g in grams & self.kpis[i].grams) / total for i in kpis}


def _units(kpi: Kpi) -> frozenset[str]:
    return frozenset(
        nfkc(m.target.unit) for m in kpi.milestones if m.target is not None and m.target.unit
    )


def _grams(kpi: Kpi) -> frozenset[str]:
    return _bigrams(" ".join([kpi.text, *kpi.notes]))


def plan_reference(indicator: RsIndicator) -> tuple[list[str], str]:
    """The measure ids (``6-4``) an indicator's 閣議決定等 cite from the digital plan, and the
    text that cites them; nothing unless the plan (or its 施策集) is named."""
    cited = nfkc(indicator.decision_name + " " + indicator.decision_place).replace(" ", "")
    if not any(name in cited for name in PLAN_NAMES):
        return [], ""
    place = nfkc(indicator.decision_place).translate(_DASHES)
    found = [f"{int(a)}-{int(b)}" for a, b in _MEASURE_NO.findall(place)]
    if not found:  # the name itself may carry it: 重点計画 施策集 [No.6-4]
        name = nfkc(indicator.decision_name).translate(_DASHES)
        found = [f"{int(a)}-{int(b)}" for a, b in _MEASURE_NO.findall(name)]
    return list(dict.fromkeys(found)), indicator.decision_place or indicator.decision_name


def suggest_mapping(
    indicators: Iterable[RsIndicator], measures: Iterable[Measure]
) -> list[Suggestion]:
    """Candidate KPIs for RS indicators, for a person to confirm.

    First, indicators whose 閣議決定等の名称/該当箇所 name the digital plan and a measure
    number: that measure's KPIs, ranked by how much of the indicator's 活動指標／成果指標 or
    成果目標 their text holds, and unit. Then any indicator whose 活動指標／成果指標 resembles
    a KPI's text (IDF-weighted character bigrams, at least ``MIN_SIMILARITY``; the 成果目標 is
    a sentence and matches too loosely to propose a KPI on its own), with a bonus where the
    units agree. At most ``TOP`` per indicator, best first; each with its evidence. Streams
    ``indicators``; keeps only the suggestions."""
    index = _Index(measures)
    out: list[Suggestion] = []
    seen: dict[tuple[str, str], int] = {}
    # Many indicators share a name (利用者数, 実施件数): the KPIs it resembles, once per name.
    # Only those over the threshold are kept, so the cache stays small, and it is bounded.
    by_name: dict[str, dict[int, float]] = {}
    for indicator in indicators:
        seen[indicator.key] = seen.get(indicator.key, 0) + 1
        similar = by_name.get(indicator.name)
        if similar is None:
            if len(by_name) >= 10_000:
                by_name.clear()
            scores = index.similar(_bigrams(indicator.name)) if indicator.name else {}
            similar = {i: s for i, s in scores.items() if s >= MIN_SIMILARITY}
            by_name[indicator.name] = similar
        out.extend(_suggest(indicator, index, similar))
    return [replace(s, ambiguous=seen[(s.project, s.indicator)] > 1) for s in out]


def _suggest(indicator: RsIndicator, index: _Index, by_name: dict[int, float]) -> list[Suggestion]:
    """``by_name``: the KPIs whose text holds the indicator's name, at least MIN_SIMILARITY."""
    unit = nfkc(split_unit(indicator.unit)[1])
    cited, citing = plan_reference(indicator)
    candidates: dict[int, list[Evidence]] = {}
    citing_field = DECISION_PLACE if indicator.decision_place else DECISION_NAME
    for measure_id in cited:
        for i in index.by_measure.get(measure_id, []):
            detail = _("cites measure {id} of the digital plan: {text}").format(
                id=measure_id, text=_clip(_flat(citing))
            )
            candidates[i] = [Evidence(citing_field, detail, 1.0)]
    by_goal: dict[int, float] = {}
    if candidates:  # the cited measure's KPIs are ranked by any likeness, however small
        by_name = {**index.similar_to(_bigrams(indicator.name), candidates), **by_name}
        by_goal = index.similar_to(_bigrams(indicator.goal), candidates)
    for i in set(by_name) | set(by_goal):
        name_score, goal_score = by_name.get(i, 0.0), by_goal.get(i, 0.0)
        best = max(name_score, goal_score)
        if i not in candidates and best < MIN_SIMILARITY:
            continue
        if not best:
            continue
        column = NAME if name_score >= goal_score else GOAL
        similarity = Evidence(
            column, _("text similarity {score:.2f}").format(score=best), round(best, 2)
        )
        candidates.setdefault(i, []).append(similarity)
    suggestions = []
    for i, evidence in candidates.items():
        kpi = index.kpis[i]
        if unit and unit in kpi.units:
            evidence.append(
                Evidence(
                    "単位", _("unit {unit} = the KPI's target unit").format(unit=unit), UNIT_BONUS
                )
            )
        score = round(sum(e.score for e in evidence), 2)
        suggestions.append(
            Suggestion(
                indicator.project_id,
                indicator.number,
                kpi.ref,
                score,
                tuple(evidence),
                indicator.label,
                indicator.name,
                indicator.unit,
                indicator.kind,
                indicator.term,
                indicator.project_name,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.kpi))
    return suggestions[:TOP]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_suggestions(suggestions: Iterable[Suggestion]) -> str:
    """YAML a person edits into a mapping file: every entry commented out, under a comment
    naming the indicator, with its evidence on the same line. Uncommenting one line per
    indicator gives a file :func:`load_mapping` reads."""
    lines = [
        "# " + _("Suggested mapping of RS indicators to the plan's KPIs (kpiaudit)."),
        "# " + _("Nothing below is mapped yet. Check each suggestion against the RS sheet and"),
        "# " + _("the KPI's text, then remove the '# ' before the one entry you confirm for"),
        "# " + _("each indicator. One indicator maps to one KPI."),
        "",
    ]
    current: tuple[str, str, str, str] | None = None
    for s in suggestions:
        key = (s.project, s.indicator, s.kind, s.term)
        if key != current:
            current = key
            what = " ".join(p for p in (s.kind, s.term) if p)
            unit = f" ({_flat(s.unit)})" if s.unit else ""
            title = f" — {_flat(s.project_name)}" if s.project_name else ""
            if lines[-1]:
                lines.append("")
            lines.append(f"# {s.label} {what}: {_flat(s.name)}{unit}{title}".replace("  ", " "))
        entry = {"project": s.project, "indicator": s.indicator, "kpi": s.kpi}
        if s.ambiguous:
            entry |= {k: v for k, v in (("kind", s.kind), ("term", s.term)) if v}
        flow = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in entry.items())
        why = "; ".join(_flat(e.detail) for e in s.evidence)
        lines.append(f"# - {{{flow}}}  # {s.score:.2f}: {why}")
    return "\n".join(lines).rstrip() + "\n"
