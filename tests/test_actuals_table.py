"""Tables of actuals kept by hand (CSV as Excel saves it, XLSX): what a person typed becomes
rows; what cannot be used is reported with its row and skipped; a file that cannot be read at
all is one clear error naming the file and the row."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from kpiaudit.actuals.records import (
    ActualsFileError,
    CellError,
    parse_achieved,
    parse_kpi_ref,
    parse_number,
    parse_period,
    read_amount,
)
from kpiaudit.actuals.table import read_table

JA_HEADER = "KPI,期間,実績値,単位,出典,備考,達成"


def write_csv(path: Path, lines: list[str], *, bom: bool = True, newline: str = "\r\n") -> Path:
    """As Excel's 'CSV UTF-8' saves a sheet: BOM, CRLF."""
    text = newline.join(lines) + newline
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


# ---------------------------------------------------------------------------------------------
# Cells


@pytest.mark.parametrize(
    ("text", "value", "suffix"),
    [
        ("1234", 1234, ""),
        ("1,234,567", 1234567, ""),
        ("１，２３４", 1234, ""),  # full-width digits and comma
        ("12.5", 12.5, ""),
        ("40万", 400_000, ""),
        ("1.15万", 11_500, ""),  # exactly, not 11499.999…
        ("1.5億", 150_000_000, ""),
        ("3千", 3_000, ""),
        ("70%", 70, "%"),
        ("99.85％", 99.85, "%"),
        ("40万人", 400_000, "人"),
        ("▲3", -3, ""),
        ("-2.5", -2.5, ""),
    ],
)
def test_numbers_are_read_as_written(text: str, value: float, suffix: str) -> None:
    number = parse_number(text)
    assert number.value == value
    assert number.suffix == suffix


@pytest.mark.parametrize(
    "text", ["", "集計中", "-", "12,34", "1億2000万", "約40万", "40万程度", "1.2.3", "1e5"]
)
def test_what_is_not_a_number_is_a_cell_error(text: str) -> None:
    with pytest.raises(CellError):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("40", "万人", (400_000, "人")),
        ("40万", "人", (400_000, "人")),
        ("40万人", "人", (400_000, "人")),
        ("70%", "", (70, "%")),
        ("70%", "％", (70, "％")),
        ("12", "百万円", (12_000_000, "円")),
        ("3", "件", (3, "件")),
    ],
)
def test_multipliers_leave_value_and_unit(value: str, unit: str, expected: tuple) -> None:
    assert read_amount(value, unit) == expected


@pytest.mark.parametrize(("value", "unit"), [("40万", "万人"), ("40人", "万人"), ("70%", "件")])
def test_value_and_unit_that_disagree_are_a_cell_error(value: str, unit: str) -> None:
    with pytest.raises(CellError):
        read_amount(value, unit)


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("令和5年度", date(2024, 3, 31)),
        ("令和５年度", date(2024, 3, 31)),
        ("令和元年度", date(2020, 3, 31)),
        ("2024年3月", date(2024, 3, 31)),
        ("2023-12-31", date(2023, 12, 31)),
        ("2023年度", date(2024, 3, 31)),
        ("R5年度", date(2024, 3, 31)),
        ("R5", date(2023, 12, 31)),  # a year, as 令和5年 and 2023 are
        ("R5.3", date(2023, 3, 31)),
        ("H30年度", date(2019, 3, 31)),
        ("FY2023", date(2024, 3, 31)),
        ("2024/3/31", date(2024, 3, 31)),  # Excel's Japanese date in a CSV
        ("2024/3", date(2024, 3, 31)),
    ],
)
def test_period_ends_where_the_audit_rules_say(text: str, end: date) -> None:
    assert parse_period(text) == end


@pytest.mark.parametrize("text", ["", "今年度", "来年度", "毎年度", "いつか", "2024-13"])
def test_unreadable_or_relative_period_is_a_cell_error(text: str) -> None:
    with pytest.raises(CellError):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("Yes", True),
        ("1", True),
        ("１", True),
        ("達成", True),
        ("○", True),
        ("FALSE", False),
        ("no", False),
        ("0", False),
        ("未達成", False),
        ("×", False),
        ("", None),
    ],
)
def test_achieved_spellings(text: str, expected: bool | None) -> None:
    assert parse_achieved(text) is expected


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("6-4.P1", "6-4.P1"),
        ("６－４．Ｐ１", "6-4.P1"),
        ("06-04.e2", "6-4.E2"),
        ("10−3.E1", "10-3.E1"),
    ],
)
def test_kpi_reference_forms(text: str, ref: str) -> None:
    assert parse_kpi_ref(text) == ref


