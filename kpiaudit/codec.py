"""YAML ↔ model, both directions, in one place.

``measure_from_data``/``plan_from_data`` read the plain data of a loaded, schema-valid file;
``measure_data``/``plan_data`` give the ordered mappings that ``import`` and ``fix`` write, and
``dump`` writes them the way every measure file is written (one line per KPI text, block
scalars for text with line breaks, quoted ISO dates).
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from .model import (
    Actual,
    Baseline,
    Chapter,
    Deadline,
    Kpi,
    Measure,
    Milestone,
    Plan,
    RsLink,
    RsLinkTarget,
    Target,
)

# The fields of a KPI that are read from its text (``kpiaudit fix`` rewrites exactly these),
# and the order in which a KPI's keys are written. ``rs`` and ``actuals`` are what was measured
# (``kpiaudit actuals`` writes them); they come last, so that the list that grows is at the end.
DERIVED_KEYS = ("status", "unset_reason", "set_by", "milestones", "baselines")
KPI_KEY_ORDER = (
    "id",
    "kind",
    "status",
    "unset_reason",
    "set_by",
    "text",
    "notes",
    "milestones",
    "baselines",
    "rs",
    "actuals",
)

# --- data → model ----------------------------------------------------------------------------


def _iso(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def target_from_data(d: dict[str, Any]) -> Target:
    return Target(d.get("value"), d.get("unit", ""), d["comparison"], d["text"])


def deadline_from_data(d: dict[str, Any]) -> Deadline:
    return Deadline(_iso(d.get("date")), d["recurring"], d["text"])


def actual_from_data(d: dict[str, Any]) -> Actual:
    return Actual(
        period=d["period"],
        as_of=date.fromisoformat(d["as_of"]),
        value=d.get("value"),
        unit=d.get("unit", ""),
        achieved=d.get("achieved"),
        source=d.get("source", ""),
        note=d.get("note", ""),
    )


def rs_link_from_data(d: dict[str, Any]) -> RsLink:
    return RsLink(
        project=d["project"],
        indicator=d["indicator"],
        year=d["year"],
        targets=tuple(
            RsLinkTarget(t["fiscal_year"], t["value"], t.get("unit", ""))
            for t in d.get("targets", [])
        ),
        direction=d.get("direction"),
        name=d.get("name", ""),
        kind=d.get("kind"),
        term=d.get("term"),
    )


def set_by_from_data(d: dict[str, Any]) -> Deadline:
    return Deadline(_iso(d["date"]), False, d["text"])


def kpi_from_data(k: dict[str, Any]) -> Kpi:
    return Kpi(
        id=k["id"],
        kind=k["kind"],
        text=k["text"],
        status=k["status"],
        notes=list(k.get("notes", [])),
        unset_reason=k.get("unset_reason"),
        milestones=[
            Milestone(
                target_from_data(m["target"]) if "target" in m else None,
                deadline_from_data(m["deadline"]) if "deadline" in m else None,
            )
            for m in k.get("milestones", [])
        ],
        baselines=[
            Baseline(b["text"], b.get("value"), b.get("unit", ""), _iso(b.get("as_of")))
            for b in k.get("baselines", [])
        ],
        set_by=set_by_from_data(k["set_by"]) if "set_by" in k else None,
        rs=[rs_link_from_data(r) for r in k.get("rs", [])],
        actuals=[actual_from_data(a) for a in k.get("actuals", [])],
    )


def measure_from_data(data: dict[str, Any]) -> Measure:
    """A measure file's data, valid against the measure schema, as the model."""
    return Measure(
        id=data["id"],
        chapter=data["chapter"],
        title=data["title"],
        objective=data["objective"],
        kpis=[kpi_from_data(k) for k in data["kpis"]],
        source_line=data.get("source_line"),
    )


def plan_from_data(data: dict[str, Any], directory: str = "") -> Plan:
    """plan.yaml's data, valid against the plan schema, as a Plan without measures."""
    return Plan(
        title=data["title"],
        base_date=date.fromisoformat(data["base_date"]),
        chapters=[Chapter(c["number"], c.get("numeral", ""), c["title"]) for c in data["chapters"]],
        edition=data.get("edition", ""),
        source=data.get("source", ""),
        directory=directory,
    )


# --- model → data ----------------------------------------------------------------------------


def _number(v: float | None) -> float | int | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def block(text: str) -> str:
    """Text with line breaks as a literal block scalar (|-), so it reads as written."""
    return LiteralScalarString(text) if "\n" in text else text


