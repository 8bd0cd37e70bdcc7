"""kpiaudit actuals import / add: rows into measure files, surgically and atomically; a row
that cannot be used is reported with its file and row; importing twice changes nothing."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from kpiaudit.cli import main

from .conftest import MEASURES
from .rs_fixture import Indicator, write_rs

TODAY = ["--today", "2026-11-27"]
HEADER = "kpi,period,value,unit,source,note,achieved\n"


def copy_plan(tmp_path: Path, *names: str) -> Path:
    d = tmp_path / "plan"
    d.mkdir()
    for name in ("plan.yaml", *names):
        shutil.copy(MEASURES / name, d / name)
    return d


def table(tmp_path: Path, *rows: str, name: str = "actuals.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def only_insertions(old: str, new: str) -> list[str]:
    """The lines ``new`` adds to ``old``; fails if any line of ``old`` changed or went."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    added = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        assert tag in ("equal", "insert"), (tag, a[i1:i2], b[j1:j2])
        if tag == "insert":
            added += b[j1:j2]
    return added


HAND_EDITED = """\
# yaml-language-server: $schema=../schema/measure.schema.json
# Reviewed by the 総務省 desk, 2026-05: see ticket 12.  # with a hash
"""


@pytest.mark.parametrize(("bom", "newline"), [("", "\n"), ("\ufeff", "\r\n")])
def test_a_hand_edited_file_keeps_every_byte_through_import_and_add(
    tmp_path: Path, capsys, bom: str, newline: str
) -> None:
    d = copy_plan(tmp_path)
    text = (MEASURES / "01-07.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "# yaml-language-server: $schema=../schema/measure.schema.json\n", HAND_EDITED
    )
    text = text.replace("  - id: E2\n", "  - id: E2   # 5G: the figure is published each June\n")
    text = text.replace("    kind: outcome\n", "    kind: outcome  # 効果\n", 1)
    text = text.replace(
        "          value: 95\n", "          value: 95    # not 90: see 令和4年 revision\n"
    )
    text += "# end of file comment\n"
    original = (bom + text.replace("\n", newline)).encode("utf-8")
    (d / "01-07.yaml").write_bytes(original)
    csv = table(
        tmp_path,
        "1-7.E2,令和5年度,98.1,％,総務省「電波の利用状況調査」,illustrative,",
        '1-7.E1,令和6年度,"99,8",％,総務省,,',  # a decimal comma: reported, not imported
        "1-7.E1,令和6年度,99.8,％,総務省,,",
    )
    code, _, err = run(["actuals", "import", str(csv), str(d), *TODAY], capsys)
    assert code == 1 and "actuals.csv: row 3: value:" in err
    assert "2 imported, 0 updated, 0 unchanged, 1 skipped" in err
    after_import = (d / "01-07.yaml").read_bytes()
    assert after_import.startswith(original[:3]) and (b"\r\n" in after_import) == (
        newline == "\r\n"
    )
    added = only_insertions(original.decode("utf-8"), after_import.decode("utf-8"))
    assert all(ln.endswith(newline) for ln in added) and len(added) == 13
    assert "".join(added).count("actuals:") == 2

    code, _, err = run(
        [
            "actuals",
            "add",
            "1-7.E2",
            str(d),
            "--period",
            "令和6年度",
            "--value",
            "98.9",
            "--unit",
            "%",
            "--source",
            "総務省「電波の利用状況調査」",
            *TODAY,
        ],
        capsys,
    )
    assert code == 0, err
    after_add = (d / "01-07.yaml").read_bytes().decode("utf-8")
    assert len(only_insertions(after_import.decode("utf-8"), after_add)) == 5
    assert main(["lint", str(d), "--select", "E,K2,K3", *TODAY]) == 0


