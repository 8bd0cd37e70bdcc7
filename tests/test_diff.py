"""kpiaudit diff between directories: every change of a revision with its type and refs and
nothing else, values and lines, compliance, the gate, the formats, hostile input."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from rich.cells import cell_len

from kpiaudit.cli import main
from kpiaudit.diff.ranking import target_change
from kpiaudit.model import Kpi, Milestone, RsLink, Target

from .conftest import MEASURES
from .revision import Expected, make_revision

REQUIRED = {"change", "old", "new", "measure", "before", "after", "score"}


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def changes(args: list[str], capsys, code: int = 0) -> list[dict]:
    got, out, err = run(["diff", *args, "--format", "json"], capsys)
    assert got == code, err
    return json.loads(out)


def triples(items: list[dict]) -> set[tuple[str, str | None, str | None]]:
    return {(c["change"], c["old"], c["new"]) for c in items if c["change"] != "compliance-changed"}


@pytest.fixture(scope="module")
def revision(tmp_path_factory) -> tuple[Path, Expected]:
    d = tmp_path_factory.mktemp("revision") / "measures"
    return d, make_revision(d)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    d = tmp_path / "new"
    shutil.copytree(MEASURES, d)
    return d


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_every_change_of_a_revision_is_found_and_nothing_else(revision, capsys) -> None:
    new, expected = revision
    items = changes([str(MEASURES), str(new)], capsys)
    assert triples(items) == expected
    assert len([c for c in items if c["change"] != "compliance-changed"]) == len(expected)
    for c in items:
        assert set(c) >= REQUIRED


def test_values_are_what_each_side_says(revision, capsys) -> None:
    new, _ = revision
    by = {
        (c["change"], c["new"] or c["old"]): c for c in changes([str(MEASURES), str(new)], capsys)
    }
    slip = by["deadline-slipped", "1-7.E1"]
    assert (slip["before_value"], slip["after_value"], slip["milestone"]) == (
        "2025-03-31",
        "2026-03-31",
        1,
    )
    assert "令和７年度" in slip["after"] and slip["gated"] is False
    raised = by["target-raised", "1-7.E1"]
    assert (raised["before"], raised["after"], raised["milestone"]) == ("99.90％", "99.95％", 2)
    lowered = by["target-lowered", "6-42.E1"]  # 解消 (0) → 10以下: a downward target, lowered
    assert lowered["before_value"]["value"] == 0 and lowered["after_value"]["value"] == 10
    moved = by["measure-renumbered", "7-6"]
    assert moved["score"] == 1.0 and moved["after_value"] == {"chapter": 7}
    assert by["kpi-renumbered", "1-7.P1"]["score"] == 1.0
    assert by["deadline-slipped", "1-7.E1"]["score"] is None  # paired by id, not by text
    assert by["text-changed", "8-2"]["field"] == "title"


def test_each_change_points_at_its_line_in_new(revision, capsys) -> None:
    new, _ = revision
    lines = (new / "01-07.yaml").read_text(encoding="utf-8").splitlines()
    by = {
        c["change"]: c for c in changes([str(MEASURES), str(new)], capsys) if c["new"] == "1-7.E1"
    }
    slip, raised = by["deadline-slipped"], by["target-raised"]
    assert slip["path"] == (new / "01-07.yaml").as_posix()
    assert lines[slip["line"] - 1].strip() == "date: '2026-03-31'"
    assert "99.95" in "\n".join(lines[raised["line"] - 1 : raised["line"] + 3])


def test_compliance_per_chapter_is_what_status_counts_on_each_side(revision, capsys) -> None:
    new, _ = revision
    rows = [
        c for c in changes([str(MEASURES), str(new)], capsys) if c["change"] == "compliance-changed"
    ]
    old_status = json.loads(run(["status", str(MEASURES), "-f", "json"], capsys)[1])
    new_status = json.loads(run(["status", str(new), "-f", "json"], capsys)[1])

    def chapter(doc: dict, n: int | None) -> tuple[int, int]:
        row = doc["total"] if n is None else next(c for c in doc["chapters"] if c["chapter"] == n)
        return row["kpis"], row["compliant"]

    assert {r["chapter"] for r in rows} >= {3, 6, 7, None}  # a measure left 3, one moved 6 → 7
    for r in rows:
        assert (r["before"]["kpis"], r["before"]["compliant"]) == chapter(old_status, r["chapter"])
        assert (r["after"]["kpis"], r["after"]["compliant"]) == chapter(new_status, r["chapter"])


def test_the_plan_against_itself_reports_nothing(capsys) -> None:
    assert changes([str(MEASURES), str(MEASURES)], capsys) == []
    every = ",".join(
        [
            "deadline-slipped,target-lowered,kpi-removed,became-unset,measure-removed",
            "text-changed,unit-changed,kind-changed,measure-renumbered,kpi-renumbered",
        ]
    )
    code, out, _ = run(["diff", str(MEASURES), str(MEASURES), "--fail-on", every], capsys)
    assert code == 0 and "no changes" in out and "nothing fails" in out


def test_punctuation_width_and_whitespace_edits_are_no_change(copy: Path, capsys) -> None:
    edit(copy / "05-06.yaml", "（令和６年度（2024年度）中））", "( 令和6年度 (2024年度) 中 ) )")
    edit(copy / "05-06.yaml", "継続利用\n", "継続利用。\n")
    edit(
        copy / "01-07.yaml",
        "99.85％（未整備世帯約９万世帯）、",
        "９９．８５％（未整備世帯 約9万世帯），",
    )
    assert changes([str(MEASURES), str(copy)], capsys) == []


def test_a_milestone_inserted_in_front_moves_no_other(copy: Path, capsys) -> None:
    f = copy / "01-07.yaml"
    edit(f, "末までに99.85％", "末までに99.85％、令和５年度（2023年度）末までに99.80％")
    edit(
        f,
        "    milestones:\n      - target:\n          value: 99.85\n",
        "    milestones:\n      - target: {value: 99.8, unit: ％, comparison: '=', text: 99.80％}\n"
        "        deadline: {date: '2024-03-31', recurring: false,\n"
        "                   text: 令和５年度（2023年度）末までに}\n"
        "      - target:\n          value: 99.85\n",
    )
    got = changes([str(MEASURES), str(copy)], capsys)
    assert {(c["change"], c["milestone"]) for c in got} == {
        ("text-changed", None),
        ("target-raised", 1),
        ("deadline-added", 1),
    }


def _kpi(target: Target, text: str | None = None, rs: str | None = None) -> Kpi:
    """A KPI stating ``target`` (its text, unless ``text``), which the RS system may call
    上向き or 下向き (``rs``)."""
    link = [RsLink("0001", "1", "2024", direction=rs)] if rs else []  # type: ignore[arg-type]
    milestone = Milestone(target, None)
    return Kpi("E1", "outcome", text or target.text, "set", milestones=[milestone], rs=link)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ((70, "％", ">="), (80, "％", ">="), "target-raised"),
        ((70, "％", ">="), (60, "％", ">="), "target-lowered"),
        ((70, "％", ">="), (70, "％", ">"), "target-raised"),
        ((70, "％", ">="), (70, "％", "="), None),  # wording only
        ((10, "件", "<="), (5, "件", "<="), "target-raised"),  # a lower ceiling
        ((10, "件", "<="), (20, "件", "<"), "target-lowered"),
        ((0, "", "="), (3, "", "<="), "target-lowered"),  # ゼロ → 3以下
        ((50, "%削減", "="), (30, "%削減", "="), "target-lowered"),  # 半減 → 3割削減
        ((70, "％", ">="), (70, "%", ">="), None),  # full and half width
        ((7, "割", "="), (70, "％", "="), None),  # ７割 is 70％
        ((7, "割", "="), (80, "％", "="), "target-raised"),
        ((70, "％", ">="), (70, "人", ">="), "unit-changed"),
        ((70, "％", ">="), (5, "％", "<"), "unit-changed"),  # a floor became a ceiling
        ((None, "", "="), (80, "％", "="), "unit-changed"),  # 1人1台 → 80％
        ((None, "", "="), (None, "", "="), "unit-changed"),  # 1人1台 → 全産業平均まで
    ],
)
def test_targets_are_ranked_by_their_direction(old, new, expected) -> None:
    a = Target(old[0], old[1], old[2], "old")
    b = Target(new[0], new[1], new[2], "new")
    assert target_change(a, b, _kpi(a), _kpi(b)) == expected


def test_reductions_compare_in_one_unit_and_the_rs_direction_counts() -> None:
    """半減 is read as 50 ％削減 and ３割削減 as 3 割 (with 削減 after it): the same scale, so
    halving becoming a 30 % cut is a lowered target; a bigger cut is a raised one. A plain
    level that the RS system calls 下向き (改善の下向き) is ranked downward, as progress is."""
    halve = Target(50, "%削減", "=", "半減")
    cut3 = Target(3, "割", "=", "３割")
    cut4 = Target(4, "割", "=", "４割")
    halving = _kpi(halve, "検挙件数（令和９年度までに半減）")
    cut_kpi = _kpi(cut3, "運用コスト３割削減（令和７年度）")
    cut4_kpi = _kpi(cut4, "運用コスト４割削減（令和７年度）")
    assert target_change(halve, cut3, halving, cut_kpi) == "target-lowered"
    assert target_change(cut3, halve, cut_kpi, halving) == "target-raised"
    assert target_change(cut3, cut4, cut_kpi, cut4_kpi) == "target-raised"
    wait30, wait20 = Target(30, "分", "=", "30分"), Target(20, "分", "=", "20分")
    assert target_change(wait30, wait20, _kpi(wait30), _kpi(wait20)) == "target-lowered"
    down30, down20 = _kpi(wait30, rs="down"), _kpi(wait20, rs="down")
    assert target_change(wait30, wait20, down30, down20) == "target-raised"


def test_fail_on_exits_1_for_a_gated_change_and_0_otherwise(revision, capsys) -> None:
    new, _ = revision
    args = ["diff", str(MEASURES), str(new)]
    code, out, _ = run([*args, "--fail-on", "deadline-slipped,became-unset"], capsys)
    assert code == 1 and "2 changes fail --fail-on" in out
    assert re.search(r"deadline-slipped 1-7\.E1: .*\[fails --fail-on\]", out)
    assert run([*args, "--fail-on", "kpi-renumbered", "--fail-on", "unit-changed"], capsys)[0] == 1
    assert run(["diff", str(MEASURES), str(MEASURES), "--fail-on", "kpi-added"], capsys)[0] == 0


def test_unknown_change_type_or_format_is_a_usage_error(capsys) -> None:
    code, _, err = run(["diff", str(MEASURES), str(MEASURES), "--fail-on", "deadline-slip"], capsys)
    assert code == 2 and "deadline-slip" in err and "deadline-slipped" in err
    code, _, err = run(["diff", str(MEASURES), str(MEASURES), "-f", "sarif"], capsys)
    assert code == 2 and "sarif" in err


def test_slip_ok_with_a_reason_turns_a_gated_change_into_a_notice(copy: Path, capsys) -> None:
    f = copy / "01-07.yaml"
    edit(f, "date: '2025-03-31'", "date: '2026-03-31'")
    args = ["diff", str(MEASURES), str(copy), "--fail-on", "deadline-slipped"]
    edit(f, "  - id: E1\n", "  - id: E1  # kpiaudit: slip-ok\n")
    code, out, _ = run(args, capsys)
    assert code == 1 and "without a reason does not count" in out
    edit(f, "# kpiaudit: slip-ok\n", "# kpiaudit: slip-ok 予算の繰越（令和5年度補正）\n")
    code, out, _ = run(args, capsys)
    assert code == 0 and "slip-ok: 予算の繰越（令和5年度補正）" in out
    assert "nothing fails --fail-on; 1 justified by slip-ok" in out
    # On another KPI's lines it justifies nothing.
    edit(f, "  - id: E1  # kpiaudit: slip-ok 予算", "  - id: E1\n  # kpiaudit: slip-ok 予算")
    edit(f, "  - id: E1\n  # kpiaudit", "  - id: E1\n    # kpiaudit")  # still E1's lines
    assert run(args, capsys)[0] == 0
    edit(f, "  - id: E2\n", "  - id: E2  # kpiaudit: slip-ok 別のKPI\n")
    edit(f, "    # kpiaudit: slip-ok 予算の繰越（令和5年度補正）\n", "")
    assert run(args, capsys)[0] == 1


def test_markdown_counts_first_then_a_table_per_type_escaped(copy: Path, capsys) -> None:
    edit(copy / "08-02.yaml", "title: 地域企業のDX推進", 'title: "A|B \\e[31m <img src=x> @team"')
    edit(copy / "01-07.yaml", "date: '2025-03-31'", "date: '2026-03-31'")
    code, out, _ = run(["diff", str(MEASURES), str(copy), "-f", "markdown"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("### kpiaudit diff:") and lines[2] == "**2 changes**"
    assert out.index("| change | count |") < out.index("#### deadline-slipped (1)")
    row = next(ln for ln in lines if ln.startswith("| 8-2 | 8-2 |"))
    assert "A\\|B" in row and "\x1b" not in out and "\\\\x1b\\[31m" in row
    assert "\\<img" in row and "<img" not in out.replace("\\<img", "") and "@\u200bteam" in row
    assert row.count(" | ") == lines[lines.index(row) - 2].count(" | ")  # no extra cell


def test_github_annotations_are_escaped(tmp_path: Path, capsys) -> None:
    new = tmp_path / "50%,a:b"
    shutil.copytree(MEASURES, new)
    edit(new / "01-07.yaml", "date: '2025-03-31'", "date: '2026-03-31'")
    edit(new / "08-02.yaml", "title: 地域企業のDX推進", 'title: "100% DX\\r\\n::error::x"')
    args = ["diff", str(MEASURES), str(new), "-f", "github", "--fail-on", "deadline-slipped"]
    code, out, _ = run(args, capsys)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2 and all(re.fullmatch(r"::(notice|error) [^:]+::.+", ln) for ln in lines)
    slip = next(ln for ln in lines if ln.startswith("::error "))
    assert f"file={tmp_path.as_posix().replace(':', '%3A')}/50%25%2Ca%3Ab/01-07.yaml," in slip
    assert "title=kpiaudit diff%3A deadline-slipped::" in slip
    title = next(ln for ln in lines if "text-changed" in ln)
    assert "100%25 DX" in title and "\r" not in out and "::error::x" not in title.split("::", 2)[1]


def test_invisible_characters_are_shown_as_escapes_in_every_format(copy: Path, capsys) -> None:
    """Zero-width, soft hyphen, BOM and tag characters hide text from a reviewer as bidi
    overrides do: diff shows them as escapes, as lint and every other command does."""
    hidden = "\u200b\u00ad\ufeff\U000e0041"
    edit(copy / "08-02.yaml", "title: 地域企業のDX推進", f'title: "地域企業の{hidden}DX推進"')
    for fmt in ("text", "markdown", "github"):
        _, out, _ = run(["diff", str(MEASURES), str(copy), "-f", fmt], capsys)
        shown = out.replace("@\u200b", "@")  # markdown's own: no @mention
        assert not set(hidden) & set(shown), fmt
        assert re.search(r"u200b\\+xad\\+ufeff\\+U000e0041DX", shown), fmt


def test_text_is_plain_when_piped_and_a_table_on_a_terminal(revision, capsys, monkeypatch) -> None:
    new, _ = revision
    code, out, _ = run(["diff", str(MEASURES), str(new)], capsys)
    assert code == 0 and "\x1b" not in out and "┃" not in out
    assert re.search(
        r"^\S*/07-06\.yaml:\d+: measure-renumbered 6-45 → 7-6: .*\(score 1\.00\)$", out, re.M
    )
    # A long text shows what changed with a little context; JSON keeps the whole text.
    assert (
        "text-changed 1-8.E1: …、平均通過人員２万人以上８万人未満の路線区間のトン… → "
        "…、平均通過人員２万人以上６万人未満の路線区間のトン…\n"
    ) in out
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")  # TERM=dumb would rightly drop the colour
    monkeypatch.setenv("COLUMNS", "160")
    out = run(["diff", str(MEASURES), str(new)], capsys)[1]
    assert "┃" in out and "\x1b[" in out and "measure-renumbered" in out


def test_broken_files_are_reported_and_their_measures_left_out(copy: Path, capsys) -> None:
    (copy / "03-01.yaml").write_bytes(b"id: [3-1\n")
    (copy / "03-02.yaml").write_bytes("id: 3-2\n題: 施策\n".encode("shift_jis"))
    (copy / "09-40.yaml").write_bytes(b"\x1b]0;owned\x07: 1\n")
    code, out, err = run(["diff", str(MEASURES), str(copy)], capsys)
    assert code == 0 and "Traceback" not in err
    assert "03-01.yaml:2:1: E001" in out and "03-02.yaml:2:1: E002" in out
    assert "not compared: 3-1, 3-2, 9-40" in out and "measure-removed" not in out
    assert "\x1b" not in out and "\x07" not in out
    # With a gate, what could not be compared fails closed.
    code, out, _ = run(["diff", str(MEASURES), str(copy), "--fail-on", "kpi-removed"], capsys)
    assert code == 1 and "could not be read" in out


def test_missing_directory_or_file_side_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code, _, err = run(["diff", str(MEASURES / "01-01.yaml"), str(MEASURES)], capsys)
    assert code == 2 and "is a file" in err
    code, _, err = run(["diff", str(MEASURES), str(tmp_path / "nope")], capsys)
    assert code == 2 and "NEW" in err and "nope" in err


def test_help_teaches_forms_types_and_exit_codes(capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(["diff", "--help"], capsys)
    assert code == 0
    for word in ("REV:path", "HEAD~1", "deadline-slipped", "slip-ok", "Exit status", "--fail-on"):
        assert word in out


def test_the_terminal_table_keeps_change_types_whole_at_80_columns(
    revision, capsys, monkeypatch
) -> None:
    """On an 80-column terminal the table folded every column alike: 'target-lowe' / 'red'."""
    new, expected = revision
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")  # a terminal's table, without escapes to measure around
    monkeypatch.setenv("COLUMNS", "80")
    out = run(["diff", str(MEASURES), str(new), "--lang", "ja"], capsys)[1]
    lines = out.splitlines()
    assert "┃ 変更" in out and max(cell_len(line) for line in lines) <= 80
    cells = {cell.strip() for line in lines for cell in line.split("│")[1:2]}
    assert {change for change, _old, _new in expected} <= cells


@pytest.mark.parametrize("fmt", ["text", "markdown", "github", "json"])
def test_invisible_characters_are_shown_in_every_format(copy: Path, capsys, fmt: str) -> None:
    """diff kept its own, shorter list of characters to escape: a zero-width space, a BOM or a
    tag character in a title reached the log raw, and JSON held a raw U+2028."""
    payload = "A\u200bB\ufeffC\U000e0041D\u2028::add-mask::x"
    quoted = '"A\\u200bB\\ufeffC\\U000e0041D\\u2028::add-mask::x"'  # YAML's own escapes
    edit(copy / "08-02.yaml", "title: 地域企業のDX推進", f"title: {quoted}")
    code, out, _ = run(["diff", str(MEASURES), str(copy), "-f", fmt], capsys)
    assert code == 0
    acting = [c for c in out if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Zl")]
    assert acting == [], out
    assert not [ln for ln in out.splitlines() if ln.lstrip().startswith("::add-mask")]
    if fmt == "json":
        assert any(item.get("after") == payload for item in json.loads(out))
    else:
        assert "A\\u200bB\\ufeffC\\U000e0041D" in out.replace("\\\\", "\\")
