"""On the bundled 2022 plan: importing a table of actual values sets the states the rules
define (progress-rules.md), one test per state; status counts them; due --overdue lists what
is overdue, not what has merely passed. The values are made up for the test."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from kpiaudit.cli import main

from .conftest import MEASURES

ACTUALS = """\
kpi,period,value,unit,source,note,achieved
1-7.E2,令和5年度,98.1,％,総務省,,
1-7.E1,令和6年度,99.8,％,総務省,,
1-7.E1,令和7年9月,99.86,％,総務省,,
6-36.P1,令和4年度,4,県,水産庁,,
6-43.P1,令和5年度,"1,000,000",件,国土交通省,,
9-26.P1,令和4年9月,30,件,経済産業省,,
9-18.E1,令和7年度,2,割,総務省,運用経費の削減幅,
6-42.E1,令和5年度,0,,国土交通省,待機の解消,
6-36.E1,令和6年度,150,件,水産庁,,
6-36.E1,令和7年度,90,件,水産庁,,
10-10.P1,令和4年度,101,％,財務省,,
10-10.P1,令和5年度,99,％,財務省,,
9-18.P1,令和4年9月,,,デジタル庁,,true
9-2.P3,令和4年9月,,,デジタル庁,,true
6-4.P1,令和4年11月,,,厚生労働省,,false
"""
TODAY = "2026-11-27"


def run(*args: str) -> tuple[int, Any]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(args))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the 2022 plan whose 6-36.E1 was revised by hand to a 以下 target from a
    baseline (200件 in FY2021) and fixed, with the actuals above imported and one actual in a
    unit that is not the target's added by hand to 7-5.E4."""
    d = tmp_path_factory.mktemp("progress") / "measures"
    shutil.copytree(MEASURES, d)
    path = d / "06-36.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "（令和９年度（2027年度）までに半減）",
            "（令和３年度（2021年度） 200件、令和９年度（2027年度）までに100件以下）",
        ),
        "utf-8",
    )
    assert run("fix", str(d))[0] == 0
    table = d.parent / "actuals.csv"
    table.write_text(ACTUALS, encoding="utf-8")
    assert run("actuals", "import", str(table), str(d), "--today", TODAY)[0] == 0
    path = d / "07-05.yaml"  # 7-5.E4 (100都市程度) is the file's last KPI
    path.write_text(
        path.read_text(encoding="utf-8")
        + "    actuals:\n"
        + "      - {period: 令和4年, as_of: '2022-12-31', value: 250, unit: 団体,\n"
        + "         source: 総務省}\n",
        "utf-8",
    )
    return d


def rows(plan: Path, today: str = TODAY) -> dict[tuple[str, str | None], dict[str, Any]]:
    code, out = run("progress", str(plan), "--today", today, "-f", "json")
    assert code == 0
    return {(r["kpi"], r["deadline"]): r for r in json.loads(out)}


def test_achieved_on_or_before_the_deadline(plan: Path) -> None:
    r = rows(plan)[("1-7.E2", "2024-03-31")]
    assert (r["state"], r["grade"], r["overdue"], r["actual"]) == ("achieved", "A", False, 98.1)
    assert r["rate"] == pytest.approx(98.1 / 95 * 100, abs=0.01)


def test_achieved_late(plan: Path) -> None:
    r = rows(plan)[("1-7.E1", "2025-03-31")]
    assert (r["state"], r["grade"], r["overdue"]) == ("achieved-late", "A", False)
    assert (r["as_of"], r["actual"]) == ("2025-09-30", 99.86)


def test_missed(plan: Path) -> None:
    r = rows(plan)[("6-36.P1", "2023-03-31")]
    assert (r["state"], r["grade"], r["overdue"], r["rate"]) == ("missed", "B", True, 66.67)


def test_on_track_from_a_baseline(plan: Path) -> None:
    """6-43.P1: 約22万件 in FY2020 → 約150万件 by FY2025. As of June 2024 the FY2023 figure
    (100万件) is 61 % of the way at 60 % of the time from the baseline's date."""
    r = rows(plan, "2024-06-01")[("6-43.P1", "2026-03-31")]
    assert r["progress"] == pytest.approx((1_000_000 - 220_000) / (1_500_000 - 220_000), abs=1e-4)
    assert r["elapsed"] == pytest.approx(1096 / 1826, abs=1e-4)
    assert (r["state"], r["grade"], r["overdue"]) == ("on-track", "A", False)


def test_behind_from_a_baseline(plan: Path) -> None:
    """9-26.P1: 25件 in FY2021 → 40件 by FY2022; 30件 in September is a third of the way at
    half the time."""
    r = rows(plan, "2023-01-01")[("9-26.P1", "2023-03-31")]
    assert r["progress"] == pytest.approx(1 / 3, abs=1e-4)
    assert r["elapsed"] == pytest.approx(183 / 365, abs=1e-4)
    assert (r["state"], r["grade"]) == ("behind", "B")


