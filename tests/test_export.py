"""kpiaudit export: CSV that Excel reads and that round-trips, an XLSX with every table, a
SQLite database whose keys resolve; the same counts as status, and no formula a stranger's
measure file could slip into a spreadsheet."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kpiaudit.audit import audit
from kpiaudit.cli import main
from kpiaudit.config import Config
from kpiaudit.reporters import export as export_module
from kpiaudit.reporters.export import csv_cell
from kpiaudit.views.export import export

from .conftest import MEASURES, ROOT

EXAMPLES = ROOT / "examples" / "measures"
TODAY = "2024-06-01"
TODAY_DATE = date(2024, 6, 1)


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def exported(tmp: Path, name: str, *extra: str, plan: Path = MEASURES) -> Path:
    out = tmp / name
    code = main(["export", str(plan), "--out", str(out), "--today", TODAY, *extra])
    assert code == 0
    return out


def status_json(capsys, plan: Path = MEASURES) -> dict:
    code, out, _ = run(["status", str(plan), "--today", TODAY, "-f", "json"], capsys)
    assert code == 0
    return json.loads(out)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled plan in every format, written once for the module."""
    tmp = tmp_path_factory.mktemp("export")
    for name in ("plan.csv", "plan.xlsx", "plan.db"):
        exported(tmp, name)
    return tmp


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# --- SQLite --------------------------------------------------------------------------------


def test_sqlite_keys_resolve_and_counts_are_status_json(bundled: Path, capsys) -> None:
    status = status_json(capsys)
    db = sqlite3.connect(bundled / "plan.db")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"plan", "chapters", "measures", "kpis", "milestones", "actuals", "findings"}
    # datasette follows these to link a KPI to its measure and a measure to its chapter.
    links = {
        (table, row[3], row[2], row[4])
        for table in ("kpis", "milestones", "actuals", "findings", "measures")
        for row in db.execute(f"PRAGMA foreign_key_list({table})")
    }
    assert ("kpis", "measure", "measures", "measure") in links
    assert ("milestones", "kpi", "kpis", "kpi") in links
    assert ("measures", "chapter", "chapters", "chapter") in links
    keys = [r[1] for r in db.execute("PRAGMA table_info(milestones)") if r[5]]
    assert keys == ["kpi", "seq"]

    total = db.execute(
        "SELECT count(*), sum(unset), sum(no_target), sum(no_deadline), sum(compliant) FROM kpis"
    ).fetchone()
    t = status["total"]
    assert total == (377, t["unset"], t["no_target"], t["no_deadline"], t["compliant"])
    assert db.execute("SELECT count(*) FROM measures").fetchone() == (t["measures"],)
    db.row_factory = sqlite3.Row
    chapters = [dict(r) for r in db.execute("SELECT * FROM chapters ORDER BY chapter")]
    for row, want in zip(chapters, status["chapters"], strict=True):
        assert row["chapter"] == want["chapter"] and row["title"] == want["title"]
        for key in ("measures", "kpis", "unset", "no_target", "no_deadline", "compliant"):
            assert row[key] == want[key], (row["chapter"], key)
        assert row["compliance"] == want["compliance"]
    per_measure = db.execute(
        "SELECT m.kpis, count(k.kpi) FROM measures m JOIN kpis k USING (measure) GROUP BY measure"
    ).fetchall()
    assert all(a == b for a, b in per_measure) and len(per_measure) == 163
    findings = db.execute("SELECT count(*) FROM findings").fetchone()[0]
    code, out, _ = run(["lint", str(MEASURES), "--today", TODAY, "-f", "json"], capsys)
    assert code == 1 and findings == len(json.loads(out))
    plan = dict(db.execute("SELECT * FROM plan").fetchone())
    assert plan["today"] == TODAY and plan["base_date"] == "2022-06-07"


