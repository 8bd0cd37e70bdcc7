"""lint's output replayed (issue 16): a run in which nothing changed prints, byte for byte,
what a run without the cache prints, without decoding a finding; anything else the output
depends on (options, configuration, language, working directory, colour, the files
--baseline and --changed-from read) is another record; a record this user did not write, or
one for other findings, is never printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpiaudit.audit import cache as cache_module
from kpiaudit.audit.cache import CACHE_DIR
from kpiaudit.audit.snapshot import Snapshot
from kpiaudit.cli import replay as replay_module

from .conftest import ROOT
from .test_cache import LINT, project, run, unset_first_kpi

__all__ = ["project"]  # the fixture, shared with test_cache


class Decodes:
    """Counts the times a plan's snapshot is decoded."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = Snapshot.known

        def counted(snapshot: Snapshot):  # type: ignore[no-untyped-def]
            self.count += 1
            return real(snapshot)

        monkeypatch.setattr(Snapshot, "known", counted)


def records(project: Path) -> list[Path]:
    return sorted((project / CACHE_DIR).glob("*.output"))


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "SETTLED", 0)  # every file's times are to be trusted


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_a_run_where_nothing_changed_replays_what_it_printed(
    project: Path, capsys, monkeypatch, fmt: str
) -> None:
    expected = run([*LINT, "-f", fmt, "--no-cache"], capsys)
    assert run([*LINT, "-f", fmt], capsys) == expected  # checks, and records
    decodes = Decodes(monkeypatch)
    assert run([*LINT, "-f", fmt], capsys) == expected
    assert run([*LINT, "-f", fmt], capsys) == expected
    assert decodes.count == 0
    assert len(records(project)) == 1
    assert expected[0] == 1  # the exit status is replayed too


def test_the_statistics_and_the_exit_status_are_replayed(project: Path, capsys) -> None:
    for args in (["--statistics"], ["--exit-zero"], ["--statistics", "-f", "json"], ["-q"]):
        expected = run([*LINT, *args, "--no-cache"], capsys)
        assert run([*LINT, *args], capsys) == expected
        assert run([*LINT, *args], capsys) == expected
    assert run([*LINT, "--exit-zero"], capsys)[0] == 0
    assert len(records(project)) == 4


def test_what_the_output_depends_on_is_another_record(project: Path, capsys, monkeypatch) -> None:
    """Each change below changes the output, not the findings: each run prints what a run
    without the cache prints, not the record of the run before."""
    baseline = project / "known.json"
    run([*LINT, "--no-cache", "--write-baseline", str(baseline)], capsys)
    listed = project / "changed.txt"
    listed.write_text("measures/06-04.yaml\n")
    seen: list[tuple[int, str, str]] = []

    def same_as_uncached(*args: str) -> None:
        got = run([*LINT, *args], capsys)
        assert got == run([*LINT, *args, "--no-cache"], capsys)
        assert not seen or got != seen[-1], args  # not the record of the run before
        seen.append(got)

    same_as_uncached()
    same_as_uncached("--select", "K1")
    same_as_uncached("--lang", "ja")
    monkeypatch.setenv("FORCE_COLOR", "1")
    same_as_uncached()  # in colour
    monkeypatch.delenv("FORCE_COLOR")
    (project / ".kpiaudit.toml").write_text('[severity]\nK102 = "warning"\n')
    same_as_uncached()
    (project / ".kpiaudit.toml").write_text('lang = "ja"\n')
    same_as_uncached()
    (project / ".kpiaudit.toml").write_text("")
    monkeypatch.chdir(project / "measures")  # paths are shown from here
    same_as_uncached(str(project / "measures"))
    monkeypatch.chdir(project)
    same_as_uncached(str(project / "measures"))
    same_as_uncached("--changed-from", str(listed))
    listed.write_text("measures/06-05.yaml\n")
    same_as_uncached("--changed-from", str(listed))
    (project / "elsewhere").mkdir()
    (project / "alias").symlink_to(project / "elsewhere")
    listed.write_text("alias/06-05.yaml\n")
    same_as_uncached("--changed-from", str(listed))
    (project / "alias").unlink()
    (project / "alias").symlink_to(project / "measures")  # the same list, another file
    same_as_uncached("--changed-from", str(listed))
    same_as_uncached("-f", "github")
    (project.parent / ".git").mkdir()  # a repository around the project: paths from there
    same_as_uncached("-f", "github")
    unset_first_kpi(project / "measures" / "06-04.yaml")  # a finding the baseline lacks
    same_as_uncached("--baseline", str(baseline))
    run([*LINT, "--no-cache", "--write-baseline", str(baseline)], capsys)
    same_as_uncached("--baseline", str(baseline))


