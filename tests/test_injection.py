"""Nothing in a measure file, or its name, acts on a terminal, a CI log or a spreadsheet
(issue 11, items 1–3): control, bidi and invisible characters are shown as escapes in every
format people read, one finding per line; data is never rich markup; CSV cells are never
formulas and a ``|`` never splits a markdown table."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from kpiaudit.cli import main

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "measures"
OSC8 = "\x1b]8;;https:evil.example\x07click\x1b]8;;\x07"  # no / : it is a file name too
FORGED = "x\n::error title=pwned::forged\n::add-mask::secret"
BIDI = "abc\u202edcba\u2066x\u2069\u200b\u2028"
MARKUP = "[/] [link=https://evil.example]click[/link] [bold red]x"
FORMULA = '=HYPERLINK("https://evil.example","x")'


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def raw_controls(text: str) -> list[str]:
    """Characters that would act (controls, format characters such as bidi overrides and
    zero-width ones, line separators, lone surrogates), apart from the newline."""
    acting = ("Cc", "Cf", "Zl", "Zp", "Cs")
    return [c for c in text if c != "\n" and unicodedata.category(c) in acting]


def commands(text: str) -> list[str]:
    """Lines a GitHub runner would read as workflow commands (it trims leading space)."""
    return [ln for ln in text.split("\n") if ln.lstrip().startswith(("::", "##["))]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A plan whose files carry payloads in what lint quotes: file names, a tag (libyaml
    percent-decodes %0A in it), a target's wording."""
    d = tmp_path / "measures"
    shutil.copytree(EXAMPLE, d)
    good = (EXAMPLE / "01-01.yaml").read_text(encoding="utf-8")
    (d / f"01-03{OSC8}.yaml").write_text(good.replace("1-1", "1-3"), encoding="utf-8")
    (d / f"01-04{FORGED}.yaml").write_text(good.replace("1-1", "1-4"), encoding="utf-8")
    (d / f"01-05{BIDI}.yaml").write_text(good.replace("1-1", "1-5"), encoding="utf-8")
    (d / "01-06.yaml").write_text(
        good.replace("1-1", "1-6").replace("title: ", "title: !x%0A::error%20title=pwned::X "),
        encoding="utf-8",
    )
    reason = json.dumps(f"未設定\x9b31m\x7f{OSC8}{FORGED}{BIDI}")
    # The text decides whether a KPI is unset, so the payload goes where a message quotes a
    # file's own words: a target's wording that the text does not state (K203).
    (d / "01-07.yaml").write_text(
        good.replace("1-1", "1-7").replace("text: 20手続}", f"text: {reason}}}", 1),
        encoding="utf-8",
    )
    return d


def test_text_shows_every_payload_escaped_one_finding_per_line(hostile: Path, capsys) -> None:
    _, data, _ = run(["lint", str(hostile), "-f", "json"], capsys)
    findings = json.loads(data)
    code, out, err = run(["lint", str(hostile)], capsys)
    assert code == 1
    assert raw_controls(out + err) == [] and commands(out) == []
    lines = out.splitlines()
    assert len(lines) == len(findings) and all(ln.startswith(str(hostile)) for ln in lines)
    assert "\\x1b]8;;https:evil.example\\x07click" in out  # shown, not acted on
    assert "\\u202e" in out and "\\x9b" in out and "\\x0a::error title=pwned" in out
    assert "tag !x\\x0a::error title=pwned::X is not allowed" in out


