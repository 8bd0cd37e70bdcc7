"""The per-file step: one loaded measure file in, its findings out.

:func:`check_file` is pure: it reads nothing but its arguments and carries no state from one
file to the next, so its result can be cached per file and computed in another process.
Cross-file rules (duplicate ids), the rules that depend on the day (:mod:`.dated`) and
suppressions run afterwards in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..codec import measure_from_data
from ..load import LoadedFile
from ..model import Finding, Measure
from ..rules import CheckContext, NodePath, check_measure
from ..schema import MEASURE_SCHEMA, validate
from .findings import finding, from_problem


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


def check_file(loaded: LoadedFile, ctx: CheckContext) -> FileResult:
    path = loaded.path
    problems = loaded.problems or validate(loaded, MEASURE_SCHEMA)
    if problems:
        return FileResult(path, None, [from_problem(path, p) for p in problems])
    measure = measure_from_data(loaded.data)
    measure.path = path
    findings = []
    for hit in check_measure(measure, ctx):
        line, col = loaded.position(hit.node)
        findings.append(finding(path, line, col, hit.code, hit.key, hit.args, measure.id, hit.kpi))
    return FileResult(
        path,
        measure,
        findings,
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
