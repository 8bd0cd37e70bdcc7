"""The plan as tables for spreadsheets and databases: the ``export`` document.

Seven tables — plan, chapters, measures, kpis, milestones, actuals, findings — with stable
English keys, a Japanese header for people (``--headers ja``), a type, and the primary and
foreign keys a database needs. Each writer (reporters/export_*) renders the same rows.

Nothing is recounted: a KPI's flags are the K101–K103 findings ``status`` counts, a chapter's
counts are status's own row, and a milestone's state, grade and rate are the columns of
``progress``'s row for it (``row_json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .. import __version__
from ..audit import Audit
from ..model import Finding, Kpi, Measure
from ..progress import Judgement, judge_plan
from ..rules.flags import COMPLIANCE_FLAGS
from .progress import row_json
from .status import status

# "enum": text from a closed set the schema and the model enforce (kind, comparison, state…),
# written as it is: ">=" or "=" is a value, not a formula a stranger slipped in.
FieldType = Literal["text", "enum", "integer", "real", "boolean", "date"]


@dataclass(frozen=True)
class Field:
    key: str  # the column's name in every format: stable, English
    ja: str  # its header for people, with --headers ja
    type: FieldType = "text"


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    references: str


@dataclass
class ExportTable:
    name: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    def add(self, values: dict[str, Any]) -> None:
        """One row from a mapping that names every field (a typo is a KeyError, not a hole)."""
        missing = set(self.keys) - values.keys()
        extra = values.keys() - set(self.keys)
        if missing or extra:
            raise KeyError(f"{self.name}: missing {sorted(missing)}, unknown {sorted(extra)}")
        self.rows.append(tuple(values[k] for k in self.keys))


@dataclass
class Export:
    tables: dict[str, ExportTable]  # in the order a reader meets them (kpis first)
    # Measures and KPIs left out because another file or KPI already holds the id (E008,
    # K205): a table cannot hold one key twice. "path: 1-1" / "path: 1-1.P1".
    left_out: list[str] = field(default_factory=list)


_COUNTS = (
    Field("kpis", "KPI数", "integer"),
    Field("unset", "未設定", "integer"),
    Field("no_target", "定量目標なし", "integer"),
    Field("no_deadline", "期限なし", "integer"),
    Field("compliant", "適合", "integer"),
    Field("compliance", "適合率", "real"),
)


_KPI_FK = ForeignKey("kpi", "kpis", "kpi")


def _per_kpi(name: str, *fields: Field) -> ExportTable:
    """A table of a KPI's numbered items (its milestones, its actuals): keyed by KPI and seq."""
    keys = (Field("kpi", "KPI"), Field("seq", "番号", "integer"))
    return ExportTable(name, (*keys, *fields), ("kpi", "seq"), (_KPI_FK,))


