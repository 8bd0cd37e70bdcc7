"""The result cache (issue 16): a run where nothing changed checks nothing and prints exactly
what a run without the cache prints; a changed file, another base date or another day is never
answered from it; a damaged cache is a miss; a cache from anywhere else (committed to a pull
request) cannot hide a finding; it ignores itself in git; two runs can share it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

import kpiaudit.audit as audit_module
from kpiaudit.audit import background, pool, record
from kpiaudit.audit import cache as cache_module
from kpiaudit.audit.cache import CACHE_DIR, Cache, PlanCache, digest, looked_at
from kpiaudit.audit.check import FileResult
from kpiaudit.cli import main
from kpiaudit.load import Problem

from .conftest import MEASURES, ROOT


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of its own (a copy of the bundled plan), with the cache on, and its key in a
    user cache directory of its own."""
    root = tmp_path / "project"
    shutil.copytree(MEASURES, root / "measures")
    (root / ".kpiaudit.toml").write_text("")
    monkeypatch.chdir(root)
    monkeypatch.delenv("KPIAUDIT_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return root


class Checks:
    """Counts the files the per-file step checks (wherever the pool runs it in-process)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        # All of them here: the checks of a child sharing a mid-sized plan would not be seen.
        monkeypatch.setattr(pool, "SPLIT_FILES", 10**9)
        real = pool.check_file

        def counted(loaded, ctx):  # type: ignore[no-untyped-def]
            self.paths.append(Path(loaded.path).name)
            return real(loaded, ctx)

        monkeypatch.setattr(pool, "check_file", counted)


def unset_first_kpi(path: Path) -> None:
    """Append 目標値は未設定 to the text of the file's first KPI (the text decides: K101)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(    text: .*)$", r"\1（目標値は未設定）", text, count=1)
    path.write_text(text, encoding="utf-8")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


LINT = ["lint", "--today", "2026-11-27"]


def test_a_warm_run_checks_nothing_and_prints_what_a_cold_run_printed(
    project: Path, capsys, monkeypatch
) -> None:
    uncached = [run([*LINT, "--no-cache", "-f", fmt], capsys) for fmt in ("text", "json")]
    assert not (project / CACHE_DIR).exists()  # --no-cache writes nothing either
    checks = Checks(monkeypatch)
    cold = [run([*LINT, "-f", fmt], capsys) for fmt in ("text", "json")]
    assert len(checks.paths) == 163  # the second format was answered from the cache
    checks.paths.clear()
    warm = [run([*LINT, "-f", fmt], capsys) for fmt in ("text", "json")]
    assert checks.paths == []
    assert cold == warm == uncached
    assert uncached[0][0] == 1 and "548 finding(s)" in uncached[0][2]


def test_a_changed_file_alone_is_checked_again(project: Path, capsys, monkeypatch) -> None:
    run(LINT, capsys)
    unset_first_kpi(project / "measures" / "06-04.yaml")
    checks = Checks(monkeypatch)
    code, out, err = run([*LINT, "-f", "json"], capsys)
    assert checks.paths == ["06-04.yaml"]
    assert (code, out, err) == run([*LINT, "-f", "json", "--no-cache"], capsys)
    assert "K101" in {f["code"] for f in json.loads(out) if f["kpi"] == "6-4.P1"}


def test_a_file_changed_behind_its_times_is_still_read_again(
    project: Path, capsys, monkeypatch
) -> None:
    """A file the file system says is unchanged is not read again (as git's index does); an
    edit of the same size with the modification time put back still changes the file's
    change time, and a file edited moments before it was read is never recognised that way."""
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    run(LINT, capsys)
    checks = Checks(monkeypatch)
    run(LINT, capsys)
    assert checks.paths == []
    edited = project / "measures" / "06-04.yaml"
    before = edited.stat()
    text = edited.read_text(encoding="utf-8")
    same_size = text.replace("status: set", "status: xet", 1)
    assert len(same_size.encode()) == len(text.encode()) and same_size != text
    edited.write_text(same_size, encoding="utf-8")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    _code, out, _ = run([*LINT, "-f", "json"], capsys)
    assert checks.paths == ["06-04.yaml"]
    assert "E004" in {f["code"] for f in json.loads(out) if f["path"].endswith("06-04.yaml")}


def test_a_file_read_the_moment_it_changed_is_known_by_its_bytes_only(project: Path) -> None:
    """Within SETTLED seconds of a change, a coarse clock may not show the next change in the
    file's times: a file read then is recognised by its bytes only, never by its times; read
    later, by its times too (restamp: a run that knew it by its bytes records them)."""
    cache = Cache.at(project)
    assert cache is not None
    fresh = project / "measures" / "03-02.yaml"
    fresh.write_bytes(fresh.read_bytes())  # its times are now
    st = fresh.stat()

    def next_run() -> PlanCache:
        store = cache.plan(project / "measures", _settings())
        assert store is not None
        return store

    store = next_run()
    changed = max(st.st_mtime_ns, st.st_ctime_ns)
    status = looked_at(st, changed + 10**9)
    store.put(fresh.name, digest(fresh.read_bytes()), b"[]", status)
    store.save()
    store = next_run()
    assert store.unchanged(fresh.name, status) is None
    known = store.get(fresh.name, digest(fresh.read_bytes()))
    assert known is not None and known.record == b"[]"
    later = looked_at(st, changed + 3 * 10**9)  # as a run 3 s later sees it
    assert later.signature == status.signature and later.settled and not status.settled
    store.restamp(fresh.name, later)
    store.save()
    known = next_run().unchanged(fresh.name, later)
    assert known is not None and known.record == b"[]"


def test_a_warm_run_records_what_it_knew_by_bytes_so_the_next_need_not_read(
    project: Path, capsys, monkeypatch
) -> None:
    """A file known by its bytes (its times too fresh then, or rewritten with the same bytes)
    gets its times recorded, so that later runs do not read it at all."""

    def stamps() -> list[bytes]:
        return [line.split(b"\t")[2] for line in _entries(project)]  # name, digest, stamp

    files = [str(p) for p in sorted((project / "measures").glob("??-??.yaml"))]
    monkeypatch.setattr(cache_module, "SETTLED", 3600)  # nothing is settled in this run
    run([*LINT, *files], capsys)  # named one by one: the entries answer, not the snapshot
    assert len(stamps()) == 163 and not any(stamps())
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    run([*LINT, *files], capsys)  # every file known by its bytes, and its times recorded
    assert all(stamps())
    checks = Checks(monkeypatch)
    run([*LINT, *files], capsys)
    assert checks.paths == []


def test_the_snapshot_after_an_edit_knows_the_edited_file_by_its_bytes(
    project: Path, capsys, monkeypatch
) -> None:
    """The run right after an edit cannot trust the edited file's times: its snapshot knows it
    by its bytes, so the next run is answered by the snapshot all the same (reading that file
    alone), and keeps it again by the file's times once they can be trusted."""
    monkeypatch.setattr(cache_module, "SETTLED", 3600)  # nothing is settled: all by bytes
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    run(LINT, capsys)
    reads: list[str] = []
    real_read = audit_module.read_bounded

    def counted(path, *args):  # type: ignore[no-untyped-def]
        reads.append(Path(path).name)
        return real_read(path, *args)

    monkeypatch.setattr(audit_module, "read_bounded", counted)
    decodes = Decodes(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert (decodes.whole, decodes.of_the_day, len(reads)) == (0, 0, 163)  # compared by bytes
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    reads.clear()
    assert run([*LINT, "-f", "json"], capsys) == expected  # by bytes still; kept again by times
    assert len(reads) == 163
    reads.clear()
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert (decodes.whole, decodes.of_the_day, reads) == (0, 0, [])


def test_a_change_within_a_coarse_clock_tick_is_seen_by_the_bytes(
    project: Path, capsys, monkeypatch
) -> None:
    """On a file system whose clock is coarse (FAT's 2 s), a file rewritten within one tick,
    with the same size, keeps its status: a snapshot that knew it by its status would answer
    with what the file said before. It knows a fresh file by its bytes instead."""

    def coarse(st: os.stat_result) -> bytes:  # times that have not moved within the tick
        return b"%d:%d:%d" % (st.st_dev, st.st_ino, st.st_size)

    monkeypatch.setattr(cache_module, "signature", coarse)
    monkeypatch.setattr(cache_module, "SETTLED", 3600)  # every file is still in its tick
    run(LINT, capsys)  # keeps the snapshot, every file known by its bytes
    edited = project / "measures" / "06-04.yaml"
    raw = edited.read_bytes()
    before = "text: オープンデータ公開".encode()
    assert before in raw
    edited.write_bytes(raw.replace(before, "text: 未設定ンデータ公開".encode(), 1))
    assert len(edited.read_bytes()) == len(raw)  # the same size: the same status
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    assert '"K101"' in expected[1]
    assert run([*LINT, "-f", "json"], capsys) == expected


def test_the_rules_of_the_day_are_judged_again_on_another_day(project: Path, capsys) -> None:
    """What they found is kept for the day it was judged on (beside each entry, and in the
    plan's snapshot), and judged again on another."""
    early = [*LINT[:1], "-f", "json", "--today", "2023-06-01"]
    late = [*LINT[:1], "-f", "json", "--today", "2026-11-27"]
    run(early, capsys)
    code, out, _ = run(late, capsys)
    assert (code, out) == run([*late, "--no-cache"], capsys)[:2]

    def k304(output: str) -> int:
        return sum(f["code"] == "K304" for f in json.loads(output))

    assert k304(out) > k304(run(early, capsys)[1])  # the day changes what is found


def test_another_base_date_is_another_cache(project: Path, capsys, monkeypatch) -> None:
    run(LINT, capsys)
    plan = project / "measures" / "plan.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("2022-06-07", "2020-04-01"), encoding="utf-8"
    )
    checks = Checks(monkeypatch)
    got = run([*LINT, "-f", "json"], capsys)
    assert len(checks.paths) == 163
    assert got == run([*LINT, "-f", "json", "--no-cache"], capsys)


def _cache_file(project: Path) -> Path:
    (only,) = (project / CACHE_DIR).glob("*.cache")
    return only


def _entries(project: Path) -> list[bytes]:
    """The lines of the plan's cache file after its MAC line: one per measure file."""
    head, *lines = _cache_file(project).read_bytes().split(b"\n")
    assert head.startswith(b"kpiaudit-cache\t")
    return [line for line in lines if line]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: b"",
        lambda raw: os.urandom(4096),
        lambda raw: raw[: len(raw) // 2],  # cut in the middle of a line
        lambda raw: raw.replace(b'"K102"', b'"K103"', 1),  # a record edited: its MAC fails
        lambda raw: raw.replace(b"\t", b"", 5),  # lines that are not entries
        lambda raw: b"\n".join(
            line[:-20] + b"[[[[" for line in raw.split(b"\n")
        ),  # records that are not JSON, under a MAC that does not fit either
    ],
    ids=["empty", "random", "truncated", "edited", "untabbed", "not-json"],
)
def test_a_damaged_cache_is_a_miss_and_is_made_again(
    project: Path, capsys, monkeypatch, damage
) -> None:
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    run(LINT, capsys)
    cache = _cache_file(project)
    cache.write_bytes(damage(cache.read_bytes()))
    assert run([*LINT, "-f", "json"], capsys) == expected
    checks = Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert checks.paths == []  # made whole again by the run before


