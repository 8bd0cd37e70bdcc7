"""What every command shares: exit codes, the closed pipe, paths that do not exist, --version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MEASURES, ROOT

# Output buffered, as a terminal-less CI runs the command: only a flush writes the last block.
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def into_closed_pipe(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run kpiaudit with its stdout a pipe nobody reads any more (``kpiaudit … | head -1``
    once head has exited): the reading end is closed before kpiaudit writes anything."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [sys.executable, "-m", "kpiaudit", *args],
            cwd=ROOT,
            env=BUFFERED,
            stdout=writer,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            check=False,
        )
    finally:
        os.close(writer)


@pytest.mark.parametrize(
    "args",
    [
        ["lint", str(MEASURES)],
        ["status", str(MEASURES)],
        ["due", str(MEASURES)],
        ["rules"],
        ["--help"],
    ],
)
def test_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    done = into_closed_pipe(args)
    assert done.stderr == "" and done.returncode == 141, done.stderr


@pytest.mark.parametrize(
    "args", [["lint", str(MEASURES / "06-04.yaml")], ["status", str(MEASURES)], ["lint", "--help"]]
)
def test_a_closed_stdout_is_a_usage_error_not_an_internal_one(args: list[str]) -> None:
    """``kpiaudit … >&-``: Python starts without sys.stdout, and nothing can be printed."""
    done = subprocess.run(
        [sys.executable, "-m", "kpiaudit", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == "kpiaudit: error: cannot write the output: Bad file descriptor\n"


def test_a_closed_stderr_silences_messages_and_keeps_stdout_clean(tmp_path: Path) -> None:
    """``kpiaudit … 2>&-``: the messages go nowhere (print would have sent them to stdout),
    and the output is the same as with ``2>/dev/null``."""
    import shutil

    plan = tmp_path / "measures"
    shutil.copytree(MEASURES, plan)
    (plan / "05-02.yaml").write_text("id: [5-2\n", encoding="utf-8")
    for args in (["status", str(plan), "--allow-broken"], ["lint", str(plan), "--no-cache"]):
        command = [sys.executable, "-m", "kpiaudit", *args]
        quiet = subprocess.run(command, capture_output=True, text=True, check=False)
        closed = subprocess.run(
            command,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: os.close(2),
            check=False,
        )
        assert (closed.returncode, closed.stdout) == (quiet.returncode, quiet.stdout)
        assert quiet.stderr and quiet.stderr not in closed.stdout


def test_version(capsys) -> None:
    from kpiaudit import __version__
    from kpiaudit.cli import main

    for option in ("--version", "-V"):
        assert main([option]) == 0
        assert capsys.readouterr().out == f"kpiaudit {__version__}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["lint", str(MEASURES), "-f", "json", "--no-cache"],  # 158 KB: more than a pipe holds
        ["lint", str(MEASURES), "--exit-zero", "--no-cache"],
        ["status", str(MEASURES), "-f", "json", "--no-cache"],  # only main flushes it
        ["status", str(MEASURES), "-c", "99"],  # a usage error: 2
        ["rules", "--format", "json"],  # through typer
        ["lint", "--help"],  # argparse exits: only main's flush writes it
    ],
)
def test_the_console_script_ends_with_all_its_output_and_main_s_status(
    args: list[str], capsys
) -> None:
    """The console script ends without the interpreter's teardown (:func:`kpiaudit.cli.run`):
    what a run prints, and its exit status, are still those of :func:`main`."""
    expected = run(args, capsys)
    done = subprocess.run(
        [sys.executable, "-m", "kpiaudit", *args],
        cwd=ROOT,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        text=True,
        env=BUFFERED | {"PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == expected
    assert expected[1] or expected[2]


def run(args: list[str], capsys) -> tuple[int, str, str]:
    from kpiaudit.cli import main

    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def plan(tmp_path):
    import shutil

    d = tmp_path / "measures"
    shutil.copytree(MEASURES, d)
    return d


# --- issue 10.6: no numbers over a plan with files left out -------------------------------


@pytest.mark.parametrize(
    "command", [["status"], ["due", "--before", "2030"], ["progress", "--today", "2024-06-01"]]
)
def test_numbers_are_refused_over_a_broken_file(plan, capsys, command: list[str]) -> None:
    (plan / "06-04.yaml").write_text("id: [6-4\n", encoding="utf-8")
    code, out, err = run([*command, str(plan)], capsys)
    assert code == 1 and out == ""
    assert "06-04.yaml:2:1: E001 [error] YAML syntax error" in err and "--allow-broken" in err
    code, out, err = run([*command, str(plan), "--allow-broken", "-f", "json"], capsys)
    assert code == 0 and json.loads(out) and "06-04.yaml" in err


def test_progress_refuses_a_chapter_the_plan_does_not_have(plan, capsys) -> None:
    code, out, err = run(["progress", str(plan), "-c", "11"], capsys)
    assert code == 2 and out == "" and "no chapter 11" in err


def test_a_copied_file_is_not_counted_twice(plan, capsys) -> None:
    import shutil

    shutil.copy(plan / "07-03.yaml", plan / "07-06.yaml")
    code, out, err = run(["status", str(plan)], capsys)
    assert code == 1 and out == "" and "07-06.yaml" in err and "E008" in err
    code, out, _ = run(["status", str(plan), "--allow-broken", "-f", "json"], capsys)
    assert code == 0 and json.loads(out)["total"]["kpis"] == 377
    code, out, _ = run(["due", str(plan), "--allow-broken", "-f", "json"], capsys)
    rows = [r["kpi"] for r in json.loads(out) if r["measure"] == "7-3"]
    assert rows and len(rows) == len(set(rows))


def test_the_copy_is_the_duplicate_whatever_its_name_sorts_like(plan, capsys) -> None:
    import shutil

    shutil.copy(plan / "07-03.yaml", plan / "07-02.yaml")  # sorts before the original
    _, out, _ = run(["lint", str(plan), "-f", "json", "--select", "E008"], capsys)
    assert [Path(f["path"]).name for f in json.loads(out)] == ["07-02.yaml"]


# --- issue 10.7: selection chooses rules, never whether a file was checked ------------------


@pytest.mark.parametrize("option", [["--select", "K1"], ["--ignore", "E"], ["--select", "K101"]])
def test_a_broken_file_is_reported_whatever_is_selected(plan, capsys, option) -> None:
    (plan / "06-04.yaml").write_text("id: [6-4\n", encoding="utf-8")
    (plan / "06-05.yaml").write_text("id: 6-5\n", encoding="utf-8")
    code, out, _ = run(["lint", str(plan), *option, "-f", "json"], capsys)
    got = {(Path(f["path"]).name, f["code"], f["severity"]) for f in json.loads(out)}
    assert code == 1
    assert {("06-04.yaml", "E001", "error"), ("06-05.yaml", "E004", "error")} <= got


@pytest.mark.parametrize(
    "setting",
    [
        'ignore = ["E001"]',
        'ignore = ["schema"]',
        'per-file-ignores = { "06-*.yaml" = ["E004"] }',
        'severity = { E001 = "warning" }',
        'severity = { duplicate-id = "info" }',
    ],
)
def test_configuration_cannot_hide_a_file_that_was_not_checked(
    tmp_path, capsys, monkeypatch, setting: str
) -> None:
    (tmp_path / ".kpiaudit.toml").write_text(setting + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["lint", str(MEASURES)], capsys)
    assert code == 2 and "is always reported" in err


def test_ignore_option_cannot_hide_a_file_that_was_not_checked(capsys) -> None:
    code, _, err = run(["lint", str(MEASURES), "--ignore", "E001,E004"], capsys)
    assert code == 2 and "E001 (yaml-syntax) is always reported" in err


# --- issue 10.10: a mistyped path is not a pass ---------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["lint"], ["status"], ["due"], ["fix"], ["fix", "--diff"]],
)
def test_a_path_that_does_not_exist_is_a_usage_error(tmp_path, capsys, command) -> None:
    for missing in (tmp_path / "nonexist.yaml", tmp_path / "nonexist"):
        code, _, err = run([*command, str(missing)], capsys)
        assert code == 2 and "no such file or directory" in err, (command, err)


@pytest.mark.parametrize("command", [["lint"], ["status"], ["due"], ["fix", "--diff"]])
def test_a_directory_without_measure_files_is_an_error(
    tmp_path, capsys, monkeypatch, command
) -> None:
    empty = tmp_path / "measures"
    empty.mkdir()
    (empty / "plan.yaml").write_bytes((MEASURES / "plan.yaml").read_bytes())
    code, _, err = run([*command, str(empty)], capsys)
    assert code == 2 and "no measure files" in err
    # The same directory found as the default, from the project root.
    (tmp_path / ".kpiaudit.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(command, capsys)
    assert code == 2 and "no measure files" in err


def test_fix_diff_reports_a_file_it_cannot_read(plan, capsys) -> None:
    (plan / "06-04.yaml").write_text("id: [6-4\n", encoding="utf-8")
    code, out, err = run(["fix", "--diff", str(plan / "06-04.yaml")], capsys)
    assert code == 1 and out == ""
    assert "06-04.yaml: not fixed: E001 yaml-syntax" in err


# --- issue 10.12: the project root, found from any subdirectory ----------------------------


@pytest.fixture
def project(tmp_path):
    """repo/.git, repo/measures (the example plan), repo/docs; a configuration *outside* the
    repository that must not be read."""
    import shutil

    (tmp_path / ".kpiaudit.toml").write_text('ignore = ["K1"]\n', encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "docs").mkdir()
    shutil.copytree(ROOT / "examples" / "measures", repo / "measures")
    return repo


@pytest.mark.parametrize(
    ("where", "shown"),
    [(".", "measures/01-02.yaml"), ("measures", "01-02.yaml"), ("docs", "../measures/01-02.yaml")],
)
def test_lint_from_a_subdirectory(project, capsys, monkeypatch, where: str, shown: str) -> None:
    monkeypatch.chdir(project / where)
    code, out, err = run(["lint"], capsys)
    assert code == 1, err
    assert out.startswith(f"{shown}:13:11: K102 [error]")  # K1 is not ignored: not our config
    _, out, _ = run(["lint", "-f", "github"], capsys)
    assert "::error file=measures/01-02.yaml,line=13," in out
    code, out, _ = run(["status", "-f", "json"], capsys)
    assert code == 0 and json.loads(out)["total"]["kpis"] == 5


@pytest.mark.parametrize(
    ("where", "shown"),
    [(".", "measures/01-01.yaml"), ("measures", "01-01.yaml"), ("docs", "../measures/01-01.yaml")],
)
def test_a_path_in_a_message_is_shown_as_the_findings_path(
    project, capsys, monkeypatch, where: str, shown: str
) -> None:
    """E008 named the other file by its absolute path (the runner's checkout in an annotation)
    where the finding's own path was relative."""
    import shutil

    shutil.copy(project / "measures" / "01-01.yaml", project / "measures" / "01-09.yaml")
    monkeypatch.chdir(project / where)
    _, out, _ = run(["lint"], capsys)
    assert f"E008 [error] measure 1-1 is also defined in {shown} (1-1)" in out, out
    _, out, _ = run(["lint", "-f", "github"], capsys)
    assert "::measure 1-1 is also defined in measures/01-01.yaml\n" in out.replace("1-1: ", "")
    _, _, err = run(["status"], capsys)
    assert f"measure 1-1 is also defined in {shown} (1-1)" in err, err


def test_a_configuration_below_the_git_root_is_the_project_root(project, capsys, monkeypatch):
    import shutil

    sub = project / "plans" / "city"
    shutil.move(project / "measures", sub / "measures")
    (sub / ".kpiaudit.toml").write_text('per-file-ignores = { "measures/01-02.yaml" = ["K101"] }\n')
    monkeypatch.chdir(sub / "measures")
    _, out, _ = run(["lint", "-f", "json"], capsys)
    assert {f["code"] for f in json.loads(out)} == {"K102", "K103"}
    _, out, _ = run(["lint", "-f", "sarif"], capsys)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert uris == {"plans/city/measures/01-02.yaml"}