def target_data(t: Target) -> CommentedMap:
    return CommentedMap(value=_number(t.value), unit=t.unit, comparison=t.comparison, text=t.text)


def deadline_data(d: Deadline) -> CommentedMap:
    return CommentedMap(
        date=d.date.isoformat() if d.date else None, recurring=d.recurring, text=d.text
    )


def set_by_data(d: Deadline) -> CommentedMap:
    return CommentedMap(date=d.date.isoformat() if d.date else None, text=d.text)


def milestone_data(m: Milestone) -> CommentedMap:
    out = CommentedMap()
    if m.target:
        out["target"] = target_data(m.target)
    if m.deadline:
        out["deadline"] = deadline_data(m.deadline)
    return out


def baseline_data(b: Baseline) -> CommentedMap:
    out = CommentedMap(text=b.text, value=_number(b.value), unit=b.unit)
    if b.as_of:
        out["as_of"] = b.as_of.isoformat()
    return out


def actual_data(a: Actual) -> CommentedMap:
    """An actual as it is written: period, as_of, then value and unit or achieved, source and
    a note when there is one."""
    out = CommentedMap(period=a.period, as_of=a.as_of.isoformat())
    if a.value is not None:
        out["value"] = _number(a.value)
        out["unit"] = a.unit
    if a.achieved is not None:
        out["achieved"] = a.achieved
    out["source"] = block(a.source)
    if a.note:
        out["note"] = block(a.note)
    return out


def rs_link_data(r: RsLink) -> CommentedMap:
    out = CommentedMap(project=r.project, indicator=r.indicator, year=r.year)
    for key in ("kind", "term"):
        if getattr(r, key):
            out[key] = getattr(r, key)
    if r.name:
        out["name"] = block(r.name)
    if r.direction:
        out["direction"] = r.direction
    out["targets"] = [
        CommentedMap(fiscal_year=t.fiscal_year, value=_number(t.value), unit=t.unit)
        for t in r.targets
    ]
    return out


def derived_data(kpi: Kpi) -> dict[str, Any]:
    """The KPI's fields read from its text, as written to a file: status, unset_reason and
    set_by (when unset, and it says by when it is to be set), milestones and baselines (when
    there are any)."""
    out: dict[str, Any] = {"status": kpi.status}
    if kpi.unset_reason is not None:
        out["unset_reason"] = kpi.unset_reason
    if kpi.set_by is not None:
        out["set_by"] = set_by_data(kpi.set_by)
    if kpi.milestones:
        out["milestones"] = [milestone_data(m) for m in kpi.milestones]
    if kpi.baselines:
        out["baselines"] = [baseline_data(b) for b in kpi.baselines]
    return out


def kpi_data(kpi: Kpi) -> CommentedMap:
    fields: dict[str, Any] = {"id": kpi.id, "kind": kpi.kind, "text": block(kpi.text)}
    if kpi.notes:
        fields["notes"] = [block(n) for n in kpi.notes]
    fields.update(derived_data(kpi))
    if kpi.rs:
        fields["rs"] = [rs_link_data(r) for r in kpi.rs]
    if kpi.actuals:
        fields["actuals"] = [actual_data(a) for a in kpi.actuals]
    return CommentedMap((key, fields[key]) for key in KPI_KEY_ORDER if key in fields)


def measure_data(m: Measure) -> CommentedMap:
    doc = CommentedMap()
    doc["id"] = m.id
    doc["chapter"] = m.chapter
    doc["title"] = m.title
    if m.source_line is not None:
        doc["source_line"] = m.source_line
    doc["objective"] = block(m.objective)
    doc["kpis"] = [kpi_data(k) for k in m.kpis]
    return doc


def plan_data(plan: Plan) -> CommentedMap:
    doc = CommentedMap()
    doc["title"] = plan.title
    if plan.edition:
        doc["edition"] = plan.edition
    if plan.base_date is not None:
        doc["base_date"] = plan.base_date.isoformat()
    if plan.source:
        doc["source"] = plan.source
    doc["chapters"] = [
        CommentedMap(number=c.number, numeral=c.numeral, title=c.title) for c in plan.chapters
    ]
    return doc


# --- writing -----------------------------------------------------------------------------------


def _yaml() -> YAML:
    y = YAML()
    y.width = 4096  # never fold a KPI's text: one line in, one line out
    y.allow_unicode = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def dump(doc: object, header: str = "") -> str:
    """YAML text of ``doc`` as every measure file is written, after ``header`` lines."""
    buf = io.StringIO()
    _yaml().dump(doc, buf)
    return header + buf.getvalue()
