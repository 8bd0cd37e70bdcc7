"""kpiaudit status and kpiaudit due: counts equal to lint's, date semantics, formats."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from kpiaudit.chapters import parse_chapter
from kpiaudit.cli import main

from .conftest import MEASURES, ROOT


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def as_json(args: list[str], capsys):
    code, out, _ = run([*args, "--format", "json"], capsys)
    assert code == (1 if args[0] == "lint" else 0)
    return json.loads(out)


def test_status_counts_are_lints_counts(capsys) -> None:
    doc = as_json(["status", str(MEASURES)], capsys)
    lint = as_json(["lint", str(MEASURES)], capsys)
    total = doc["total"]
    assert total["kpis"] == 377 and total["measures"] == 163
    for key, code in (("unset", "K101"), ("no_target", "K102"), ("no_deadline", "K103")):
        assert total[key] == sum(f["code"] == code for f in lint)
    flagged = {f["kpi"] for f in lint if f["code"] in ("K101", "K102", "K103")}
    assert total["compliant"] == 377 - len(flagged)
    assert [c["measures"] for c in doc["chapters"]] == [10, 5, 4, 25, 9, 45, 5, 5, 40, 15]
    assert doc["chapters"][5]["title"] == "準公共分野のデジタル化の推進"
    assert 0 <= total["compliance"] <= 1


def test_status_and_due_keep_only_the_findings_they_read_and_count_the_same(
    tmp_path: Path, capsys
) -> None:
    """status and due drop, as each file is done, the findings they do not read (memory on a
    large plan): their numbers and what they refuse are a full audit's, with suppressions
    (used and unused), per-file ignores, a broken file and a duplicate id in the plan."""
    import shutil
    from datetime import date

    from kpiaudit.audit import FLAG_CODES, LEFT_OUT_CODES
    from kpiaudit.cli.common import one_plan, setup
    from kpiaudit.views.due import DueQuery
    from kpiaudit.views.status import Counting

    plan = tmp_path / "measures"
    shutil.copytree(MEASURES, plan)
    for name, suppressed in (
        ("06-04.yaml", "K102"),
        ("01-02.yaml", "K304"),
        ("09-03.yaml", "K101"),
    ):
        path = plan / name
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("  - id: P1\n", f"  - id: P1  # kpiaudit: ignore[{suppressed}] why\n", 1),
            encoding="utf-8",
        )
    shutil.copy(plan / "07-03.yaml", plan / "07-06.yaml")  # E008
    (plan / "05-02.yaml").write_text("id: [5-2\n", encoding="utf-8")  # E001
    (tmp_path / ".kpiaudit.toml").write_text(
        '[per-file-ignores]\n"06-1*.yaml" = ["K103"]\n', encoding="utf-8"
    )
    targets, config = setup([plan], tmp_path / ".kpiaudit.toml")
    day = date(2026, 12, 7)
    reads = {"status": LEFT_OUT_CODES | FLAG_CODES, "due": LEFT_OUT_CODES}
    for view, summarise in (
        ("status", Counting(day)),
        ("due", DueQuery(day, before=date(2031, 1, 1))),
    ):
        whole = one_plan(targets, config, day, summarise=summarise)
        kept = one_plan(targets, config, day, summarise=summarise, keep=reads[view])
        assert {f.code for f in kept.findings} <= reads[view]
        assert {f.code for f in whole.findings} - reads[view]  # K304, S001 and others dropped
        assert kept.left_out() == whole.left_out() and kept.left_out()
        if view == "status":
            assert kept.kpi_codes() == whole.kpi_codes()
        assert kept.summaries(summarise) == whole.summaries(summarise)
    capsys.readouterr()


@pytest.mark.parametrize("chapter", ["6", "６", "Ⅵ", "VI", "vi"])
def test_status_chapter_forms(chapter: str, capsys) -> None:
    doc = as_json(["status", str(MEASURES), "--chapter", chapter], capsys)
    assert [c["chapter"] for c in doc["chapters"]] == [6]
    assert len(doc["measures"]) == 45 and doc["measures"][3]["measure"] == "6-4"


def test_status_follows_configuration(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / ".kpiaudit.toml").write_text(
        f'measures = "{MEASURES.as_posix()}"\nignore = ["K103"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert as_json(["status"], capsys)["total"]["no_deadline"] == 0


def test_status_bad_chapter(capsys) -> None:
    code, _, err = run(["status", str(MEASURES), "--chapter", "XX"], capsys)
    assert code == 2 and "--chapter" in err
    code, _, err = run(["status", str(MEASURES), "--chapter", "12"], capsys)
    assert code == 2


def test_parse_chapter() -> None:
    assert [parse_chapter(x) for x in ("1", "Ⅹ", "x", "IX")] == [1, 10, 10, 9]


def test_status_formats(capsys) -> None:
    code, out, _ = run(["status", str(MEASURES), "--format", "markdown"], capsys)
    assert code == 0 and out.splitlines()[2].startswith("| chapter ")
    code, out, _ = run(["status", str(MEASURES), "--format", "csv"], capsys)
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:4] == ["chapter", "title", "measures", "KPIs"] and rows[-1][0] == "total"
    code, out, _ = run(["status", str(MEASURES), "--format", "github"], capsys)
    assert "| total" in out
    code, out, _ = run(["status", str(MEASURES), "--chapter", "6", "--format", "table"], capsys)
    assert "█" in out or "░" in out


def test_status_plain_when_piped() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR",)}
    done = subprocess.run(
        [sys.executable, "-m", "kpiaudit", "status", str(MEASURES)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0 and "\x1b[" not in done.stdout and "total" in done.stdout


def test_plain_columns_line_up_under_japanese_titles(capsys) -> None:
    """Kanji take two terminal columns: the KPI counts sit under "KPIs" on every row."""

    def wcswidth(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    _, out, _ = run(["status", str(MEASURES), "--chapter", "8", "-f", "plain"], capsys)
    lines = out.splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.startswith("measure "))
    column = wcswidth(lines[header][: lines[header].index("KPIs")])
    measure_rows = lines[header + 2 : header + 7]
    assert [ln.split()[0] for ln in measure_rows] == ["8-1", "8-2", "8-3", "8-4", "8-5"]
    for line in measure_rows:
        fields = list(re.finditer(r"\S+(?: \S+)*", line))  # cells are 2+ spaces apart
        assert wcswidth(line[: fields[2].start()]) == column, line


def test_no_color_on_a_terminal_keeps_the_table_and_drops_the_colour() -> None:
    """no-color.org: NO_COLOR removes colour, not the layout a terminal gets."""
    pty = pytest.importorskip("pty")
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    env.update(NO_COLOR="1", COLUMNS="160")
    done = subprocess.Popen(
        [sys.executable, "-m", "kpiaudit", "status", str(MEASURES)],
        stdout=terminal,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    assert done.wait() == 0
    out = b"".join(chunks).decode("utf-8")
    assert re.search(r"^chapter +title", out, re.M) and "\x1b[" not in out


def rows(args: list[str], capsys) -> list[dict]:
    return as_json(["due", str(MEASURES), *args], capsys)


def test_due_before_2025_03(capsys) -> None:
    got = rows(["--before", "2025-03", "--today", "2024-06-01"], capsys)
    dates = [r["deadline"] for r in got]
    assert dates == sorted(dates) and max(dates) < "2025-03-01"
    assert {"measure", "kpi", "chapter", "deadline", "deadline_text", "target", "overdue"} <= set(
        got[0]
    )
    e1 = [r for r in got if r["kpi"] == "1-7.E1"]
    assert e1 == []  # due 2025-03-31: not before March 2025
    assert any(
        r["kpi"] == "6-37.P1" and r["deadline"] == "2023-03-31" and r["overdue"] for r in got
    )


@pytest.mark.parametrize(
    ("before", "last_allowed", "first_excluded"),
    [
        ("2025", "2024-12-31", "2025-01-01"),
        ("2025-03", "2025-02-28", "2025-03-01"),
        ("令和6年度", "2024-03-31", "2024-04-01"),  # fiscal year starts 1 April
        ("令和7年3月", "2025-02-28", "2025-03-31"),
        ("平成31年", "2018-12-31", "2019-01-01"),
    ],
)
def test_due_before_boundaries(before: str, last_allowed: str, first_excluded: str, capsys) -> None:
    got = [r["deadline"] for r in rows(["--before", before], capsys)]
    assert all(d <= last_allowed for d in got)
    assert first_excluded not in got


@pytest.mark.parametrize(
    "by", ["令和6年度末", "令和6年度", "R6年度", "FY2024", "2025-03", "令和7年3月末"]
)
def test_due_by_includes_the_end_of_its_period(by: str, capsys) -> None:
    """--by is inclusive: 令和6年度末 (the fiscal year's last day) is in (issue 10.14)."""
    got = [r["deadline"] for r in rows(["--by", by], capsys)]
    assert "2025-03-31" in got and max(got) == "2025-03-31"


def test_due_before_fiscal_year_end_is_before_its_last_day(capsys) -> None:
    got = [r["deadline"] for r in rows(["--before", "令和6年度末"], capsys)]
    assert "2025-03-31" not in got and max(got) == "2024-03-31"


def test_due_after_is_inclusive_and_fiscal_year_end(capsys) -> None:
    got = [r["deadline"] for r in rows(["--after", "2025-03-31", "--before", "2025-04"], capsys)]
    assert got and set(got) == {"2025-03-31"}  # 令和6年度末 lands on 31 March
    got = rows(["--after", "令和6年度", "--before", "令和7年度"], capsys)
    assert {r["deadline"] for r in got} <= {
        f"2024-{m:02d}-{d:02d}" for m in range(4, 13) for d in range(1, 32)
    } | {f"2025-{m:02d}-{d:02d}" for m in range(1, 4) for d in range(1, 32)}


def test_due_overdue_kind_chapter_recurring(capsys) -> None:
    over = rows(["--overdue", "--today", "2023-04-01"], capsys)
    assert over and all(r["overdue"] for r in over)
    assert all(r["deadline"] < "2023-04-01" for r in over if not r["recurring"])
    # recurring: overdue for the fiscal year that has just ended (FY2022, to 2023-03-31)
    assert {r["fiscal_year"] for r in over if r["recurring"]} == {2022}
    outcome = rows(["--kind", "outcome", "--chapter", "Ⅸ"], capsys)
    assert outcome and all(r["kpi"].startswith("9-") and ".E" in r["kpi"] for r in outcome)
    for word in ("効果", "E", "Outcome"):  # the plan's own word, the id letter (issue 10.15)
        assert rows(["--kind", word, "--chapter", "Ⅸ"], capsys) == outcome
    progress = rows(["--kind", "進捗"], capsys)
    assert progress and all(".P" in r["kpi"] for r in progress)
    assert not [r for r in rows([], capsys) if r["deadline"] is None]
    rec = [r for r in rows(["--include-recurring"], capsys) if r["deadline"] is None]
    assert {r["kpi"] for r in rec} >= {"10-10.P1", "3-4.P1"}


@pytest.mark.parametrize(
    "args",
    [
        ["--before", "soon"],
        ["--after", "2025-13"],
        ["--today", "tomorrow"],
        ["--kind", "impact"],
        ["--chapter", "0"],
        ["--chapter", "11"],  # no such chapter, as status says (issue 10.15)
        ["-c", "11", "--kind", "効果"],
        ["--before", "令和5年度（2024年度）"],
        ["--format", "xml"],
    ],
)
def test_due_bad_arguments(args: list[str], capsys) -> None:
    code, _, err = run(["due", str(MEASURES), *args], capsys)
    assert code == 2 and err.startswith("kpiaudit: error:")


def test_due_formats(capsys) -> None:
    code, out, _ = run(["due", str(MEASURES), "--before", "2023", "--format", "csv"], capsys)
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == [
        "deadline",
        "type",
        "measure",
        "KPI",
        "target",
        "wording",
        "state",
        "overdue",
    ]
    code, out, _ = run(["due", str(MEASURES), "--before", "2023", "--format", "markdown"], capsys)
    assert "| deadline" in out
    code, out, _ = run(["due", str(MEASURES), "--before", "2023", "--format", "plain"], capsys)
    assert code == 0
    assert "令和４年（2022年）夏を目途" in out


def test_due_tells_a_promise_to_set_a_kpi_from_a_target(capsys) -> None:
    """9-31.E1 says 検討中：今夏を目途に設定予定: the date it is to be *set* by (issue 10.3)."""
    every = rows(["--today", "2024-01-01"], capsys)
    e1 = [r for r in every if r["kpi"] == "9-31.E1"]
    assert e1 == [
        {
            "deadline": "2022-08-31",
            "type": "set-by",
            "measure": "9-31",
            "kpi": "9-31.E1",
            "chapter": 9,
            "kind": "outcome",
            "target": "",
            "deadline_text": "今夏を目途",
            "recurring": False,
            "fiscal_year": None,
            "overdue": True,  # a promise that has passed
            "state": "missed",
        }
    ]
    assert {r["type"] for r in every} == {"target", "set-by"}
    promises = rows(["--type", "set-by"], capsys)
    assert {r["kpi"] for r in promises} == {
        "4-6.E1",
        "4-10.P1",
        "4-23.E1",
        "6-28.E1",
        "6-29.E1",
        "9-31.E1",
    }
    targets = rows(["--type", "target"], capsys)
    assert len(targets) + len(promises) == len(every)
    assert not {r["kpi"] for r in targets} & {r["kpi"] for r in promises}
    code, out, _ = run(["due", str(MEASURES), "--type", "set-by", "-f", "plain"], capsys)
    assert code == 0 and "set-by" in out and "今夏を目途" in out
    code, _, err = run(["due", str(MEASURES), "--type", "promise"], capsys)
    assert code == 2 and "--type" in err


def test_readme_commands_run_on_the_bundled_measures() -> None:
    for args in (["status"], ["status", "--chapter", "6"], ["due", "--before", "2025-03"]):
        done = subprocess.run(
            [sys.executable, "-m", "kpiaudit", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
