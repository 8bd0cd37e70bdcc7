"""kpiaudit diff between two imported editions: the README's worked example ("Two editions")
is run command by command, and what it shows is what kpiaudit prints."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kpiaudit.cli import main

from .conftest import ROOT, SOURCE


def example_block() -> list[str]:
    """The console block of README's "Two editions" section, line by line."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Two editions") :]
    block = section[section.index("```console\n") + len("```console\n") :]
    return block[: block.index("```")].splitlines()


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The README's commands run in a copy of the repository's sources and example: the
    directory they ran in, and what each kpiaudit command printed on stdout."""
    tmp = tmp_path_factory.mktemp("editions")
    (tmp / "sources").mkdir()
    shutil.copy(SOURCE, tmp / "sources" / SOURCE.name)
    shutil.copytree(ROOT / "examples" / "editions", tmp / "examples" / "editions")
    printed: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp)
        for line in example_block():
            if not line.startswith("$ "):
                continue
            command = shlex.split(line[2:])
            if command[0] == "python":
                subprocess.run([sys.executable, *command[1:]], cwd=tmp, check=True)
                continue
            assert command[0] == "kpiaudit", line
            capture = subprocess.run(
                [sys.executable, "-m", "kpiaudit", *command[1:]],
                cwd=tmp, capture_output=True, text=True, encoding="utf-8", check=False,
            )  # fmt: skip
            assert capture.returncode == 0, (line, capture.stderr)
            printed[line[2:]] = capture.stdout
    return tmp, printed


def test_the_readme_shows_what_diff_prints(editions: tuple[Path, dict[str, str]]) -> None:
    """Every line the README shows is printed, in that order; "…" stands for lines left out."""
    _tmp, printed = editions
    lines = example_block()
    start = lines.index("$ kpiaudit diff measures-2022 measures-2023") + 1
    shown = lines[start:]
    out = printed["kpiaudit diff measures-2022 measures-2023"].splitlines()
    at = 0
    for line in shown:
        if line == "…":
            continue
        assert line in out[at:], line
        at = out.index(line, at) + 1
    assert out[:2] == shown[:2]  # the heading and the counts, whole


def test_editions_pair_every_renumbered_measure_and_rank_what_moved(
    editions: tuple[Path, dict[str, str]], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    tmp, _printed = editions
    monkeypatch.chdir(tmp)
    assert main(["diff", "measures-2022", "measures-2023", "-f", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)
    found = {(c["change"], c["old"], c["new"]) for c in changes}
    renumbered = {(o, n) for kind, o, n in found if kind == "measure-renumbered"}
    assert renumbered == {(f"1-{i}", f"1-{i - 1}") for i in range(3, 11)}
    assert {("measure-removed", "1-2", None), ("kpi-removed", "1-2.P1", None)} <= found
    assert not any(kind == "measure-added" for kind, _o, _n in found)
    assert {
        ("deadline-slipped", "1-7.E1", "1-6.E1"),
        ("target-raised", "1-7.E2", "1-6.E2"),
        ("target-lowered", "6-36.E1", "6-36.E1"),
    } <= found
    # Nothing in a measure that only moved: its KPIs are the same KPIs under the new number.
    moved_only = {"1-3", "1-4", "1-5", "1-8", "1-9", "1-10"}
    in_moved = [c for c in changes if (c["old"] or "").split(".")[0] in moved_only]
    assert {c["change"] for c in in_moved} == {"measure-renumbered"}
    gated = subprocess.run(
        [sys.executable, "-m", "kpiaudit", "diff", "measures-2022", "measures-2023", "--fail-on",
         "deadline-slipped,target-lowered,kpi-removed,became-unset"],
        cwd=tmp, capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    assert gated.returncode == 1 and re.search(r"\d+ changes fail --fail-on", gated.stdout)
