"""The worked example (examples/progress, README "Is it being met?") keeps working: every row
of its table and every mapped RS indicator is usable against the bundled plan, and the states
the README shows are the states kpiaudit gives."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import MEASURES, ROOT

EXAMPLE = ROOT / "examples" / "progress"
RS = EXAMPLE / "3-1_RS_2025_効果発現経路_目標・実績.csv"
TODAY = ["--today", "2026-11-27"]


def kpiaudit(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kpiaudit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_worked_example(tmp_path: Path) -> None:
    shutil.copytree(MEASURES, tmp_path / "my-plan")
    shutil.copytree(EXAMPLE, tmp_path / "example")
    table = kpiaudit("actuals", "import", "example/actuals.csv", "my-plan", *TODAY, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "11 imported, 0 updated, 0 unchanged, 0 skipped; 6 file(s) changed" in table.stderr
    suggested = kpiaudit("actuals", "suggest-map", f"example/{RS.name}", "my-plan", cwd=tmp_path)
    assert suggested.returncode == 0, suggested.stderr
    for line in (EXAMPLE / "rs-map.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("- "):  # each confirmed entry was proposed first
            entry = line[2:].replace("kpi: ", 'kpi: "').replace("}", '"}')
            assert f"# - {entry}" in suggested.stdout, entry
    rs = kpiaudit(
        "actuals", "import", f"example/{RS.name}", "my-plan", "--map", "example/rs-map.yaml",
        *TODAY, cwd=tmp_path,
    )  # fmt: skip
    assert rs.returncode == 0, rs.stderr
    assert "5 imported" in rs.stderr and "RS targets recorded for 2 KPI(s)" in rs.stderr
    done = kpiaudit("progress", "my-plan", "-f", "json", *TODAY, cwd=tmp_path)
    states = {(r["kpi"], r["deadline"]): r["state"] for r in json.loads(done.stdout)}
    judged = {k: v for k, v in states.items() if v != "no-data"}
    assert judged == {
        ("1-7.E1", "2025-03-31"): "achieved-late",
        ("1-7.E1", "2028-03-31"): "on-track",
        ("1-7.E2", "2024-03-31"): "achieved",
        ("4-15.E1", "2026-03-31"): "achieved",
        ("6-36.P1", "2023-03-31"): "missed",
        ("6-43.P1", "2026-03-31"): "achieved",
        ("9-18.P1", "2022-08-31"): "achieved-late",
        ("9-18.E1", "2027-03-31"): "behind",
        ("10-10.P1", None): "missed",
        # unset KPIs whose promise to be set has passed (set-by rows)
        ("4-6.E1", "2024-03-31"): "missed",
        ("4-10.P1", "2023-03-31"): "missed",
        ("4-23.E1", "2025-03-31"): "missed",
        ("6-28.E1", "2023-03-31"): "missed",
        ("6-29.E1", "2025-03-31"): "missed",
        ("9-31.E1", "2022-08-31"): "missed",
    }
    lint = kpiaudit("lint", "my-plan", "--select", "K301,K302,K303,K305", *TODAY, cwd=tmp_path)
    assert lint.returncode == 0 and lint.stdout.count("K305") == 1  # 5G: RS 97 % for FY2025


def test_the_readme_shows_what_the_worked_example_prints(tmp_path: Path) -> None:
    """README "Is it being met?": each command of the console block, run as shown, prints
    exactly the lines shown under it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```console\n$ cp -r measures my-plan\n")
    block = readme[start : readme.index("```\n", start + 3)].splitlines()[1:]
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(MEASURES, tmp_path / "measures")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env |= {"CI": "true", "TERM": "dumb", "KPIAUDIT_LANG": "en"}
    commands: list[tuple[str, list[str]]] = []
    for line in block:
        if line.startswith("$ "):
            commands.append((line[2:], []))
        else:
            commands[-1][1].append(line)
    assert [c.split()[:2] for c, _ in commands] == [
        ["cp", "-r"],
        ["kpiaudit", "actuals"],
        ["kpiaudit", "actuals"],
        ["kpiaudit", "progress"],
        ["kpiaudit", "due"],
    ]
    for command, shown in commands:
        args = shlex.split(command)
        if args[0] == "cp":
            shutil.copytree(tmp_path / args[2], tmp_path / args[3])
            assert shown == []
            continue
        assert args[0] == "kpiaudit", command
        done = kpiaudit(*args[1:], cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        assert (done.stdout + done.stderr).splitlines() == shown, command
