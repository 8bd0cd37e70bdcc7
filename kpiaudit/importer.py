"""Published plan text → measures/ (one YAML file per measure, plus plan.yaml).

``build`` is pure (text in, file name → YAML text out, plus a summary); ``write`` is the edge
that puts the files on disk atomically and refuses to overwrite without ``force``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from . import source
from .extract import Baseline, Deadline, Extraction, Milestone, Target, extract
from .fsutil import atomic_write_all
from .model import measure_filename

PLAN_FILE = "plan.yaml"
SCHEMA_REF = "../schema/measure.schema.json"
PLAN_SCHEMA_REF = "../schema/plan.schema.json"


@dataclass
class ImportSummary:
    chapters: int = 0
    measures: int = 0
    kpis: int = 0
    unset: int = 0
    with_target: int = 0
    with_deadline: int = 0
    compliant: int = 0
    warnings: list[tuple[int, str]] = field(default_factory=list)


def build(
    text: str,
    base_date: date,
    *,
    source_name: str = "",
    edition: str = "",
    schema_ref: str = SCHEMA_REF,
) -> tuple[dict[str, str], ImportSummary]:
    parsed = source.parse(text)
    summary = ImportSummary(
        chapters=len(parsed.chapters), measures=len(parsed.measures), warnings=list(parsed.warnings)
    )
    files: dict[str, str] = {}
    seen: set[str] = set()
    for m in parsed.measures:
        if m.id in seen:
            summary.warnings.append((m.line, f"measure {m.id} appears twice; the second is kept"))
        seen.add(m.id)
        doc = CommentedMap()
        doc["id"] = m.id
        doc["chapter"] = m.chapter
        doc["title"] = m.title
        doc["source_line"] = m.line
        doc["objective"] = _block(m.objective)
        doc["kpis"] = kpis = []
        counters = {"progress": 0, "outcome": 0}
        for item in m.kpis:
            counters[item.kind] += 1
            kid = ("P" if item.kind == "progress" else "E") + str(counters[item.kind])
            kpis.append(_kpi(f"{m.id}.{kid}", item, base_date, summary))
            if not item.text.strip() and not item.notes:
                summary.warnings.append((item.line, f"{m.id}.{kid} has no text"))
        files[measure_filename(m.id)] = dump(doc, f"# yaml-language-server: $schema={schema_ref}\n")
    plan = CommentedMap()
    plan["title"] = parsed.title
    if edition:
        plan["edition"] = edition
    plan["base_date"] = base_date.isoformat()
    if source_name:
        plan["source"] = source_name
    plan["chapters"] = [
        CommentedMap(number=c.number, numeral=c.numeral, title=c.title) for c in parsed.chapters
    ]
    plan_ref = schema_ref.replace("measure.schema.json", "plan.schema.json")
    files[PLAN_FILE] = dump(plan, f"# yaml-language-server: $schema={plan_ref}\n")
    return files, summary


def _kpi(ref: str, item: source.KpiItem, base: date, summary: ImportSummary) -> CommentedMap:
    x = extract(item.text, base, item.notes)
    summary.kpis += 1
    for d in x.date_mismatches:
        summary.warnings.append((item.line, f"{ref}: {d.mismatch}"))
    read = derived_fields(x)
    k = CommentedMap()
    k["id"] = ref.split(".")[1]
    k["kind"] = item.kind
    for key in ("status", "unset_reason"):
        if key in read:
            k[key] = read[key]
    k["text"] = _block(item.text)
    if item.notes:
        k["notes"] = [_block(n) for n in item.notes]
    for key in ("milestones", "baselines"):
        if key in read:
            k[key] = read[key]
    if x.unset:
        summary.unset += 1
    else:
        summary.with_target += bool(x.targets)
        summary.with_deadline += bool(x.deadlines)
        summary.compliant += bool(x.targets) and bool(x.deadlines)
    return k


def derived_fields(x: Extraction) -> dict[str, Any]:
    """The fields of a KPI that are read from its text: status, unset_reason (when unset),
    milestones and baselines (when there are any). ``kpiaudit fix`` rewrites exactly these."""
    read: dict[str, Any] = {"status": "unset" if x.unset else "set"}
    if x.unset:
        read["unset_reason"] = x.unset
    if x.milestones:
        read["milestones"] = [milestone_map(m) for m in x.milestones]
    if x.baselines:
        read["baselines"] = [_baseline(b) for b in x.baselines]
    return read


def milestone_map(m: Milestone) -> CommentedMap:
    out = CommentedMap()
    if m.target:
        out["target"] = target_map(m.target)
    if m.deadline:
        out["deadline"] = deadline_map(m.deadline)
    return out


def target_map(t: Target) -> CommentedMap:
    return CommentedMap(value=_number(t.value), unit=t.unit, comparison=t.comparison, text=t.text)


def deadline_map(d: Deadline) -> CommentedMap:
    return CommentedMap(
        date=d.date.isoformat() if d.date else None, recurring=d.recurring, text=d.text
    )


def _baseline(b: Baseline) -> CommentedMap:
    out = CommentedMap(text=b.text, value=_number(b.value), unit=b.unit)
    if b.as_of:
        out["as_of"] = b.as_of.isoformat()
    return out


def _number(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def _block(text: str) -> str:
    return LiteralScalarString(text) if "\n" in text else text


def _yaml() -> YAML:
    y = YAML()
    y.width = 4096  # never fold a KPI's text: one line in, one line out
    y.allow_unicode = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def dump(doc: object, header: str = "") -> str:
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return header + buf.getvalue()


def write(out_dir: Path, files: dict[str, str], *, force: bool) -> list[str]:
    """Write every file or none. Returns the names of files that already existed and would be
    overwritten (nothing is written then) unless ``force``."""
    existing = sorted(name for name in files if (out_dir / name).exists())
    if existing and not force:
        return existing
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_all((out_dir / name, text) for name, text in sorted(files.items()))
    return []


def summary_lines(s: ImportSummary) -> Iterable[str]:
    yield (
        f"{s.chapters} chapters, {s.measures} measures, {s.kpis} KPIs: "
        f"{s.unset} unset, {s.with_target} with a quantitative target, "
        f"{s.with_deadline} with a deadline, {s.compliant} compliant"
    )
