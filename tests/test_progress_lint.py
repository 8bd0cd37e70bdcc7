"""K301–K305 through lint: the rules that depend on the day follow --today, and they run in a
step of their own after the per-file check, whose result stays a function of the file alone."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from kpiaudit.audit import check_file
from kpiaudit.audit.dated import dated_findings
from kpiaudit.cli import main
from kpiaudit.load import load_path
from kpiaudit.rules import CheckContext

from .conftest import MEASURES

# 1-7.E2 of the 2022 plan (95 ％ by 2024-03-31) with one actual measured for 令和6年度.
ACTUAL = """\
    actuals:
      - period: 令和6年度
        as_of: '2025-03-31'
        value: 98.1
        unit: {unit}
        source: {source}
"""


def plan(tmp_path: Path, unit: str = "％", source: str = "総務省") -> Path:
    d = tmp_path / "plan"
    d.mkdir()
    shutil.copy(MEASURES / "plan.yaml", d)
    text = (MEASURES / "01-07.yaml").read_text(encoding="utf-8")
    (d / "01-07.yaml").write_text(text + ACTUAL.format(unit=unit, source=source), "utf-8")
    return d


def found(args: list[str], capsys) -> list[tuple[str, str | None, int]]:
    code = main(["lint", *args, "--select", "K3", "-f", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return [(f["code"], f["kpi"], f["line"]) for f in json.loads(out)]


def test_an_actual_is_in_the_future_until_its_period_has_ended(tmp_path: Path, capsys) -> None:
    d = str(plan(tmp_path))
    assert ("K302", "1-7.E2", 63) in found([d, "--today", "2025-03-30"], capsys)
    assert "K302" not in [c for c, _, _ in found([d, "--today", "2025-03-31"], capsys)]


def test_no_actual_a_year_after_the_deadline(tmp_path: Path, capsys) -> None:
    """1-7.E1 is due 2025-03-31 (99.85 ％) and 2028-03-31 (99.90 ％); nothing recorded."""
    d = str(plan(tmp_path))
    assert ("K304", "1-7.E1") not in [
        (c, k) for c, k, _ in found([d, "--today", "2026-03-31"], capsys)
    ]
    late = found([d, "--today", "2026-04-01"], capsys)
    assert [(c, k, line) for c, k, line in late if k == "1-7.E1"] == [("K304", "1-7.E1", 35)]
    # 1-7.E2 has an actual in its unit: not K304, whatever the day.
    assert ("K304", "1-7.E2") not in [(c, k) for c, k, _ in late]


def test_unit_and_source(tmp_path: Path, capsys) -> None:
    d = str(plan(tmp_path, unit="局", source="'-'"))
    got = found([d, "--today", "2026-11-27"], capsys)
    assert ("K301", "1-7.E2", 65) in got and ("K303", "1-7.E2", 66) in got


def test_the_dated_rules_are_not_in_the_per_file_result(tmp_path: Path) -> None:
    """check_file's result may be cached per file: it must not hold K302 or K304, which change
    with the day. The dated step adds them from that result alone."""
    d = plan(tmp_path)
    loaded = load_path(d / "01-07.yaml")
    result = check_file(loaded, CheckContext(loaded.path, date(2022, 6, 7), None))
    assert not [f for f in result.findings if f.code in ("K302", "K304")]
    dated = dated_findings(result, date(2024, 1, 1), date(2022, 6, 7))
    assert {f.code for f in dated} == {"K302"}
    assert [f.line for f in dated if f.code == "K302"] == [63]


@pytest.mark.parametrize("today", ["tomorrow", "2026-13-01"])
def test_a_bad_today_is_a_usage_error(today: str, capsys) -> None:
    assert main(["lint", str(MEASURES), "--today", today]) == 2
    assert "--today" in capsys.readouterr().err


HOSTILE = """\
    actuals:
      - {period: 令和6年度, as_of: '9999-12-31', value: 1e14, unit: ％, source: x}
      - {period: 令和6年度, as_of: '9999-03-31', value: -1e15, unit: ％, source: y}
      - {period: 元年, as_of: '0001-01-01', achieved: false, source: z}
    rs:
      - {project: '1', indicator: '1', year: '2024', direction: down,
         targets: [{fiscal_year: 99999, value: 1e15, unit: ％},
                   {fiscal_year: 1900, value: 0, unit: ''}]}
"""


@pytest.mark.parametrize("today", ["0001-01-01", "2026-11-27", "9999-12-31"])
@pytest.mark.parametrize(
    "command", [["lint"], ["progress", "-f", "json"], ["status"], ["due", "--overdue"]]
)
def test_actuals_at_the_edges_of_time_are_findings_not_crashes(
    tmp_path: Path, capsys, today: str, command: list[str]
) -> None:
    d = tmp_path / "plan"
    d.mkdir()
    shutil.copy(MEASURES / "plan.yaml", d)
    (d / "01-07.yaml").write_text(
        (MEASURES / "01-07.yaml").read_text(encoding="utf-8") + HOSTILE, "utf-8"
    )
    code = main([command[0], str(d), *command[1:], "--today", today])
    _, err = capsys.readouterr()
    assert code in (0, 1) and "internal error" not in err, err