def test_importing_twice_changes_nothing_and_a_new_value_is_an_update(
    tmp_path: Path, capsys
) -> None:
    d = copy_plan(tmp_path, "01-07.yaml", "06-36.yaml")
    rows = ["1-7.E2,令和5年度,98.1,％,総務省,,", "6-36.P1,令和4年度,4,県,水産庁,,"]
    assert run(["actuals", "import", str(table(tmp_path, *rows)), str(d), *TODAY], capsys)[0] == 0
    first = {p.name: p.read_bytes() for p in d.iterdir()}
    code, out, err = run(["actuals", "import", str(table(tmp_path, *rows)), str(d), *TODAY], capsys)
    assert code == 0 and "0 imported, 0 updated, 2 unchanged, 0 skipped; 0 file(s)" in err
    assert {p.name: p.read_bytes() for p in d.iterdir()} == first
    # The same period and source with another value (a revised figure): an update, shown.
    revised = table(tmp_path, "1-7.E2,R5年度,98.4,％,総務省,,", "6-36.P1,令和4年度,4,県,水産庁,,")
    code, out, err = run(["actuals", "import", str(revised), str(d), "--diff", *TODAY], capsys)
    assert code == 0 and "0 imported, 1 updated, 1 unchanged" in err
    assert "updated: 1-7.E2 R5年度: 98.1 ％ → 98.4 ％ (総務省)" in err
    changed = [
        ln for ln in out.splitlines() if ln.startswith(("-", "+")) and ln[:3] not in ("---", "+++")
    ]
    assert changed == ["-        value: 98.1", "+        value: 98.4"]
    assert {p.name: p.read_bytes() for p in d.iterdir()} == first  # --diff writes nothing


def test_every_unusable_row_is_reported_and_the_others_imported(tmp_path: Path, capsys) -> None:
    d = copy_plan(tmp_path, "01-07.yaml", "06-04.yaml", "09-18.yaml")
    csv = table(
        tmp_path,
        "1-7.E2,令和5年度,98.1,％,総務省,,",
        "1-7.E9,令和5年度,98.1,％,総務省,,",
        "2-1.P1,令和5年度,3,件,総務省,,",
        "6-4.E1,令和5年度,1200,件,厚生労働省,,",
        "1-7.E2,令和9年度,99,％,総務省,,",
        "1-7.E2,令和4年度,3,局,総務省,,",
        "9-18.P1,令和4年9月,5,件,デジタル庁,,",
        "9-18.P1,令和4年9月,,,デジタル庁 告示,,true",
        "1-7.E2,今年度,97,％,総務省,,",
        "1-7.E2,令和3年度,93,％,,,",
    )
    code, _, err = run(["actuals", "import", str(csv), str(d), *TODAY], capsys)
    name = csv.as_posix()
    assert code == 1
    for row, why in [
        (3, "no KPI 1-7.E9"),
        (4, "no measure 2-1"),
        (5, "6-4.E1 is not set (未設定)"),
        (6, "ends 2028-03-31, after today (2026-11-27)"),
        (7, "unit '局' is not the target's (％)"),
        (8, "9-18.P1 states no numeric target: record achieved"),
        (10, "relative to today"),
        (11, "no source"),
    ]:
        assert f"{name}: row {row}: " in err and why in err, (row, why, err)
    assert "2 imported, 0 updated, 0 unchanged, 8 skipped" in err


def test_nothing_is_written_when_one_file_cannot_be(tmp_path: Path, capsys, monkeypatch) -> None:
    d = copy_plan(tmp_path, "01-07.yaml", "06-36.yaml")
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    rows = ["1-7.E2,令和5年度,98.1,％,総務省,,", "6-36.P1,令和4年度,4,県,水産庁,,"]
    calls = []

    def full_disk(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("kpiaudit.fsutil.os.fsync", full_disk)
    code, _, err = run(["actuals", "import", str(table(tmp_path, *rows)), str(d), *TODAY], capsys)
    assert code == 2 and "No space left on device; no file was changed" in err
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("kpi,period,amount,source\n", "unknown column(s) 'amount'"),
        ('kpi,period,value,unit,source\n1-7.E2,令和5年度,"98.1,％,総務省\n', "row 2"),
    ],
)
def test_a_table_that_cannot_be_read_is_one_clear_error(
    tmp_path: Path, capsys, content: str, message: str
) -> None:
    d = copy_plan(tmp_path, "01-07.yaml")
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(["actuals", "import", str(path), str(d), *TODAY], capsys)
    assert code == 2 and err.startswith("kpiaudit: error: ") and message in err
    assert "Traceback" not in err


