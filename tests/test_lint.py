"""kpiaudit lint: rules, formats, configuration, suppression, baseline and bad files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from kpiaudit.cli import main
from kpiaudit.reporters.github import escape_data, escape_property

from .conftest import FIXTURES, MEASURES, ROOT

GOOD = (ROOT / "examples" / "measures" / "01-01.yaml").read_text(encoding="utf-8")


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def findings(args: list[str], capsys) -> list[dict]:
    code, out, _ = run([*args, "--format", "json"], capsys)
    assert code in (0, 1)
    return json.loads(out)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    d = tmp_path / "measures"
    shutil.copytree(ROOT / "examples" / "measures", d)
    return d


def write(d: Path, name: str, text: str) -> Path:
    p = d / name
    p.write_text(text, encoding="utf-8")
    return p


def test_clean_example_passes(plan: Path, capsys) -> None:
    code, out, err = run(["lint", str(plan / "01-01.yaml")], capsys)
    assert code == 0 and out == "" and "0 finding(s)" in err


def test_gaps_example_reports_each_flag_at_its_line(plan: Path, capsys) -> None:
    got = [
        (f["code"], f["line"], f["kpi"])
        for f in findings(["lint", str(plan / "01-02.yaml")], capsys)
    ]
    # K101 points at the words that make the KPI unset: the text decides (issue 10.1).
    assert got == [("K102", 13, "1-2.P1"), ("K103", 24, "1-2.P2"), ("K101", 31, "1-2.E1")]
    assert main(["lint", str(plan / "01-02.yaml")]) == 1


def test_unset_suppresses_target_and_deadline(plan: Path, capsys) -> None:
    codes = {f["code"] for f in findings(["lint", str(plan)], capsys) if f["kpi"] == "1-2.E1"}
    assert codes == {"K101"}


def test_json_fields(plan: Path, capsys) -> None:
    f = findings(["lint", str(plan / "01-02.yaml")], capsys)[0]
    assert set(f) >= {
        "path",
        "line",
        "column",
        "code",
        "name",
        "severity",
        "message",
        "measure",
        "kpi",
    }
    assert f["measure"] == "1-2" and f["name"] == "no-quantitative-target"


def test_real_measures_flag_counts(capsys) -> None:
    got = findings(["lint", str(MEASURES)], capsys)
    counts = {c: sum(f["code"] == c for f in got) for c in ("K101", "K102", "K103")}
    assert counts == {"K101": 28, "K102": 211, "K103": 179}
    # No false inconsistency; K304 because the 2022 plan records no actual values yet.
    assert all(f["code"] in ("K101", "K102", "K103", "K304") for f in got)


def test_committed_baseline_gates_the_real_measures(capsys) -> None:
    # K304 (no actual a year after a deadline) grows with the calendar, so the baseline of
    # what the files say leaves it out.
    baseline = str(ROOT / ".kpiaudit-baseline.json")
    code, out, _ = run(["lint", str(MEASURES), "--baseline", baseline, "--ignore", "K304"], capsys)
    assert code == 0 and out == ""


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda t: t.replace("id: 1-1\n", "id: 1-3\n"), "E007"),
        (lambda t: t.replace("chapter: 1", "chapter: 2"), "E009"),
        (lambda t: t.replace("  - id: E1", "  - id: E2"), "K205"),
        (
            lambda t: t.replace(
                "令和６年度（2024年度）末までに20手続", "令和６年度（2025年度）末までに20手続"
            ),
            "K201",
        ),
        (lambda t: t.replace("date: '2025-03-31'", "date: '2025-03-30'"), "K202"),
        (lambda t: t.replace("value: 20,", "value: 2,"), "K203"),
        (
            lambda t: t.replace(
                "text: オンライン申請に対応した手続の数（", "text: 未設定。手続の数（"
            ),
            "K204",
        ),
        (
            lambda t: t.replace(
                "    milestones:\n      - target: {value: 50", "    x:\n      - target: {value: 50"
            ),
            "E004",
        ),
        (lambda t: t.replace("chapter: 1", "chapter: '1'"), "E004"),
        (lambda t: t + "title: again\n", "E005"),
        (lambda t: t.replace("title: 住民票", "title: !!python/object:os.system 住民票"), "E006"),
        (lambda t: t.replace("kpis:", "kpis: [\n"), "E001"),
    ],
)
def test_each_rule_fails_on_a_bad_edit(plan: Path, capsys, edit, code: str) -> None:
    p = write(plan, "01-01.yaml", edit(GOOD))
    got = findings(["lint", str(p)], capsys)
    assert code in [f["code"] for f in got], got
    assert main(["lint", str(p)]) in (0, 1)


def test_milestone_missing_from_structure_is_reported(plan: Path, capsys) -> None:
    text = GOOD.replace(
        """    milestones:
      - target: {value: 20, unit: 手続, comparison: '=', text: 20手続}
        deadline: {date: '2025-03-31', recurring: false, text: 令和６年度（2024年度）末までに}
