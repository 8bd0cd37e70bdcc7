"""The judgement of one milestone, as progress-rules.md defines it, on KPIs built in the test:
direction, tolerance, progress from a baseline, elapsed share, rate, recurring fiscal years,
binary milestones and the promise of an unset KPI. (tests/test_progress.py runs the same rules
through the commands on the bundled plan.)"""

from __future__ import annotations

from datetime import date

import pytest

from kpiaudit.model import (
    Actual,
    Baseline,
    Comparison,
    Deadline,
    Kpi,
    Measure,
    Milestone,
    RsLink,
    Target,
)
from kpiaudit.progress import Judgement, direction, judge_kpi

BASE = date(2022, 6, 7)
FY2025 = Deadline(date(2026, 3, 31), False, "令和７年度末までに")


def kpi(
    text: str,
    target: Target | None,
    actuals: list[Actual],
    deadline: Deadline = FY2025,
    baselines: list[Baseline] | None = None,
    **more: object,
) -> Kpi:
    return Kpi(
        "E1",
        "outcome",
        text,
        "set",
        milestones=[Milestone(target, deadline)],
        baselines=baselines or [],
        actuals=actuals,
        **more,  # type: ignore[arg-type]
    )


def judge(k: Kpi, today: date = date(2026, 11, 27)) -> Judgement:
    (j,) = judge_kpi(Measure("1-1", 1, "施策", "", [k]), k, today, BASE)
    return j


def t(value: float | None, unit: str, comparison: Comparison = "=", text: str = "") -> Target:
    return Target(value, unit, comparison, text or f"{value}{unit}")


def a(period: str, as_of: date, value: float | None = None, unit: str = "", **kw: object):
    return Actual(period, as_of, value, unit, source="統計", **kw)  # type: ignore[arg-type]


R5 = date(2024, 3, 31)
R6 = date(2025, 3, 31)
R7 = date(2026, 3, 31)
R8 = date(2027, 3, 31)


@pytest.mark.parametrize(
    ("text", "target", "way"),
    [
        ("利用率（70％）", t(70, "％"), "up"),
        ("件数（100件以上）", t(100, "件", ">="), "up"),
        ("待機児童数（100人以下）", t(100, "人", "<="), "down"),
        ("事故件数（10件未満）", t(10, "件", "<"), "down"),
        ("待ち時間のほぼ解消", t(0, "", "~", "ほぼ解消"), "down"),
        ("検挙件数の半減", t(50, "%削減", "=", "半減"), "up"),
        ("運用コスト３割削減", t(3, "割", "=", "３割"), "up"),
        ("約3,275万t/年のCO2削減", t(32750000, "t/年", "~", "約3,275万t/年"), "up"),
    ],
)
def test_direction_from_the_wording(text: str, target: Target, way: str) -> None:
    assert direction(target, kpi(text, target, [])) == way


def test_rs_direction_decides_only_where_the_wording_leaves_it_open() -> None:
    down = [RsLink("001", "1", "2024", (), "down")]
    level = t(30, "分", "=", "30分")
    assert direction(level, kpi("処理時間（30分）", level, [], rs=down)) == "down"
    at_least = t(30, "分", ">=", "30分以上")
    assert direction(at_least, kpi("処理時間（30分以上）", at_least, [], rs=down)) == "up"


@pytest.mark.parametrize(
    ("target", "value", "state"),
    [
        (t(100, "件", "<="), 100, "achieved"),  # 以下: the value itself meets it
        (t(100, "件", "<="), 101, "missed"),
        (t(100, "件", "<"), 100, "missed"),  # 未満: strictly less
        (t(100, "件", "~"), 95, "achieved"),  # 約: within 5 %
        (t(100, "件", "~"), 94.9, "missed"),
        (t(100, "件", ">"), 100, "missed"),  # 超: strictly more
        (t(100, "件", "="), 120, "achieved"),  # a level to reach: more is fine
    ],
)
def test_meeting_the_target(target: Target, value: float, state: str) -> None:
    j = judge(kpi("件数", target, [a("令和6年度", R6, value, "件")]))
    assert j.state == state and j.overdue == (state == "missed")