def test_colour_does_not_let_payloads_through(hostile: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, out, _ = run(["lint", str(hostile)], capsys)
    assert "\x1b[" in out  # our colours …
    assert "\x1b]" not in out and "\x07" not in out and "\u202e" not in out  # … nothing else
    assert "\\x1b]8;;https:evil.example" in out


def test_github_annotations_are_one_per_line_and_forge_nothing(hostile: Path, capsys) -> None:
    _, data, _ = run(["lint", str(hostile), "-f", "json"], capsys)
    _, out, _ = run(["lint", str(hostile), "-f", "github"], capsys)
    lines = out.splitlines()
    assert len(lines) == len(json.loads(data)) and raw_controls(out) == []
    assert all(
        re.match(r"::(error|warning|notice) file=[^:]*,line=\d+,col=\d+,title=", ln) for ln in lines
    ), out


def test_json_is_faithful_and_sarif_messages_are_visible(hostile: Path, capsys) -> None:
    _, data, _ = run(["lint", str(hostile), "-f", "json"], capsys)
    assert raw_controls(data) == []  # escaped the JSON way …
    paths = {Path(f["path"]).name for f in json.loads(data)}
    assert f"01-03{OSC8}.yaml" in paths and f"01-05{BIDI}.yaml" in paths  # … and faithful
    _, sarif, _ = run(["lint", str(hostile), "-f", "sarif"], capsys)
    assert raw_controls(sarif) == []
    texts = [r["message"]["text"] for r in json.loads(sarif)["runs"][0]["results"]]
    assert all(raw_controls(t) == [] for t in texts)
    assert any("\\x1b]8;;" in t for t in texts)


PLAN = f"""\
title: "::add-mask::secret {MARKUP} {BIDI}"
base_date: '2022-06-07'
chapters:
  - number: 1
    title: "{MARKUP}"
"""


@pytest.fixture
def titled(tmp_path: Path) -> Path:
    """A plan whose titles and wordings are payloads: status and due show them in tables."""
    d = tmp_path / "measures"
    d.mkdir()
    (d / "plan.yaml").write_text(PLAN, encoding="utf-8")
    good = (EXAMPLE / "01-01.yaml").read_text(encoding="utf-8")
    titles = [MARKUP, FORMULA, "a | b | c", OSC8, "-2+3", "@SUM(A1)", FORGED]
    for n, title in enumerate(titles, 1):
        text = (
            good.replace("1-1", f"1-{n}")
            .replace("title: 住民票の写しのオンライン申請", f"title: {json.dumps(title)}")
            .replace("text: 20手続}", f"text: {json.dumps(title)}}}")  # due's target column
        )
        (d / f"01-0{n}.yaml").write_text(text, encoding="utf-8")
    return d


@pytest.mark.parametrize("command", [["status"], ["status", "--chapter", "1"], ["due"]])
def test_titles_are_never_rich_markup(titled: Path, capsys, monkeypatch, command) -> None:
    """A title holding [/] crashed status and due on a terminal (MarkupError, exit 2)."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, err = run([*command, str(titled), "-f", "table"], capsys)
    assert code == 0, err
    assert "\x1b]8;" not in out and raw_controls(out.replace("\x1b[", "")) == []
    if command[-1] == "1":
        assert "[link=https://evil.example]click[/link]" in out.replace("\n", "")


@pytest.mark.parametrize("fmt", ["plain", "markdown", "github", "table"])
def test_tables_show_payloads_escaped(titled: Path, capsys, fmt: str) -> None:
    for command in (["status"], ["status", "--chapter", "1"], ["due"]):
        code, out, err = run([*command, str(titled), "-f", fmt], capsys)
        assert code == 0, err
        assert raw_controls(out) == [] and commands(out) == [], out


@pytest.mark.parametrize("fmt", ["markdown", "github"])
def test_a_pipe_never_splits_a_markdown_row(titled: Path, capsys, fmt: str) -> None:
    _, out, _ = run(["status", "--chapter", "1", str(titled), "-f", fmt], capsys)
    for table in out.split("\n\n"):
        rows = [ln for ln in table.splitlines() if ln.startswith("|")]
        assert len({len(re.findall(r"(?<!\\)\|", row)) for row in rows}) <= 1, table
    assert "a \\| b \\| c" in out


def test_csv_cells_are_never_formulas(titled: Path, capsys) -> None:
    import csv
    import io

    _, out, _ = run(["status", "--chapter", "1", str(titled), "-f", "csv"], capsys)
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    assert "'" + FORMULA in cells and "'-2+3" in cells and "'@SUM(A1)" in cells


@pytest.mark.parametrize("command", [["status", "--chapter", "1"], ["due"]])
def test_csv_shows_payloads_escaped_one_row_per_line(titled: Path, capsys, command) -> None:
    """CSV printed in a CI log or a terminal: a quoted cell held a raw ESC and a raw newline
    followed by ``::error``; every cell is now one visible line (JSON is the faithful data)."""
    code, out, err = run([*command, str(titled), "-f", "csv"], capsys)
    assert code == 0, err
    assert raw_controls(out) == [] and commands(out) == [], out
    assert "\\x1b]8;;https:evil.example\\x07click" in out and "x\\x0a::error title=pwned" in out


@pytest.mark.parametrize(
    "args",
    [
        ["lint", "--\x1b]8;;x\x07"],
        ["lint", "--select", "\x1b[2J"],
        ["status", "--chapter", "\x1b[2J\u202e"],
        ["status", "--\x1b[2J"],
        ["due", "--before", "\x1b[2J"],
    ],
)
def test_usage_errors_show_what_was_typed_escaped(args: list[str], capsys) -> None:
    code, out, err = run(args, capsys)
    assert code == 2 and raw_controls(out + err) == [], err


def test_fix_messages_show_file_names_escaped(tmp_path: Path, capsys) -> None:
    d = tmp_path / "measures"
    shutil.copytree(EXAMPLE, d)
    name = f"01-01{OSC8}.yaml"
    (d / "01-01.yaml").rename(d / name)
    p = d / name
    p.write_text(
        p.read_text(encoding="utf-8").replace("date: '2025-03-31'", "date: '2026-03-31'"),
        encoding="utf-8",
    )
    for args in (["fix", "--diff", str(d)], ["fix", str(d)]):
        _, _, err = run(args, capsys)
        assert "fix" in err and raw_controls(err) == [] and "\\x1b]8;;" in err, err


@pytest.mark.parametrize("fmt", ["plain", "table"])
def test_show_forges_no_workflow_command(tmp_path: Path, capsys, monkeypatch, fmt: str) -> None:
    """kpiaudit show printed a title's newline raw (a line ``::error title=pwned::…`` in a CI
    log) and each line of a KPI's text as it was, after a two-space indent a runner trims."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    d = tmp_path / "measures"
    shutil.copytree(EXAMPLE, d)
    p = d / "01-01.yaml"
    text = "    text: オンライン申請に対応した手続の数（令和６年度（2024年度）末までに20手続）\n"
    forged = f"    text: {json.dumps(FORGED)}\n    notes: [{json.dumps('note' + FORGED)}]\n"
    p.write_text(
        p.read_text(encoding="utf-8")
        .replace("title: 住民票の写しのオンライン申請", f"title: {json.dumps(FORGED + OSC8)}")
        .replace(text, forged),
        encoding="utf-8",
    )
    code, out, err = run(["show", "1-1", str(d), "-f", fmt], capsys)
    assert code == 0, err
    assert commands(out) == [] and raw_controls(out.replace("\x1b[", "")) == [], out
    assert "\\x0a::error title=pwned::forged" in out  # the title: one line, the break shown
    assert "\\x3a:add-mask::secret" in out  # a line of the KPI's text, shown not acted on


