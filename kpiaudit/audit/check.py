"""The per-file step: one loaded measure file in, its findings out.

:func:`check_file` is pure: it reads nothing but its arguments and carries no state from one
file to the next, so its result can be cached per file and computed in another process.
Cross-file rules (duplicate ids), the rules that depend on the day (:mod:`.dated`) and
suppressions run afterwards in the engine.

A file reports at most :data:`MAX_FINDINGS` findings, then one E011 saying how many more there
were: a 400 KB file can otherwise hold 200,000 findings (800 MB of memory, 130 MB of SARIF).
The cap applies to the file's own findings before --select/--ignore; E011 is an error, since a
file with that many findings fails the gate anyway.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from ..codec import measure_from_data
from ..load import MAX_PROBLEMS, LoadedFile
from ..model import Finding, Measure
from ..rules import CheckContext, DatedFacts, NodePath, check_measure, dated_facts
from ..schema import MEASURE_SCHEMA, SchemaName, problems
from .findings import finding, from_problem

MAX_FINDINGS = MAX_PROBLEMS
COUNTED = 10_000  # findings beyond the cap are counted up to this many, then checking stops

# What a result holds once the rules of the day have read its facts: one of each for all.
_NO_POSITIONS: Mapping[NodePath, tuple[int, int]] = MappingProxyType({})
_NO_FACTS = DatedFacts()


@dataclass(slots=True)  # tens of thousands are held at once: no __dict__ each
class FileResult:
    """What the per-file step found in one file, and what the steps after it need: no model.

    The measure's model is kept only when the step had it at hand (in this process) or as its
    data (``data``, JSON, from another process); :attr:`measure` decodes it when first asked.
    A result read from the cache has neither: the commands that need models ask the engine for
    them (``audit(…, models=True)``)."""

    path: str
    measure_id: str | None  # None when the file could not be read or is not schema-valid
    findings: list[Finding] = field(default_factory=list)
    id_position: tuple[int, int] = (1, 1)  # where the measure's id is, for duplicate ids
    # (line, column, text) of each comment that may be a suppression
    suppressions: list[tuple[int, int, str]] = field(default_factory=list)
    kpi_refs: list[str] = field(default_factory=list)  # "6-4.P1", in the file's order
    kpi_lines: Sequence[int] = field(default_factory=list)  # the first line of each KPI
    # Where the nodes are that the dated step reports on (actuals' as_of, milestones' deadline),
    # so that it needs this result only, not the loaded file.
    positions: Mapping[NodePath, tuple[int, int]] = field(default_factory=dict)
    dated: DatedFacts = field(default_factory=DatedFacts)
    # The findings of the rules of the day (:mod:`.dated`), once judged for this run's day;
    # from the cache, in place of the facts above, which are then not read.
    of_the_day: list[Finding] | None = None
    data: bytes | None = field(default=None, repr=False, compare=False)
    model: Measure | None = field(default=None, repr=False, compare=False)
    # What a view asked of the measure (``audit(…, summarise=…)``), made where its model was.
    summary: object = field(default=None, repr=False, compare=False)

    @classmethod
    def judged(
        cls, path: str, measure_id: str | None, kpi_refs: list[str], id_position: tuple[int, int]
    ) -> FileResult:
        """A result kept after its rules of the day were judged (a plan's snapshot holds
        their findings among the others): it shares the empty facts rather than making its
        own, a fifth of what restoring ten thousand results took."""
        return cls(
            path,
            measure_id,
            id_position=id_position,
            kpi_refs=kpi_refs,
            kpi_lines=(),
            positions=_NO_POSITIONS,
            dated=_NO_FACTS,
        )

    @property
    def checked(self) -> bool:
        """The file was read and is schema-valid: it holds a measure."""
        return self.measure_id is not None

    @property
    def measure(self) -> Measure | None:
        """The measure's model; None when the file holds none (not :attr:`checked`)."""
        if self.model is None and self.data is not None:
            self.model = measure_from_data(json.loads(self.data))
            self.model.path = self.path
            self.data = None  # decoded once: the model is what is kept
        if self.model is None and self.measure_id is not None:
            raise LookupError(f"{self.path}: audited without models (audit(models=True))")
        return self.model

    def forget_facts(self) -> None:
        """Drop what only the rules of the day read, once they have (:attr:`of_the_day`);
        what suppressions read stays."""
        self.positions, self.dated = _NO_POSITIONS, _NO_FACTS
        if not self.suppressions:
            self.kpi_lines = ()

    def position(self, node: NodePath) -> tuple[int, int]:
        if node in self.positions:
            return self.positions[node]
        if len(node) >= 2 and node[0] == "kpis" and isinstance(node[1], int):
            return (self.kpi_lines[node[1]], 1)
        return (1, 1)


def capped(path: str, found: Iterable[Finding], counted: int = 0) -> list[Finding]:
    """The first MAX_FINDINGS findings in document order, then E011 when there were more
    (``counted``: how many more the loader already left out)."""
    rest = iter(found)
    kept = sorted(itertools.islice(rest, MAX_FINDINGS), key=lambda f: (f.line, f.column))
    over = list(itertools.islice(rest, 1))
    more = counted + len(over) + sum(1 for _ in itertools.islice(rest, COUNTED))
    if not more:
        return kept
    # After every finding kept, so that it is read last: "… more not reported".
    line, col = max((f.line, f.column) for f in [*kept, *over])
    key = "stopped" if next(rest, None) is not None else "more"
    return [*kept, finding(path, line, col, "E011", key, {"count": more, "limit": MAX_FINDINGS})]


def file_problems(loaded: LoadedFile, schema: SchemaName) -> list[Finding]:
    """What is wrong with the file itself (reading, YAML, the schema) as findings, capped;
    none when it loads and is valid."""
    path = loaded.path
    if loaded.problems:
        return capped(path, (from_problem(path, p) for p in loaded.problems), loaded.dropped)
    return capped(path, (from_problem(path, p) for p in problems(loaded, schema)))


def check_file(loaded: LoadedFile, ctx: CheckContext) -> FileResult:
    path = loaded.path
    wrong = file_problems(loaded, MEASURE_SCHEMA)
    if wrong:
        return FileResult(path, None, wrong)
    measure = measure_from_data(loaded.data)
    measure.path = path

    def hits() -> Iterator[Finding]:
        for hit in check_measure(measure, ctx):
            line, col = loaded.position(hit.node)
            yield finding(path, line, col, hit.code, hit.key, hit.args, measure.id, hit.kpi)

    return FileResult(
        path,
        measure.id,
        capped(path, hits()),
        id_position=loaded.position(("id",)),
        suppressions=loaded.suppressions,
        kpi_refs=[str(measure.kpi_ref(k)) for k in measure.kpis],
        kpi_lines=[loaded.position(("kpis", i))[0] for i in range(len(measure.kpis))],
        positions={node: loaded.position(node) for node in _dated_nodes(measure)},
        dated=dated_facts(measure),
        model=measure,
    )


def _dated_nodes(measure: Measure) -> list[NodePath]:
    nodes: list[NodePath] = []
    for i, kpi in enumerate(measure.kpis):
        nodes += [("kpis", i, "actuals", j, "as_of") for j in range(len(kpi.actuals))]
        nodes += [("kpis", i, "milestones", j, "deadline") for j in range(len(kpi.milestones))]
    return nodes
