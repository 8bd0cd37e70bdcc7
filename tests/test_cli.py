"""What every command shares: exit codes, the closed pipe, paths that do not exist, --version."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import MEASURES, ROOT


def into_closed_pipe(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run kpiaudit with its stdout a pipe nobody reads any more (``kpiaudit … | head -1``
    once head has exited): the reading end is closed before kpiaudit writes anything."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [sys.executable, "-m", "kpiaudit", *args],
            cwd=ROOT,
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


def test_version(capsys) -> None:
    from kpiaudit import __version__
    from kpiaudit.cli import main

    for option in ("--version", "-V"):
        assert main([option]) == 0
        assert capsys.readouterr().out == f"kpiaudit {__version__}\n"