def _tables() -> dict[str, ExportTable]:
    tables = [
        ExportTable(
            "kpis",
            (
                Field("kpi", "KPI"),
                Field("measure", "施策"),
                Field("chapter", "章", "integer"),
                Field("id", "KPI番号"),
                Field("kind", "種別", "enum"),
                Field("status", "設定状況", "enum"),
                Field("unset_reason", "未設定の理由"),
                Field("text", "KPI本文"),
                Field("notes", "注記"),
                Field("unset", "未設定", "boolean"),
                Field("no_target", "定量目標なし", "boolean"),
                Field("no_deadline", "期限なし", "boolean"),
                Field("compliant", "適合", "boolean"),
                Field("milestones", "マイルストーン数", "integer"),
                Field("actuals", "実績数", "integer"),
                Field("overdue", "期限超過", "boolean"),
                Field("measure_title", "施策名"),
            ),
            ("kpi",),
            (ForeignKey("measure", "measures", "measure"),),
        ),
        _per_kpi(
            "milestones",
            Field("measure", "施策"),
            Field("kind", "種別", "enum"),
            Field("type", "区分", "enum"),
            Field("target", "目標"),
            Field("target_value", "目標値", "real"),
            Field("unit", "単位"),
            Field("comparison", "比較", "enum"),
            Field("direction", "方向", "enum"),
            Field("deadline", "期限", "date"),
            Field("deadline_text", "期限の記載"),
            Field("recurring", "毎年度", "boolean"),
            Field("fiscal_year", "判定年度", "integer"),
            Field("state", "状態", "enum"),
            Field("grade", "評価", "enum"),
            Field("rate", "達成率", "real"),
            Field("progress", "進捗", "real"),
            Field("elapsed", "経過", "real"),
            Field("overdue", "期限超過", "boolean"),
            Field("actual_value", "実績値", "real"),
            Field("actual_achieved", "達成", "boolean"),
            Field("actual_unit", "実績の単位"),
            Field("period", "実績の期間"),
            Field("as_of", "実績の時点", "date"),
            Field("source", "出典"),
            Field("reason", "判定できない理由"),
        ),
        _per_kpi(
            "actuals",
            Field("period", "期間"),
            Field("as_of", "時点", "date"),
            Field("value", "実績値", "real"),
            Field("unit", "単位"),
            Field("achieved", "達成", "boolean"),
            Field("source", "出典"),
            Field("note", "備考"),
        ),
        ExportTable(
            "findings",
            (
                Field("finding", "番号", "integer"),
                Field("path", "ファイル"),
                Field("line", "行", "integer"),
                Field("column", "桁", "integer"),
                Field("code", "コード"),
                Field("name", "規則"),
                Field("severity", "重大度", "enum"),
                Field("message", "内容"),
                Field("measure", "施策"),
                Field("kpi", "KPI"),
            ),
            ("finding",),
            (ForeignKey("measure", "measures", "measure"), _KPI_FK),
        ),
        ExportTable(
            "measures",
            (
                Field("measure", "施策"),
                Field("chapter", "章", "integer"),
                Field("number", "施策番号", "integer"),
                Field("title", "施策名"),
                Field("objective", "課題・取組・効果"),
                Field("path", "ファイル"),
                *_COUNTS,
            ),
            ("measure",),
            (ForeignKey("chapter", "chapters", "chapter"),),
        ),
        ExportTable(
            "chapters",
            (
                Field("chapter", "章", "integer"),
                Field("numeral", "章番号"),
                Field("title", "章名"),
                Field("measures", "施策数", "integer"),
                *_COUNTS,
            ),
            ("chapter",),
        ),
        ExportTable(
            "plan",
            (
                Field("plan", "計画", "integer"),
                Field("title", "計画名"),
                Field("edition", "版"),
                Field("base_date", "基準日", "date"),
                Field("source", "出典"),
                Field("today", "判定日", "date"),
                Field("generator", "作成"),
            ),
            ("plan",),
        ),
    ]
    return {t.name: t for t in tables}


def _unique(result: Audit) -> tuple[list[tuple[Measure, list[Kpi]]], list[str]]:
    """Each measure and KPI once, in plan order: the first file (or KPI) to claim an id."""
    seen: set[str] = set()
    kept: list[tuple[Measure, list[Kpi]]] = []
    left_out: list[str] = []
    for m in result.plan.measures:
        if m.id in seen:
            left_out.append(f"{m.path}: {m.id}")
            continue
        seen.add(m.id)
        kpis: list[Kpi] = []
        for k in m.kpis:
            ref = str(m.kpi_ref(k))
            if ref in seen:
                left_out.append(f"{m.path}: {ref}")
                continue
            seen.add(ref)
            kpis.append(k)
        kept.append((m, kpis))
    return kept, left_out