def test_milestone_states_are_progress_json(tmp_path: Path, capsys) -> None:
    """On a plan with actuals: each judged milestone row is progress's row for it."""
    out = exported(tmp_path, "x.db", plan=EXAMPLES)
    code, text, _ = run(["progress", str(EXAMPLES), "--today", TODAY, "-f", "json"], capsys)
    assert code == 0
    db = sqlite3.connect(out)
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM milestones WHERE state IS NOT NULL")]
    want = json.loads(text)
    assert [(r["kpi"], r["state"], r["grade"], r["rate"], bool(r["overdue"])) for r in rows] == [
        (w["kpi"], w["state"], w["grade"], w["rate"], w["overdue"]) for w in want
    ]
    actuals = db.execute("SELECT kpi, period, value, unit FROM actuals ORDER BY kpi").fetchall()
    assert ("1-1.P1", "令和6年度", 22.0, "手続") in [tuple(a) for a in actuals]


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_has_every_table_with_a_frozen_filtered_header(bundled: Path) -> None:
    book = load_workbook(bundled / "plan.xlsx")
    assert book.sheetnames == [
        "kpis",
        "milestones",
        "actuals",
        "findings",
        "measures",
        "chapters",
        "plan",
    ]
    kpis = book["kpis"]
    rows = list(kpis.iter_rows(values_only=True))
    assert rows[0][:3] == ("kpi", "measure", "chapter") and len(rows) == 1 + 377
    assert kpis.freeze_panes == "B2"
    assert kpis.auto_filter.ref == f"A1:{kpis.cell(1, kpis.max_column).column_letter}378"
    widths = {c: kpis.column_dimensions[c].width for c in ("A", "H")}
    assert 6 <= widths["A"] < 15 and widths["H"] == 60  # the KPI's text: wide, within limits
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["kpi"] == "1-1.P1" and first["unset"] is False and first["chapter"] == 1
    deadline = book["milestones"]["K2"]
    assert book["milestones"]["K1"].value == "deadline" and deadline.is_date


def test_xlsx_and_csv_headers_in_japanese(tmp_path: Path) -> None:
    book = load_workbook(exported(tmp_path, "ja.xlsx", "--headers", "ja"))
    assert [c.value for c in book["kpis"][1]][:4] == ["KPI", "施策", "章", "KPI番号"]
    rows = read_csv(exported(tmp_path, "ja.csv", "--headers", "ja"))
    assert rows[0]["KPI"] == "1-1.P1" and rows[0]["定量目標なし"] == "true"


# --- CSV ---------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_round_trips(bundled: Path, capsys) -> None:
    raw = (bundled / "plan.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfkpi,measure,") and b"\r\n" in raw
    kpis = read_csv(bundled / "plan.csv")
    milestones = read_csv(bundled / "plan-milestones.csv")
    assert len(kpis) == 377 and len(milestones) > 200
    # Read back, every cell is what was written: commas, quotes and line breaks in the
    # plan's text survive, and each row is the database's row.
    tables = export(audit([MEASURES], Config(), TODAY_DATE).single(), TODAY_DATE)
    for name, rows in (("kpis", kpis), ("milestones", milestones)):
        table = tables.tables[name]
        assert [list(r.values()) for r in rows] == [
            [csv_cell(v, f.type == "enum") for v, f in zip(row, table.fields, strict=True)]
            for row in table.rows
        ]
        assert list(rows[0]) == table.keys
    assert any("\n" in r["notes"] for r in kpis) and any("," in r["text"] for r in kpis)
    db = sqlite3.connect(bundled / "plan.db")
    assert [r["kpi"] for r in kpis] == [
        r[0] for r in db.execute("SELECT kpi FROM kpis ORDER BY rowid")
    ]
    e1 = next(r for r in kpis if r["kpi"] == "6-4.E1")
    assert (e1["status"], e1["unset"], e1["compliant"]) == ("unset", "true", "false")
    assert e1["unset_reason"] == "未設定"
    # Closed values stay as they are, even one that begins with "=".
    assert {r["comparison"] for r in milestones} >= {"=", ">="}
    flags = status_json(capsys)["total"]
    assert sum(r["no_target"] == "true" for r in kpis) == flags["no_target"]


# --- a stranger's measure file ------------------------------------------------------------