@pytest.mark.parametrize("columns", ["40", "52", "61", "80"])
def test_a_folded_cell_starts_no_workflow_command(
    titled: Path, capsys, monkeypatch, columns: str
) -> None:
    """A terminal's table (no vertical rules) folds a long title over several lines: any ::
    inside it, not only a leading one, could begin one of them (the fuzz test found it)."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", columns)
    for command in (["status", "--chapter", "1"], ["due"]):
        code, out, err = run([*command, str(titled), "-f", "table"], capsys)
        assert code == 0, err
        assert commands(out) == [], out


def test_the_printable_fast_path_lets_no_invisible_character_through() -> None:
    """visible() returns printable text as it is, without searching it: exact only because no
    character it escapes is printable. Checked over every code point, so that a character
    added to the class, or a Unicode version that made one printable, cannot slip through."""
    from kpiaudit.safe_text import INVISIBLE, visible, visible_line

    escaped = [chr(cp) for cp in range(0x110000) if INVISIBLE.match(chr(cp))]
    assert len(escaped) > 2000  # the class as listed: C0, C1, surrogates, format characters
    assert not [c for c in escaped if c.isprintable()]
    assert visible("a\u202eb") == "a\\u202eb" and visible("plain 未設定") == "plain 未設定"
    assert visible("\x1b[31m") == "\\x1b[31m" and visible("tab\there") == "tab\\x09here"
    assert visible_line("::error::x") == "\\x3a:error::x" and visible_line("a:b#c") == "a:b#c"
    assert visible_line(" ##[group]") == " \\x23#[group]"
