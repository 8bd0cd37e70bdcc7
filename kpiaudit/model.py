"""The one model, at the bottom of the package: nothing here imports another kpiaudit module.

Plan → Chapter / Measure → Kpi → Milestone (Target, Deadline), Baseline, Actual and RsLink;
KpiRef names a measure or a KPI; Finding is what a rule reports. The closed value sets are
Literal types, so mypy checks every place that compares or builds them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Literal, NamedTuple, get_args

Severity = Literal["error", "warning", "info"]
Kind = Literal["progress", "outcome"]
Status = Literal["set", "unset"]
Comparison = Literal[">=", ">", "<=", "<", "=", "~"]
Granularity = Literal["fiscal_year", "year", "half", "season", "month", "day", "recurring"]
Direction = Literal["up", "down"]  # more is better / less is better
# How a milestone stands (progress-rules.md, "Judging one milestone"), and its 成長戦略 grade.
State = Literal[
    "achieved", "achieved-late", "missed", "on-track", "behind", "no-data", "not-measurable"
]
Grade = Literal["A", "B", "F", "N"]
# What a dated row promises: a target milestone, or the date an unset KPI is to be set by.
PromiseType = Literal["target", "set-by"]

SEVERITIES: tuple[Severity, ...] = get_args(Severity)
KINDS: tuple[Kind, ...] = get_args(Kind)
STATES: tuple[State, ...] = get_args(State)

# --- the files of a plan directory ---------------------------------------------------------

PLAN_FILE = "plan.yaml"  # the plan's own metadata, beside its measure files
# The schema a measure file names for editors (yaml-language-server), from its plan directory
# beside the project's schema/; plan.yaml names plan.schema.json there.
SCHEMA_REF = "../schema/measure.schema.json"
MEASURE_SUFFIXES = (".yaml", ".yml")


def measure_filename(measure_id: str) -> str:
    """6-4 → 06-04.yaml, so that a plain listing sorts in document order."""
    return KpiRef.parse(measure_id).filename


_FILENAME = re.compile(r"0*([1-9][0-9]*)-0*([1-9][0-9]*)\.ya?ml")


def measure_id_of(filename: str) -> str | None:
    """06-04.yaml → 6-4: the measure a file's name says it holds; None for other names."""
    m = _FILENAME.fullmatch(filename)
    return f"{m[1]}-{m[2]}" if m else None


# --- references ----------------------------------------------------------------------------

_REF = re.compile(r"([1-9][0-9]*)-([1-9][0-9]*)(?:\.([PE])([1-9][0-9]*))?")
_KIND_LETTER: dict[Kind, str] = {"progress": "P", "outcome": "E"}


@dataclass(frozen=True)
class KpiRef:
    """A measure (``6-4``) or one of its KPIs (``6-4.E1``), parsed once.

    Ordered as the plan reads: chapter, measure number, progress KPIs before outcome KPIs."""

    chapter: int
    number: int
    kpi: str | None = None  # "E1"; None names the whole measure

    @classmethod
    def parse(cls, text: str) -> KpiRef:
        """``6-4`` or ``6-4.E1``; raises ValueError for anything else (whitespace and a
        trailing newline included)."""
        if not isinstance(text, str):
            raise _not_a_reference(text)
        return _parsed(text)

    @classmethod
    def of(cls, measure_id: str, kpi_id: str | None = None) -> KpiRef:
        if not isinstance(measure_id, str):
            raise _not_a_reference(measure_id)
        return _parsed(measure_id) if kpi_id is None else _of(measure_id, kpi_id)

    @property
    def measure(self) -> str:
        return f"{self.chapter}-{self.number}"

    @property
    def measure_ref(self) -> KpiRef:
        return KpiRef(self.chapter, self.number)

    @property
    def filename(self) -> str:
        return f"{self.chapter:02d}-{self.number:02d}.yaml"

    def sort_key(self) -> tuple[int, int, int, int]:
        if self.kpi is None:
            return (self.chapter, self.number, -1, 0)
        return (self.chapter, self.number, "PE".index(self.kpi[0]), int(self.kpi[1:]))

    def __lt__(self, other: KpiRef) -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        return self.measure if self.kpi is None else f"{self.measure}.{self.kpi}"


