"""日本語で (issue 14): the catalogue is complete and agrees with the source, the language is
chosen as documented, people read Japanese and machines read the same bytes in both."""

from __future__ import annotations

import gettext
import json
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from rich.cells import cell_len

from kpiaudit import i18n
from kpiaudit.cli import main
from kpiaudit.rules import notes

from .conftest import MEASURES, ROOT

PACKAGE = ROOT / "kpiaudit"
PO = PACKAGE / "locale" / "ja" / "LC_MESSAGES" / "kpiaudit.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Term": (1,)}
METHODS = [
    ("**.py", "python"),
    ("report/templates/**.j2", "jinja2"),
    ("rules/cases/*.yaml", notes.extract),
]


def source_ids() -> set[str]:
    """Every message id in the source, extracted with Babel as scripts/update-catalogue does
    (the singular of a plural message)."""
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), METHODS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue() -> dict[str, str]:
    with PO.open("rb") as fh:
        cat = read_po(fh)
    out = {}
    for m in cat:
        if not m.id:
            continue
        key = m.id[0] if isinstance(m.id, tuple) else m.id
        text = m.string[0] if isinstance(m.string, tuple) else m.string
        out[key] = "" if m.fuzzy else text
    return out


def test_every_message_in_the_source_has_a_japanese_translation() -> None:
    ids, translated = source_ids(), catalogue()
    assert len(ids) > 600  # the extraction itself works (it found the whole source)
    missing = sorted(i for i in ids if not translated.get(i))
    assert not missing, f"{len(missing)} message(s) without Japanese: {missing[:5]}"


def placeholders(text: str) -> list[str]:
    """``{name}``, ``{name!r}``, ``{count:,}`` … and printf's ``%(name)s`` / ``%s``."""
    fields = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        parsed = []
    for _literal, name, spec, conversion in parsed:
        if name is not None:
            fields.append(f"{{{name}{'!' + conversion if conversion else ''}:{spec}}}")
    fields += re.findall(r"%(?:\(\w+\))?[srdg]", text)
    return sorted(fields)


def test_japanese_templates_have_the_english_placeholders() -> None:
    wrong = [
        (msgid, msgstr)
        for msgid, msgstr in catalogue().items()
        if msgstr and placeholders(msgid) != placeholders(msgstr)
    ]
    assert not wrong, wrong[:3]


def test_placeholder_check_can_fail() -> None:
    assert placeholders("{n:,} of {total}") != placeholders("{n} / {total}")
    assert placeholders("{x!r}") != placeholders("{x}")


def test_the_compiled_catalogue_is_the_po() -> None:
    """The committed .mo says what the .po says (run scripts/update-catalogue after editing).
    A plural message is asked for as ngettext asks: gettext finds it by its singular only from
    Python 3.11.7 on."""
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    with PO.open("rb") as fh:
        entries = [m for m in read_po(fh) if m.id and not m.fuzzy]
    assert len(entries) > 600
    for m in entries:
        if isinstance(m.id, tuple):  # Japanese has one form: the first
            assert compiled.ngettext(m.id[0], m.id[1], 1) == m.string[0], m.id
        else:
            assert compiled.gettext(m.id) == m.string, m.id


# --- choosing the language ------------------------------------------------------------------