def test_a_changed_file_is_never_answered_by_the_record(project: Path, capsys) -> None:
    run(LINT, capsys)
    run(LINT, capsys)
    unset_first_kpi(project / "measures" / "06-04.yaml")
    code, out, _err = run([*LINT, "-f", "json"], capsys)
    assert (code, out) == run([*LINT, "-f", "json", "--no-cache"], capsys)[:2]
    assert "K101" in {f["code"] for f in json.loads(out) if f["kpi"] == "6-4.P1"}


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw.replace(b"K102", b"K103", 1),  # its MAC fails
        lambda raw: raw.split(b"\n", 1)[0] + b"\n" + b'[["x"], 0, []]\n',  # another MAC
    ],
    ids=["truncated", "edited", "forged"],
)
def test_a_record_this_user_did_not_write_is_not_replayed(project: Path, capsys, damage) -> None:
    expected = run([*LINT, "--no-cache"], capsys)
    run(LINT, capsys)
    (record,) = records(project)
    record.write_bytes(damage(record.read_bytes()))
    assert run(LINT, capsys) == expected
    assert run(LINT, capsys) == expected  # recorded again


def test_a_run_that_writes_a_baseline_is_never_replayed(project: Path, capsys) -> None:
    baseline = project / "known.json"
    write = [*LINT, "--write-baseline", str(baseline)]
    run(write, capsys)
    baseline.unlink()
    assert run(write, capsys)[0] == 0
    assert baseline.exists() and not records(project)


def test_output_too_long_to_keep_is_not_recorded(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(replay_module, "LARGEST", 1000)
    expected = run([*LINT, "--no-cache"], capsys)
    assert run(LINT, capsys) == expected
    assert run(LINT, capsys) == expected
    assert not records(project)


def test_both_streams_replay_in_the_order_written_into_one_pipe(project: Path) -> None:
    """Findings on stdout, then the summary on stderr, as one reader sees them."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KPIAUDIT_NO_CACHE", None)
    command = [sys.executable, "-m", "kpiaudit", *LINT]

    def merged(*extra: str) -> bytes:
        done = subprocess.run(
            [*command, *extra],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        return done.stdout

    time.sleep(cache_module.SETTLED + 0.1)  # the copy's times settle: the snapshot answers
    expected = merged("--no-cache")
    assert expected.endswith(b"in 163 file(s)\n")
    assert merged() == expected  # checks, and records
    assert records(project)
    assert merged() == expected


def test_the_runs_after_an_edit_replay_without_keeping_the_snapshot_again(
    project: Path, capsys, monkeypatch
) -> None:
    """The run right after an edit keeps the edited file in the snapshot by its bytes; once
    its times settle, the runs after read that one file, and replay, rather than keep the
    snapshot again (which would cost them the record)."""
    edited = project / "measures" / "06-04.yaml"
    run(LINT, capsys)
    unset_first_kpi(edited)
    fresh = edited.stat().st_ino

    def settled(st: os.stat_result, seen: int) -> bool:  # all but the edited file
        return st.st_ino != fresh

    monkeypatch.setattr(cache_module, "settled", settled)
    expected = run([*LINT, "--no-cache"], capsys)
    assert run(LINT, capsys) == expected  # checks the edited file, keeps the snapshot
    (snapshot,) = (project / CACHE_DIR).glob("*.snapshot")
    head = snapshot.read_bytes().split(b"\n", 2)[1]  # after the MAC: [key, fresh, base]
    assert json.loads(head)[1] == ["06-04.yaml"]  # the edited file: known by its bytes
    kept = snapshot.stat().st_mtime_ns
    monkeypatch.setattr(cache_module, "settled", lambda st, seen: True)  # now it has too
    decodes = Decodes(monkeypatch)
    assert run(LINT, capsys) == expected
    assert run(LINT, capsys) == expected
    assert decodes.count == 0 and snapshot.stat().st_mtime_ns == kept


def test_a_file_named_beside_its_directory_named_another_way_is_another_snapshot(
    project: Path, capsys
) -> None:
    """`lint measures/05-01.yaml /abs/measures` shows the other files under the absolute
    path; `lint measures/05-01.yaml measures` must not be answered with those paths."""
    one = "measures/05-01.yaml"
    for directory in (str(project / "measures"), "measures", "./measures", "measures"):
        expected = run([*LINT, "--no-cache", one, directory], capsys)
        assert run([*LINT, one, directory], capsys) == expected, directory
        assert run([*LINT, one, directory], capsys) == expected, directory


def test_the_same_files_shown_under_other_paths_are_another_snapshot(project: Path, capsys) -> None:
    """`lint link/01-01.yaml measures`, link being the measures directory under another
    name, shows the plan as `link` with its files under `measures/`; `lint link` shows them
    under `link/`. The same files, the same statuses: only the paths in the key tell them
    apart."""
    (project / "link").symlink_to(project / "measures")
    for args in (["link/01-01.yaml", "measures"], ["link"]):
        expected = run([*LINT, "--no-cache", *args], capsys)
        assert run([*LINT, *args], capsys) == expected, args
        assert run([*LINT, *args], capsys) == expected, args


def test_with_stderr_closed_nothing_is_recorded_or_replayed(project: Path, capsys) -> None:
    """2>&-: print sends the summary to stdout, as a run without the cache does."""
    expected = run([*LINT, "--no-cache"], capsys)
    saved = sys.stderr
    try:
        sys.stderr = None  # type: ignore[assignment]
        for _ in range(3):
            code, out, _err = run(LINT, capsys)
            assert (code, out) == (expected[0], expected[1] + expected[2])
    finally:
        sys.stderr = saved
    assert not records(project)