def test_a_cache_write_that_fails_leaves_the_kept_file_and_no_temporary(
    project: Path, capsys, monkeypatch
) -> None:
    """The cache is written to a temporary beside it, then renamed: a write that fails (a
    full disk) keeps the file as it was, removes its temporary, and the run goes on; the
    files a run keeps are readable by others (as the directory is) whatever the umask."""
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    old_umask = os.umask(0o077)
    try:
        assert run([*LINT, "-f", "json"], capsys) == expected
    finally:
        os.umask(old_umask)
    directory = project / CACHE_DIR
    kept = {p.name: p.read_bytes() for p in directory.iterdir()}
    assert {oct(p.stat().st_mode & 0o777) for p in directory.iterdir()} == {"0o644"}
    unset_first_kpi(project / "measures" / "06-04.yaml")  # this run has something to keep
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)

    def full(fd: int, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_module, "_write_all", full)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == kept


def test_a_link_in_place_of_a_temporary_is_never_written_through(
    project: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """The cache's temporaries are created, never opened as found: a link standing where one
    is to be made (another local user racing for the name) is refused, and the file it
    points to stays as it was. The name is made predictable here to plant the link."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    directory = project / CACHE_DIR
    directory.mkdir()
    monkeypatch.setattr(cache_module.os, "urandom", lambda n: b"\x01" * n)
    (directory / f"..gitignore.{'01' * 6}.tmp").symlink_to(victim)
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert victim.read_text() == "precious\n"
    assert not (directory / ".gitignore").exists()  # not made this time: a cache file less
    assert _entries(project)  # the rest of the cache was kept


def test_a_large_plan_keeps_its_entries_from_a_forked_child(
    project: Path, capsys, monkeypatch
) -> None:
    """A run writes the entries of the files it checks as it goes. From pool.MIN_FILES
    files, the last run's entries it keeps are added, and the file sealed, by a forked child
    while the run goes on to print; the command waits for it, so the next run finds them
    whole. A first run has none to add: it seals the file itself, and forks no copy of
    itself for that."""
    forked: list[Callable[[], object]] = []
    real = background.run

    def spied(work, handed=None):  # type: ignore[no-untyped-def]
        forked.append(work)
        return real(work, handed)

    def entry_writers() -> list[Callable[[], object]]:
        return [w for w in forked if w.__qualname__.startswith("PlanCache.save.")]

    monkeypatch.setattr(background, "run", spied)
    monkeypatch.setattr(pool, "MIN_FILES", 100)  # the bundled 163 files are a large plan
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert entry_writers() == [] and len(_entries(project)) == 163
    unset_first_kpi(project / "measures" / "06-04.yaml")
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert len(entry_writers()) == 1
    monkeypatch.setattr(pool, "MIN_FILES", 400)  # checked here, where Checks counts them
    for kept in (project / CACHE_DIR).glob("*.snapshot"):
        kept.unlink()  # else the snapshot answers, and the entries are not read
    checks = Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert checks.paths == []
    assert len(_entries(project)) == 163


def test_files_named_one_by_one_and_their_partners_share_one_write_of_the_entries(
    project: Path, capsys, monkeypatch
) -> None:
    """Files named one by one (pre-commit) are checked with their partners (a copy beside
    them that may hold the same id). Both go to the plan's entries in one write: a second
    writer, reading the file while a forked child still wrote it, made one of the two lose."""
    measures = project / "measures"
    shutil.copy(measures / "07-03.yaml", measures / "07-03.yml")  # a partner: the same id
    named = [f"measures/{p.name}" for p in sorted(measures.glob("*.yaml")) if p.name != "plan.yaml"]
    expected = run([*LINT, "--no-cache", *named], capsys)
    assert "E008" in expected[1]
    real = background.run

    def late(work, handed=None):  # type: ignore[no-untyped-def]
        return real(lambda: (time.sleep(0.3), work()), handed)  # a child still writing meanwhile

    monkeypatch.setattr(background, "run", late)
    monkeypatch.setattr(pool, "MIN_FILES", 100)  # the 163 named files are a large plan
    assert run([*LINT, *named], capsys) == expected
    assert len(_entries(project)) == 164  # the named files and the partner
    monkeypatch.setattr(pool, "MIN_FILES", 400)
    checks = Checks(monkeypatch)
    assert run([*LINT, *named], capsys) == expected
    assert checks.paths == []


def test_a_cache_from_elsewhere_cannot_hide_a_finding(
    project: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """A pull request commits .kpiaudit_cache/ saying that its broken measure is clean. The
    entry is made as the attacker would, with a key of their own: ignored here."""
    bad = project / "measures" / "06-04.yaml"
    clean_record = record.encode(FileResult("x", "6-4", kpi_refs=["6-4.P1", "6-4.E1"]))
    unset_first_kpi(bad)
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    run([*LINT, "-f", "json"], capsys)  # the cache file of this plan and settings exists

    def forge(key_home: Path) -> None:
        monkeypatch.setenv("XDG_CACHE_HOME", str(key_home))
        cache = Cache.at(project)
        assert cache is not None
        store = cache.plan(project / "measures", _settings())
        store.put("06-04.yaml", digest(bad.read_bytes()), clean_record, looked_at(bad.stat(), 0))
        store.save()

    forge(tmp_path / "attacker")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    for kept in [
        *(project / CACHE_DIR).glob("*.snapshot"),
        *(project / CACHE_DIR).glob("*.output"),
    ]:
        kept.unlink()  # else they answer, made before the forgery, and the entries go unread
    assert run([*LINT, "-f", "json"], capsys) == expected
    # The forgery would work with the key of the machine it is run on: the key is the defence.
    forge(tmp_path / "user-cache")
    for kept in (project / CACHE_DIR).glob("*.snapshot"):
        kept.unlink()  # else the plan's snapshot, made before the forgery, answers
    hidden = json.loads(run([*LINT, "-f", "json"], capsys)[1])
    assert not [f for f in hidden if f["path"].endswith("06-04.yaml")]


def test_a_cache_made_under_another_key_is_not_trusted_at_all(
    project: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """Entries, snapshot and recorded output made with another user's key (a .kpiaudit_cache/
    committed to a pull request, copied from another machine) are all misses: every file is
    checked again, as if there were no cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))
    expected = run([*LINT, "-f", "json"], capsys)
    made = sorted(p.name for p in (project / CACHE_DIR).iterdir())
    assert [n for n in made if n.endswith((".cache", ".snapshot", ".output"))]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    checks = Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert len(checks.paths) == 163


