"""The one model: Plan → Chapter / Measure → Kpi → Milestone, each knowing where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .extract import Baseline, Deadline, Milestone, Target

__all__ = [
    "Baseline",
    "Chapter",
    "Deadline",
    "Kpi",
    "Location",
    "Measure",
    "Milestone",
    "Plan",
    "Target",
    "measure_filename",
]

KINDS = {"progress": "P", "outcome": "E"}


def measure_filename(measure_id: str) -> str:
    """6-4 → 06-04.yaml, so that a plain listing sorts in document order."""
    chapter, number = measure_id.split("-")
    return f"{int(chapter):02d}-{int(number):02d}.yaml"


@dataclass(frozen=True)
class Location:
    path: str
    line: int = 1  # 1-based, as editors and CI annotations count
    column: int = 1


@dataclass
class Kpi:
    id: str  # P1, E2 …
    kind: str  # progress | outcome
    text: str
    status: str  # set | unset
    location: Location
    notes: list[str] = field(default_factory=list)
    unset_reason: str | None = None
    milestones: list[Milestone] = field(default_factory=list)
    baselines: list[Baseline] = field(default_factory=list)

    @property
    def has_target(self) -> bool:
        return any(m.target is not None for m in self.milestones)

    @property
    def has_deadline(self) -> bool:
        return any(m.deadline is not None for m in self.milestones)

    @property
    def is_unset(self) -> bool:
        return self.status == "unset"

    @property
    def compliant(self) -> bool:
        return not self.is_unset and self.has_target and self.has_deadline


@dataclass
class Measure:
    id: str  # "6-4"
    chapter: int
    title: str
    objective: str
    kpis: list[Kpi]
    location: Location
    source_line: int | None = None

    def ref(self, kpi: Kpi) -> str:
        return f"{self.id}.{kpi.id}"


@dataclass(frozen=True)
class Chapter:
    number: int
    numeral: str
    title: str


@dataclass
class Plan:
    title: str
    base_date: date
    chapters: list[Chapter] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    edition: str = ""
    source: str = ""

    def chapter_title(self, number: int) -> str:
        return next((c.title for c in self.chapters if c.number == number), "")
