"""Nothing lost on write (issue 11, items 10–12): fix keeps each line's own ending, writes
through a symbolic link, refuses a read-only file and leaves alone a file edited while it ran;
import keeps its no-overwrite promise against a concurrent import; an interrupted write leaves
no temporary and no half-done set of files, and the next run finishes what a killed one left."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpiaudit import importer
from kpiaudit.cli import main

from .conftest import FIXTURES, ROOT

EXAMPLE = ROOT / "examples" / "measures"
OLD, NEW = b"date: '2025-03-31'", b"date: '2026-03-31'"  # a K202 that fix repairs


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    """Two measures whose P1 deadline date disagrees with its text (K202): fix restores it."""
    d = tmp_path / "measures"
    shutil.copytree(EXAMPLE, d)
    good = (EXAMPLE / "01-01.yaml").read_bytes()
    (d / "01-01.yaml").write_bytes(good.replace(OLD, NEW))
    (d / "01-03.yaml").write_bytes(good.replace(b"1-1", b"1-3").replace(OLD, NEW))
    return d


def fixed(path: Path) -> bool:
    """P1's deadline is 2025-03-31 again (E1's is 2026-03-31 in every version)."""
    return path.read_bytes().count(NEW) == 1


def temporaries(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir() if p.name.endswith(".tmp"))


# --- 10: fix keeps what it promises -------------------------------------------------------------


def test_each_line_keeps_its_own_ending(plan: Path, capsys) -> None:
    """In a file with mixed line endings every LF line used to become CRLF."""
    path = plan / "01-01.yaml"
    lines = path.read_bytes().split(b"\n")
    crlf = {i for i in range(len(lines) - 1) if i % 3 == 0}
    path.write_bytes(
        b"".join(ln + (b"\r\n" if i in crlf else b"\n") for i, ln in enumerate(lines[:-1]))
    )
    before = path.read_bytes().split(b"\n")
    assert main(["fix", str(path)]) == 0, capsys.readouterr().err
    after = path.read_bytes().split(b"\n")
    assert fixed(path)
    same = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
    pairs = zip(reversed(before), reversed(after), strict=False)
    tail = next(i for i, (a, b) in enumerate(pairs) if a != b)
    assert same + tail >= len(before) - 2  # only P1's two milestone lines were replaced …
    new = after[same : len(after) - tail]
    assert all(ln.endswith(b"\r") == before[same].endswith(b"\r") for ln in new)  # … in kind


def test_a_symbolic_link_is_written_through(plan: Path, capsys) -> None:
    """A symlinked measure used to be replaced by a regular file."""
    (plan / "src").mkdir()
    real = plan / "src" / "one.txt"
    (plan / "01-01.yaml").rename(real)
    (plan / "01-01.yaml").symlink_to(Path("src") / "one.txt")
    assert main(["fix", str(plan)]) == 0, capsys.readouterr().err
    assert (plan / "01-01.yaml").is_symlink() and fixed(real) and fixed(plan / "01-03.yaml")


def test_a_read_only_file_is_refused_not_rewritten(plan: Path, capsys) -> None:
    path = plan / "01-01.yaml"
    before = path.read_bytes()
    path.chmod(0o444)
    assert main(["fix", str(plan)]) == 1
    err = capsys.readouterr().err
    assert f"{path.as_posix()}: not fixed: the file is read-only (mode 0444)" in err
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert fixed(plan / "01-03.yaml") and "fixed 1 KPI(s) in 1 file(s); 1 left" in err


# --- 11: concurrent runs ------------------------------------------------------------------------


def test_a_hand_edit_saved_while_fix_runs_is_kept(plan: Path, capsys, monkeypatch) -> None:
    """The edit lands after fix read the file and before it writes: it used to be lost."""
    import kpiaudit.fix

    real = kpiaudit.fix.fixes_for
    path = plan / "01-01.yaml"

    def plan_then_edit(*args, **kwargs):  # type: ignore[no-untyped-def]
        fixes = real(*args, **kwargs)
        path.write_bytes(path.read_bytes() + b"# saved by hand while fix ran\n")
        return fixes

    monkeypatch.setattr(kpiaudit.fix, "fixes_for", plan_then_edit)
    assert main(["fix", str(plan)]) == 1
    err = capsys.readouterr().err
    assert path.read_bytes().endswith(b"# saved by hand while fix ran\n") and not fixed(path)
    assert f"{path.as_posix()}: not fixed: the file changed while fix ran" in err
    assert fixed(plan / "01-03.yaml")


def test_two_imports_without_force_never_overwrite_each_other(tmp_path: Path, monkeypatch) -> None:
    """Another import creates the files after this one checked that none exists: this one
    used to overwrite them and report success."""
    out = tmp_path / "m"
    mine = {"01-01.yaml": "mine: 1\n", "plan.yaml": "mine: 2\n"}
    theirs = {"01-01.yaml": "theirs: 1\n", "plan.yaml": "theirs: 2\n"}
    real = Path.mkdir

    def mkdir_while_another_import_writes(self: Path, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        real(self, *args, **kwargs)
        if self == out:
            for name, text in theirs.items():
                (out / name).write_text(text, encoding="utf-8")

    monkeypatch.setattr(Path, "mkdir", mkdir_while_another_import_writes)
    assert importer.write(out, mine, force=False).refused == ["01-01.yaml", "plan.yaml"]
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == theirs


def test_two_imports_at_once_one_writes_the_other_refuses(tmp_path: Path) -> None:
    """The real race, a few rounds: never both "wrote"; the files are one import's whole."""
    source = FIXTURES / "tricky-plan.txt"
    cmd = [sys.executable, "-m", "kpiaudit", "import", str(source), "--base-date", "2022-06-07"]
    for round_ in range(3):
        out = tmp_path / f"m{round_}"
        runs = [
            subprocess.Popen(
                [*cmd, "--out", str(out), "--edition", name],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for name in ("a", "b")
        ]
        codes = sorted(r.wait(timeout=120) for r in runs)
        assert codes == [0, 2], codes  # one wrote, the other found the files there
        plan = (out / "plan.yaml").read_text(encoding="utf-8")
        assert ("edition: a" in plan) != ("edition: b" in plan) and temporaries(out) == []


# --- 12: all or nothing across files ------------------------------------------------------------


def run_interrupted(patch: str, args: list[str]) -> subprocess.CompletedProcess:
    """kpiaudit in a process of its own, with ``patch`` (Python) applied first: it sends the
    signal at the chosen moment of the write."""
    program = (
        "import os, signal, sys\n"
        # As if started from a terminal, whatever the test runner inherited (a background job
        # of a shell ignores SIGINT, nohup ignores SIGHUP).
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "signal.signal(signal.SIGTERM, signal.SIG_DFL)\n"
        "signal.signal(signal.SIGHUP, signal.SIG_DFL)\n"
        f"{patch}\n"
        "from kpiaudit.cli import main\n"
        f"sys.exit(main({args!r}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=False
    )


# os.fsync is called once per temporary while they are written; os.replace once per rename.
DURING_WRITING = """
real = os.fsync
calls = []
def fsync(fd):
    real(fd)
    calls.append(fd)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.{signal})
os.fsync = fsync
"""
DURING_RENAMES = """
real = os.replace
def replace(src, dst):
    real(src, dst)
    os.replace = real
    os.kill(os.getpid(), signal.{signal})
os.replace = replace
"""


@pytest.mark.parametrize("signum", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_while_writing_changes_nothing_and_leaves_no_temporary(
    plan: Path, signum: str
) -> None:
    before = {p.name: p.read_bytes() for p in plan.iterdir()}
    done = run_interrupted(DURING_WRITING.format(signal=signum), ["fix", str(plan)])
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert temporaries(plan) == []
    assert {p.name: p.read_bytes() for p in plan.iterdir()} == before


@pytest.mark.parametrize("signum", ["SIGTERM", "SIGINT"])
def test_a_signal_during_the_renames_lets_them_finish(plan: Path, signum: str) -> None:
    """A kill aimed at the rename phase used to leave some files fixed and others not."""
    done = run_interrupted(DURING_RENAMES.format(signal=signum), ["fix", str(plan)])
    assert "Traceback" not in done.stderr, done.stderr
    assert fixed(plan / "01-01.yaml") and fixed(plan / "01-03.yaml")
    assert temporaries(plan) == []


def test_a_partial_run_says_so_and_the_next_one_finishes(plan: Path, capsys, monkeypatch) -> None:
    """A rename that fails part-way (as after a SIGKILL, some files are new, some old): the
    message used to say that no file was changed."""
    real = os.replace
    calls: list[str] = []

    def replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied", dst)
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    assert main(["fix", str(plan)]) == 2
    err = capsys.readouterr().err
    assert "1 file(s) were fixed and the others are unchanged: run kpiaudit fix again" in err
    assert [fixed(plan / n) for n in ("01-01.yaml", "01-03.yaml")] == [True, False]
    monkeypatch.setattr(os, "replace", real)
    assert main(["fix", str(plan)]) == 0 and fixed(plan / "01-03.yaml")
    assert "fixed 1 KPI(s) in 1 file(s)" in capsys.readouterr().err
    assert temporaries(plan) == []


def test_temporaries_of_a_killed_run_are_removed_by_the_next(plan: Path, capsys) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = plan / f".01-01.yaml.{dead.stdout.strip()}.k3j_x9a1.tmp"
    stale.write_text("half", encoding="utf-8")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    alive = plan / f".01-03.yaml.{os.getppid()}.abcdefgh.tmp"  # a run still running: kept
    alive.write_text("busy", encoding="utf-8")
    os.utime(alive, (old, old))
    mine = plan / "notes.tmp"  # not ours: kept
    mine.write_text("x", encoding="utf-8")
    assert main(["fix", str(plan)]) == 0
    assert temporaries(plan) == [alive.name, "notes.tmp"]


def test_sigkill_during_the_renames_then_run_again(plan: Path) -> None:
    """SIGKILL cannot be held: some files are new and some old, each whole; the next run
    finishes the job and removes the killed run's temporaries."""
    done = run_interrupted(DURING_RENAMES.format(signal="SIGKILL"), ["fix", str(plan)])
    assert done.returncode == -signal.SIGKILL
    assert [fixed(plan / n) for n in ("01-01.yaml", "01-03.yaml")] == [True, False]
    assert len(temporaries(plan)) == 1
    again = subprocess.run(
        [sys.executable, "-m", "kpiaudit", "fix", str(plan)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "removed 1 temporary file(s) of an interrupted run" in again.stderr
    assert fixed(plan / "01-03.yaml") and temporaries(plan) == []
