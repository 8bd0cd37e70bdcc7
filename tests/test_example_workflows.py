"""The example GitHub workflows: valid for GitHub, and the report workflow's own build step
run here on the bundled plan, so the commands it documents work."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from .conftest import MEASURES, ROOT

WORKFLOWS = ROOT / "examples" / "github" / "workflows"


def test_workflows_are_valid_for_github() -> None:
    """Against the GitHub workflow schema check-jsonschema ships (no network)."""
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    check = [sys.executable, "-m", "check_jsonschema", "--builtin-schema"]
    done = subprocess.run(
        [*check, "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_report_workflow_builds_uploads_and_publishes_only_from_main(tmp_path: Path) -> None:
    workflow = YAML(typ="safe").load((WORKFLOWS / "kpiaudit-report.yml").read_text("utf-8"))
    steps = workflow["jobs"]["report"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "_site"
    assert "pull_request" in workflow["on"]  # a pull request's report is there to download
    pages = workflow["jobs"]["pages"]
    assert "pull_request" in pages["if"] and pages["needs"] == "report"
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}  # only the publishing job may write

    # The build step itself, with kpiaudit the package under test.
    build = next(s for s in steps if s.get("name", "").startswith("Build the report"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "kpiaudit"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m kpiaudit "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    (tmp_path / "measures").symlink_to(MEASURES)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", build["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    site = tmp_path / "_site"
    assert (site / "index.html").is_file() and len(list(site.glob("measure-*.html"))) == 163
    data = site / "data"
    assert {p.name for p in data.iterdir()} == {
        "kpiaudit.xlsx",
        "kpiaudit.db",
        "kpis.csv",
        "kpis-milestones.csv",
    }
    db = sqlite3.connect(data / "kpiaudit.db")
    assert db.execute("SELECT count(*) FROM kpis").fetchone() == (377,)