@lru_cache(maxsize=1 << 16)
def _parsed(text: str) -> KpiRef:
    # Memoised: the views look a KPI's reference up several times per run (150,000 times for
    # a plan of 10,000 measures).
    m = _REF.fullmatch(text)
    if m is None:
        raise _not_a_reference(text)
    kpi = f"{m[3]}{m[4]}" if m[3] else None
    return KpiRef(int(m[1]), int(m[2]), kpi)


@lru_cache(maxsize=1 << 16)
def _of(measure_id: str, kpi_id: str) -> KpiRef:
    return _parsed(f"{_parsed(measure_id).measure}.{kpi_id}")


def _not_a_reference(text: object) -> ValueError:
    from .i18n import _

    return ValueError(
        _("{text!r} is not a measure or KPI reference such as 6-4 or 6-4.E1").format(text=text)
    )


def kpi_id(kind: Kind, index: int) -> str:
    """The id of the ``index``-th (1-based) KPI of a kind: P1, P2 … / E1, E2 …"""
    return f"{_KIND_LETTER[kind]}{index}"


# --- what a KPI's text states ----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A number or level a KPI is to reach (1,000件以上), as its text states it."""

    value: float | None  # None for a level named in words (1人1台)
    unit: str
    comparison: Comparison
    text: str
    begin: int = field(default=0, compare=False)  # span in the KPI's text, when extracted
    stop: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Deadline:
    """When a KPI's target is to be reached (2025年度末まで), or that it recurs (毎年度)."""

    date: date | None  # None when recurring
    recurring: bool
    text: str
    explicit: bool = field(default=True, compare=False)  # まで, 末, 目途… written out
    begin: int = field(default=0, compare=False)
    stop: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Milestone:
    """One target of a KPI and its deadline; a KPI may state several (2025年度に100%)."""

    target: Target | None
    deadline: Deadline | None


@dataclass(frozen=True)
class Baseline:
    """A current or past value given as background (令和３年度 963件): where a KPI starts."""

    text: str
    value: float | None = None
    unit: str = ""
    as_of: date | None = None


# --- what is measured against the plan ---------------------------------------------------------


@dataclass(frozen=True)
class Actual:
    """One measured value of a KPI for one period (実績), with where it comes from.

    ``value`` and ``unit`` for a KPI with a numeric target; ``achieved`` for a binary one."""

    period: str  # as written: 令和5年度, 2024年3月, 2023-12-31
    as_of: date  # the end of that period
    value: float | None = None
    unit: str = ""
    achieved: bool | None = None
    source: str = ""  # 出典; required by the schema, K303 when it names nothing
    note: str = ""


@dataclass(frozen=True)
class RsLinkTarget:
    """One ``2.目標値`` of an RS indicator: the value for the fiscal year it is set for."""

    fiscal_year: int  # 2025 = 令和7年度, ending 2026-03-31
    value: float
    unit: str


@dataclass(frozen=True)
class RsLink:
    """The RS system's indicator (予算事業ID + 番号, in one review year) that measures a KPI,
    with its targets as the RS system records them, so that lint can compare them with the
    plan's (K305) without the RS file."""

    project: str  # 予算事業ID
    indicator: str  # アクティビティ・アウトプット・アウトカムの番号
    year: str  # 事業年度: the review year of the file it was read from
    targets: tuple[RsLinkTarget, ...] = ()
    direction: Direction | None = None  # 改善の上向き／下向き
    name: str = ""  # 活動指標／成果指標
    kind: str | None = None  # 種別, where one number carries several series
    term: str | None = None  # アウトカムの期間


# --- the plan ----------------------------------------------------------------------------------