def _settings() -> dict[str, object]:
    """The settings under which lint caches the bundled plan (its base date and chapters)."""
    return {"base_date": "2022-06-07", "chapters": list(range(1, 11))}


def test_the_cache_ignores_itself_in_git(project: Path, capsys) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], check=True, env=env)
    subprocess.run([*git, "add", "."], check=True, env=env)
    subprocess.run([*git, "commit", "-qm", "plan"], check=True, env=env)
    run(LINT, capsys)
    assert (project / CACHE_DIR / "CACHEDIR.TAG").is_file()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""


def test_no_cache_from_the_environment(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KPIAUDIT_NO_CACHE", "1")
    run(LINT, capsys)
    assert not (project / CACHE_DIR).exists()


def test_clean_removes_the_cache(project: Path, capsys) -> None:
    run(LINT, capsys)
    assert (project / CACHE_DIR).is_dir()
    assert run(["clean"], capsys) == (0, "", "kpiaudit: removed .kpiaudit_cache\n")
    assert not (project / CACHE_DIR).exists()
    assert run(["clean"], capsys)[2] == "kpiaudit: no cache to remove (.kpiaudit_cache)\n"


def test_a_cache_directory_that_is_a_link_is_never_used(
    project: Path, tmp_path: Path, capsys
) -> None:
    """A pull request could commit .kpiaudit_cache as a link to a directory of the runner's:
    kpiaudit neither writes through it nor removes what it points at."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious").write_text("keep me")
    (project / CACHE_DIR).symlink_to(elsewhere)
    expected = run([*LINT, "--no-cache"], capsys)
    assert run(LINT, capsys) == expected
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious"]
    code, _, err = run(["clean"], capsys)
    assert code == 2 and "not a directory of yours" in err
    assert (elsewhere / "precious").read_text() == "keep me"


def test_status_due_and_progress_read_the_cache_too(project: Path, capsys, monkeypatch) -> None:
    commands = [
        ["status", "--today", "2026-11-27", "-f", "json"],
        ["due", "--before", "2025-03", "--today", "2026-11-27", "-f", "json"],
        ["progress", "--today", "2026-11-27", "-f", "json"],
    ]
    uncached = [run([*c, "--no-cache"], capsys) for c in commands]
    run(LINT, capsys)
    checks = Checks(monkeypatch)
    assert [run(c, capsys) for c in commands] == uncached
    assert checks.paths == []


def test_a_lint_after_status_and_due_finds_all_a_lint_finds(
    project: Path, capsys, monkeypatch
) -> None:
    """status and due keep only the findings they read, after the cache has kept them all
    (with what the rules of the day found, judged on the real day): a lint answered by the
    entries they filled prints what a lint without the cache prints."""
    edited = project / "measures" / "01-02.yaml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace(
            "  - id: P1\n", "  - id: P1  # kpiaudit: ignore[K304] why\n", 1
        ),
        encoding="utf-8",
    )
    today = ["lint", "-f", "json"]
    expected = run([*today, "--no-cache"], capsys)
    assert '"K304"' in expected[1]
    run(["lint", "--today", "2020-01-01"], capsys)  # entries whose rules of the day are stale
    run(["status"], capsys)
    run(["due", "--before", "2030"], capsys)
    checks = Checks(monkeypatch)
    assert run(today, capsys) == expected
    assert checks.paths == []


def test_two_runs_sharing_the_cache(project: Path) -> None:
    """Runs started together, on edits between rounds: each prints what a run without the
    cache prints, and the cache file they leave is whole."""
    command = [sys.executable, "-m", "kpiaudit", *LINT, "-f", "json"]
    edited = project / "measures" / "03-02.yaml"
    original = edited.read_text(encoding="utf-8")
    for round_ in range(4):
        edited.write_text(original + f"# round {round_}\n", encoding="utf-8")
        expected = subprocess.run([*command, "--no-cache"], capture_output=True)
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(3)]
        outputs = [p.communicate()[0] for p in runs]
        assert all(out == expected.stdout for out in outputs)
    assert len(_entries(project)) == 163


def test_the_cache_is_per_plan_directory(project: Path, capsys) -> None:
    shutil.copytree(ROOT / "examples" / "measures", project / "examples")
    run([*LINT, "measures", "examples"], capsys)
    assert len(list((project / CACHE_DIR).glob("*.cache"))) == 2


class Decodes:
    """Counts the per-file entries a run decodes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.whole = self.of_the_day = 0
        whole, of_the_day = record.decode, record.decode_of_the_day

        def counted_whole(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.whole += 1
            return whole(*args, **kwargs)

        def counted_of_the_day(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.of_the_day += 1
            return of_the_day(*args, **kwargs)

        monkeypatch.setattr(record, "decode", counted_whole)
        monkeypatch.setattr(record, "decode_of_the_day", counted_of_the_day)


def test_a_plan_where_nothing_changed_is_answered_by_its_snapshot(
    project: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(cache_module, "SETTLED", 0)  # every file's times are to be trusted
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    assert run([*LINT, "-f", "json"], capsys) == expected
    decodes, checks = Decodes(monkeypatch), Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert (decodes.whole, decodes.of_the_day, checks.paths) == (0, 0, [])
    # Named another way, on another day, or with one file changed: the entries answer.
    assert run([*LINT, "./measures", "-f", "json"], capsys) == run(
        [*LINT, "./measures", "-f", "json", "--no-cache"], capsys
    )
    assert decodes.of_the_day == 163
    other_day = [*LINT, "-f", "json", "--today", "2023-06-01"]
    assert run(other_day, capsys) == run([*other_day, "--no-cache"], capsys)
    assert decodes.whole == 163
    unset_first_kpi(project / "measures" / "06-04.yaml")
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    checks.paths.clear()
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert checks.paths == ["06-04.yaml"]


def test_known_findings_are_judged_the_same_on_a_snapshot(
    project: Path, capsys, monkeypatch
) -> None:
    """--baseline judges what a run checked (its scope): a run answered by the snapshot
    knows it as well as one that checked every file."""
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    baseline = project / "known.json"
    assert run([*LINT, "--no-cache", "--write-baseline", str(baseline)], capsys)[0] == 0
    unset_first_kpi(project / "measures" / "06-04.yaml")  # a finding the baseline lacks
    run(LINT, capsys)  # keeps the snapshot
    decodes = Decodes(monkeypatch)
    judged = [*LINT, "-f", "json", "--baseline", str(baseline)]
    code, out, err = run(judged, capsys)
    assert (decodes.whole, decodes.of_the_day) == (0, 0)
    assert (code, out, err) == run([*judged, "--no-cache"], capsys)
    assert code == 1 and "K101" in {f["code"] for f in json.loads(out)}


def test_a_file_that_cannot_be_read_keeps_the_plan_from_its_snapshot(
    project: Path, capsys, monkeypatch
) -> None:
    """Reading it again is its check (as for the entries): a run in which a file could not
    be read keeps no snapshot, so it is read again next time."""
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    failing = project / "measures" / "03-02.yaml"
    real_read = audit_module.read_bounded
    monkeypatch.setattr(
        audit_module,
        "read_bounded",
        lambda path, *a: (
            Problem("E003", "unreadable", {"reason": "Input/output error"})
            if Path(path) == failing
            else real_read(path, *a)
        ),
    )
    assert "E003" in run([*LINT, "-f", "json"], capsys)[1]
    assert not list((project / CACHE_DIR).glob("*.snapshot"))
    monkeypatch.setattr(audit_module, "read_bounded", real_read)
    assert run([*LINT, "-f", "json"], capsys) == run([*LINT, "-f", "json", "--no-cache"], capsys)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: raw.replace(b'"K102"', b'"K103"', 1),  # its MAC fails
        lambda raw: b"kpiaudit-cache\t" + b"0" * 64 + b"\n[]",  # a MAC that does not fit
    ],
    ids=["truncated", "edited", "forged"],
)
def test_a_damaged_snapshot_is_a_miss(project: Path, capsys, monkeypatch, damage) -> None:
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    run(LINT, capsys)
    (snapshot,) = (project / CACHE_DIR).glob("*.snapshot")
    snapshot.write_bytes(damage(snapshot.read_bytes()))
    decodes = Decodes(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert decodes.of_the_day == 163  # answered by the entries instead


def test_a_run_after_an_edit_takes_the_other_files_from_the_snapshot(
    project: Path, capsys, monkeypatch
) -> None:
    """The usual edit misses the snapshot by one file: the other files' findings still come
    from it (their status is the one kept), not from their entries."""
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    run(LINT, capsys)
    unset_first_kpi(project / "measures" / "06-04.yaml")
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    decodes, checks = Decodes(monkeypatch), Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert (decodes.whole, decodes.of_the_day, checks.paths) == (0, 0, ["06-04.yaml"])
    assert run([*LINT, "-f", "text"], capsys) == run([*LINT, "-f", "text", "--no-cache"], capsys)


def test_duplicate_ids_are_worked_out_again_around_what_the_snapshot_gives(
    project: Path, capsys, monkeypatch
) -> None:
    """A file taken from the snapshot keeps its own findings, never its duplicate ids: copies
    added beside it, then the original removed, are seen each time; so is a copy with a
    suppression comment left alone."""
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    measures = project / "measures"
    original = measures / "06-04.yaml"
    text = original.read_text(encoding="utf-8")
    original.write_text(text.replace("\nid: 6-4\n", "\nid: 6-4  # kpiaudit: ignore[E008] kept\n"))
    json_lint = [*LINT, "-f", "json"]

    def same_as_uncached() -> list[dict[str, object]]:
        got = run(json_lint, capsys)
        assert got == run([*json_lint, "--no-cache"], capsys)
        return [f for f in json.loads(got[1]) if f["code"] in ("E008", "S001", "S002")]

    baseline = same_as_uncached()
    same_as_uncached()  # the snapshot answers
    for copy in ("03-98.yaml", "03-99.yaml"):  # id 3-2 three times
        shutil.copy(measures / "03-02.yaml", measures / copy)
    shutil.copy(original, measures / "06-99.yaml")  # id 6-4 twice, and its comment too
    duplicated = same_as_uncached()
    assert {f["code"] for f in duplicated} >= {"E008"} and duplicated != baseline
    (measures / "03-99.yaml").unlink()
    (measures / "06-99.yaml").unlink()
    assert "03-98.yaml" in str(same_as_uncached())  # unchanged, and still a duplicate
    (measures / "03-02.yaml").unlink()
    assert same_as_uncached() == baseline  # unchanged, and no longer a duplicate
    shutil.copy(original, measures / "06-99.yaml")
    same_as_uncached()
    original.unlink()
    alone = same_as_uncached()  # the copy with the comment holds 6-4 alone
    assert [f["code"] for f in alone] == ["S002"]


def test_a_large_plan_s_snapshot_is_written_by_a_child_before_the_run_ends(
    project: Path, capsys, monkeypatch
) -> None:
    """From 400 files the snapshot is written by a forked child while the run prints (here
    from one file): it is there when the run returns, and answers the next run."""
    from kpiaudit.audit import background
    from kpiaudit.audit import snapshot as snapshot_module

    monkeypatch.setattr(cache_module, "SETTLED", 0)
    monkeypatch.setattr(snapshot_module, "MIN_FILES", 1)
    forks = []
    real_run, real_save = background.run, cache_module.PlanCache.save_snapshot
    monkeypatch.setattr(
        background, "run", lambda work, handed=None: forks.append(1) or real_run(work, handed)
    )

    def slow_save(store: cache_module.PlanCache, body: Iterable[bytes]) -> bool:
        time.sleep(0.3)  # still writing when the run has printed
        return real_save(store, body)

    monkeypatch.setattr(cache_module.PlanCache, "save_snapshot", slow_save)
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert forks and list((project / CACHE_DIR).glob("*.snapshot"))
    decodes, checks = Decodes(monkeypatch), Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert (decodes.whole, decodes.of_the_day, checks.paths) == (0, 0, [])


def test_a_snapshot_in_many_chunks_answers_as_one(project: Path, capsys, monkeypatch) -> None:
    """A snapshot keeps its findings a chunk to a line, so that no run holds them all as JSON
    values at once: decoded whole (nothing changed) or in part (after an edit), every chunk
    is read."""
    from kpiaudit.audit import snapshot as snapshot_module

    monkeypatch.setattr(cache_module, "SETTLED", 0)
    monkeypatch.setattr(snapshot_module, "_CHUNK", 7)  # the bundled plan's findings: 79 lines
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    assert run([*LINT, "-f", "json"], capsys) == expected
    (snapshot,) = (project / CACHE_DIR).glob("*.snapshot")
    assert snapshot.read_bytes().count(b"\n") > 70
    for output in (project / CACHE_DIR).glob("*.output"):
        output.unlink()  # else the record is printed, and the snapshot is not decoded
    decodes, checks = Decodes(monkeypatch), Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert (decodes.whole, decodes.of_the_day, checks.paths) == (0, 0, [])
    unset_first_kpi(project / "measures" / "06-04.yaml")
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    checks.paths.clear()
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert checks.paths == ["06-04.yaml"]  # the other files' findings: from the chunks


def test_without_a_child_the_run_writes_its_snapshot_itself(
    project: Path, capsys, monkeypatch
) -> None:
    from kpiaudit.audit import snapshot as snapshot_module

    monkeypatch.setattr(cache_module, "SETTLED", 0)
    monkeypatch.setattr(snapshot_module, "MIN_FILES", 1)

    def no_fork() -> int:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    run(LINT, capsys)
    assert list((project / CACHE_DIR).glob("*.snapshot"))


def test_a_child_that_fails_leaves_the_run_alone() -> None:
    from kpiaudit.audit import background

    def fails() -> None:
        raise RuntimeError("the disk is gone")

    assert background.run(fails) is sys.platform.startswith("linux")
    background.wait()
    background.wait()  # nothing left to wait for


def test_a_plan_given_its_findings_keeps_them_whichever_is_asked_first() -> None:
    """An audit made of findings alone (no plan checked) has no files, and its findings stay
    whether its files or its findings are asked for first."""
    from kpiaudit.audit import Audit
    from kpiaudit.audit.findings import finding
    from kpiaudit.model import Plan

    missing = finding("nowhere", 1, 1, "E003", "missing")
    audit = Audit(Plan(title="", base_date=None), [missing])
    assert (audit.files, audit.results, audit.findings) == (0, [], [missing])


def test_after_an_edit_the_entries_of_files_the_snapshot_knew_are_copied_not_held(
    project: Path, capsys, monkeypatch
) -> None:
    """After an edit, the snapshot knows every other file: only the edited file's entry is
    looked up and held, the others are copied from the last run's file as the new one is
    written. None is lost: with the snapshot gone, the next run checks no file."""
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    run([*LINT, "-f", "json"], capsys)
    held: list[int] = []
    real = PlanCache.save

    def spied(store: PlanCache, **kwargs: bool) -> None:
        held.append(len(store._lines))
        real(store, **kwargs)

    monkeypatch.setattr(PlanCache, "save", spied)
    unset_first_kpi(project / "measures" / "06-04.yaml")
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert held == [0]  # the edited file's entry was looked up, and replaced
    assert len(_entries(project)) == 163
    for kept in (project / CACHE_DIR).glob("*.snapshot"):
        kept.unlink()
    checks = Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert checks.paths == []
    (project / "measures" / "09-01.yaml").unlink()  # a file gone: its entry goes too
    run([*LINT, "-f", "json"], capsys)
    assert len(_entries(project)) == 162


@pytest.mark.parametrize("fails_after", [0, 3])
def test_a_disk_that_fills_while_the_entries_are_written_loses_nothing_but_them(
    project: Path, capsys, monkeypatch, fails_after: int
) -> None:
    """The entries are written as the run goes, a piece at a time: a write that fails at the
    first piece or midway keeps the last run's file as it was, leaves no temporary, and the
    run prints what it would have."""
    run([*LINT, "-f", "json"], capsys)
    directory = project / CACHE_DIR
    kept = {p.name: p.read_bytes() for p in directory.iterdir()}
    unset_first_kpi(project / "measures" / "06-04.yaml")
    unset_first_kpi(project / "measures" / "07-03.yaml")
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    monkeypatch.setattr(cache_module._Sealing, "_BATCH", 64)  # a piece per entry
    real, writes = cache_module._write_all, []

    def filling(fd: int, data: bytes) -> None:
        writes.append(len(data))
        if len(writes) > fails_after:
            raise OSError(28, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(cache_module, "_write_all", filling)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert len(writes) > fails_after
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == kept


def test_an_interrupted_run_leaves_the_entries_as_they_were_and_no_temporary(
    project: Path, capsys, monkeypatch
) -> None:
    """Ctrl-C while the files are checked: the entries already written go with the
    temporary, and the last run's file stays."""
    run([*LINT, "-f", "json"], capsys)
    directory = project / CACHE_DIR
    kept = {p.name: p.read_bytes() for p in directory.iterdir()}
    for name in ("06-04.yaml", "07-03.yaml", "08-01.yaml"):
        unset_first_kpi(project / "measures" / name)
    monkeypatch.setattr(pool, "SPLIT_FILES", 10**9)
    real, seen = pool.check_file, []

    def interrupted(loaded, ctx):  # type: ignore[no-untyped-def]
        seen.append(loaded.path)
        if len(seen) == 3:
            raise KeyboardInterrupt
        return real(loaded, ctx)

    monkeypatch.setattr(pool, "check_file", interrupted)
    code, _out, err = run([*LINT, "-f", "json"], capsys)
    assert code == 130 and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == kept


def test_a_snapshot_replaced_after_it_answered_is_read_as_it_answered(
    project: Path, capsys, monkeypatch
) -> None:
    """A snapshot that answered is decoded when the findings are first asked for, from the
    file as its MAC was checked, held open since: another run replacing it meanwhile (here
    with one of other files, after an edit) changes nothing, and the output recorded under
    its key is the one it stands for."""
    from kpiaudit.audit import snapshot as snapshot_module

    monkeypatch.setattr(cache_module, "SETTLED", 0)
    lint = [*LINT, "-f", "json"]
    expected = run([*lint, "--no-cache"], capsys)
    run(lint, capsys)
    for output in (project / CACHE_DIR).glob("*.output"):
        output.unlink()  # else the record is printed, and the snapshot is not read
    (kept,) = (project / CACHE_DIR).glob("*.snapshot")
    edited = project / "measures" / "06-04.yaml"
    original = edited.read_bytes()
    unset_first_kpi(edited)
    other = run([*lint, "--no-cache"], capsys)
    run(lint, capsys)  # another snapshot, of the edited files
    replacement = kept.read_bytes()
    edited.write_bytes(original)
    run(lint, capsys)  # back: the first snapshot's files again, kept again
    for output in (project / CACHE_DIR).glob("*.output"):
        output.unlink()
    real = snapshot_module.Snapshot.match

    def then_replaced(self, digest_of):  # type: ignore[no-untyped-def]
        key = real(self, digest_of)
        tmp = kept.with_name("replacement.tmp")
        tmp.write_bytes(replacement)
        os.replace(tmp, kept)  # as another run keeps its snapshot
        return key

    monkeypatch.setattr(snapshot_module.Snapshot, "match", then_replaced)
    decodes, checks = Decodes(monkeypatch), Checks(monkeypatch)
    assert run(lint, capsys) == expected != other
    assert (decodes.whole, decodes.of_the_day, checks.paths) == (0, 0, [])
    monkeypatch.setattr(snapshot_module.Snapshot, "match", real)
    unset_first_kpi(edited)
    assert run(lint, capsys) == other


def _made_another_user_s(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a file another user's needs root")
    os.chown(path, 65534, 65534)


@pytest.mark.parametrize(
    "share",
    [lambda path: path.chmod(0o664), lambda path: path.chmod(0o646), _made_another_user_s],
    ids=["group-writable", "world-writable", "another-user-s"],
)
def test_a_cache_file_others_can_change_is_not_trusted(
    project: Path, capsys, monkeypatch, share: Callable[[Path], None]
) -> None:
    """A cache file is checked on a first reading and parsed on a second: one that another
    user could change in between (another user's, or group- or world-writable, as a file
    planted in a shared directory would be) is a miss, however good its MAC."""
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    run([*LINT, "-f", "json"], capsys)
    for kept in (project / CACHE_DIR).glob("*-*.*"):
        share(kept)
    decodes, checks = Decodes(monkeypatch), Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert len(checks.paths) == 163 and decodes.whole == decodes.of_the_day == 0


def test_ctrl_c_while_the_last_run_s_entries_are_copied_leaves_them_as_they_were(
    project: Path, capsys, monkeypatch
) -> None:
    """Ctrl-C while the new entries file is completed, here or in the forked child that
    completes a large plan's: the last run's file stays, no temporary is left, and the run
    says it was interrupted."""
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    run([*LINT, "-f", "json"], capsys)
    directory = project / CACHE_DIR
    (entries,) = directory.glob("*.cache")
    kept = entries.read_bytes()
    real = PlanCache._kept

    def interrupted(self):  # type: ignore[no-untyped-def]
        lines = real(self)
        yield next(lines)
        lines.close()
        raise KeyboardInterrupt

    monkeypatch.setattr(PlanCache, "_kept", interrupted)
    for large in (False, True):
        monkeypatch.setattr(pool, "MIN_FILES", 100 if large else 400)
        unset_first_kpi(project / "measures" / ("06-04.yaml" if large else "07-03.yaml"))
        code, _out, err = run([*LINT, "-f", "json"], capsys)
        background.wait()
        assert entries.read_bytes() == kept
        assert not [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]
        if not large:  # the child's Ctrl-C is its own: the run goes on and prints
            assert (code, err.strip()) == (130, "kpiaudit: interrupted")


def test_ctrl_c_while_the_run_waits_for_its_cache_writers_is_an_interruption(
    project: Path, capsys, monkeypatch
) -> None:
    """A run waits for the children still writing its cache files before it ends; Ctrl-C
    then says "interrupted" (130), without a traceback. The children ignore Ctrl-C: they
    finish their file, or remove it."""
    import signal

    def ctrl_c() -> None:
        raise KeyboardInterrupt

    real_wait = background.wait
    monkeypatch.setattr(background, "wait", ctrl_c)
    code, _out, err = run([*LINT, "-f", "json"], capsys)
    assert (code, err.strip()) == (130, "kpiaudit: interrupted")
    monkeypatch.setattr(background, "wait", real_wait)
    background.wait()
    told = project / "told"
    assert background.run(lambda: told.write_text(str(signal.getsignal(signal.SIGINT))))
    background.wait()
    assert told.read_text() == str(signal.SIG_IGN)


def test_a_snapshot_that_answered_but_cannot_be_read_records_no_output(
    project: Path, capsys, monkeypatch
) -> None:
    """A snapshot whose MAC was checked but which cannot be decoded after all (a failing
    disk): the files are checked instead, and what is printed is not recorded under the
    snapshot's identity, which no longer stands for it; nor is a snapshot kept from it."""
    from kpiaudit.audit import snapshot as snapshot_module

    monkeypatch.setattr(cache_module, "SETTLED", 0)
    expected = run([*LINT, "-f", "json", "--no-cache"], capsys)
    run([*LINT, "-f", "json"], capsys)
    directory = project / CACHE_DIR
    for output in directory.glob("*.output"):
        output.unlink()
    monkeypatch.setattr(snapshot_module.Snapshot, "known", lambda self: None)
    checks = Checks(monkeypatch)
    assert run([*LINT, "-f", "json"], capsys) == expected
    assert len(checks.paths) == 0  # the entries answered for the files
    assert not list(directory.glob("*.output"))


def test_ctrl_c_while_a_snapshot_s_files_are_digested_closes_it(
    project: Path, capsys, monkeypatch
) -> None:
    """The snapshot is held open from the moment its MAC is checked; Ctrl-C while the files
    it knows by their bytes are digested still closes it (an unclosed file is a warning, and
    warnings fail these tests)."""
    monkeypatch.setattr(cache_module, "SETTLED", 3600)  # every file known by its bytes
    run([*LINT, "-f", "json"], capsys)

    def ctrl_c(self, name):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(audit_module._Checking, "digest_of", ctrl_c)
    code, _out, err = run([*LINT, "-f", "json"], capsys)
    assert (code, err.strip()) == (130, "kpiaudit: interrupted")
    import gc

    gc.collect()


def test_a_cache_writer_survives_ctrl_c_and_the_mask_is_as_it_was(tmp_path: Path) -> None:
    """The forked writer ignores Ctrl-C (it finishes its file); this process holds Ctrl-C
    only while it forks, and has it back after."""
    import signal

    done = tmp_path / "done"
    reader, writer = os.pipe()

    def work() -> None:
        os.close(writer)
        os.read(reader, 1)  # until this process has sent Ctrl-C, and then said go
        done.write_text("finished")

    assert background.run(work)
    os.close(reader)
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, ())
    child = background._children[-1]
    os.kill(child, signal.SIGINT)
    time.sleep(0.2)
    os.write(writer, b"go")
    os.close(writer)
    background.wait()
    assert done.read_text() == "finished"


def test_ctrl_c_as_a_writer_could_not_be_forked_leaves_no_temporary(
    project: Path, capsys, monkeypatch
) -> None:
    """A Ctrl-C held while the writer was being forked is raised when the mask is set
    again; when the fork had failed, nothing completes the new entries file: it is removed,
    and the last run's stays."""
    monkeypatch.setattr(cache_module, "SETTLED", 0)
    monkeypatch.setattr(pool, "MIN_FILES", 100)  # the bundled 163 files are a large plan
    run([*LINT, "-f", "json"], capsys)
    directory = project / CACHE_DIR
    (entries,) = directory.glob("*.cache")
    kept = entries.read_bytes()
    unset_first_kpi(project / "measures" / "06-04.yaml")

    def no_fork_then_ctrl_c(work, forked=None):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(background, "run", no_fork_then_ctrl_c)
    code, _out, err = run([*LINT, "-f", "json"], capsys)
    assert (code, err.strip()) == (130, "kpiaudit: interrupted")
    assert entries.read_bytes() == kept
    assert not [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]
