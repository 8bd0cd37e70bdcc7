"""The per-file step: one loaded measure file in, its findings out.

:func:`check_file` is pure: it reads nothing but its arguments and carries no state from one
file to the next, so its result can be cached per file and computed in another process.
Cross-file rules (duplicate ids) and suppressions run afterwards in the engine.

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
from ..rules import CheckContext, check_measure
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
    # (line, codes, reason) of each suppression comment, and the first line of each KPI
    suppressions: list[tuple[int, list[str], str]] = field(default_factory=list)
    kpi_lines: list[int] = field(default_factory=list)


def capped(path: str, found: Iterable[Finding], counted: int = 0) -> list[Finding]:
    """The first MAX_FINDINGS findings in document order, then E011 when there were more
    (``counted``: how many more the loader already left out)."""
    rest = iter(found)
    kept = sorted(itertools.islice(rest, MAX_FINDINGS), key=lambda f: (f.line, f.column))
    over = list(itertools.islice(rest, 1))
    more = counted + len(over) + sum(1 for _ in itertools.islice(rest, COUNTED))
    if not more:
        return kept
    line, col = (over[0].line, over[0].column) if over else (kept[-1].line, kept[-1].column)
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
    )
