"""The audit engine: files → Plan + Findings, computed once for lint, status and due.

collect files → load (positions) → schema → model → checks → suppressions → selection.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from .config import Config
from .extract import Baseline, Deadline, Milestone, Target
from .load import LoadedFile, Problem, load_path
from .model import Chapter, Kpi, Location, Measure, Plan, measure_filename
from .rules import RULES, matches
from .rules.checks import check_consistency, check_flags, check_ids

PLAN_FILE = "plan.yaml"
DEFAULT_BASE = date(2022, 6, 7)
_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    name: str
    severity: str
    message: str
    measure: str | None = None
    kpi: str | None = None  # "6-4.E1"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Audit:
    plan: Plan
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    def kpi_codes(self) -> dict[str, set[str]]:
        """KPI reference → the K101/K102/K103 codes reported for it (after configuration)."""
        out: dict[str, set[str]] = {}
        for f in self.findings:
            if f.kpi and f.code in ("K101", "K102", "K103"):
                out.setdefault(f.kpi, set()).add(f.code)
        return out


@lru_cache(maxsize=2)
def _validator(name: str) -> Any:
    import jsonschema

    schema = json.loads((_SCHEMA_DIR / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(_inline_refs(schema, schema.get("$defs", {})), format_checker=cls.FORMAT_CHECKER)


def _inline_refs(node: Any, defs: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """The schema with each ``#/$defs/…`` reference replaced by its definition. Looking up a
    reference is a quarter of jsonschema's time per measure; errors read the same, since they
    name the instance's path, not the schema's. A recursive definition keeps its $ref."""
    if isinstance(node, list):
        return [_inline_refs(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
        name = ref.removeprefix("#/$defs/")
        if name in defs and name not in seen:
            return _inline_refs(defs[name], defs, (*seen, name))
    return {key: _inline_refs(value, defs, seen) for key, value in node.items()}


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[Finding]]:
    """Measure files and plan files under the given files or directories."""
    measures: list[Path] = []
    plans: list[Path] = []
    missing: list[Finding] = []
    for p in paths:
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if child.suffix in (".yaml", ".yml") and not child.name.startswith("."):
                    (plans if child.name == PLAN_FILE else measures).append(child)
        elif p.name == PLAN_FILE:
            plans.append(p)
        elif p.exists() or p.is_symlink():
            measures.append(p)
        else:
            missing.append(_finding(p.as_posix(), 1, 1, "E003", "no such file or directory"))
    # A file named on the command line still finds its plan.yaml for the base date and chapters.
    for m in measures:
        sibling = m.parent / PLAN_FILE
        if sibling.is_file() and sibling not in plans:
            plans.append(sibling)
    return measures, plans, missing


def _finding(
    path: str,
    line: int,
    col: int,
    code: str,
    message: str,
    measure: str | None = None,
    kpi: str | None = None,
    severity: str | None = None,
) -> Finding:
    rule = RULES[code]
    return Finding(
        path, line, col, code, rule.name, severity or rule.severity, message, measure, kpi
    )


def schema_problems(loaded: LoadedFile, schema: str) -> list[Problem]:
    problems = []
    for err in sorted(_validator(schema).iter_errors(loaded.data), key=lambda e: list(e.path)):
        path = tuple(err.absolute_path)
        line, col = loaded.position(path)
        problems.append(Problem("E004", schema_message(err), line, col))
    return problems


def schema_message(err: Any) -> str:
    """A message a policy officer understands, naming the field."""
    field_path = ".".join(str(p) for p in err.absolute_path) or "(top level)"
    v = err.validator
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return f"{field_path}: missing required field '{missing}'"
    if v == "additionalProperties":
        return f"{field_path}: {err.message.replace('Additional properties', 'unknown field(s)')}"
    if v == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return f"{field_path}: must be {want}, not {type(err.instance).__name__} {err.instance!r}"
    if v == "enum":
        allowed = ", ".join(str(x) for x in err.validator_value)
        return f"{field_path}: must be one of {allowed} (found {err.instance!r})"
    if v == "pattern":
        form = err.validator_value
        return f"{field_path}: {err.instance!r} does not have the expected form ({form})"
    return f"{field_path}: {err.message}"


def _target(d: dict[str, Any]) -> Target:
    return Target(d.get("value"), d.get("unit", ""), d["comparison"], d["text"])


def _deadline(d: dict[str, Any]) -> Deadline:
    return Deadline(
        date.fromisoformat(d["date"]) if d.get("date") else None, d["recurring"], d["text"]
    )


def build_measure(loaded: LoadedFile) -> Measure:
    data = loaded.data
    kpis = []
    for i, k in enumerate(data["kpis"]):
        line, col = loaded.position(("kpis", i))
        kpis.append(
            Kpi(
                id=k["id"],
                kind=k["kind"],
                text=k["text"],
                status=k["status"],
                location=Location(loaded.path, line, col),
                notes=list(k.get("notes", [])),
                unset_reason=k.get("unset_reason"),
                milestones=[
                    Milestone(
                        _target(m["target"]) if "target" in m else None,
                        _deadline(m["deadline"]) if "deadline" in m else None,
                    )
                    for m in k.get("milestones", [])
                ],
                baselines=[
                    Baseline(
                        b["text"],
                        b.get("value"),
                        b.get("unit", ""),
                        date.fromisoformat(b["as_of"]) if b.get("as_of") else None,
                    )
                    for b in k.get("baselines", [])
                ],
            )
        )
    return Measure(
        data["id"],
        data["chapter"],
        data["title"],
        data["objective"],
        kpis,
        Location(loaded.path, 1, 1),
        data.get("source_line"),
    )


def _load_valid(path: Path, schema: str, findings: list[Finding]) -> LoadedFile | None:
    """The file, loaded and valid against the schema; else None, its problems in findings."""
    loaded = load_path(path)
    problems = loaded.problems or schema_problems(loaded, schema)
    for pr in problems:
        findings.append(_finding(loaded.path, pr.line, pr.column, pr.code, pr.message))
    return None if problems else loaded


def _load_plan(plans: list[Path], findings: list[Finding], config: Config) -> Plan:
    plan = Plan(title="", base_date=config.base_date or DEFAULT_BASE)
    for p in plans[:1]:
        loaded = _load_valid(p, "plan.schema.json", findings)
        if loaded is None:
            continue
        d = loaded.data
        plan.title, plan.edition, plan.source = (
            d["title"],
            d.get("edition", ""),
            d.get("source", ""),
        )
        if config.base_date is None:
            plan.base_date = date.fromisoformat(d["base_date"])
        plan.chapters = [
            Chapter(c["number"], c.get("numeral", ""), c["title"]) for c in d["chapters"]
        ]
    return plan


def audit(paths: Iterable[Path], config: Config) -> Audit:
    measure_paths, plan_paths, findings = collect(paths)
    plan = _load_plan(plan_paths, findings, config)
    result = Audit(plan, findings, files=len(measure_paths))
    owners: dict[str, str] = {}
    for path in measure_paths:
        loaded = _load_valid(path, "measure.schema.json", findings)
        if loaded is None:
            continue
        measure = build_measure(loaded)
        file_findings = list(_check_measure(measure, loaded, plan, owners))
        findings.extend(_apply_suppressions(file_findings, loaded, measure))
        plan.measures.append(measure)
    plan.measures.sort(key=lambda m: tuple(int(x) for x in m.id.split("-")))
    result.findings = [_configure(f, config) for f in findings if _selected(f, config)]
    result.findings.sort(key=lambda f: (f.path, f.line, f.column, f.code))
    return result


def _check_measure(
    measure: Measure, loaded: LoadedFile, plan: Plan, owners: dict[str, str]
) -> Iterable[Finding]:
    path = loaded.path

    def at(code: str, message: str, node: tuple[str | int, ...], kpi: str | None = None) -> Finding:
        line, col = loaded.position(node)
        return _finding(path, line, col, code, message, measure.id, kpi)

    expected = measure_filename(measure.id)
    if Path(path).name not in (expected, expected[:-5] + ".yml"):
        yield at(
            "E007", f"measure {measure.id} belongs in {expected}, not {Path(path).name}", ("id",)
        )
    if measure.id in owners:
        yield at("E008", f"measure {measure.id} is also defined in {owners[measure.id]}", ("id",))
    owners.setdefault(measure.id, path)
    if int(measure.id.split("-")[0]) != measure.chapter:
        yield at("E009", f"chapter {measure.chapter} does not match id {measure.id}", ("chapter",))
    elif plan.chapters and measure.chapter not in {c.number for c in plan.chapters}:
        yield at("E009", f"chapter {measure.chapter} is not listed in plan.yaml", ("chapter",))
    for code, message, node in check_ids(measure):
        yield at(code, message, node)
    for i, kpi in enumerate(measure.kpis):
        ref = measure.ref(kpi)
        for code, message, node in check_flags(kpi, ("kpis", i)):
            yield at(code, message, node, ref)
        for code, message, node in check_consistency(kpi, ("kpis", i), plan.base_date):
            yield at(code, message, node, ref)


def _kpi_span(loaded: LoadedFile, measure: Measure) -> list[tuple[int, int, str]]:
    starts = [loaded.position(("kpis", i))[0] for i in range(len(measure.kpis))]
    ends = [*starts[1:], 10**9]
    return [(s, e, measure.ref(k)) for s, e, k in zip(starts, ends, measure.kpis, strict=True)]


def _apply_suppressions(
    findings: list[Finding], loaded: LoadedFile, measure: Measure
) -> list[Finding]:
    if not loaded.suppressions:
        return findings
    spans = _kpi_span(loaded, measure)
    kept = list(findings)
    for line, codes, _reason in loaded.suppressions:
        ref = next((r for s, e, r in spans if s <= line < e), None)
        for code in codes:
            hits = [
                f
                for f in kept
                if f.code == code and (f.kpi == ref or (ref is None and f.kpi is None))
            ]
            if code not in RULES:
                problem = "unknown rule code"
            elif not hits:
                problem = f"suppresses nothing on {ref or 'measure ' + measure.id}"
            else:
                kept = [f for f in kept if f not in hits]
                continue
            message = f"ignore[{code}]: {problem}"
            kept.append(_finding(loaded.path, line, 1, "S001", message, measure.id, ref))
    return kept


def _selected(f: Finding, config: Config) -> bool:
    if not matches(f.code, config.select) or matches(f.code, config.ignore):
        return False
    for glob, codes in config.per_file_ignores.items():
        if (fnmatch.fnmatch(f.path, glob) or fnmatch.fnmatch(Path(f.path).name, glob)) and matches(
            f.code, codes
        ):
            return False
    return True


def _configure(f: Finding, config: Config) -> Finding:
    severity = config.severity_of(f.code)
    if severity == f.severity:
        return f
    return Finding(f.path, f.line, f.column, f.code, f.name, severity, f.message, f.measure, f.kpi)


# --- baseline -----------------------------------------------------------------------------------


def baseline_key(f: Finding) -> str:
    """Keyed by measure, KPI and code, never by line: edits elsewhere keep it valid."""
    return f"{f.kpi or f.measure or f.path}:{f.code}"


def write_baseline(path: Path, findings: list[Finding]) -> None:
    from .fsutil import atomic_write_all

    counts: dict[str, int] = {}
    for f in findings:
        counts[baseline_key(f)] = counts.get(baseline_key(f), 0) + 1
    doc = {"version": 1, "findings": dict(sorted(counts.items()))}
    atomic_write_all([(path, json.dumps(doc, ensure_ascii=False, indent=2) + "\n")])


def apply_baseline(path: Path, findings: list[Finding]) -> tuple[list[Finding], list[str]]:
    """(new findings, baseline entries that no longer occur)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), dict):
        raise ValueError('not a kpiaudit baseline (expected {"version": 1, "findings": {…}})')
    budget: dict[str, int] = {k: int(v) for k, v in doc["findings"].items()}
    new = []
    for f in findings:
        key = baseline_key(f)
        if budget.get(key, 0) > 0:
            budget[key] -= 1
        else:
            new.append(f)
    fixed = sorted(k for k, v in budget.items() if v > 0)
    return new, fixed