def test_upward_states_and_grades_over_time() -> None:
    """95％ by FY2025 (2026-03-31): met in time, met late, missed, on track, behind."""
    target = t(95, "％")

    def at(today: date, *values: tuple[date, float]) -> Judgement:
        acts = [a(str(d), d, v, "%") for d, v in values]  # % and ％ are one unit
        return judge(kpi("利用率（95％）", target, acts), today)

    assert (at(date(2025, 6, 1), (R6, 96)).state, at(date(2025, 6, 1), (R6, 96)).grade) == (
        "achieved",
        "A",
    )
    late = at(date(2026, 11, 1), (R7, 90), (date(2026, 9, 30), 95.5))
    assert (late.state, late.grade, late.overdue) == ("achieved-late", "A", False)
    missed = at(date(2026, 11, 1), (R7, 90))
    assert (missed.state, missed.grade, missed.overdue) == ("missed", "B", True)
    # Deadline ahead: progress from 0 against the share of time elapsed at the actual's date
    # (base 2022-06-07 → 2024-03-31 is 663 of 1393 days: 48 %).
    ahead = at(date(2024, 6, 1), (R5, 50))
    assert (ahead.state, ahead.grade) == ("on-track", "A")
    assert ahead.elapsed == pytest.approx(663 / 1393)
    assert ahead.progress == pytest.approx(50 / 95) and ahead.rate == pytest.approx(50 / 95 * 100)
    behind = at(date(2024, 6, 1), (R5, 40))
    assert (behind.state, behind.grade, behind.overdue) == ("behind", "B", False)


def test_progress_from_a_baseline_and_its_date() -> None:
    """22万件 in FY2020 (2021-03-31) → 約150万件 by FY2025: progress and time both start at the
    baseline."""
    base = [Baseline("令和２年度 約22万件", 220000, "件", date(2021, 3, 31))]
    target = t(1500000, "件", "~", "約150万件")

    def at(value: float) -> Judgement:
        acts = [a("令和5年度", R5, value, "件")]
        return judge(kpi("件数", target, acts, baselines=base), date(2024, 6, 1))

    on = at(1000000)
    assert on.progress == pytest.approx((1000000 - 220000) / (1500000 - 220000))
    assert on.elapsed == pytest.approx(1096 / 1826)  # three years of five
    assert on.state == "on-track"
    assert at(900000).state == "behind"  # 53 % of the way at 60 % of the time


def test_downward_progress_needs_a_baseline() -> None:
    target = t(100, "人", "<=", "100人以下")
    acts = [a("令和5年度", R5, 280, "人")]
    base = [Baseline("令和３年度 500人", 500, "人", date(2022, 3, 31))]
    with_base = judge(kpi("待機児童数", target, acts, baselines=base), date(2024, 6, 1))
    assert with_base.progress == pytest.approx(0.55) and with_base.state == "on-track"
    assert with_base.rate == pytest.approx(100 / 280 * 100)
    bare = judge(kpi("待機児童数", target, acts), date(2024, 6, 1))
    assert bare.progress is None and bare.state == "behind" and bare.grade == "B"
    assert bare.reason is not None and "without a baseline" in bare.reason.message
    # Once the deadline has passed the deadline alone decides.
    assert judge(kpi("待機児童数", target, acts)).state == "missed"


def test_a_reduction_is_the_size_of_the_reduction() -> None:
    half = t(50, "%削減", "=", "半減")
    j = judge(kpi("検挙件数（令和７年度までに半減）", half, [a("令和7年度", R7, 55, "%")]))
    assert (j.state, j.direction, j.rate) == ("achieved", "up", pytest.approx(110))


def test_a_unit_that_is_not_the_targets_is_not_compared() -> None:
    """1,800か所 and 3,000人: each milestone against actuals in its own unit."""
    k = Kpi(
        "P1",
        "progress",
        "拠点数（令和７年度末までに1,800か所、利用者3,000人）",
        "set",
        milestones=[Milestone(t(1800, "か所"), FY2025), Milestone(t(3000, "人"), FY2025)],
        actuals=[a("令和7年度", R7, 1900, "か所")],
    )
    places, people = judge_kpi(Measure("1-1", 1, "施策", "", [k]), k, date(2026, 11, 27), BASE)
    assert places.state == "achieved"
    assert (people.state, people.grade, people.overdue) == ("no-data", "N", True)
    assert people.reason is not None and "か所" in people.reason.message


def test_a_relative_target_without_a_baseline_has_no_rate() -> None:
    tenfold = t(10, "倍", ">=", "10倍以上")
    j = judge(kpi("従来比10倍以上の性能", tenfold, [a("令和7年度", R7, 12, "倍")]))
    assert (j.state, j.rate) == ("no-data", None)
    assert j.reason is not None and "relative" in j.reason.message
    base = [Baseline("従来 5TOPS/W", 5, "TOPS/W", date(2022, 3, 31))]
    resolved = judge(
        kpi("従来比10倍以上の性能", tenfold, [a("令和7年度", R7, 60, "TOPS/W")], baselines=base)
    )
    assert (resolved.state, resolved.rate) == ("achieved", pytest.approx(120))