@pytest.mark.parametrize("text", ["6-4", "6-4.X1", "P1", "6.4.P1", "0-1.P1", "6-4.P0"])
def test_malformed_kpi_reference(text: str) -> None:
    with pytest.raises(CellError):
        parse_kpi_ref(text)


# ---------------------------------------------------------------------------------------------
# CSV


def test_excel_csv_with_bom_crlf_quotes_and_japanese_headers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "actuals.csv",
        [
            JA_HEADER,
            '６－４．Ｐ１,令和5年度,"1,234",件,"厚生労働省調べ, 速報","一行目\r\n二行目",',
            "6-4.E1,2024年3月,40,万人,NDB統計,,",
            "6-4.P2,R5年度,,,白書,,達成",
        ],
    )
    rows, problems = read_table(path)
    assert problems == []
    assert [(r.row, r.kpi, r.as_of, r.value, r.unit, r.achieved) for r in rows] == [
        (2, "6-4.P1", date(2024, 3, 31), 1234, "件", None),
        (3, "6-4.E1", date(2024, 3, 31), 400_000, "人", None),
        (4, "6-4.P2", date(2024, 3, 31), None, "", True),
    ]
    assert rows[0].source == "厚生労働省調べ, 速報"
    assert rows[0].note == "一行目\n二行目"
    assert rows[0].period == "令和5年度"


def test_csv_without_bom_english_headers_lf(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        ["kpi,period,value,unit,source,note,achieved", "1-7.E1,2023-12-31,99.9,%,総務省,,"],
        bom=False,
        newline="\n",
    )
    rows, problems = read_table(path)
    assert problems == []
    assert (rows[0].kpi, rows[0].value, rows[0].unit, rows[0].source) == (
        "1-7.E1",
        99.9,
        "%",
        "総務省",
    )


def test_bad_rows_are_reported_with_their_row_and_skipped(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            JA_HEADER,
            '6-4.P1,令和5年度,10,件,調査,"備考が\r\n二行に渡る",',  # row 2, lines 2–3
            "6-4,令和5年度,10,件,調査,,",  # row 3: not a KPI reference
            "6-4.P1,いつか,10,件,調査,,",  # row 4: no period
            "6-4.P1,令和4年度,集計中,件,調査,,",  # row 5: no number
            "6-4.P1,令和3年度,10,件,,,",  # row 6: no source
            ",,,,,,",  # row 7: empty, skipped silently
            "6-4.P1,令和2年度,-,件,調査,,",  # row 8: neither value nor achieved
            "6-4.P1,令和1年度,5,件,調査,,かも",  # row 9: achieved unreadable
            "6-4.E1,令和5年度,7,件,調査,,",  # row 10: fine
        ],
    )
    rows, problems = read_table(path)
    assert [r.row for r in rows] == [2, 10]
    assert [p.row for p in problems] == [3, 4, 5, 6, 8, 9]
    by_row = {p.row: p.message for p in problems}
    assert by_row[3].startswith("KPI: '6-4' is not a KPI reference")
    assert by_row[4].startswith("期間: ")
    assert "集計中" in by_row[5]
    assert by_row[6].startswith("出典: no source")
    assert "no value" in by_row[8]
    assert "かも" in by_row[9]
    assert str(problems[0]) == f"{path.as_posix()}: row 3: {by_row[3]}"


def test_one_actual_written_twice_is_one_actual_but_a_conflict_is_neither(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            JA_HEADER,
            "6-4.P1,令和5年度,10,件,調査,,",
            "6-4.P1,令和5年度,10,件,調査,,",  # the same actual again: harmless
            "6-4.E1,令和5年度,10,件,調査,,",
            "6-4.E1,令和5年度,12,件,調査,,",  # the same key, another value
        ],
    )
    rows, problems = read_table(path)
    assert [r.row for r in rows] == [2]
    assert [p.row for p in problems] == [4, 5]
    assert "row 5" in problems[0].message and "row 4" in problems[1].message