HOSTILE = """\
id: 1-3
chapter: 1
title: "=cmd|' /C calc'!A0"
objective: "@SUM(1+1)*cmd|' /C calc'!A0"
kpis:
  - id: P1
    kind: progress
    status: set
    text: "+1+cmd|' /C calc'!A0 令和６年度末までに50％"
    notes: ["-2+3", "\\tx", "\\e[31m red \\u202Egnp.exe"]
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    plan = tmp_path / "plan"
    shutil.copytree(EXAMPLES, plan)
    (plan / "01-03.yaml").write_text(HOSTILE, encoding="utf-8")
    return plan


def test_formulas_are_neutralised_in_csv_and_xlsx(tmp_path: Path, hostile: Path) -> None:
    kpis = read_csv(exported(tmp_path, "h.csv", plan=hostile))
    row = next(r for r in kpis if r["kpi"] == "1-3.P1")
    assert row["measure_title"] == "'=cmd|' /C calc'!A0"
    assert row["text"].startswith("'+1+cmd")
    # Notes are one cell, lines joined: a spreadsheet looks only at the cell's start.
    assert row["notes"] == "'-2+3\n\\x09x\n\\x1b[31m red \\u202egnp.exe"
    book = load_workbook(exported(tmp_path, "h.xlsx", plan=hostile))
    cells = [c for row in book.worksheets for line in row.iter_rows() for c in line]
    assert all(c.data_type != "f" for c in cells)  # not one formula in the workbook
    titles = [c for c in cells if c.value == "'=cmd|' /C calc'!A0"]
    assert len(titles) == 2 and {c.data_type for c in titles} == {"s"}  # kpis and measures
    values = {c.value for c in cells}
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in values
    starts = [v for v in values if isinstance(v, str) and v.startswith(("=", "+", "@"))]
    assert starts == ["="]  # the comparison "=", as text


def test_sqlite_keeps_the_text_as_the_file_holds_it(tmp_path: Path, hostile: Path) -> None:
    db = sqlite3.connect(exported(tmp_path, "h.db", plan=hostile))
    assert db.execute("SELECT title FROM measures WHERE measure = '1-3'").fetchone() == (
        "=cmd|' /C calc'!A0",
    )
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_duplicate_ids_are_left_out_once_and_keys_still_resolve(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(EXAMPLES, plan)
    shutil.copy(plan / "01-01.yaml", plan / "01-01.yml")  # a second file claiming 1-1 (E008)
    out = tmp_path / "d.db"
    # Numbers over a plan with a duplicate are refused, as status refuses them ...
    code, _, err = run(["export", str(plan), "--out", str(out)], capsys)
    assert code == 1 and "01-01.yml" in err and "E008" in err and not out.exists()
    # ... unless asked for: the copy is left out, and every key still resolves.
    code, _, err = run(["export", str(plan), "--out", str(out), "--allow-broken"], capsys)
    assert code == 0 and "01-01.yml" in err
    db = sqlite3.connect(out)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT count(*) FROM measures").fetchone() == (2,)
    assert db.execute("SELECT count(*) FROM findings WHERE code = 'E008'").fetchone()[0] >= 1


# --- writing -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "writer"), [("x.xlsx", "write_xlsx"), ("x.db", "write_sqlite")])
def test_a_failed_write_leaves_the_previous_file(
    tmp_path: Path, name: str, writer: str, monkeypatch, capsys
) -> None:
    out = exported(tmp_path, name, plan=EXAMPLES)
    before = out.read_bytes()

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    target = "save" if writer == "write_xlsx" else "executemany"
    if writer == "write_xlsx":
        monkeypatch.setattr("openpyxl.Workbook.save", failing)
    else:

        class Broken(sqlite3.Connection):
            def executemany(self, *args: object, **kwargs: object) -> sqlite3.Cursor:
                failing()
                raise AssertionError

        connect = sqlite3.connect
        monkeypatch.setattr(sqlite3, "connect", lambda p: connect(p, factory=Broken))
    code, _, err = run(["export", str(EXAMPLES), "--out", str(out)], capsys)
    assert code == 2 and "No space left on device; nothing was changed" in err, target
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


def test_csv_pair_is_written_together(tmp_path: Path, monkeypatch, capsys) -> None:
    out = exported(tmp_path, "x.csv", plan=EXAMPLES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x-milestones.csv", "x.csv"]
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = export_module.atomic_write_all

    def fail_after_first(items):  # the second temporary cannot be written
        items = list(items)
        real([*items[:1], (tmp_path / "missing" / "x.csv", "")])

    monkeypatch.setattr(export_module, "atomic_write_all", fail_after_first)
    code, _, _ = run(["export", str(EXAMPLES), "--out", str(out)], capsys)
    assert code == 2
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.txt"], "--format: give csv, xlsx or sqlite"),
        (["--out", "x.db", "-f", "json"], "'json' is not one of csv, xlsx, sqlite"),
        (["--out", "x.csv", "--headers", "fr"], "--headers: 'fr' is not en or ja"),
        (["--out", str(EXAMPLES / "01-01.yaml"), "-f", "csv"], "is a measure file"),
        (["--out", str(EXAMPLES), "-f", "sqlite"], "is a directory"),
        ([str(MEASURES), "--out", "never-written.db"], "the files belong to 2 plans"),
        (["--out", "-", "-f", "csv"], "- is not a file export can write"),
        (["--out", "/dev/null", "-f", "csv"], "/dev/null is not a file export can write"),
    ],
)
def test_bad_arguments_are_usage_errors(args: list[str], message: str, capsys) -> None:
    before = (EXAMPLES / "01-01.yaml").read_bytes()
    code, _, err = run(["export", str(EXAMPLES), *args], capsys)
    assert code == 2 and message in err
    assert (EXAMPLES / "01-01.yaml").read_bytes() == before