@dataclass
class Kpi:
    """One KPI of a measure (KPI（進捗） or KPI（効果）): its text, and what was read from it."""

    id: str  # P1, E2 …
    kind: Kind
    text: str
    status: Status
    notes: list[str] = field(default_factory=list)
    unset_reason: str | None = None
    milestones: list[Milestone] = field(default_factory=list)
    baselines: list[Baseline] = field(default_factory=list)
    rs: list[RsLink] = field(default_factory=list)
    actuals: list[Actual] = field(default_factory=list)
    # The date an unset KPI is promised to be set by (今夏を目途に設定予定): kept, and listed
    # by due, but never a milestone: it is a promise to define the KPI, not a target deadline.
    set_by: Deadline | None = None

    @property
    def has_target(self) -> bool:
        return any(m.target is not None for m in self.milestones)

    @property
    def has_deadline(self) -> bool:
        return any(m.deadline is not None for m in self.milestones)

    @property
    def is_unset(self) -> bool:
        return self.status == "unset"


@dataclass
class Measure:
    """One policy measure of the plan: one file of ``measures/``."""

    id: str  # "6-4"
    chapter: int
    title: str
    objective: str
    kpis: list[Kpi]
    source_line: int | None = None
    path: str = ""  # the file it was read from, as given on the command line

    @property
    def ref(self) -> KpiRef:
        return KpiRef.parse(self.id)

    def kpi_ref(self, kpi: Kpi) -> KpiRef:
        return KpiRef.of(self.id, kpi.id)


@dataclass(frozen=True)
class Chapter:
    """A chapter of the plan (第6 …): measures are numbered within it."""

    number: int
    numeral: str
    title: str


@dataclass
class Plan:
    """One plan: a directory holding plan.yaml and one file per measure."""

    title: str
    base_date: date | None  # None when the directory has no plan.yaml and none is configured
    chapters: list[Chapter] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    edition: str = ""
    source: str = ""
    directory: str = ""  # as given on the command line, for messages

    def chapter_title(self, number: int) -> str:
        return next((c.title for c in self.chapters if c.number == number), "")


# --- findings ----------------------------------------------------------------------------------

_tuple_new = tuple.__new__


class Finding(NamedTuple):
    """One thing a rule reports, where it is. The message is kept as its English template and
    arguments, so a reporter can render it in the reader's language; ``message`` is the English
    text that machine formats (JSON, SARIF) carry.

    A named tuple rather than a frozen dataclass: immutable all the same, and made five times
    faster, which a warm run on a large plan (tens of thousands of findings read from the
    cache) feels. :meth:`moved` and :meth:`with_severity` give changed copies."""

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    template: str
    args: tuple[tuple[str, Any], ...] = ()
    measure: str | None = None
    kpi: str | None = None  # "6-4.E1"

    @property
    def message(self) -> str:
        return self.template.format(**dict(self.args))

    def render(self, translate: Any = None) -> str:
        """The message in the language ``translate`` (a gettext function) speaks."""
        template = translate(self.template) if translate else self.template
        return str(template).format(**dict(self.args))

    # Made from slices with tuple.__new__ rather than _replace (six times slower) or _make
    # (twice): a warm run of a large plan gives tens of thousands of findings another path or
    # severity, and the fields are those of this finding, in order, so none is missing.
    def with_severity(self, severity: Severity) -> Finding:
        return _tuple_new(Finding, (*self[:5], severity, *self[6:]))

    def moved(self, path: str, args: tuple[tuple[str, Any], ...] | None = None) -> Finding:
        """The same finding at ``path`` as another output shows it (and with ``args``)."""
        if args is None:
            return _tuple_new(Finding, (path, *self[1:]))
        return _tuple_new(Finding, (path, *self[1:7], args, *self[8:]))

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "measure": self.measure,
            "kpi": self.kpi,
        }


def args_of(values: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Message arguments as a hashable, ordered tuple (Finding is frozen)."""
    return tuple(values.items())
