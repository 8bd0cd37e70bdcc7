"""The RS system's 3-1 file, read as a stream: four rows make one indicator, cells are read
as the file writes them, and a broken file is one clear error naming the row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kpiaudit.actuals.mapping import MappingEntry
from kpiaudit.actuals.records import ActualsFileError, RowProblem
from kpiaudit.actuals.rs import RsIndicator, read_rs, rs_actuals

from .rs_fixture import HEADER, Indicator, generate, write_rs

NDB = Indicator(
    project="005585",
    number="1",
    name="NDBオープンデータの公表回数",
    unit="回",
    goal="第７回NDBオープンデータを公開する。\r\n（集計項目を追加）",
    target_year={2025: "2025"},
    target={2023: "1", 2025: "3"},
    actual={2021: "1", 2022: "-", 2023: "集計中"},
    rate={2021: "100.0"},
    activities=2,
)
USERS = Indicator(
    project="005585",
    number="2",
    name="利用者数",
    unit="千人",
    target={2024: "1,200"},
    actual={2021: "1,050", 2022: "１１２０", 2023: "1,180.5"},
    rate={2021: "87.5%", 2022: "算出不能", 2023: "98.4"},
)


def read(path: Path) -> tuple[list[RsIndicator], list[RowProblem]]:
    problems: list[RowProblem] = []
    return list(read_rs(path, problems)), problems


def test_four_rows_make_one_indicator_and_activities_are_passed_over(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [NDB, USERS])
    indicators, problems = read(path)
    assert problems == []
    assert [(i.project_id, i.number, i.row) for i in indicators] == [
        ("005585", "1", 4),  # rows 2 and 3 are activities
        ("005585", "2", 8),
    ]
    ndb = indicators[0]
    assert (ndb.review_year, ndb.name, ndb.unit, ndb.kind, ndb.term) == (
        "2024",
        "NDBオープンデータの公表回数",
        "回",
        "アウトカム",
        "短期",
    )
    assert ndb.direction == "up"
    assert ndb.data_source == "デジタル庁調べ"
    assert ndb.label == "RS 2024 005585 #1"
    assert {y: c.value for y, c in ndb.actual.items()} == {2021: 1, 2022: None, 2023: None}
    assert {y: c.row for y, c in ndb.actual.items()} == {2021: 6, 2022: 6, 2023: 6}
    assert ndb.years == [2021, 2022, 2023, 2025]


def test_a_line_break_inside_quotes_stays_in_its_field(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [NDB, USERS])
    assert path.read_bytes().count(b"\r\n") > 1 + 2 + 8  # the quoted breaks are real lines
    ndb, users = read(path)[0]
    assert ndb.goal == "第７回NDBオープンデータを公開する。\n（集計項目を追加）"
    assert users.row == 8  # rows, not lines: the breaks in quotes do not shift the count


def test_numbers_dashes_and_text_cells(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [NDB, USERS])
    ndb, users = read(path)[0]
    # 千人: values multiplied out; separators and full-width digits read
    assert {y: c.value for y, c in users.actual.items()} == {
        2021: 1_050_000,
        2022: 1_120_000,
        2023: 1_180_500,
    }
    assert users.base_unit == "人"
    # a rate is a percentage: 千 in the unit does not multiply it
    assert {y: c.value for y, c in users.rate.items()} == {2021: 87.5, 2022: None, 2023: 98.4}
    # '-' says there is nothing to report: not a problem. Text is, with its row and year.
    assert [(p.row, p.message) for p in ndb.problems] == [
        (6, "2023 3.実績値: '集計中' is not a number")
    ]
    assert [(p.row, "算出不能" in p.message) for p in users.problems] == [(11, True)]


def test_targets_carry_the_deadline_the_target_year_names(tmp_path: Path) -> None:
    other = Indicator(number="3", target_year={2024: "令和8年度"}, target={2024: "10"})
    path = write_rs(tmp_path / "3-1.csv", [NDB, other])
    ndb, third = read(path)[0]
    assert [(t.fiscal_year, t.value, t.unit, t.deadline, t.target_year) for t in ndb.targets()] == [
        (2023, 1, "回", date(2024, 3, 31), None),
        (2025, 3, "回", date(2026, 3, 31), 2025),
    ]
    assert [(t.deadline, t.target_year) for t in third.targets()] == [(date(2027, 3, 31), 2026)]


def test_missing_repeated_and_restarted_row_kinds(tmp_path: Path) -> None:
    path = write_rs(
        tmp_path / "3-1.csv",
        [
            Indicator(number="1", kinds=("1.目標年度", "2.目標値", "3.実績値")),
            Indicator(number="2", actual={2022: "5"}),
            # the same number again, straight after: a second series, not more rows of the first
            Indicator(number="2", term="長期", actual={2022: "7"}),
            Indicator(number="2", term="長期", actual={2022: "9"}),
            Indicator(
                number="4", kinds=("1.目標年度", "2.目標値", "3.実績値", "4.達成率", "5.その他")
            ),
        ],
    )
    indicators, problems = read(path)
    assert [(i.number, i.term) for i in indicators] == [
        ("1", "短期"),
        ("2", "短期"),
        ("2", "長期"),
        ("2", "長期"),
        ("4", "短期"),
    ]
    assert [p.message for p in indicators[0].problems] == ["RS 2024 0001 #1 has no 4.達成率 row"]
    assert [i.actual[2022].value for i in indicators[1:4]] == [5, 7, 9]
    assert [(p.row, "5.その他" in p.message) for p in problems] == [(21, True)]


def test_a_short_row_in_the_middle_is_reported_and_skipped(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [Indicator(number="1"), Indicator(number="2")])
    lines = path.read_bytes().split(b"\r\n")
    lines[3] = b",".join(lines[3].split(b",")[:20])  # row 4: 3.実績値 of #1, cut short
    path.write_bytes(b"\r\n".join(lines))
    indicators, problems = read(path)
    assert [(p.row, "20 columns where the header has 82" in p.message) for p in problems] == [
        (4, True)
    ]
    assert [i.number for i in indicators] == ["1", "2"]
    assert "no 3.実績値 row" in indicators[0].problems[0].message


def test_wrong_header_is_an_error_on_row_1(tmp_path: Path) -> None:
    budget = ["シート種別", "事業年度", "予算事業ID", "事業名", "予算年度", "当初予算（合計）"]
    path = write_rs(tmp_path / "2-1.csv", [Indicator()], header=budget)
    with pytest.raises(ActualsFileError) as err:
        read(path)
    assert err.value.row == 1
    assert "not an RS 3-1 file" in str(err.value)
    assert "閣議決定等の名称" in str(err.value)


def test_header_without_year_columns_is_an_error(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [], header=HEADER[:28])
    with pytest.raises(ActualsFileError, match="fiscal-year columns"):
        read(path)


def test_shift_jis_file_is_refused_at_the_header(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [NDB], encoding="cp932")
    with pytest.raises(ActualsFileError) as err:
        read(path)
    assert err.value.row == 1
    assert "Shift_JIS" in str(err.value)


def test_a_bad_byte_deep_in_the_file_is_reported_at_its_row(tmp_path: Path) -> None:
    """Far past the first 8 KiB the text layer decodes at once: the row is still exact."""
    path = write_rs(tmp_path / "3-1.csv", generate(300, seed=1))
    target = list(read_rs(path))[250]
    raw = path.read_bytes()
    at = raw.index(target.name.encode())
    path.write_bytes(raw[:at] + b"\xff" + raw[at + 1 :])
    with pytest.raises(ActualsFileError) as err:
        read(path)
    assert err.value.row == target.row > 1000
    assert "not UTF-8" in str(err.value)


def test_truncated_final_row_is_an_error_naming_it(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [NDB, USERS])
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.rindex(b"\r\n", 0, len(raw) - 2) + 200])  # last row: 200 bytes
    with pytest.raises(ActualsFileError) as err:
        read(path)
    assert err.value.row == 11
    assert "truncated" in str(err.value)


def test_truncated_inside_a_quoted_field_is_an_error(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [NDB])
    raw = path.read_bytes()
    path.write_bytes(raw[: raw.rindex("第７回".encode())])
    with pytest.raises(ActualsFileError, match="truncated"):
        read(path)


def test_the_reader_streams(tmp_path: Path) -> None:
    """The first indicator is there before the reader has seen the end of the file: it does
    not read the whole file first (and so the error at the end comes after it)."""
    path = write_rs(tmp_path / "3-1.csv", [NDB, USERS, Indicator(number="9")])
    raw = path.read_bytes()
    path.write_bytes(raw[:-300])
    indicators = read_rs(path)
    assert next(indicators).number == "1"
    assert next(indicators).number == "2"
    with pytest.raises(ActualsFileError):
        next(indicators)


def test_generated_file_reads_back_whole(tmp_path: Path) -> None:
    specs = list(generate(600, seed=3))
    path = write_rs(tmp_path / "3-1.csv", specs)
    indicators, problems = read(path)
    assert problems == []
    assert len(indicators) == len(specs)
    # str.isdigit is true for full-width digits too, which the reader reads as numbers
    text_cells = sum(1 for s in specs for v in s.actual.values() if v != "-" and not v[0].isdigit())
    reported = sum(1 for i in indicators for p in i.problems if "3.実績値" in p.message)
    assert reported == text_cells > 0
    for spec, ind in zip(specs, indicators, strict=True):
        assert (ind.project_id, ind.number, ind.project_name) == (
            spec.project,
            spec.number,
            spec.project_name,
        )
        assert set(ind.actual) == set(spec.actual)


# ---------------------------------------------------------------------------------------------
# Mapped indicators → actuals


def entry(project: str, number: str, kpi: str, line: int = 1, **kw: str) -> MappingEntry:
    return MappingEntry(project, number, kpi, "map.yaml", line, kw.get("kind"), kw.get("term"))


def test_mapped_actuals_become_rows_of_their_kpi(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [NDB, USERS])
    rows, problems = rs_actuals(read_rs(path), [entry("005585", "2", "6-4.E2")])
    assert [(r.kpi, r.period, r.as_of, r.value, r.unit) for r in rows] == [
        ("6-4.E2", "令和3年度", date(2022, 3, 31), 1_050_000, "人"),
        ("6-4.E2", "令和4年度", date(2023, 3, 31), 1_120_000, "人"),
        ("6-4.E2", "令和5年度", date(2024, 3, 31), 1_180_500, "人"),
    ]
    assert rows[0].source == "RS 2024 005585 #2（デジタル庁調べ）"
    assert rows[0].note == "RS 達成率 87.5%"
    assert rows[0].row == 10 and rows[0].source_file == path.as_posix()
    # the unmapped indicator's text cell is not this import's business; the mapped one's is
    assert [(p.row, "算出不能" in p.message) for p in problems] == [(11, True)]


def test_mapping_problems_are_reported_not_guessed(tmp_path: Path) -> None:
    short = Indicator(project="7", number="1", term="短期", actual={2023: "5"})
    long = Indicator(project="7", number="1", term="長期", actual={2023: "8"})
    qualitative = Indicator(
        project="8", number="1", goal_type="定性的", unit="-", qualitative_result="進んだ"
    )
    path = write_rs(tmp_path / "3-1.csv", [short, long, qualitative])
    mapping = [
        entry("7", "1", "1-7.E1", line=1),  # two series: which?
        entry("9", "1", "1-7.E2", line=2),  # no such indicator
        entry("8", "1", "1-7.P1", line=3),  # nothing to import
    ]
    rows, problems = rs_actuals(read_rs(path), mapping)
    assert rows == []
    assert [(p.source_file, p.row) for p in problems] == [
        ("map.yaml", 1),
        ("map.yaml", 2),
        (path.as_posix(), 10),
    ]
    assert "add term: or kind:" in problems[0].message
    assert "短期" in problems[0].message and "長期" in problems[0].message
    assert "no indicator 9 #1" in problems[1].message
    assert "qualitative" in problems[2].message
    rows, problems = rs_actuals(read_rs(path), [entry("7", "1", "1-7.E1", term="長期")])
    assert [(r.value, r.source) for r in rows] == [(8, "RS 2024 7 #1 長期（デジタル庁調べ）")]
    assert problems == []


def test_an_indicator_claimed_twice_is_reported(tmp_path: Path) -> None:
    path = write_rs(tmp_path / "3-1.csv", [Indicator(project="7", term="長期", actual={2023: "1"})])
    mapping = [entry("7", "1", "1-7.E1", line=1), entry("7", "1", "1-7.E2", line=4, term="長期")]
    rows, problems = rs_actuals(read_rs(path), mapping)
    assert rows == []
    assert "lines 1, 4" in problems[0].message