""",
        "",
    )
    got = findings(["lint", str(write(plan, "01-01.yaml", text)), "--select", "K1,K2"], capsys)
    # The text states its target and deadline: K102/K103 do not say otherwise (issue 10.1).
    assert {f["code"] for f in got} == {"K206"}
    assert main(["lint", str(plan / "01-01.yaml"), "--select", "K1,K2"]) == 0  # K206: a warning


def test_schema_error_names_field_and_position(plan: Path, capsys) -> None:
    p = write(plan, "01-01.yaml", GOOD.replace("chapter: 1", "chapter: '1'"))
    code, out, _ = run(["lint", str(p)], capsys)
    assert code == 1
    assert f"{p.as_posix()}:4:10: E004 [error] chapter: must be integer, not str '1'" in out


def test_a_misspelled_key_is_reported_at_its_line_with_a_suggestion(plan: Path, capsys) -> None:
    text = GOOD.replace("title: 住民票", "titel: 住民票").replace(
        "    kind: outcome\n", "    kind: outcome\n    stauts: set\n", 1
    )
    p = write(plan, "01-01.yaml", text)
    _, out, _ = run(["lint", str(p)], capsys)
    title_line = text.splitlines().index(next(ln for ln in text.splitlines() if "titel" in ln))
    assert f":{title_line + 1}:" in out and "unknown field 'titel'; did you mean 'title'?" in out
    assert "E004 [error] 1-1.E1: unknown field 'stauts'; did you mean 'status'?" in out


def test_schema_errors_name_a_kpi_by_its_id(plan: Path, capsys) -> None:
    p = write(plan, "01-01.yaml", GOOD.replace("kind: outcome", "kind: effect"))
    _, out, _ = run(["lint", str(p)], capsys)
    assert "E004 [error] 1-1.E1 kind: must be one of progress, outcome (found 'effect')" in out
    assert "kpis.2" not in out


def test_one_broken_file_does_not_stop_the_others(plan: Path, capsys) -> None:
    write(plan, "01-03.yaml", "id: [unclosed\n")
    got = findings(["lint", str(plan)], capsys)
    assert {f["path"].split("/")[-1] for f in got} == {"01-02.yaml", "01-03.yaml"}


def test_duplicate_ids(plan: Path, capsys) -> None:
    write(plan, "01-01.yml", GOOD)
    assert "E008" in [f["code"] for f in findings(["lint", str(plan)], capsys)]


def test_suppression_and_unused_suppression(plan: Path, capsys) -> None:
    gaps = (plan / "01-02.yaml").read_text(encoding="utf-8")
    gaps = gaps.replace("  - id: P1\n", "  - id: P1  # kpiaudit: ignore[K102] binary by design\n")
    gaps = gaps.replace("  - id: P2\n", "  - id: P2  # kpiaudit: ignore[K101] stale\n")
    got = findings(["lint", str(write(plan, "01-02.yaml", gaps))], capsys)
    assert ("K102", "1-2.P1") not in [(f["code"], f["kpi"]) for f in got]
    unused = [f for f in got if f["code"] == "S001"]
    assert len(unused) == 1 and unused[0]["kpi"] == "1-2.P2" and unused[0]["line"] == 21


def test_select_ignore_statistics_exit_zero(plan: Path, capsys) -> None:
    assert {f["code"] for f in findings(["lint", str(plan), "--select", "K101"], capsys)} == {
        "K101"
    }
    assert "K101" not in {
        f["code"] for f in findings(["lint", str(plan), "--ignore", "kpi-unset"], capsys)
    }
    code, out, _ = run(["lint", str(plan), "--statistics", "--exit-zero"], capsys)
    assert code == 0 and "     1  K102  no-quantitative-target" in out
    assert "[error]" not in out  # only the counts, as ruff --statistics (issue 10.15)
    code, out, _ = run(["lint", str(plan), "--statistics", "-f", "json"], capsys)
    assert code == 1 and {"code": "K102", "name": "no-quantitative-target", "count": 1} in (
        json.loads(out)
    )
    code, _, err = run(["lint", str(plan), "--select", "K999"], capsys)
    assert code == 2 and "unknown rule" in err
    code, _, err = run(["lint", str(plan), "--format", "xml"], capsys)
    assert code == 2


def test_config_file(plan: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    cfg = tmp_path / ".kpiaudit.toml"
    cfg.write_text(
        'measures = "measures"\nignore = ["K103"]\n[severity]\nK102 = "warning"\n'
        '[per-file-ignores]\n"01-02.yaml" = ["K101"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    got = findings(["lint"], capsys)
    assert [(f["code"], f["severity"]) for f in got] == [("K102", "warning")]
    assert main(["lint"]) == 0  # warnings alone do not fail
    cfg.write_text('selct = ["K1"]\n', encoding="utf-8")
    code, _, err = run(["lint"], capsys)
    assert code == 2 and "unknown key(s) selct" in err


def test_pyproject_config_and_missing_default_dir(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["lint"], capsys)
    assert code == 2 and "no measures directory" in err
    (tmp_path / "pyproject.toml").write_text('[tool.kpiaudit]\nbase-date = "June"\n')
    code, _, err = run(["lint"], capsys)
    assert code == 2 and "base-date" in err


def test_a_pyproject_that_cannot_configure_kpiaudit_is_not_parsed(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """Most pyproject.toml files configure other tools: one that cannot hold [tool.kpiaudit]
    is passed over unparsed, broken or not. One that can, however it spells the key, is read
    (and a broken one is reported)."""
    shutil.copytree(ROOT / "examples" / "measures", tmp_path / "measures")
    monkeypatch.chdir(tmp_path)
    without = run(["lint"], capsys)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.ruff\nline-length = "broken"\n', encoding="utf-8")
    assert run(["lint"], capsys) == without
    for spelled in ("[tool.kpiaudit]", '[ tool . "kpiaudit" ]', '[tool."kpi\\u0061udit"]'):
        pyproject.write_text(f'{spelled}\nselect = ["K999"]\n', encoding="utf-8")
        code, _, err = run(["lint"], capsys)
        assert code == 2 and "K999" in err, spelled
    pyproject.write_text('[tool.kpiaudit]\nselect = ["K1"]\n', encoding="utf-16")
    code, _, err = run(["lint"], capsys)
    assert code == 2 and "pyproject.toml" in err  # not UTF-8: said, not passed over


def test_a_one_file_run_without_the_cache_loads_neither_toml_nor_openssl(
    tmp_path: Path,
) -> None:
    """The pre-commit case, in a project whose pyproject.toml configures other tools: no
    TOML parser, and no hashlib (it loads OpenSSL) when nothing is hashed."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    shutil.copytree(ROOT / "examples" / "measures", tmp_path / "measures")
    probe = (
        "import sys; from kpiaudit.cli import main; "
        "main(['lint', 'measures/01-01.yaml', '--no-cache']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'tomllib', 'tomli', 'hashlib'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stderr


def test_baseline_new_and_fixed(plan: Path, tmp_path: Path, capsys) -> None:
    base = tmp_path / "baseline.json"
    assert main(["lint", str(plan), "--write-baseline", str(base)]) == 0
    capsys.readouterr()
    code, out, _ = run(["lint", str(plan), "--baseline", str(base)], capsys)
    assert code == 0 and out == ""
    # Moving lines does not break the baseline; a new gap fails; a fixed one is reported.
    gaps = (plan / "01-02.yaml").read_text(encoding="utf-8")
    gaps = gaps.replace("kpis:\n", "# a new comment line\nkpis:\n")
    gaps = gaps.replace(
        "    status: unset\n    unset_reason: 未設定\n    text: 未設定",
        "    status: set\n    text: 利用者の満足度",
    )
    write(plan, "01-02.yaml", gaps)
    code, out, err = run(["lint", str(plan), "--baseline", str(base)], capsys)
    assert code == 1 and "1-2.E1" in out and "K102" in out
    assert "fixed since the baseline: 1-2.E1:K101" in err


def test_github_format_and_escaping(plan: Path, capsys) -> None:
    _code, out, _ = run(["lint", str(plan / "01-02.yaml"), "--format", "github"], capsys)
    first = out.splitlines()[0]
    assert first.startswith("::error file=")
    assert ",line=13,col=11,title=K102 no-quantitative-target::1-2.P1: KPI states" in first
    assert escape_data("50%\nnext") == "50%25%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_sarif_validates_against_the_official_schema(capsys) -> None:
    schema = json.loads((FIXTURES / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    _code, out, _ = run(["lint", str(MEASURES), "--format", "sarif"], capsys)
    doc = json.loads(out)
    jsonschema.validate(doc, schema)
    result = doc["runs"][0]["results"][0]
    assert result["ruleId"] == "K102" and result["partialFingerprints"]


def test_text_is_plain_when_piped_and_coloured_on_request(plan: Path) -> None:
    args = [sys.executable, "-m", "kpiaudit", "lint", str(plan / "01-02.yaml")]
    plain = subprocess.run(args, capture_output=True, text=True, check=False)
    assert (
        plain.returncode == 1 and "\x1b[" not in plain.stdout and ": K102 [error]" in plain.stdout
    )
    env = {**os.environ, "FORCE_COLOR": "1"}
    env.pop("NO_COLOR", None)
    for term in ("xterm-256color", "dumb"):  # CI's TERM=dumb must not drop requested colour
        env["TERM"] = term
        coloured = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
        assert "\x1b[" in coloured.stdout, term
    env["NO_COLOR"] = "1"
    assert (
        "\x1b["
        not in subprocess.run(args, capture_output=True, text=True, check=False, env=env).stdout
    )


def test_lint_help_teaches_and_the_command_list_shows_lint(capsys) -> None:
    code, out, _ = run(["lint", "--help"], capsys)
    assert code == 0 and "examples:" in out and "exit status:" in out and "--baseline" in out
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "lint" in out and "kpiaudit lint --help" in out


def test_lint_through_the_typer_app_is_the_same_command(plan: Path, capsys) -> None:
    from kpiaudit.cli.app import invoke

    direct = run(["lint", str(plan), "-f", "json"], capsys)
    assert invoke(["lint", str(plan), "-f", "json"]) == direct[0]
    assert capsys.readouterr().out == direct[1]


def test_baseline_options_exclude_each_other(plan: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run(
        ["lint", str(plan), "--baseline", "a.json", "--write-baseline", "b.json"], capsys
    )
    assert code == 2 and "not allowed with" in err
    assert not (tmp_path / "b.json").exists()


@pytest.mark.parametrize("command", ["lint", "status", "due"])
def test_lint_status_and_due_load_neither_typer_nor_rich_when_piped(
    plan: Path, command: str
) -> None:
    """What keeps a pre-commit run on one measure fast, and status and due as fast as lint
    (measured in benchmarks/bench.py). Files are validated by kpiaudit/schema_compiled.py, no
    validator library (jsonschema-rs cost 11 ms to import); jsonschema itself is loaded only
    to explain a file that is not valid, decimal only to print an amount."""
    probe = (
        f"import sys; from kpiaudit.cli import main; main(['{command}', sys.argv[1]]); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'typer', 'pydantic', 'rich', 'click', 'jsonschema', 'jsonschema_rs', 'decimal'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(plan)], capture_output=True, text=True, check=False
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stderr


def test_rules_command(capsys) -> None:
    code, out, _ = run(["rules"], capsys)
    assert code == 0 and "K102  no-quantitative-target" in out
    code, out, _ = run(["rules", "no-deadline"], capsys)
    assert code == 0 and out.startswith("K103 no-deadline") and "Example:" in out
    assert main(["rules", "K999"]) == 2
    code, out, err = run(["rules", "-f", "yaml"], capsys)
    assert code == 2 and out == "" and "'yaml' is not text or json" in err


def test_pre_commit_runs_the_hook_from_this_repository(tmp_path: Path) -> None:
    """The real pre-commit framework, `pre-commit try-repo`, on a test repository."""
    if shutil.which("git") is None:
        pytest.fail("git is needed for this test")
    repo = tmp_path / "repo"
    (repo / "measures").mkdir(parents=True)
    for name in ("plan.yaml", "01-01.yaml"):
        shutil.copy(ROOT / "examples" / "measures" / name, repo / "measures" / name)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }

    def git(*a: str) -> None:
        subprocess.run(["git", *a], cwd=repo, check=True, env=env, capture_output=True)

    def try_repo(hook: str = "kpiaudit-lint") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    git("init", "-q")
    git("add", ".")
    good = try_repo()
    assert good.returncode == 0, good.stdout + good.stderr
    shutil.copy(ROOT / "examples" / "measures" / "01-02.yaml", repo / "measures" / "01-02.yaml")
    git("add", ".")
    bad = try_repo()
    assert bad.returncode == 1 and "K101" in bad.stdout, bad.stdout + bad.stderr
    # The fix hook rewrites a KPI whose text was revised; pre-commit fails on the change.
    revised = repo / "measures" / "01-01.yaml"
    revised.write_text(
        revised.read_text(encoding="utf-8").replace(
            "（令和６年度（2024年度）末までに20手続）", "（令和７年度（2025年度）末までに20手続）"
        ),
        encoding="utf-8",
    )
    git("add", ".")
    fixed = try_repo("kpiaudit-fix")
    assert fixed.returncode == 1 and "files were modified" in fixed.stdout, fixed.stdout
    assert "date: '2026-03-31'" in revised.read_text(encoding="utf-8")


# --- issue 10.11 and 11.4: suppressions are real comments, honoured or reported -------------

UNSET_GAP = "  - id: P1\n"  # 1-2.P1 of the example: K102 (a deadline, no number)


@pytest.mark.parametrize(
    "comment",
    [
        "# kpiaudit: ignore[K102] binary milestone by design",
        "#kpiaudit:ignore[k102] binary milestone by design",
        "#  KPIAUDIT :  ignore [ no-quantitative-target ]  binary milestone",
        "# reviewed 2024-05 # kpiaudit: ignore[K102,K103] binary milestone",
    ],
)
def test_a_suppression_in_any_spacing_and_case_is_honoured(plan: Path, capsys, comment) -> None:
    gaps = (plan / "01-02.yaml").read_text(encoding="utf-8")
    p = write(plan, "01-02.yaml", gaps.replace(UNSET_GAP, f"  - id: P1  {comment}\n"))
    got = [(f["code"], f["kpi"]) for f in findings(["lint", str(p)], capsys)]
    assert ("K102", "1-2.P1") not in got and not [c for c, _ in got if c == "S002"], got


@pytest.mark.parametrize(
    ("comment", "says"),
    [
        ("# kpiaudit: ignore[K102]", "gives no reason"),
        ("# kpiaudit: ignore[K102]   ", "gives no reason"),
        ("# kpiaudit: ignore x", "not a suppression kpiaudit can read"),
        ("# kpiaudit ignore[K102] why", "not a suppression kpiaudit can read"),
        ("# ignore[K102] why", "not a suppression kpiaudit can read"),
        ("# kpiaudit: ignore[] why", "not a suppression kpiaudit can read"),
        ("# kpiaudit: ignore[K999] why", "ignore[K999]: no such rule"),
        ("# kpiaudit: ignore[no-such-rule] why", "ignore[no-such-rule]: no such rule"),
        ("# kpiaudit-ignore[K102] why", "not a suppression kpiaudit can read"),
        ("# kpiaudit: disable[K102] why", "not a suppression kpiaudit can read"),
        # A second suppression in the first one's reason is one of its own, and is judged.
        ("# kpiaudit: ignore[K103] why # kpiaudit: ignore[K102]", "gives no reason"),
    ],
)
def test_a_suppression_that_cannot_work_is_reported(plan: Path, capsys, comment, says) -> None:
    gaps = (plan / "01-02.yaml").read_text(encoding="utf-8")
    p = write(plan, "01-02.yaml", gaps.replace(UNSET_GAP, f"  - id: P1  {comment}\n"))
    got = findings(["lint", str(p)], capsys)
    assert ("K102", "1-2.P1") in [(f["code"], f["kpi"]) for f in got]  # still reported
    s002 = [f for f in got if f["code"] == "S002"]
    assert len(s002) == 1 and says in s002[0]["message"] and s002[0]["line"] == 10, got


def test_two_suppressions_in_one_comment_are_both_honoured(plan: Path, capsys) -> None:
    gaps = (plan / "01-02.yaml").read_text(encoding="utf-8")
    comment = "# kpiaudit: ignore[K102] binary milestone # kpiaudit: ignore[K101] also unset"
    p = write(plan, "01-02.yaml", gaps.replace(UNSET_GAP, f"  - id: P1  {comment}\n"))
    got = [(f["code"], f["kpi"]) for f in findings(["lint", str(p)], capsys)]
    assert ("K102", "1-2.P1") not in got and ("S001", "1-2.P1") in got, got  # K101: nothing


def test_a_slip_ok_comment_is_not_a_failed_suppression(plan: Path, capsys) -> None:
    """``# kpiaudit: slip-ok <reason>`` is kpiaudit diff's (README, What changed): lint
    reported it as S002, 'not a suppression kpiaudit can read'."""
    gaps = (plan / "01-02.yaml").read_text(encoding="utf-8")
    comment = "# kpiaudit: slip-ok 用地確保の遅れ"
    p = write(plan, "01-02.yaml", gaps.replace(UNSET_GAP, f"  - id: P1  {comment}\n"))
    assert not [f for f in findings(["lint", str(p)], capsys) if f["code"].startswith("S")]


def test_a_suppression_inside_text_is_text(plan: Path, capsys) -> None:
    """A '# kpiaudit: ignore[…]' inside a quoted or block scalar is part of the KPI's text."""
    gaps = (plan / "01-02.yaml").read_text(encoding="utf-8")
    quoted = gaps.replace(
        "    text: キャッシュレス決済の導入（令和６年度（2024年度）中）\n",
        "    text: 'キャッシュレス決済の導入（令和６年度（2024年度）中）"
        " # kpiaudit: ignore[K102] x'\n",
    )
    block = gaps.replace(
        "    text: キャッシュレス決済の導入（令和６年度（2024年度）中）\n",
        "    text: |-\n      キャッシュレス決済の導入（令和６年度（2024年度）中）\n"
        "      # kpiaudit: ignore[K102] binary milestone by design\n",
    )
    for text in (quoted, block):
        assert text != gaps
        got = findings(["lint", str(write(plan, "01-02.yaml", text))], capsys)
        assert ("K102", "1-2.P1") in [(f["code"], f["kpi"]) for f in got]
        assert not [f for f in got if f["code"].startswith("S")]


def test_an_always_reported_finding_cannot_be_suppressed(plan: Path, capsys) -> None:
    write(plan, "01-03.yaml", GOOD.replace("id: 1-1\n", "id: 1-1  # kpiaudit: ignore[E008] copy\n"))
    got = findings(["lint", str(plan)], capsys)
    assert "E008" in [f["code"] for f in got]
    assert any(f["code"] == "S002" and "cannot be suppressed" in f["message"] for f in got)


# --- issue 10.1: the text decides -------------------------------------------------------------


def test_unset_words_make_a_kpi_unset_whatever_its_status_says(plan: Path, capsys) -> None:
    text = GOOD.replace("までに50％以上）", "までに50％以上）。ただし目標値は未設定")
    p = write(plan, "01-01.yaml", text)
    got = [(f["code"], f["severity"], f["kpi"]) for f in findings(["lint", str(p)], capsys)]
    assert ("K101", "error", "1-1.E1") in got and ("K204", "warning", "1-1.E1") in got
    assert main(["lint", str(p)]) == 1  # the pre-commit hook fails
    capsys.readouterr()
    assert main(["status", str(plan), "-f", "json"]) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    assert total["unset"] == 2 and total["compliant"] == 1  # 1-2.E1 and now 1-1.E1


def test_a_milestone_cannot_silence_what_the_text_lacks(plan: Path, capsys) -> None:
    """A stranger points a milestone at a label (第100回) and a start (令和４年度以降): the
    text still states no target and no deadline, and the milestone is reported."""
    text = GOOD.replace(
        "    text: オンライン申請に対応した手続の数（令和６年度（2024年度）末までに20手続）\n"
        "    milestones:\n"
        "      - target: {value: 20, unit: 手続, comparison: '=', text: 20手続}\n"
        "        deadline: {date: '2025-03-31', recurring: false,"
        " text: 令和６年度（2024年度）末までに}\n",
        "    text: 第100回大会の開催（令和４年度以降）\n"
        "    milestones:\n"
        "      - target: {value: 100, unit: 回, comparison: '=', text: 第100回}\n"
        "        deadline: {date: '2023-03-31', recurring: false, text: 令和４年度}\n",
    )
    assert text != GOOD
    got = findings(["lint", str(write(plan, "01-01.yaml", text)), "--select", "K1,K2"], capsys)
    p1 = {(f["code"], f["message"].split(" ")[0]) for f in got if f["kpi"] == "1-1.P1"}
    assert {c for c, _ in p1} == {"K102", "K103", "K202", "K203"}
    assert ("K203", "'第100回'") in p1 and ("K202", "'令和４年度'") in p1


# --- issue 10.5 and 10.2: --baseline judges the files checked; a KPI that went is not fixed ---

BASELINE = ROOT / ".kpiaudit-baseline.json"
# K304 (no actual a year after a deadline) grows with the calendar on a plan without actuals.
NO_K304 = ["--ignore", "K304"]


@pytest.fixture
def real(tmp_path: Path) -> Path:
    d = tmp_path / "measures"
    shutil.copytree(MEASURES, d)
    shutil.copy(BASELINE, tmp_path / "baseline.json")
    return d


def test_baseline_on_some_files_judges_only_those(real: Path, capsys) -> None:
    """What the pre-commit hook does: lint the files a commit touches."""
    base = real.parent / "baseline.json"
    entries = json.loads(base.read_text(encoding="utf-8"))["findings"]
    mine = sum(v for k, v in entries.items() if k.startswith("6-4."))
    code, out, err = run(
        ["lint", str(real / "06-04.yaml"), "--baseline", str(base), *NO_K304], capsys
    )
    assert code == 0 and out == ""
    assert "fixed since the baseline" not in err
    assert f"{sum(entries.values()) - mine} known finding(s) in files or rules not checked" in err
    # A new finding in that file is what the run reports, and alone.
    p = real / "06-04.yaml"
    p.write_text(
        p.read_text(encoding="utf-8").replace("（運用開始後の利用件数）", "（運用開始後）"),
        encoding="utf-8",
    )
    code, out, err = run(["lint", str(p), "--baseline", str(base), *NO_K304], capsys)
    assert code == 0  # the same two findings of 6-4.E2: nothing new
    p.write_text(
        p.read_text(encoding="utf-8").replace("令和４年（2022年）秋公開予定", "公開予定"),
        encoding="utf-8",
    )
    code, out, err = run(["lint", str(p), "--baseline", str(base), *NO_K304], capsys)
    assert code == 1 and [ln.split(": ")[1][:4] for ln in out.splitlines()] == ["K103", "K202"]
    assert "fixed since the baseline" not in err


def test_write_baseline_on_some_files_merges(real: Path, capsys) -> None:
    base = real.parent / "baseline.json"
    before = json.loads(base.read_text(encoding="utf-8"))["findings"]
    code, _, err = run(
        ["lint", str(real / "06-04.yaml"), "--write-baseline", str(base), *NO_K304], capsys
    )
    assert code == 0 and "kept" in err
    assert json.loads(base.read_text(encoding="utf-8"))["findings"] == before
    # The rules not run are kept too.
    code, _, err = run(
        ["lint", str(real), "--select", "K101", "--write-baseline", str(base), *NO_K304], capsys
    )
    assert code == 0 and json.loads(base.read_text(encoding="utf-8"))["findings"] == before


def test_a_kpi_that_went_is_not_a_fixed_finding(real: Path, capsys) -> None:
    base = real.parent / "baseline.json"
    p = real / "06-04.yaml"
    text = p.read_text(encoding="utf-8")
    start, end = text.index("  - id: P2\n"), text.index("  - id: E1\n")
    p.write_text(text[:start] + text[end:], encoding="utf-8")  # P2 deleted; P1 is left
    code, _, err = run(["lint", str(p), "--baseline", str(base), *NO_K304], capsys)
    assert code == 0
    assert "gone since the baseline: 6-4.P2 no longer exists" in err and "K102, K103" in err
    assert "fixed since the baseline" not in err


def test_a_measure_without_its_kpis_fails(real: Path, capsys) -> None:
    base = real.parent / "baseline.json"
    p = real / "06-04.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(text[: text.index("kpis:")] + "kpis: []\n", encoding="utf-8")
    code, out, err = run(["lint", str(p), "--baseline", str(base)], capsys)
    assert code == 1 and out.count("K104") == 2 and "no progress KPI (KPI（進捗）)" in out
    assert "gone since the baseline: 6-4.E1 no longer exists" in err


def test_a_deleted_file_is_seen_when_the_directory_is_checked(real: Path, capsys) -> None:
    base = real.parent / "baseline.json"
    (real / "06-04.yaml").unlink()
    code, _, err = run(["lint", str(real), "--baseline", str(base)], capsys)
    assert code == 0 and "gone since the baseline: 6-4.P1 no longer exists" in err
    assert "not checked" not in err


def test_a_file_that_cannot_be_read_is_not_judged_and_fails(real: Path, capsys) -> None:
    base = real.parent / "baseline.json"
    (real / "06-04.yaml").write_text("id: [6-4\n", encoding="utf-8")
    code, out, err = run(["lint", str(real), "--baseline", str(base)], capsys)
    assert code == 1 and "E001" in out
    assert "6 known finding(s) of files that could not be checked were not judged" in err
    assert "gone since" not in err and "fixed since" not in err
    code, out, _ = run(["lint", str(real), "--write-baseline", str(base)], capsys)
    assert code == 1 and "E001" in out
    assert json.loads(base.read_text(encoding="utf-8"))["findings"]["6-4.P1:K102"] == 1


@pytest.mark.parametrize(
    "values",
    [(True, 1, 1.0), (0.0, -0.0), (1e16, 10000000000000000)],
    ids=["bool-int-float", "signed-zero", "float-int"],
)
def test_a_message_rendered_once_is_never_shown_for_an_equal_argument(values) -> None:
    """The text reporter renders each template and arguments once. Arguments that are equal
    but read differently (True, 1, 1.0; 0.0 and -0.0) each get their own text."""
    import io

    from kpiaudit.model import Finding
    from kpiaudit.reporters.text import report

    findings = [
        Finding(f"m/{i}.yaml", 1, 1, "K999", "x", "error", "value {value}", (("value", v),))
        for i, v in enumerate(values)
    ]
    out = io.StringIO()
    report(findings, out)
    shown = [line.split("] ", 1)[1] for line in out.getvalue().splitlines()]
    assert shown == [f"value {v}" for v in values]


def test_findings_are_listed_by_path_line_column_and_code_however_they_come() -> None:
    """by_position sorts a file's findings at a time (no key tuple for every finding of a
    large plan at once), in the same order as sorting by the whole position: files out of
    order, a file's findings split apart, ties on line and column broken by code."""
    import random

    from kpiaudit.audit.select import POSITION, by_position
    from kpiaudit.model import Finding

    places = [
        (f"measures/{c:02d}-{n:02d}.yaml", line, column, code)
        for c in (1, 2, 10)
        for n in (1, 9, 10)
        for line, column in ((3, 1), (3, 7), (12, 5), (100, 1))
        for code in ("K101", "K102", "E004")
    ]
    found = [Finding(*place, "name", "warning", "message") for place in places]
    random.Random(7).shuffle(found)
    assert by_position(found) == sorted(found, key=POSITION)
    assert [f[:4] for f in by_position(found)] == sorted(places)