def test_shift_jis_is_named_with_its_row(tmp_path: Path, capsys) -> None:
    d = copy_plan(tmp_path, "01-07.yaml")
    path = tmp_path / "sjis.csv"
    path.write_bytes((HEADER + "1-7.E2,令和5年度,98.1,％,総務省,,\n").encode("cp932"))
    code, _, err = run(["actuals", "import", str(path), str(d), *TODAY], capsys)
    assert code == 2 and "Shift_JIS" in err and "row 2" in err


def test_add_refuses_what_the_kpi_cannot_take(tmp_path: Path, capsys) -> None:
    d = copy_plan(tmp_path, "09-18.yaml")
    base = ["actuals", "add", "9-18.P1", str(d), "--period", "令和4年9月", *TODAY]
    code, _, err = run([*base, "--value", "5", "--unit", "件", "--source", "x"], capsys)
    assert code == 1 and "states no numeric target: record achieved" in err
    code, _, err = run([*base, "--achieved"], capsys)
    assert code == 2 and "--source is required" in err
    code, _, err = run([*base, "--source", "x"], capsys)
    assert code == 2 and "--value" in err
    code, _, err = run([*base, "--achieved", "--source", "デジタル庁"], capsys)
    assert code == 0 and "1 imported" in err
    assert "achieved: true" in (d / "09-18.yaml").read_text(encoding="utf-8")


def rs_file(tmp_path: Path, target: str = "95") -> Path:
    return write_rs(
        tmp_path / "3-1_RS_2024_効果発現経路_目標・実績.csv",
        [
            Indicator(
                project="0012345",
                number="1",
                name="5G人口カバー率",
                unit="%",
                direction="上向き",
                data_source="総務省「電波の利用状況調査」,\n各社報告",
                target_year={2023: "2023"},
                target={2022: "93", 2023: target},
                actual={2021: "93.2", 2022: "96.6", 2023: "98.1"},
                rate={2022: "103.9", 2023: "103.3"},
                activities=1,
            ),
            Indicator(project="0099999", number="2", actual={2023: "1,234"}),
        ],
    )


def test_rs_import_records_actuals_and_targets_and_lint_compares_them(
    tmp_path: Path, capsys
) -> None:
    d = copy_plan(tmp_path, "01-07.yaml")
    mapping = tmp_path / "map.yaml"
    mapping.write_text('- {project: "0012345", indicator: "1", kpi: 1-7.E2}\n', encoding="utf-8")
    args = ["actuals", "import", str(rs_file(tmp_path)), str(d), "--map", str(mapping), *TODAY]
    code, _, err = run(args, capsys)
    assert code == 0, err
    assert "3 imported" in err and "RS targets recorded for 1 KPI(s)" in err
    text = (d / "01-07.yaml").read_text(encoding="utf-8")
    assert "source: 'RS 2024 0012345 #1（総務省「電波の利用状況調査」, 各社報告）'" in text
    assert "note: RS 達成率 103.3" in text and "period: 令和5年度" in text
    assert main(["lint", str(d), "--select", "K3", *TODAY]) == 0
    code, _, err = run(args, capsys)
    assert code == 0 and "0 imported, 0 updated, 3 unchanged" in err and "RS targets" not in err
    # A later file whose target for 令和5年度 differs from the plan's 95 ％: K305, not a
    # silent overwrite of the plan.
    capsys.readouterr()
    code, _, err = run(
        ["actuals", "import", str(rs_file(tmp_path, "90")), str(d), "--map", str(mapping), *TODAY],
        capsys,
    )
    assert code == 0
    main(["lint", str(d), "--select", "K305", "-f", "json", *TODAY])
    (finding,) = json.loads(capsys.readouterr().out)
    assert finding["kpi"] == "1-7.E2"
    assert "the RS target for fiscal year 2023 is 90%, the plan's is 95％" in finding["message"]


