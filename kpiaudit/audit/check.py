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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..codec import measure_from_data
from ..load import MAX_PROBLEMS, LoadedFile
from ..model import Finding, Measure
from ..rules import CheckContext, NodePath, check_measure
from ..schema import MEASURE_SCHEMA, SchemaName, problems
from .findings import finding, from_problem

MAX_FINDINGS = MAX_PROBLEMS
COUNTED = 10_000  # findings beyond the cap are counted up to this many, then checking stops


@dataclass
class FileResult:
    path: str
    measure: Measure | None  # None when the file could not be read or is not schema-valid
    findings: list[Finding] = field(default_factory=list)
    id_position: tuple[int, int] = (1, 1)  # where the measure's id is, for duplicate ids
    # (line, column, text) of each comment that may be a suppression, and the first line of
    # each KPI
    suppressions: list[tuple[int, int, str]] = field(default_factory=list)
    kpi_lines: list[int] = field(default_factory=list)
    # Where the nodes are that the dated step reports on (actuals' as_of, milestones' deadline),
    # so that it needs this result only, not the loaded file.
    positions: dict[NodePath, tuple[int, int]] = field(default_factory=dict)

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
        measure,
        capped(path, hits()),
        id_position=loaded.position(("id",)),
        suppressions=loaded.suppressions,
        kpi_lines=[loaded.position(("kpis", i))[0] for i in range(len(measure.kpis))],
        positions={node: loaded.position(node) for node in _dated_nodes(measure)},
    )


def _dated_nodes(measure: Measure) -> list[NodePath]:
    nodes: list[NodePath] = []
    for i, kpi in enumerate(measure.kpis):
        nodes += [("kpis", i, "actuals", j, "as_of") for j in range(len(kpi.actuals))]
        nodes += [("kpis", i, "milestones", j, "deadline") for j in range(len(kpi.milestones))]
    return nodes