def test_binary_milestones() -> None:
    adopt = Deadline(date(2022, 11, 30), False, "令和４年秋")

    def at(*acts: Actual) -> Judgement:
        return judge(kpi("ガイドラインの策定（令和４年秋）", None, list(acts), adopt))

    assert at().state == "no-data"  # no actual at all for this KPI
    assert at(a("令和4年9月", date(2022, 9, 30), achieved=True)).state == "achieved"
    late = at(a("令和5年3月", date(2023, 3, 31), achieved=True))
    assert (late.state, late.grade, late.overdue) == ("achieved-late", "A", False)
    no = at(a("令和4年11月", date(2022, 11, 30), achieved=False))
    assert (no.state, no.grade, no.overdue) == ("not-measurable", "F", True)


def test_a_recurring_milestone_is_judged_per_fiscal_year() -> None:
    yearly = Deadline(None, True, "毎年度末")
    target = t(100, "％", ">", "100％超")
    acts = [
        a("令和4年度", date(2023, 3, 31), 101, "％"),
        a("令和5年度", R5, 99, "％"),
        a("令和6年9月", date(2024, 9, 30), 102, "％"),  # the year under way
    ]
    j = judge(kpi("毎年度末100％超", target, acts, yearly), date(2024, 11, 1))
    assert (j.state, j.fiscal_year, j.due, j.overdue) == ("missed", 2023, R5, True)
    assert j.actual is not None and j.actual.value == 99
    later = judge(kpi("毎年度末100％超", target, acts, yearly), date(2025, 4, 1))
    assert (later.state, later.fiscal_year, later.overdue) == ("achieved", 2024, False)
    none = judge(kpi("毎年度末100％超", target, [], yearly), date(2025, 4, 1))
    assert (none.state, none.fiscal_year, none.overdue) == ("no-data", 2024, True)


def test_actuals_after_today_are_not_known_yet() -> None:
    j = judge(kpi("利用率", t(95, "％"), [a("令和7年度", R7, 99, "％")]), date(2025, 6, 1))
    assert (j.state, j.actual) == ("no-data", None)


def test_an_unset_kpi_is_judged_only_on_its_promise_to_be_set() -> None:
    k = Kpi(
        "E1",
        "outcome",
        "具体的な指標値は令和４年度までに設定",
        "unset",
        unset_reason="設定",
        set_by=Deadline(date(2023, 3, 31), False, "令和４年度までに"),
        actuals=[a("令和5年度", R5, achieved=True)],
    )

    def at(today: date) -> list[Judgement]:
        return list(judge_kpi(Measure("1-1", 1, "施策", "", [k]), k, today, BASE))

    (before,) = at(date(2023, 1, 1))
    assert (before.type, before.state, before.overdue) == ("set-by", "no-data", False)
    (after,) = at(date(2023, 4, 1))
    assert (after.type, after.state, after.grade, after.overdue) == ("set-by", "missed", "B", True)


def test_a_recurring_milestone_is_judged_on_the_last_fiscal_year_ended() -> None:
    """A figure for FY2022 does not show that FY2024's target was met: once FY2024 has
    ended with no actual the milestone is no-data and overdue, with the reason; before any
    fiscal year has ended since the plan began, the year under way is judged."""
    yearly = Deadline(None, True, "毎年度末")
    target = t(100, "％", ">", "100％超")
    old = [a("令和4年度", date(2023, 3, 31), 101, "％")]
    stale = judge(kpi("毎年度末100％超", target, old, yearly), date(2025, 4, 1))
    assert (stale.state, stale.grade, stale.fiscal_year, stale.overdue) == (
        "no-data",
        "N",
        2024,
        True,
    )
    assert stale.due == R6 and stale.actual is None
    assert stale.reason is not None and "fiscal year 2024" in stale.reason.message
    assert "fiscal year 2022" in stale.reason.message
    # FY2022 is the plan's first: until it ends, it is judged as it goes (half the year, 95 %).
    under_way = [a("令和4年9月", date(2022, 9, 30), 95, "％")]
    first = judge(kpi("毎年度末100％超", target, under_way, yearly), date(2022, 12, 1))
    assert (first.state, first.fiscal_year, first.overdue) == ("on-track", 2022, False)
    # A binary recurring milestone (年一度の公表) follows the same years.
    done = [a("令和4年度", date(2023, 3, 31), achieved=True)]
    binary = judge(kpi("年一度公表", None, done, yearly), date(2025, 4, 1))
    assert (binary.state, binary.fiscal_year, binary.overdue) == ("no-data", 2024, True)
    assert judge(kpi("年一度公表", None, done, yearly), date(2023, 4, 1)).state == "achieved"
