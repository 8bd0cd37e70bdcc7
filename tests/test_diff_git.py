"""kpiaudit diff against git revisions: the plan committed on main, edited on a branch.

Every git command (the test's and kpiaudit's) runs without the user's or the system's git
configuration and with an identity of its own, so the tests pass on a machine where git has
never been set up.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kpiaudit.cli import main

from .conftest import MEASURES, ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SLIP = ("date: '2025-03-31'", "date: '2026-03-31'")  # 1-7.E1's first milestone, a year later


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, encoding="utf-8"
    )
    return proc.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled plan committed on main, checked out on branch edit; cwd is the repo."""
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "kpiaudit tests")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "tests@kpiaudit.invalid")
    d = tmp_path / "plan"
    d.mkdir()
    shutil.copytree(MEASURES, d / "measures")
    git(d, "init", "-q", "-b", "main")
    git(d, "add", "-A")
    git(d, "commit", "-q", "-m", "the 2022 plan")
    git(d, "checkout", "-q", "-b", "edit")
    monkeypatch.chdir(d)
    return d


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def found(args: list[str], capsys, code: int = 0) -> set[tuple[str, str | None, str | None]]:
    got, out, err = run(["diff", *args, "-f", "json"], capsys)
    assert got == code, err
    return {(c["change"], c["old"], c["new"]) for c in json.loads(out)}


def test_diff_main_reports_the_branch_edit(repo: Path, capsys) -> None:
    edit(repo / "measures" / "01-07.yaml", *SLIP)
    slipped = {("deadline-slipped", "1-7.E1", "1-7.E1")}
    assert found(["main"], capsys) == slipped  # the working tree against main
    git(repo, "commit", "-q", "-am", "slip 1-7.E1")
    assert found(["main", "edit"], capsys) == slipped
    assert found(["main:measures", "HEAD:measures"], capsys) == slipped
    assert found(["HEAD~1", "HEAD"], capsys) == slipped
    assert found(["HEAD", "HEAD~1"], capsys) == {("deadline-advanced", "1-7.E1", "1-7.E1")}
    assert found(["edit"], capsys) == set()


def test_the_revision_is_read_not_checked_out(repo: Path, capsys) -> None:
    edit(repo / "measures" / "01-07.yaml", *SLIP)
    status, head = git(repo, "status", "--porcelain"), git(repo, "rev-parse", "HEAD")
    code, out, _ = run(["diff", "main"], capsys)
    assert code == 0 and "main:measures/" not in out and "measures/01-07.yaml:" in out
    assert git(repo, "status", "--porcelain") == status and git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "branch", "--show-current").strip() == "edit"


def test_fail_on_a_slip_exits_1_and_0_once_justified(repo: Path, capsys) -> None:
    f = repo / "measures" / "01-07.yaml"
    edit(f, *SLIP)
    gate = ["diff", "main", "--fail-on", "deadline-slipped,target-lowered,kpi-removed,became-unset"]
    code, out, _ = run([*gate, "-f", "github"], capsys)
    assert code == 1
    assert "::error file=measures/01-07.yaml,line=" in out and "deadline-slipped" in out
    edit(f, "  - id: E1\n", "  - id: E1  # kpiaudit: slip-ok\n")
    code, out, _ = run([*gate, "-f", "markdown"], capsys)
    assert code == 1 and "without a reason does not count" in out
    edit(f, "slip-ok\n", "slip-ok 用地取得の遅れ（令和5年度補正で対応）\n")
    code, out, _ = run([*gate, "-f", "markdown"], capsys)
    assert code == 0 and "slip-ok: 用地取得の遅れ（令和5年度補正で対応）" in out
    code, out, _ = run([*gate, "-f", "github"], capsys)
    assert (
        code == 0 and out.startswith("::notice file=measures/01-07.yaml,") and "::error" not in out
    )


