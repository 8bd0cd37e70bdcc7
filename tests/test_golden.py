"""What lint, status, due, progress and fix print for the bundled plan, byte for byte.

The files in tests/golden/ are those outputs, judged as of one fixed day. A change that is
meant to change them (a new rule, a better reading of a KPI's text) rewrites them with
``KPIAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and the diff shows what
changed in review; a change that is not meant to (a refactor, a cache) must leave them alone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kpiaudit.cli import main

from .conftest import ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
DAY = ["--today", "2025-06-30", "--lang", "en"]

COMMANDS = {
    "lint.txt": ["lint", "measures", *DAY],
    "status.txt": ["status", "measures", "-f", "plain", *DAY],
    "status-chapter-6.txt": ["status", "measures", "-c", "6", "-f", "plain", *DAY],
    "due.txt": ["due", "measures", "-f", "plain", *DAY],
    "progress.txt": ["progress", "measures", "-f", "plain", *DAY],
    "fix.txt": ["fix", "--diff", "measures", "--lang", "en"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_output_on_the_bundled_plan_is_what_it_was(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    code = main(COMMANDS[name])
    out, err = capsys.readouterr()
    got = f"exit {code}\n--- stdout\n{out}--- stderr\n{err}"
    path = GOLDEN / name
    if os.environ.get("KPIAUDIT_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8", newline="\n")
    assert got == path.read_text(encoding="utf-8")
