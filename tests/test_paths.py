"""Paths (issue 11, items 14–16): a file named twice is checked once, SARIF names files with
percent-encoded URI references, and the shipped action and example workflow pass file names
whole and find duplicate ids across the whole measures directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from ruamel.yaml import YAML

from kpiaudit.cli import main

from .conftest import FIXTURES, MEASURES, ROOT

EXAMPLE = ROOT / "examples" / "measures"


def lint_json(args: list[str], capsys) -> list[dict]:
    code = main(["lint", *args, "-f", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return json.loads(out)


# --- 14: a path named twice ---------------------------------------------------------------------


def test_a_file_named_twice_is_checked_once(tmp_path: Path, capsys, monkeypatch) -> None:
    """It used to be "also defined" in itself (E008), with every finding twice."""
    shutil.copytree(EXAMPLE, tmp_path / "measures")
    (tmp_path / "alias").symlink_to(tmp_path / "measures")
    monkeypatch.chdir(tmp_path)
    once = lint_json(["measures"], capsys)
    for args in (
        ["measures/01-02.yaml", "measures/01-02.yaml"],
        ["measures", "measures/01-02.yaml", "./measures/01-02.yaml"],
        ["measures", "alias", "alias/01-02.yaml"],
    ):
        findings = lint_json(args, capsys)
        assert [f["code"] for f in findings] == [f["code"] for f in once], args


def test_a_directory_is_checked_for_its_measure_files_only(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """A directory named holds measures in its visible .yaml and .yml files: not plan.yaml,
    not a hidden file (an editor's backup), not .YAML, nor any other suffix."""
    shutil.copytree(EXAMPLE, tmp_path / "measures")
    measures = tmp_path / "measures"
    broken = "id: [unclosed\n"
    for name in (".hidden.yaml", ".yaml", "x.YAML", "x.yaml.bak", "notes.txt"):
        (measures / name).write_text(broken, encoding="utf-8")
    shutil.copy(measures / "01-02.yaml", measures / "01-03.yml")  # a measure, as .yml
    monkeypatch.chdir(tmp_path)
    paths = {f["path"] for f in lint_json(["measures"], capsys)}
    assert paths <= {"measures/01-01.yaml", "measures/01-02.yaml", "measures/01-03.yml"}
    assert "measures/01-03.yml" in paths


# --- 15: SARIF URIs -----------------------------------------------------------------------------

NAMES = ["a b.yaml", "a#b.yaml", "50%.yaml", "施策.yaml", "x?y.yaml"]


def test_sarif_uris_are_percent_encoded_references(tmp_path: Path, capsys, monkeypatch) -> None:
    work = tmp_path / "work"
    d = work / "m e"
    shutil.copytree(EXAMPLE, d)
    good = (EXAMPLE / "01-01.yaml").read_text(encoding="utf-8")
    for name in NAMES:
        (d / name).write_text(good, encoding="utf-8")  # E007 (and E008): one finding at least
    elsewhere = tmp_path / "other plan"  # outside the checkout: an absolute file URI
    shutil.copytree(EXAMPLE, elsewhere)
    (work / ".git").mkdir()  # the checkout's root, as code scanning's %SRCROOT%
    monkeypatch.chdir(work)
    main(["lint", "m e", str(elsewhere / "01-02.yaml"), "-f", "sarif"])
    doc = json.loads(capsys.readouterr().out)
    schema = json.loads((FIXTURES / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    locations = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in doc["runs"][0]["results"]
    ]
    relative = {loc["uri"] for loc in locations if loc.get("uriBaseId") == "%SRCROOT%"}
    assert {
        "m%20e/a%20b.yaml",
        "m%20e/a%23b.yaml",
        "m%20e/50%25.yaml",
        "m%20e/%E6%96%BD%E7%AD%96.yaml",
        "m%20e/x%3Fy.yaml",
    } <= relative
    assert all(
        set(uri) <= set("abcdefghijklmnopqrstuvwxyz0123456789-._~/%ABCDEF") for uri in relative
    )
    absolute = {loc["uri"] for loc in locations if "uriBaseId" not in loc}
    assert absolute == {(elsewhere / "01-02.yaml").as_uri()}
    assert {unquote(uri) for uri in relative} >= {f"m e/{n}" for n in NAMES}


# --- 16: the action and the example workflow ------------------------------------------------------


def test_a_copy_beside_a_file_named_is_a_duplicate_even_when_only_one_is_linted(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """pre-commit lints the files a commit changes: a pull request adding 08-01.yml beside
    08-01.yaml must fail there as a whole-directory lint fails, whichever of the two is
    named; a file with no such sibling is linted as before (nothing else is reported)."""
    shutil.copytree(MEASURES, tmp_path / "measures")
    monkeypatch.chdir(tmp_path)
    alone = lint_json(["measures/08-01.yaml"], capsys)
    shutil.copy(tmp_path / "measures" / "08-01.yaml", tmp_path / "measures" / "08-01.yml")
    whole = [f for f in lint_json(["measures"], capsys) if f["code"] == "E008"]
    assert [(f["path"], f["code"]) for f in whole] == [("measures/08-01.yml", "E008")]
    for named in ("measures/08-01.yml", "measures/08-01.yaml"):
        code = main(["lint", named])
        out, _err = capsys.readouterr()
        assert code == 1 and "measures/08-01.yml:2:5: E008" in out, named
    again = [f for f in lint_json(["measures/08-01.yaml"], capsys) if f["code"] != "E008"]
    assert again == alone
    # A plain copy keeps the id inside a file named otherwise (cp 07-03.yaml 07-06.yaml): its
    # E007 can be ignored by a project, its E008 cannot.
    (tmp_path / "measures" / "08-01.yml").unlink()
    shutil.copy(tmp_path / "measures" / "07-03.yaml", tmp_path / "measures" / "07-99.yaml")
    codes = {f["code"] for f in lint_json(["measures/07-99.yaml", "--ignore", "E007"], capsys)}
    assert "E008" in codes


PLAN = """\
title: 計画
base_date: '2022-06-07'
chapters:
  - {number: 1, title: 一}
  - {number: 8, title: 八}
"""


def measure(mid: str) -> str:
    good = (EXAMPLE / "01-01.yaml").read_text(encoding="utf-8")
    return good.replace("id: 1-1", f"id: {mid}").replace("chapter: 1", f"chapter: {mid[0]}")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def step(document: Path, where: list[str | int], **match: str) -> dict:
    """A step of a workflow or action file, as shipped."""
    node = YAML(typ="safe").load(document.read_text(encoding="utf-8"))
    for key in where:
        node = node[key]
    return next(s for s in node if all(s.get(k) == v for k, v in match.items()))


def bash(script: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    bin_dir = str(Path(sys.executable).parent)  # where this kpiaudit is installed
    full = {**os.environ, **env, "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
    full.pop("FORCE_COLOR", None)
    return subprocess.run(
        ["bash", "-c", script], cwd=repo, env=full, capture_output=True, text=True, check=False
    )


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="git, bash")
@pytest.mark.parametrize(
    ("base", "added"),
    [
        ({"08-01.yaml"}, {"08-01.yml", "施策 一.yaml"}),
        ({"08-01.yml"}, {"08-01.yaml", "施策 一.yaml"}),  # the duplicate lands on the old file
    ],
)
def test_the_shipped_workflow_and_action(tmp_path: Path, base: set[str], added: set[str]) -> None:
    """Changed files were passed space-separated and git-quoted: a non-ASCII name became E003,
    and a duplicate of an unchanged file's id passed, since only changed files were linted."""
    repo = tmp_path / "repo"
    measures = repo / "measures"
    measures.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (measures / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (measures / "01-02.yaml").write_text(  # existing debt in a file the PR does not touch
        (EXAMPLE / "01-02.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for name in base:
        (measures / name).write_text(measure("8-1"), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "checkout", "-qb", "pr")
    for name in added:
        (measures / name).write_text(measure("8-1" if "08" in name else "1-9"), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "pr")

    temp = tmp_path / "runner-temp"
    temp.mkdir()
    output = tmp_path / "github-output"
    changed = step(
        ROOT / "examples/github/workflows/kpiaudit.yml", ["jobs", "lint", "steps"], id="changed"
    )
    done = bash(
        changed["run"],
        repo,
        {"BASE_REF": "main", "RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(output)},
    )
    assert done.returncode == 0, done.stderr
    assert "any=true" in output.read_text(encoding="utf-8")
    listed = (temp / "kpiaudit-changed").read_bytes().split(b"\0")
    assert {os.fsdecode(p) for p in listed if p} == {f"measures/{n}" for n in added}

    lint = step(ROOT / "action.yml", ["runs", "steps"], name="Lint (annotations)")
    env = {
        "PATHS": "measures",
        "CHANGED": str(temp / "kpiaudit-changed"),
        "BASELINE": "",
        "SARIF": "kpiaudit.sarif",
    }
    done = bash(lint["run"], repo, env)
    assert done.returncode == 1, done.stderr
    annotations = done.stdout.splitlines()
    titles = sorted(
        (ln.split("file=")[1].split(",")[0], ln.split("title=")[1].split(" ")[0])
        for ln in annotations
    )
    # 08-01.yml sorts after 08-01.yaml: the duplicate id is reported there, changed or not.
    assert titles == [("measures/08-01.yml", "E008"), ("measures/施策 一.yaml", "E007")], done
    sarif = json.loads((repo / "kpiaudit.sarif").read_text(encoding="utf-8"))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert "measures/%E6%96%BD%E7%AD%96%20%E4%B8%80.yaml" in uris
    assert not [u for u in uris if "01-02" in u]  # unchanged debt is not reported


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="git, bash")
def test_the_action_diffs_against_the_base_into_the_job_summary(tmp_path: Path) -> None:
    """The action's diff step, as the example workflow gives it its inputs: the change list as
    markdown in the job summary, the changed lines annotated, the job failed by a slipped
    deadline until the KPI says why."""
    workflow = step(
        ROOT / "examples/github/workflows/kpiaudit.yml", ["jobs", "lint", "steps"],
        uses="kpiaudit/kpiaudit@main",
    )["with"]  # fmt: skip
    assert workflow["diff-base"] == "origin/${{ github.base_ref }}"
    repo = tmp_path / "repo"
    shutil.copytree(MEASURES, repo / "measures")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "checkout", "-qb", "pr")
    f = repo / "measures" / "01-07.yaml"
    f.write_text(
        f.read_text(encoding="utf-8").replace("date: '2025-03-31'", "date: '2026-03-31'"),
        encoding="utf-8",
    )
    diff = step(
        ROOT / "action.yml", ["runs", "steps"], name="Diff against ${{ inputs.diff-base }} "
        "(job summary, annotations)",
    )  # fmt: skip
    assert diff["if"] == "${{ !cancelled() && inputs.diff-base != '' }}"
    summary = tmp_path / "summary.md"
    env = {"BASE": "origin/main", "FAIL_ON": workflow["fail-on"]}
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    done = bash(diff["run"], repo, env)
    assert done.returncode == 1, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### kpiaudit diff: origin/main:measures → measures\n")
    assert "❌ 1 change fails --fail-on" in text and "#### deadline-slipped (1)" in text
    assert done.stdout.startswith("::error file=measures/01-07.yaml,line=35,")
    f.write_text(
        f.read_text(encoding="utf-8").replace(
            "  - id: E1\n", "  - id: E1  # kpiaudit: slip-ok 用地取得の遅れ\n"
        ),
        encoding="utf-8",
    )
    summary.unlink()
    done = bash(diff["run"], repo, env)
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert "✅ nothing fails --fail-on; 1 justified by slip-ok" in text
    assert done.stdout.startswith("::notice file=measures/01-07.yaml,line=35,")


def test_paths_shown_by_directory_are_the_paths_shown_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Output shows each file as its directory is shown, then its name (an absolute path costs
    several Path operations: once per directory, not once per file): the same text as each
    path worked out on its own, in every form a path can be given in."""
    from kpiaudit.cli.common import shown_findings, shown_path
    from kpiaudit.config import Config
    from kpiaudit.model import Finding

    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    monkeypatch.chdir(root / "docs")
    config = Config(root=root)
    forms = [
        "06-04.yaml",
        "measures/06-04.yaml",
        "./measures/06-04.yaml",
        "measures//06-04.yaml",
        "measures/./06-04.yaml",
        "./06-04.yaml",
        "../measures/06-04.yaml",
        "../../elsewhere/06-04.yaml",
        f"{root}/docs/06-04.yaml",
        f"{root}/docs/sub/06-04.yaml",
        f"{root}/measures/06-04.yaml",
        f"{root}/measures/../measures/06-04.yaml",
        f"{tmp_path}/outside/06-04.yaml",
        "/06-04.yaml",
        "//06-04.yaml",
    ]
    findings = [Finding(p, 1, 1, "K101", "unset", "error", "x") for p in forms]
    shown = [f.path for f in shown_findings(findings, "text", config)]
    assert shown == [shown_path(p, root) for p in forms]
    assert shown[9] == "sub/06-04.yaml" and shown[10] == "../measures/06-04.yaml"