def test_unknown_revision_or_path_is_a_usage_error(repo: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run(["diff", "no-such-branch"], capsys)
    assert code == 2 and "no-such-branch" in err and "Traceback" not in err
    code, _, err = run(["diff", "main:no/such/dir"], capsys)
    assert code == 2 and "no/such/dir" in err
    code, _, err = run(["diff", "main:measures/01-07.yaml"], capsys)
    assert code == 2 and "not a directory" in err
    written = tmp_path / "x"
    code, _, err = run(["diff", "--", f"--output={written}"], capsys)  # not an option to git
    assert code == 2 and not written.exists()


def test_outside_a_repository_a_revision_is_a_usage_error(
    repo: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(MEASURES, outside / "measures")
    code, _, err = run(["diff", "main", str(outside / "measures")], capsys)
    assert code == 2 and "outside the repository" in err
    monkeypatch.chdir(outside)
    code, _, err = run(["diff", "main"], capsys)
    assert code == 2 and "not inside a git repository" in err


def test_broken_files_in_a_revision_are_reported_not_fatal(
    repo: Path, tmp_path: Path, capsys
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: 1-1\nsecret: do-not-print-me\n", encoding="utf-8")
    m = repo / "measures"
    (m / "03-01.yaml").write_bytes(b"id: [3-1\n\x1b[2J")
    (m / "03-02.yaml").write_bytes(b"\xff\xfe" + "id: 3-2\n".encode("utf-16-le"))
    (m / "03-03.yaml").unlink()
    (m / "03-03.yaml").symlink_to(secret)
    (m / "03-04.yaml").write_bytes(b"kpis: !!python/object/apply:os.system ['echo owned']\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "broken files")
    git(repo, "checkout", "-q", "main")
    code, out, err = run(["diff", "main", "edit"], capsys)
    assert code == 0 and "Traceback" not in err
    assert "edit:measures/03-01.yaml:2:1: E001" in out  # the ESC, where it is
    assert "edit:measures/03-02.yaml:1:1: E002" in out
    assert "edit:measures/03-03.yaml:1:1: E003 a symbolic link" in out
    assert "edit:measures/03-04.yaml" in out and "E006" in out
    assert "do-not-print-me" not in out and "\x1b" not in out
    assert "not compared: 3-1, 3-2, 3-3, 3-4" in out and "removed" not in out
    code, out, _ = run(["diff", "main", "edit", "--fail-on", "kpi-removed"], capsys)
    assert code == 1


def test_a_revision_is_read_at_the_configured_measures_directory(repo: Path, capsys) -> None:
    git(repo, "mv", "measures", "plan-2022")
    (repo / "pyproject.toml").write_text(
        '[tool.kpiaudit]\nmeasures = "plan-2022"\n', encoding="utf-8"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "the plan moves")
    edit(repo / "plan-2022" / "01-07.yaml", *SLIP)
    code, out, _ = run(["diff", "HEAD"], capsys)
    assert code == 0 and out.startswith("kpiaudit diff: HEAD:plan-2022 → plan-2022\n")
    assert "plan-2022/01-07.yaml:35: deadline-slipped 1-7.E1" in out
    # main still has it at measures/: say so, or name the directory in the revision.
    code, _, err = run(["diff", "main"], capsys)
    assert code == 2 and "no plan-2022 in main" in err
    assert found(["main:measures"], capsys) == {("deadline-slipped", "1-7.E1", "1-7.E1")}


@pytest.mark.parametrize("where", ["measures", "docs"])
def test_from_a_subdirectory_diff_main_finds_the_plan_and_annotates_from_the_top(
    repo: Path, where: str, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As every command, diff finds the measures directory from anywhere in the project; the
    revision is listed whole (git ls-tree lists only what is under the current directory
    unless told otherwise), and annotations name files as GitHub resolves them."""
    edit(repo / "measures" / "01-07.yaml", *SLIP)
    (repo / where).mkdir(exist_ok=True)
    monkeypatch.chdir(repo / where)
    assert found(["main"], capsys) == {("deadline-slipped", "1-7.E1", "1-7.E1")}
    assert found(["main:measures"], capsys) == {("deadline-slipped", "1-7.E1", "1-7.E1")}
    code, out, _ = run(["diff", "main", "-f", "github"], capsys)
    assert code == 0 and out.startswith("::notice file=measures/01-07.yaml,line=35,")


def test_the_readme_example_is_what_diff_prints(repo: Path, capsys) -> None:
    """README's worked example (1-7.E1's first milestone a year later, in words and date) is
    what the two commands it shows print, line for line, with the exit status it shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    at = readme.index("A worked example: on a branch")
    block = readme[readme.index("```console\n", at) + 11 :]
    lines = block[: block.index("```")].splitlines()
    f = repo / "measures" / "01-07.yaml"
    edit(f, "カバー率（令和６年度（2024年度）末までに", "カバー率（令和７年度（2025年度）末までに")
    edit(f, *SLIP)
    edit(f, "text: 令和６年度（2024年度）末までに", "text: 令和７年度（2025年度）末までに")
    commands = [i for i, line in enumerate(lines) if line.startswith("$ kpiaudit ")]
    status = None
    for i in commands:
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("$ ")), len(lines))
        status, out, _ = run(lines[i].split()[2:], capsys)
        assert out.splitlines() == lines[i + 1 : end], lines[i]
    assert lines[-2:] == ["$ echo $?", str(status)]
