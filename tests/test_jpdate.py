"""The normalisation table of audit-rules.md, row by row, and its boundaries."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpiaudit.jpdate import DateParseError, find_dates, parse_date

BASE = date(2022, 6, 7)


def only(text: str):
    found = find_dates(text, BASE)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("令和４年度", date(2023, 3, 31)),
        ("令和４年度末", date(2023, 3, 31)),
        ("令和４年度中", date(2023, 3, 31)),
        ("令和４年度内（2022年度）", date(2023, 3, 31)),
        ("令和４年（2022年）度内", date(2023, 3, 31)),
        ("2030年度", date(2031, 3, 31)),
        ("令和４年", date(2022, 12, 31)),
        ("令和４年末", date(2022, 12, 31)),
        ("令和４年中（2022年中）", date(2022, 12, 31)),
        ("2025年末", date(2025, 12, 31)),
        ("令和4年（2022年）3月", date(2022, 3, 31)),
        ("令和６年（2024年）２月", date(2024, 2, 29)),  # leap year
        ("令和５年（2023年）２月", date(2023, 2, 28)),
        ("令和４年（2022年）春", date(2022, 5, 31)),
        ("令和４年（2022年）夏", date(2022, 8, 31)),
        ("令和４年（2022年）秋", date(2022, 11, 30)),
        ("令和５年冬", date(2024, 2, 29)),  # the following February, leap
        ("令和４年冬", date(2023, 2, 28)),
        ("令和４年度（2022年度）上半期", date(2022, 9, 30)),
        ("令和４年度下半期", date(2023, 3, 31)),
        ("令和元年度", date(2020, 3, 31)),
        ("令和元年", date(2019, 12, 31)),
        ("平成31年（2019年）１月", date(2019, 1, 31)),
        ("平成30年度（2018年度）", date(2019, 3, 31)),
        ("昭和64年", date(1989, 12, 31)),
        ("令和十年度", date(2029, 3, 31)),
        ("令和二十年", date(2038, 12, 31)),
        ("令和３・４年度（2021・2022年度）", date(2023, 3, 31)),
        ("令和５年度末（2023年度末）", date(2024, 3, 31)),
        ("今夏", date(2022, 8, 31)),
        ("今年度", date(2023, 3, 31)),
        ("来年度", date(2024, 3, 31)),
    ],
)
def test_period_end(text: str, end: date) -> None:
    assert only(text).end == end


def test_recurring_has_no_single_date() -> None:
    d = only("毎年度末")
    assert d.granularity == "recurring" and d.end is None


@pytest.mark.parametrize(
    ("text", "mismatch"),
    [
        ("令和５年度（2024年度）", "2023"),
        ("令和元年4月", "outside the 令和 era"),  # 令和 began on 2019-05-01
        ("平成31年5月", "outside the 平成 era"),
        ("平成32年", "outside the 平成 era"),
    ],
)
def test_era_mismatch_is_reported(text: str, mismatch: str) -> None:
    assert mismatch in (only(text).mismatch or "")


def test_era_change_boundary_days_are_accepted() -> None:
    assert only("平成31年（2019年）４月").mismatch is None
    assert only("令和元年（2019年）５月").mismatch is None


def test_company_name_after_year_is_not_a_suffix() -> None:
    # 令和３年中小企業… is 令和3年 followed by 中小企業, not 令和3年中 (during the year).
    assert only("令和３年中小企業実態基本調査").text == "令和３年"


def test_relative_dates_follow_the_base_date() -> None:
    assert find_dates("今年度", date(2023, 2, 1))[0].end == date(2023, 3, 31)
    assert find_dates("今年度", date(2023, 4, 1))[0].end == date(2024, 3, 31)


@pytest.mark.parametrize(
    ("arg", "start", "end"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-03", date(2025, 3, 1), date(2025, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-03-15", date(2025, 3, 15), date(2025, 3, 15)),
        ("令和7年", date(2025, 1, 1), date(2025, 12, 31)),
        ("令和6年度", date(2024, 4, 1), date(2025, 3, 31)),
        ("令和7年3月", date(2025, 3, 1), date(2025, 3, 31)),
        ("２０２５－０３", date(2025, 3, 1), date(2025, 3, 31)),
        # What people sweeping deadlines type (issue 10.14).
        ("R7", date(2025, 1, 1), date(2025, 12, 31)),
        ("r7年度", date(2025, 4, 1), date(2026, 3, 31)),
        ("R7.3", date(2025, 3, 1), date(2025, 3, 31)),
        ("R7/3/31", date(2025, 3, 31), date(2025, 3, 31)),
        ("H31", date(2019, 1, 1), date(2019, 12, 31)),
        ("2025/03", date(2025, 3, 1), date(2025, 3, 31)),
        ("2025/3/15", date(2025, 3, 15), date(2025, 3, 15)),
        ("2025年3月", date(2025, 3, 1), date(2025, 3, 31)),
        ("FY2024", date(2024, 4, 1), date(2025, 3, 31)),
        ("2024年度", date(2024, 4, 1), date(2025, 3, 31)),
        # 末 names the period's last day.
        ("令和7年3月末", date(2025, 3, 31), date(2025, 3, 31)),
        ("令和６年度末まで", date(2025, 3, 31), date(2025, 3, 31)),
        ("令和6年度末", date(2025, 3, 31), date(2025, 3, 31)),
        ("2025年末", date(2025, 12, 31), date(2025, 12, 31)),
    ],
)
def test_parse_date_arguments(arg: str, start: date, end: date) -> None:
    d = parse_date(arg, BASE)
    assert (d.start, d.end) == (start, end)


@pytest.mark.parametrize(
    "arg",
    ["", "soon", "2025-13", "2025-02-30", "令和5年度（2024年度）", "毎年度", "2025-3-x", "R", "末"],
)
def test_parse_date_rejects_with_a_reason(arg: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(arg, BASE)
    assert str(info.value)


@given(st.text(max_size=60))
def test_find_dates_never_crashes(text: str) -> None:
    for d in find_dates(text, BASE):
        assert 0 <= d.begin <= d.stop <= len(text)
        assert d.end is None or d.start is None or d.start <= d.end


@given(
    st.text(
        alphabet="令和平成昭元年度末中内月日上下半期春夏秋冬（）()0123456789０１２３十一二・～-",
        max_size=30,
    )
)
def test_parse_date_result_or_clear_error(text: str) -> None:
    try:
        d = parse_date(text, BASE)
    except DateParseError as exc:
        assert str(exc)
    else:
        assert d.end is not None


def test_fold_remembers_short_texts_only() -> None:
    """A pull request of huge KPI texts must not pin a thousand folded copies in memory."""
    from kpiaudit import jpdate

    short, long = "令和５年度末までに１００％", "２０２５年" * 1_000
    assert jpdate.fold(short) == "令和5年度末までに100％"
    assert jpdate.fold(long) == "2025年" * 1_000
    assert jpdate._folded.cache_info().currsize >= 1
    jpdate._folded.cache_clear()
    jpdate.fold(long)
    assert jpdate._folded.cache_info().currsize == 0
    jpdate.fold(short)
    assert jpdate._folded.cache_info().currsize == 1