def test_rs_import_needs_a_mapping(tmp_path: Path, capsys) -> None:
    d = copy_plan(tmp_path, "01-07.yaml")
    code, _, err = run(["actuals", "import", str(rs_file(tmp_path)), str(d)], capsys)
    assert code == 2 and "--map" in err


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("header", "row 1: not an RS 3-1 file"),
        ("truncated", "row 10: the last row has 4 of 82 columns: the file is truncated"),
        ("shift_jis", "Shift_JIS"),
    ],
)
def test_a_malformed_rs_file_is_one_clear_error_naming_the_row(
    tmp_path: Path, capsys, case: str, message: str
) -> None:
    d = copy_plan(tmp_path, "01-07.yaml")
    path = rs_file(tmp_path)
    raw = path.read_bytes()
    if case == "header":
        raw = raw.replace("予算事業ID".encode(), "事業ID".encode(), 1)
    elif case == "truncated":
        raw = raw[: raw.rstrip(b"\r\n").rfind(b"\r\n") + 40]  # the last row cut short
    else:
        raw = raw.decode("utf-8-sig").encode("cp932", errors="replace")
    path.write_bytes(raw)
    mapping = tmp_path / "map.yaml"
    mapping.write_text('- {project: "0012345", indicator: "1", kpi: 1-7.E2}\n', encoding="utf-8")
    before = (d / "01-07.yaml").read_bytes()
    code, _, err = run(
        ["actuals", "import", str(path), str(d), "--from", "rs", "--map", str(mapping)], capsys
    )
    assert code == 2 and message in err and "Traceback" not in err, err
    assert (d / "01-07.yaml").read_bytes() == before


def test_a_row_cut_short_in_the_middle_is_named_by_its_row(tmp_path: Path, capsys) -> None:
    """A malformed row of an indicator nobody mapped is still a malformed file: the import of
    the mapped one goes on, and the row is named so that it can be found."""
    d = copy_plan(tmp_path, "01-07.yaml")
    path = rs_file(tmp_path)
    lines = path.read_bytes().split(b"\r\n")
    actual = "3.実績値".encode()
    at = next(i for i, line in enumerate(lines) if b"0099999" in line and actual in line)
    lines[at] = b",".join(lines[at].split(b",")[:30])  # row at + 1: cut short
    path.write_bytes(b"\r\n".join(lines))
    mapping = tmp_path / "map.yaml"
    mapping.write_text('- {project: "0012345", indicator: "1", kpi: 1-7.E2}\n', encoding="utf-8")
    args = ["actuals", "import", str(path), str(d), "--map", str(mapping), *TODAY]
    code, _, err = run(args, capsys)
    assert code == 0, err
    assert "1 row(s) of" in err
    assert f"{path.as_posix()}: row {at + 1}: 30 columns where the header has 82" in err
    assert "3 imported" in err


def test_import_output_shows_control_characters_never_sends_them(tmp_path: Path, capsys) -> None:
    """A table's cells are quoted in the report of an import; an escape sequence in one is
    shown as \\x1b, not sent to the terminal."""
    d = copy_plan(tmp_path, "01-07.yaml")
    csv = table(
        tmp_path,
        "1-7.E2,令和5年度,98.1,％,総務省\x1b[2J,,",
        "1-7.E2,令和6年度,98,\x1b]0;title\x07局,総務省,,",
    )
    assert run(["actuals", "import", str(csv), str(d), *TODAY], capsys)[0] == 1
    newer = table(tmp_path, "1-7.E2,令和5年度,98.3,％,総務省\x1b[2J,,", name="newer.csv")
    code, _, err = run(["actuals", "import", str(newer), str(d), *TODAY], capsys)
    assert code == 0 and "1 updated" in err
    assert "\x1b" not in err and "\\x1b[2J" in err
    code, out, err = run(["actuals", "import", str(csv), str(d), "--dry-run", *TODAY], capsys)
    assert "\x1b" not in err + out and "\x07" not in err and "\\x1b]0;title\\x07" in err


def test_a_reason_shared_by_the_years_of_one_rs_row_is_said_once(tmp_path: Path, capsys) -> None:
    """Three years of actuals on one row, in a unit the KPI has no target in: one line."""
    d = copy_plan(tmp_path, "01-07.yaml")
    mapping = tmp_path / "map.yaml"
    mapping.write_text('- {project: "0099999", indicator: "2", kpi: 1-7.E2}\n', encoding="utf-8")
    path = write_rs(
        tmp_path / "3-1.csv",
        [Indicator(project="0099999", number="2", actual={2021: "1", 2022: "2", 2023: "3"})],
    )
    args = ["actuals", "import", str(path), str(d), "--map", str(mapping), *TODAY]
    code, _, err = run(args, capsys)
    assert code == 1
    assert err.count("unit '件' is not the target's") == 1, err
    assert "1 skipped" in err
