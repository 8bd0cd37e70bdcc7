"""The progress bar of long RS reads: on stderr for a person at a terminal, never piped, in
CI, under TERM=dumb or with --quiet (so logs and scripts never see it)."""

from __future__ import annotations

import io
import sys
import threading
from pathlib import Path

import pytest

from kpiaudit.cli import progressbar


class Terminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def at_terminal(monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str]) -> Terminal:
    """stderr a terminal (or not), with only ``env`` of CI and TERM set."""
    for name in ("CI", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stderr = Terminal(tty)
    monkeypatch.setattr(sys, "stderr", stderr)
    return stderr


@pytest.mark.parametrize(
    ("tty", "env", "quiet", "shown"),
    [
        (True, {}, False, True),
        (False, {}, False, False),  # piped or redirected
        (True, {"CI": "true"}, False, False),
        (True, {"CI": "false"}, False, True),
        (True, {"TERM": "dumb"}, False, False),
        (True, {}, True, False),  # --quiet
    ],
)
def test_a_bar_only_for_a_person_at_a_terminal(
    tmp_path: Path, monkeypatch, tty: bool, env: dict[str, str], quiet: bool, shown: bool
) -> None:
    stderr = at_terminal(monkeypatch, tty, env)
    big = tmp_path / "rs.csv"
    big.write_bytes(b"x" * progressbar.LONG)
    with progressbar.reading(big, quiet=quiet) as progress:
        assert (progress is not None) == shown
        if progress is not None:
            progress(progressbar.LONG // 2)
    assert bool(stderr.getvalue()) == shown


def test_no_bar_for_a_short_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys, "stderr", Terminal(True))
    small = tmp_path / "rs.csv"
    small.write_bytes(b"x" * 1000)
    with progressbar.reading(small, quiet=False) as progress:
        assert progress is None


def test_the_rs_reader_reports_how_far_it_got(tmp_path: Path) -> None:
    from kpiaudit.actuals.csvstream import PROGRESS_EVERY
    from kpiaudit.actuals.rs import read_rs

    from .rs_fixture import generate, write_rs

    path = write_rs(tmp_path / "3-1.csv", generate(PROGRESS_EVERY // 2))  # > 2 × EVERY rows
    seen: list[int] = []
    indicators = sum(1 for _ in read_rs(path, None, seen.append))
    assert indicators == PROGRESS_EVERY // 2
    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] <= path.stat().st_size


@pytest.mark.parametrize(
    ("tty", "env", "quiet", "total", "shown"),
    [
        (True, {}, False, progressbar.MANY, True),
        (True, {}, False, progressbar.MANY - 1, False),  # done before a bar would be seen
        (False, {}, False, progressbar.MANY, False),
        (True, {"CI": "true"}, False, progressbar.MANY, False),
        (True, {}, True, progressbar.MANY, False),
    ],
)
def test_a_bar_for_many_files_only_for_a_person_at_a_terminal(
    monkeypatch, tty: bool, env: dict[str, str], quiet: bool, total: int, shown: bool
) -> None:
    stderr = at_terminal(monkeypatch, tty, env)
    with progressbar.counting(quiet=quiet) as progress:
        for done in range(1, total + 1, 97):
            if progress is not None:
                progress(done, total)
    assert bool(stderr.getvalue()) == shown
    assert threading.active_count() == 1  # drawn without a thread: workers fork under it


def test_lint_draws_its_bar_while_it_checks(tmp_path: Path, monkeypatch, capsys) -> None:
    """A long lint on a terminal: the bar goes to stderr, the findings to stdout as ever."""
    from kpiaudit.cli import main

    from .conftest import MEASURES

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(progressbar, "MANY", 100)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code = main(["lint", str(MEASURES), "--today", "2026-11-27"])
    out, err = capsys.readouterr()
    assert code == 1 and "163/163" in err
    assert "163/163" not in out and len(out.splitlines()) == 548