def test_hash_columns_are_kept_for_people_and_unknown_columns_are_an_error(tmp_path: Path) -> None:
    ok = write_csv(
        tmp_path / "ok.csv", [JA_HEADER + ",# 担当", "6-4.P1,令和5年度,1,件,調査,,,山田"]
    )
    rows, problems = read_table(ok)
    assert len(rows) == 1 and problems == []
    bad = write_csv(
        tmp_path / "bad.csv", ["KPI,期間,実績値,単位名,出典", "6-4.P1,令和5年度,1,件,調査"]
    )
    with pytest.raises(ActualsFileError) as err:
        read_table(bad)
    assert str(err.value).startswith(f"{bad.as_posix()}: row 1: unknown column(s) '単位名'")


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("KPI,期間,実績値,単位", "no source column"),
        ("KPI,期間,単位,出典", "no value/achieved column"),
        ("KPI,kpi,期間,実績値,出典", "both hold kpi"),
        ("KPI\t期間\t実績値\t出典", "not comma-separated"),
    ],
)
def test_wrong_header_is_one_error_on_row_1(tmp_path: Path, header: str, says: str) -> None:
    path = write_csv(tmp_path / "a.csv", [header, "6-4.P1,令和5年度,1,調査"])
    with pytest.raises(ActualsFileError) as err:
        read_table(path)
    assert err.value.row == 1
    assert says in str(err.value)


def test_shift_jis_table_is_refused_at_the_row_that_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "sjis.csv"
    text = "kpi,period,value,source\r\n6-4.P1,2024-03,1,survey\r\n6-4.P1,令和5年度,1,調査\r\n"
    path.write_bytes(text.encode("cp932"))
    with pytest.raises(ActualsFileError) as err:
        read_table(path)
    assert err.value.row == 3
    assert "Shift_JIS" in str(err.value)


def test_truncated_table_is_an_error_not_a_shorter_table(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(f'{JA_HEADER}\r\n6-4.P1,令和5年度,1,件,調査,"備考の途中'.encode())
    with pytest.raises(ActualsFileError) as err:
        read_table(path)
    assert err.value.row == 2
    assert "truncated" in str(err.value)


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"", "empty"),
        (JA_HEADER.encode("utf-16"), "UTF-16"),
        (b"\xd0\xcf\x11\xe0" + bytes(100), ".xls"),
        (b"kpi,period\x00\x01", "binary"),
    ],
)
def test_files_that_are_not_csv(tmp_path: Path, raw: bytes, says: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(raw)
    with pytest.raises(ActualsFileError) as err:
        read_table(path)
    assert says in str(err.value)


def test_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ActualsFileError) as err:
        read_table(tmp_path / "nope.csv")
    assert "nope.csv" in str(err.value)


# ---------------------------------------------------------------------------------------------
# XLSX


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_with_japanese_headers_typed_cells_and_a_blank_row(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "実績.xlsx",
        {
            "実績": [
                ["KPI", "期間", "実績値", "単位", "出典", "備考", "達成"],
                ["6-4.P1", "令和5年度", 1234, "件", "調査", None, None],
                [],
                ["6-4.E1", datetime(2024, 3, 31), 0.7, None, "調査", None, None],
                ["6-4.P2", 2023, None, None, "白書", None, True],
                ["6-4.E2", "令和5年度", "多数", "件", "調査", None, None],
            ]
        },
    )
    workbook = openpyxl.load_workbook(path)
    workbook["実績"]["C4"].number_format = "0.0%"  # 70% as Excel stores it: 0.7
    workbook.save(path)
    rows, problems = read_table(path)
    assert [(r.row, r.kpi, r.as_of, r.value, r.unit, r.achieved) for r in rows] == [
        (2, "6-4.P1", date(2024, 3, 31), 1234, "件", None),
        (4, "6-4.E1", date(2024, 3, 31), 70, "%", None),
        (5, "6-4.P2", date(2023, 12, 31), None, "", True),
    ]
    assert [(p.row, "多数" in p.message) for p in problems] == [(6, True)]


def test_xlsx_named_sheet_and_missing_sheet(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "book.xlsx",
        {
            "表紙": [["これは表紙"]],
            "実績": [["kpi", "period", "value", "source"], ["6-4.P1", "2024-03", 5, "x"]],
        },
    )
    with pytest.raises(ActualsFileError) as err:
        read_table(path)  # the first sheet is the cover, not a table
    assert err.value.row == 1
    rows, _ = read_table(path, sheet="実績")
    assert [r.value for r in rows] == [5]
    with pytest.raises(ActualsFileError) as err:
        read_table(path, sheet="数値")
    assert "'実績'" in str(err.value)


def test_corrupt_xlsx_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"not really a zip" * 10)
    with pytest.raises(ActualsFileError) as err:
        read_table(path)
    assert "not a readable .xlsx workbook" in str(err.value)