def test_a_reduction_is_tracked_as_its_size(plan: Path) -> None:
    """9-18.E1: 少なくとも３割削減 by FY2026; a reduction of 2割 so far is upward progress."""
    r = rows(plan)[("9-18.E1", "2027-03-31")]
    assert (r["direction"], r["progress"]) == ("up", pytest.approx(2 / 3, abs=1e-4))
    assert (r["state"], r["grade"]) == ("behind", "B")  # 67 % of it at 79 % of the time


def test_downward_targets(plan: Path) -> None:
    """以下 (6-36.E1 as revised) and 解消 (6-42.E1: waiting ほぼ解消) are met by going down."""
    below = rows(plan)[("6-36.E1", "2028-03-31")]
    assert (below["direction"], below["state"], below["rate"]) == ("down", "achieved", 111.11)
    # From its baseline: 150件 in FY2024 is half of the way from 200 to 100 at half the time
    # from the baseline's date (2022-03-31) to the deadline (2028-03-31).
    half = rows(plan, "2025-06-01")[("6-36.E1", "2028-03-31")]
    assert (half["progress"], half["elapsed"]) == (0.5, 0.5)
    assert (half["state"], half["grade"], half["rate"]) == ("on-track", "A", 66.67)
    gone = rows(plan)[("6-42.E1", "2024-03-31")]
    assert (gone["direction"], gone["state"], gone["rate"]) == ("down", "achieved", 100.0)


def test_a_recurring_milestone_is_judged_per_fiscal_year(plan: Path) -> None:
    """10-10.P1: 毎年度末100％超. FY2022 met it, FY2023 did not; FY2024 is under way."""
    (r,) = [r for (kpi, _), r in rows(plan, "2024-11-01").items() if kpi == "10-10.P1"]
    assert (r["recurring"], r["deadline"], r["fiscal_year"]) == (True, None, 2023)
    assert (r["state"], r["overdue"], r["actual"]) == ("missed", True, 99)
    (r,) = [r for (kpi, _), r in rows(plan, "2024-03-01").items() if kpi == "10-10.P1"]
    assert (r["fiscal_year"], r["state"], r["overdue"]) == (2022, "achieved", False)


def test_binary_milestones(plan: Path) -> None:
    got = rows(plan)
    assert got[("9-2.P3", "2022-09-30")]["state"] == "achieved"  # 策定, by the deadline
    late = got[("9-18.P1", "2022-08-31")]
    assert (late["state"], late["actual"], late["target"]) == ("achieved-late", True, None)
    no = got[("6-4.P1", "2022-11-30")]
    assert (no["state"], no["grade"], no["overdue"]) == ("not-measurable", "F", True)


def test_no_data_and_a_unit_that_is_not_the_targets(plan: Path) -> None:
    got = rows(plan)
    plain = got[("1-9.E1", "2023-03-31")]
    assert (plain["state"], plain["grade"], plain["overdue"], plain["reason"]) == (
        "no-data",
        "N",
        True,
        None,
    )
    other = got[("7-5.E4", "2022-12-31")]
    assert (other["state"], other["actual"]) == ("no-data", None)
    assert "no actual in 都市" in other["reason"] and "団体" in other["reason"]


def test_k301_on_the_hand_added_actual(plan: Path, capsys) -> None:
    main(["lint", str(plan), "--select", "K3", "-f", "json", "--today", TODAY])
    found = [(f["code"], f["kpi"]) for f in json.loads(capsys.readouterr().out)]
    assert ("K301", "7-5.E4") in found
    assert not [f for f in found if f[0] in ("K302", "K303", "K305")]


def test_an_unset_kpi_is_overdue_only_on_its_promise(plan: Path) -> None:
    r = rows(plan)[("4-6.E1", "2024-03-31")]
    assert (r["type"], r["state"], r["overdue"], r["target"]) == ("set-by", "missed", True, None)


def test_progress_filters_and_table(plan: Path) -> None:
    code, out = run("progress", str(plan), "--today", TODAY, "--state", "missed", "-c", "6")
    assert code == 0 and "6-36.P1" in out and "1-7.E1" not in out
    body = out.split("\n\n")[1].splitlines()[2:]  # title, blank, header and rule, rows
    assert body and all(ln.split()[-3] == "missed" for ln in body)
    assert "7-5.E4: no actual in" not in out  # its chapter was not asked for
    code, out = run("progress", str(plan), "--today", TODAY, "-c", "7")
    assert "\n7-5.E4: no actual in 都市 (the target's unit); actuals in 団体 not compared\n" in out
    assert run("progress", str(plan), "--state", "late")[0] == 2