def test_the_order_of_choice() -> None:
    choose = i18n.choose_language
    ja_locale = {"LANG": "ja_JP.UTF-8"}
    assert choose(None, {}) == "en"
    assert choose(None, ja_locale) == "ja"
    assert choose(None, {"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}) == "en"  # the first set decides
    assert choose(None, {"LC_MESSAGES": "ja_JP.eucJP"}) == "ja"
    assert choose(None, ja_locale, lambda: "en") == "en"  # the project beats the locale
    assert choose(None, {"KPIAUDIT_LANG": "ja"}, lambda: "en") == "ja"  # the person beats it
    assert choose("en", {"KPIAUDIT_LANG": "ja", **ja_locale}, lambda: "ja") == "en"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_lint_status_due_rules_and_a_usage_error_speak_japanese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(MEASURES / "06-04.yaml")
    for how in ("env", "flag"):
        if how == "env":
            monkeypatch.setenv("LANG", "ja_JP.UTF-8")
            extra: list[str] = []
        else:
            monkeypatch.delenv("LANG")
            extra = ["--lang", "ja"]
        _code, out, err = run(["lint", file, *extra], capsys)
        assert "KPI に定量目標がありません" in out and "指摘 " in err, how
        _code, out, _err = run(["status", str(MEASURES), "-f", "plain", *extra], capsys)
        assert "定量目標なし" in out and "適合率" in out and "合計" in out, how
        _code, out, _err = run(
            ["due", str(MEASURES), "--before", "2023-04", "-f", "plain", *extra], capsys
        )
        assert "期限超過" in out and "データなし" in out, how
        _code, out, _err = run(["rules", "K102", *extra], capsys)
        assert "KPI に達成すべき数値がありません。" in out and "例:" in out, how
        code, _out, err = run(["status", str(MEASURES), "--chapter", "99", *extra], capsys)
        assert code == 2 and "エラー: --chapter: 計画に第99章はありません" in err, how
        code, _out, err = run(["lint", file, "--nope", *extra], capsys)
        assert code == 2 and "認識できない引数: --nope" in err, how
        code, _out, err = run(["status", "--nope", *extra], capsys)
        assert code == 2 and "認識できない引数: --nope" in err, how
        code, _out, err = run(["progress", "--nope", *extra], capsys)  # typer's own words
        assert code == 2 and "オプション --nope はありません" in err, how
    # --lang en wins over the locale, in any position.
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    _code, out, _err = run(["--lang", "en", "lint", file], capsys)
    assert "states no quantitative target" in out and not JAPANESE.search(
        out.replace(MEASURES.name, "")[: out.index("(")]
    )
    _code, out, _err = run(["rules", "K102", "--lang=en"], capsys)
    assert "The KPI states no number to reach." in out


def test_file_errors_give_the_system_s_reason_in_japanese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """strerror speaks the C library's language (English here): the common reasons are said
    in the reader's language, whatever command meets them."""
    missing = str(tmp_path / "nope.txt")
    code, _out, err = run(["import", missing, "--out", str(tmp_path / "m"), "--lang", "ja"], capsys)
    assert code == 2 and "読めません: そのようなファイルやディレクトリはありません" in err
    code, _out, err = run(["actuals", "import", str(tmp_path), "--lang", "ja"], capsys)
    assert code == 2 and "ディレクトリです" in err and "Is a directory" not in err
    code, _out, err = run(["import", missing, "--out", str(tmp_path / "m")], capsys)
    assert code == 2 and "cannot read: No such file or directory" in err


def test_clauses_of_one_message_are_joined_as_japanese_joins_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """'; ' between two translated clauses is English punctuation inside a Japanese message."""
    code, _out, err = run(["show", "99-1", str(MEASURES), "--lang", "ja"], capsys)
    assert code == 2 and "99-1 はありません。9-1, " in err and "; " not in err
    code, _out, err = run(["show", "99-1", str(MEASURES), "--lang", "en"], capsys)
    assert code == 2 and "no measure or KPI 99-1 in " in err and "; did you mean 9-1, " in err


def test_the_project_setting_sits_between_the_person_and_the_locale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".kpiaudit.toml").write_text('lang = "ja"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "KPI に達成すべき数値" in run(["rules", "K102"], capsys)[1]
    monkeypatch.setenv("KPIAUDIT_LANG", "en")
    assert "The KPI states no number" in run(["rules", "K102"], capsys)[1]
    (tmp_path / ".kpiaudit.toml").write_text('lang = "fr"\n', encoding="utf-8")
    code, _out, err = run(["lint", str(MEASURES / "06-04.yaml")], capsys)
    assert code == 2 and "lang: 'fr' is not one of en, ja" in err


def test_every_command_lists_lang_in_its_help_in_its_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    commands = [
        ["lint"], ["fix"], ["rules"], ["status"], ["due"], ["report"], ["diff"],
        ["progress"], ["show"], ["export"], ["import"],
        ["actuals", "import"], ["actuals", "add"], ["actuals", "suggest-map"],
    ]  # fmt: skip
    for command in commands:
        code, out, _err = run([*command, "--help"], capsys)
        assert code == 0 and "--lang" in out, command
    code, out, _err = run(["--lang", "ja", "fix", "--help"], capsys)
    assert "記述から読み直します" in out and "このメッセージを表示して終了します" in out
    assert "オプション" in out
    code, out, _err = run(["lint", "--help", "--lang", "ja"], capsys)
    assert "施策ファイルを点検します" in out and "終了コード:" in out and "使い方:" in out


Help = dict[tuple[tuple[str, ...], str | None], str]


def _helps(language: str) -> Help:
    """Every help text typer shows, as built for ``language``: (command path, None) for a
    command's own, (command path, parameter name) for each argument's and option's."""
    from kpiaudit.cli import app

    with i18n.speaking(language):
        command = app.build()
    found: Help = {}

    def walk(cmd, path: tuple[str, ...]) -> None:
        found[path, None] = cmd.help or ""
        for param in cmd.params:
            found[path, str(param.name)] = getattr(param, "help", None) or ""
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, (*path, name))

    walk(command, ())
    return found


def test_every_help_typer_shows_is_in_japanese_and_complete() -> None:
    """Not only what Babel extracts: a command's docstring, or a help= without N_(), would be
    extracted by nothing and stay English; a help that typer cleans (a trailing newline) would
    no longer be the catalogue's message id."""
    english, japanese = _helps("en"), _helps("ja")
    assert len(english) > 80 and english.keys() == japanese.keys()
    unfilled = re.compile(r"\{(types|summary)\}")  # the templates app._FILLED fills in
    for key, en in english.items():
        ja = japanese[key]
        assert not unfilled.search(en) and not unfilled.search(ja), key
        if en:
            assert ja != en and re.search("[\u3000-\u9fff\uff00-\uffef]", ja), (key, en[:60])


@pytest.mark.parametrize("front", ["lint", "status", "due"])
def test_every_help_of_the_argparse_commands_is_in_japanese(front: str) -> None:
    """lint, status and due are parsed by argparse (kpiaudit.cli.argfront): their help is not
    in typer's tree above."""
    import importlib

    from kpiaudit.cli.argfront import speaking

    module = importlib.import_module(f"kpiaudit.cli.{front}")
    build = module._parser
    with i18n.speaking("ja"), speaking():
        ap = build(["text", "json"]) if front == "lint" else build()
        texts = [ap.description, ap.epilog] + [a.help for a in ap._actions if a.help]
    assert len(texts) > 8
    for text in texts:
        assert text and re.search("[\u3000-\u9fff\uff00-\uffef]", text), text[:60]


def test_japanese_help_fits_80_columns_and_keeps_every_word(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """rich wraps at spaces only, and typer's option table cut a Japanese help (no spaces)
    with "…" where the column ended. Each help must be there whole: with the frame and the
    spaces taken out, it is a run of the screen's text."""
    monkeypatch.setenv("COLUMNS", "80")
    helps = _helps("ja")
    commands = sorted({path for path, _name in helps} - {("lint",), ("status",), ("due",)})
    assert ("diff",) in commands and ("actuals", "add") in commands and () in commands
    for command in commands:
        code, out, _err = run([*command, "--help", "--lang", "ja"], capsys)
        assert code == 0 and "使い方: kpiaudit" in out and "Usage" not in out, command
        assert max(cell_len(line) for line in out.splitlines()) <= 80, command
        screen = re.sub(r"[\s│╭╮╰╯─]", "", out)
        for (path, name), text in helps.items():
            if path == command and name is not None and text:
                assert re.sub(r"[\s`*]", "", text) in screen, (command, name, text)


def test_lint_help_in_japanese_fits_80_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """lint's help is argparse's, which wrapped by characters: a Japanese line took twice the
    columns it counted. Wrapped by terminal columns, nothing runs past 80, and no word is lost."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _err = run(["lint", "--help", "--lang", "ja"], capsys)
    assert code == 0
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    flat = re.sub(r"\s", "", out)
    assert "FILEに列挙されたファイルについての指摘だけを報告します。" in flat
    assert "次にロケール（LC_ALL、LC_MESSAGES、LANG）、それもなければen。" in flat


def test_wrapping_by_columns_keeps_brackets_and_punctuation_with_their_words() -> None:
    from kpiaudit.cli.language import wrap

    text = "既定：今日（2024年度末まで）、または lint --today の日付。"
    lines = wrap(text, 16)
    assert lines == ["既定：今日（2024", "年度末まで）、ま", "たは lint", "--today の日付。"]
    assert max(cell_len(ln) for ln in lines) <= 16
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for columns in range(6, 40):
        for ln in wrap(text, columns):
            assert not ln.startswith(("、", "。", "）")) and not ln.endswith("（"), columns
    assert wrap("a very-long-english-word stays whole", 10) == [
        "a",
        "very-long-english-word",
        "stays",
        "whole",
    ]


def _sh_blocks(name: str) -> list[list[str]]:
    """The commands of each ```sh block of a document (comments left out)."""
    text = (ROOT / name).read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [[ln.split("  #")[0].strip() for ln in b.splitlines() if ln.strip()] for b in blocks]


def test_the_japanese_docs_follow_the_english_ones() -> None:
    """README.ja.md sets up with the same two commands and shows the same daily use (Japanese
    column headers for Excel aside); docs/audit-rules.ja.md has every section and rule code of
    docs/audit-rules.md; each links its twin."""
    en, ja = _sh_blocks("README.md"), _sh_blocks("README.ja.md")
    assert ja[:2] == en[:2]
    assert [c.removesuffix(" --headers ja") for c in ja[2]] == en[2]
    rules_en = (ROOT / "docs" / "audit-rules.md").read_text(encoding="utf-8")
    rules_ja = (ROOT / "docs" / "audit-rules.ja.md").read_text(encoding="utf-8")
    for pattern in (r"(?m)^#+ ", r"\b[EKS]\d{3}\b"):
        assert sorted(re.findall(pattern, rules_ja)) == sorted(re.findall(pattern, rules_en))
    assert "(audit-rules.ja.md)" in rules_en and "(audit-rules.md)" in rules_ja
    readme_ja = (ROOT / "README.ja.md").read_text(encoding="utf-8")
    assert "(README.ja.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(README.md)" in readme_ja and "docs/audit-rules.ja.md" in readme_ja


# --- machines read the same bytes -------------------------------------------------------------


def test_json_output_is_byte_identical_in_japanese_and_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = str(MEASURES)
    commands = [
        ["lint", plan, "-f", "json", "--today", "2024-06-01"],
        ["lint", plan, "-f", "json", "--statistics", "--today", "2024-06-01"],
        ["status", plan, "-f", "json", "--today", "2024-06-01"],
        ["status", plan, "-f", "json", "--chapter", "6", "--today", "2024-06-01"],
        ["due", plan, "-f", "json", "--today", "2024-06-01"],
        ["progress", plan, "-f", "json", "--today", "2024-06-01"],
        ["show", "6-4", plan, "-f", "json", "--today", "2024-06-01"],
        ["rules", "-f", "json"],
        ["diff", plan, plan, "-f", "json"],
        ["status", plan, "-f", "csv", "--today", "2024-06-01"],
        ["due", plan, "-f", "csv", "--today", "2024-06-01"],
    ]
    for command in commands:
        en = run(["--lang", "en", *command], capsys)
        ja = run(["--lang", "ja", *command], capsys)
        assert en[1] and en[:2] == ja[:2], command
    lint = json.loads(run(["--lang", "ja", *commands[0]], capsys)[1])
    assert "KPI states no quantitative target (no number or level to reach)" in {
        f["message"] for f in lint
    }


def test_sarif_speaks_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["lint", str(MEASURES / "06-04.yaml"), "-f", "sarif", "--lang", "ja"]
    doc = json.loads(run(args, capsys)[1])
    driver = doc["runs"][0]["tool"]["driver"]
    k102 = next(r for r in driver["rules"] if r["id"] == "K102")
    assert k102["shortDescription"]["text"] == "KPI に達成すべき数値がありません。"
    assert k102["name"] == "no-quantitative-target"  # names and ids stay identifiers
    texts = [r["message"]["text"] for r in doc["runs"][0]["results"]]
    assert any("KPI に定量目標がありません" in t for t in texts)


def test_csv_headers_in_japanese_for_excel_only_when_asked() -> None:
    import io

    from kpiaudit.reporters.tables import render
    from kpiaudit.views.table import Column, Table, Term

    table = Table("t", [Column("state"), Column("overdue")], [[Term("no-data"), Term("overdue")]])
    en, ja = io.StringIO(), io.StringIO()
    render(table, en, "csv")
    render(table, ja, "csv", csv_headers="ja")
    assert en.getvalue() == "state,overdue\nno-data,overdue\n"
    assert ja.getvalue() == "状態,期限超過\nno-data,overdue\n"


# --- 80 columns ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "headers"),
    [
        (
            ["status"],
            ["章", "名称", "施策数", "KPI数", "未設定", "定量目標なし", "期限なし", "適合率"],
        ),
        (["status", "--chapter", "6"], ["施策", "名称", "未設定", "定量目標なし", "期限なし"]),
        (["due", "--before", "2024-04"], ["期限", "種類", "施策", "目標", "文言", "状態"]),
        (["due", "--type", "set-by"], ["期限", "種類", "状態", "期限超過"]),
    ],
)
def test_japanese_tables_fit_80_columns_with_whole_headers(
    command: list[str], headers: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendered as on a terminal 80 columns wide: a Japanese character takes two."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal's table, not the piped plain text
    monkeypatch.setenv("NO_COLOR", "1")  # without escape sequences to measure around
    done = subprocess.run(
        [sys.executable, "-m", "kpiaudit", *command, str(MEASURES), "--lang", "ja",
         "--today", "2024-06-01"],
        capture_output=True, text=True, encoding="utf-8", check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    rules = [i for i, line in enumerate(lines) if set(line.strip()) == {"─"}]  # under headers
    header_lines = [ln for i in rules for ln in lines[max(0, i - 3) : i]]
    for header in headers:
        assert any(re.search(rf"(^|\s){header}(\s|$)", ln) for ln in header_lines), header
    assert "…" not in "".join(header_lines)


def test_the_compiled_catalogue_is_package_data() -> None:
    """A non-editable install reads the .mo from the wheel: pyproject must ship it."""
    import fnmatch

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = data["tool"]["setuptools"]["package-data"]["kpiaudit"]
    shipped = MO.relative_to(PACKAGE).as_posix()
    assert any(fnmatch.fnmatch(shipped, g) for g in globs)