def export(result: Audit, today: date) -> Export:
    """Every table of the plan, judged as of ``today``."""
    plan = result.plan
    tables = _tables()
    kept, left_out = _unique(result)
    codes = result.kpi_codes()
    judged: dict[str, list[Judgement]] = {}
    for j in judge_plan(plan, today):
        judged.setdefault(str(j.kpi), []).append(j)
    measure_ids = {m.id for m, _kpis in kept}
    kpi_refs: set[str] = set()

    for m, kpis in kept:
        counts = dict.fromkeys(("kpis", "unset", "no_target", "no_deadline", "compliant"), 0)
        for k in kpis:
            ref = str(m.kpi_ref(k))
            kpi_refs.add(ref)
            got = codes.get(ref, frozenset())
            flags = {key: code in got for code, key in COMPLIANCE_FLAGS.items()}
            flags["compliant"] = not got
            counts["kpis"] += 1
            for key, on in flags.items():
                counts[key] += on
            rows = judged.get(ref, [])
            tables["kpis"].add(
                {
                    "kpi": ref,
                    "measure": m.id,
                    "chapter": m.chapter,
                    "id": k.id,
                    "kind": k.kind,
                    "status": k.status,
                    "unset_reason": k.unset_reason,
                    "text": k.text,
                    "notes": "\n".join(k.notes),
                    **flags,
                    "milestones": len(k.milestones),
                    "actuals": len(k.actuals),
                    "overdue": any(j.overdue for j in rows),
                    "measure_title": m.title,
                }
            )
            _milestones(tables["milestones"], ref, m, k, rows)
            for seq, a in enumerate(k.actuals, 1):
                tables["actuals"].add(
                    {
                        "kpi": ref,
                        "seq": seq,
                        "period": a.period,
                        "as_of": a.as_of,
                        "value": a.value,
                        "unit": a.unit,
                        "achieved": a.achieved,
                        "source": a.source,
                        "note": a.note,
                    }
                )
        ratio = counts["compliant"] / counts["kpis"] if counts["kpis"] else 0.0
        tables["measures"].add(
            {
                "measure": m.id,
                "chapter": m.chapter,
                "number": m.ref.number,
                "title": m.title,
                "objective": m.objective,
                "path": m.path,
                **counts,
                "compliance": round(ratio, 4),
            }
        )

    for n, f in enumerate(result.findings, 1):
        tables["findings"].add(_finding(n, f, measure_ids, kpi_refs))
    numerals = {c.number: c.numeral for c in plan.chapters}
    for row in status(result, today=today).chapters:
        d = row.as_json()
        tables["chapters"].add(
            {
                "chapter": int(row.key),
                "numeral": numerals.get(int(row.key), ""),
                "title": row.title,
                **{f.key: d[f.key] for f in (Field("measures", ""), *_COUNTS)},
            }
        )
    tables["plan"].add(
        {
            "plan": 1,
            "title": plan.title,
            "edition": plan.edition,
            "base_date": plan.base_date,
            "source": plan.source,
            "today": today,
            "generator": f"kpiaudit {__version__}",
        }
    )
    return Export(tables, left_out)


def _milestones(table: ExportTable, ref: str, m: Measure, k: Kpi, judged: list[Judgement]) -> None:
    """One row per milestone, with its judgement when it has a date to be judged by; then
    the KPI's set-by promise when it is no milestone (issue 10's ``set_by``)."""
    by_index = {j.index: j for j in judged if j.index is not None}
    rows: list[tuple[dict[str, Any], Judgement | None]] = []
    for i, ms in enumerate(k.milestones):
        t, d = ms.target, ms.deadline
        own = {
            "target": t.text if t else None,
            "target_value": t.value if t else None,
            "unit": t.unit if t else None,
            "comparison": t.comparison if t else None,
            "deadline": d.date if d and not d.recurring else None,
            "deadline_text": d.text if d else None,
            "recurring": bool(d and d.recurring),
        }
        rows.append((own, by_index.get(i)))
    for j in judged:
        if j.index is None:
            own = {
                "target": None,
                "target_value": None,
                "unit": None,
                "comparison": None,
                "deadline": j.deadline.date,
                "deadline_text": j.deadline.text,
                "recurring": j.deadline.recurring,
            }
            rows.append((own, j))
    for seq, (own, judgement) in enumerate(rows, 1):
        table.add(
            {
                "kpi": ref,
                "seq": seq,
                "measure": m.id,
                "kind": k.kind,
                "type": judgement.type if judgement else "target",
                **own,
                **_judgement(judgement),
            }
        )


def _judgement(j: Judgement | None) -> dict[str, Any]:
    """progress's own row, in columns of one type each (its "actual" is a number or a bool)."""
    if j is None:
        keys = ("direction", "fiscal_year", "state", "grade", "rate", "progress", "elapsed")
        more = ("actual_value", "actual_achieved", "actual_unit", "period", "as_of", "source")
        return {**dict.fromkeys(keys + more + ("reason",)), "overdue": False}
    row = row_json(j)
    actual = row["actual"]
    return {
        "direction": row["direction"],
        "fiscal_year": row["fiscal_year"],
        "state": row["state"],
        "grade": row["grade"],
        "rate": row["rate"],
        "progress": row["progress"],
        "elapsed": row["elapsed"],
        "overdue": row["overdue"],
        "actual_value": None if isinstance(actual, bool) else actual,
        "actual_achieved": actual if isinstance(actual, bool) else None,
        "actual_unit": row["actual_unit"],
        "period": row["period"],
        "as_of": j.actual.as_of if j.actual else None,
        "source": row["source"],
        "reason": row["reason"],
    }


def _finding(n: int, f: Finding, measures: set[str], kpis: set[str]) -> dict[str, Any]:
    """A finding whose measure or KPI is in no table (its file was left out) keeps its path
    and message; its reference columns stay empty, so every foreign key resolves."""
    return {
        "finding": n,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "message": f.message,
        "measure": f.measure if f.measure in measures else None,
        "kpi": f.kpi if f.kpi in kpis else None,
    }