def test_status_counts_milestones_by_state(plan: Path) -> None:
    _, out = run("status", str(plan), "--today", TODAY, "-f", "json")
    total = json.loads(out)["total"]
    states = ("achieved", "on_track", "behind", "missed", "no_data", "not_measurable")
    assert total["milestones"] == sum(total[k] for k in states)
    _, out = run("progress", str(plan), "--today", TODAY, "-f", "json")
    judged = [r for r in json.loads(out) if r["type"] == "target"]
    assert total["milestones"] == len(judged)
    assert total["achieved"] == sum(r["state"].startswith("achieved") for r in judged)
    assert total["missed"] == sum(r["state"] == "missed" for r in judged)
    _, out = run("status", str(plan), "--today", TODAY, "-f", "plain")
    assert "Target milestones as of 2026-11-27" in out
    _, out = run("status", str(MEASURES), "-f", "plain")
    assert "Target milestones" not in out  # no actual recorded: nothing to add


def test_due_overdue_means_overdue(tmp_path: Path) -> None:
    """With no actuals every passed target milestone is overdue as no-data (an unset KPI's
    passed promise as missed), recurring ones for the last fiscal year ended (FY2025); once an
    actual meets one, it is no longer overdue. due --overdue lists what progress calls
    overdue, no more and no less."""
    d = tmp_path / "measures"
    shutil.copytree(MEASURES, d)
    code, out = run("due", str(d), "--overdue", "--today", TODAY, "-f", "json")
    before = json.loads(out)
    code, out = run("progress", str(d), "--today", TODAY, "-f", "json")
    judged = json.loads(out)
    passed = {
        (r["kpi"], r["deadline"])
        for r in judged
        if (r["deadline"] and r["deadline"] < TODAY) or (r["recurring"] and r["type"] == "target")
    }
    assert {(r["kpi"], r["deadline"]) for r in before} == passed
    assert passed == {(r["kpi"], r["deadline"]) for r in judged if r["overdue"]}
    target = [r for r in before if r["state"] != "missed"]
    assert target and {r["state"] for r in target} == {"no-data"}
    recurring = [r for r in before if r["recurring"]]
    assert len(recurring) == 14 and {r["fiscal_year"] for r in recurring} == {2025}
    assert ("10-10.P1", None) in {(r["kpi"], r["deadline"]) for r in recurring}
    assert ("1-7.E2", "2024-03-31") in {(r["kpi"], r["deadline"]) for r in before}

    code, _ = run(
        "actuals", "add", "1-7.E2", str(d), "--period", "令和5年度", "--value", "97.3",
        "--unit", "％", "--source", "総務省", "--today", TODAY,
    )  # fmt: skip
    assert code == 0
    code, out = run("due", str(d), "--overdue", "--today", TODAY, "-f", "json")
    after = {(r["kpi"], r["deadline"]) for r in json.loads(out)}
    assert after == {(r["kpi"], r["deadline"]) for r in before} - {("1-7.E2", "2024-03-31")}
    code, out = run("due", str(d), "--before", "2024-04", "--today", TODAY, "-f", "json")
    met = [r for r in json.loads(out) if r["kpi"] == "1-7.E2"]
    assert [(r["state"], r["overdue"]) for r in met] == [("achieved", False)]


def test_due_overdue_lists_a_recurring_milestone_by_the_year_judged(plan: Path) -> None:
    """10-10.P1 (毎年度末100％超): FY2023 was missed, so from 2024-04-01 it is overdue, dated
    by the end of that fiscal year for --before/--by; while FY2022 (met) is the year judged it
    is not."""

    def overdue(today: str, *more: str) -> dict[str, dict[str, Any]]:
        _, out = run("due", str(plan), "--overdue", "--today", today, "-f", "json", *more)
        return {r["kpi"]: r for r in json.loads(out) if r["recurring"]}

    row = overdue("2024-11-01")["10-10.P1"]
    assert (row["state"], row["fiscal_year"], row["deadline"]) == ("missed", 2023, None)
    assert "10-10.P1" in overdue("2024-11-01", "--by", "2024-03-31")
    assert "10-10.P1" not in overdue("2024-11-01", "--before", "2024-03-31")
    assert "10-10.P1" not in overdue("2024-03-01")
    _, out = run("due", str(plan), "--overdue", "--today", "2024-11-01")
    assert "recurring FY2023" in out


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("progress", ["計画は達成されつつあるか", "カンマ区切り"]),
        ("status", ["章ごとの適合状況：", "2つ目の表"]),
        ("due", ["達成期限ごとのマイルストーン", "期限超過のマイルストーンだけ", "定期の期限"]),
    ],
)
def test_progress_status_and_due_explain_themselves_in_japanese(
    command: str, words: list[str]
) -> None:
    code, out = run("--lang", "ja", command, "--help")
    flat = "".join(out.replace("│", "").split())  # help is wrapped in boxes
    assert code == 0 and all(w in flat for w in words), flat
    code, _ = run("--lang", "ja", "progress", "--state", "late")
    assert code == 2
