"""Both cores (issue 16): a plan checked by worker processes gives exactly what one process
gives, in the same order, for lint and for the commands that need models; and a per-file
result survives the trip through its record (what workers send and the cache keeps)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

from kpiaudit.audit import audit, pool, record
from kpiaudit.audit.check import FileResult, check_file
from kpiaudit.cli import main
from kpiaudit.config import Config
from kpiaudit.load import load_path
from kpiaudit.rules import CheckContext
from kpiaudit.views.due import DueQuery
from kpiaudit.views.status import Counting, status

from .conftest import BASE, MEASURES
from .fuzzing import write_batch


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def large_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Above the threshold for workers: the bundled plan three times, renumbered (as
    benchmarks/bench.py makes its plans), with some files broken and two duplicates."""
    directory = tmp_path_factory.mktemp("large") / "measures"
    directory.mkdir()
    shutil.copy(MEASURES / "plan.yaml", directory)
    sources = sorted(MEASURES.glob("[0-9]*.yaml"))
    numbers: dict[int, int] = {}
    for i in range(3 * len(sources)):
        source = sources[i % len(sources)]
        chapter = int(source.name[:2])
        numbers[chapter] = numbers.get(chapter, 0) + 1
        mid = f"{chapter}-{numbers[chapter]}"
        text = source.read_text(encoding="utf-8")
        old = text.split("\nid: ", 1)[1].split("\n", 1)[0]
        text = text.replace(f"\nid: {old}\n", f"\nid: {mid}\n", 1)
        if i % 97 == 5:
            text = text.replace("kpis:", "kpis: [", 1)  # a YAML error
        (directory / f"{chapter:02d}-{numbers[chapter]:02d}.yaml").write_text(text, "utf-8")
    shutil.copy(directory / "06-04.yaml", directory / "06-999.yaml")  # a duplicate id
    assert len(list(directory.glob("*.yaml"))) - 1 > pool.MIN_FILES
    return directory


def test_workers_start_only_for_many_files_to_check(
    large_plan: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    """Forking costs more than it saves on a small plan, and on a large one the cache answers
    whole: no worker then."""
    forks: list[int] = []
    real = pool._in_workers

    def counted(jobs, settings, processes):  # type: ignore[no-untyped-def]
        forks.append(processes)
        return real(jobs, settings, processes)

    monkeypatch.setattr(pool, "_in_workers", counted)
    monkeypatch.setattr(pool, "_cpus", lambda: 2)
    run(["lint", str(MEASURES)], capsys)
    assert forks == []
    run(["lint", str(large_plan)], capsys)
    assert forks == [2]
    monkeypatch.delenv("KPIAUDIT_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".kpiaudit.toml").write_text("")
    shutil.copytree(large_plan, tmp_path / "measures")  # the cache keeps its project's plans
    run(["lint", "measures"], capsys)  # cold: fills the cache
    run(["lint", "measures"], capsys)  # warm: nothing to check
    assert forks == [2, 2]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_lint_with_workers_prints_what_one_process_prints(
    large_plan: Path, capsys, monkeypatch, fmt: str
) -> None:
    monkeypatch.setattr(pool, "_cpus", lambda: 2)  # workers by default, on any runner
    args = ["lint", str(large_plan), "--today", "2026-11-27", "-f", fmt]
    one = run([*args, "-j", "1"], capsys)
    assert one[0] == 1 and "E001" in one[1] and "E008" in one[1]
    assert run([*args, "-j", "2"], capsys) == one
    assert run(args, capsys) == one  # the default: workers, above the threshold


@pytest.mark.parametrize(
    "command",
    [
        ["status", "-f", "json"],
        ["due", "--before", "2025-03", "-f", "json"],
    ],
)
def test_summaries_from_workers_are_those_of_one_process(
    large_plan: Path, capsys, monkeypatch, command: list[str]
) -> None:
    args = [*command, str(large_plan), "--today", "2026-11-27", "--allow-broken"]
    monkeypatch.setattr(pool, "_cpus", lambda: 2)
    monkeypatch.setattr(pool, "MIN_FILES", 10**9)
    one = run(args, capsys)
    monkeypatch.setattr(pool, "MIN_FILES", 10)
    assert run(args, capsys) == one
    assert json.loads(one[1])


@pytest.mark.parametrize("jobs", [1, 2])
def test_status_and_due_keep_no_model_and_count_as_the_models_do(
    large_plan: Path, tmp_path: Path, jobs: int
) -> None:
    """status and due summarise each measure where its model is (in the workers on a large
    plan) and keep no model: on 100,000 measures the models were most of their memory. What
    they count is what the models say (as the report, which keeps them, counts)."""
    plan = tmp_path / "measures"
    shutil.copytree(large_plan, plan)
    for name, value in (("08-01.yaml", 250), ("09-02.yaml", 3)):  # to their last KPI
        with (plan / name).open("a", encoding="utf-8") as f:
            f.write("    actuals:\n      - {period: 令和5年度, as_of: '2024-03-31', ")
            f.write(f"value: {value}, unit: 件, source: 手元の表}}\n")
    day = date(2026, 11, 27)
    config = Config()
    kept = audit([plan], config, day, jobs=jobs).single()
    counting = Counting(day)
    for summarise in (counting, DueQuery(day, overdue_only=True), DueQuery(day, chapter=7)):
        lean = audit([plan], config, day, models=False, summarise=summarise, jobs=jobs).single()
        assert lean.plan.measures == []
        assert all(r.model is None and r.data is None for r in lean.results)
        made = lean.summaries(summarise)
        assert len(made) == len(kept.plan.measures) > pool.MIN_FILES
        assert made == kept.summaries(summarise)
        if summarise == counting:
            assert sum(m.measured for m in made) == 2
            assert status(lean, today=day).as_json() == status(kept, today=day).as_json()


def test_a_fuzzed_plan_in_workers_is_the_same_too(tmp_path: Path, capsys) -> None:
    batch = write_batch(tmp_path / "fuzz", 0, 450, random.Random(16))
    args = ["lint", str(batch.directory), "-f", "json", "--today", "2026-11-27"]
    one = run([*args, "-j", "1"], capsys)
    assert one[0] in (0, 1) and json.loads(one[1])
    assert run([*args, "-j", "2"], capsys) == one


def _results(paths: list[Path]) -> list[FileResult]:
    out = []
    for path in paths:
        loaded = load_path(path, path.parent)
        out.append(check_file(loaded, CheckContext(loaded.path, BASE, frozenset(range(1, 11)))))
    return out


def _same(a: FileResult, b: FileResult) -> None:
    assert a == b  # every field but the model
    for x, y in zip(a.findings, b.findings, strict=True):
        assert x.render() == y.render()  # the message, excerpts and their repr included
        assert [repr(v) for _, v in x.args] == [repr(v) for _, v in y.args]


def test_every_real_result_survives_its_record() -> None:
    results = _results(sorted(MEASURES.glob("[0-9]*.yaml")))
    assert sum(len(r.findings) for r in results) > 400
    assert any(r.dated.milestones for r in results)
    for result in results:
        _same(record.decode(result.path, record.encode(result)), result)


def test_hostile_results_survive_their_record(tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "fuzz", 0, 300, random.Random(1106))
    paths = [Path(p) for p in sorted(batch.paths) if Path(p).is_file()]
    results = _results(paths)
    assert any(not r.checked for r in results) and any(r.checked for r in results)
    for result in results:
        _same(record.decode(result.path, record.encode(result)), result)


def test_a_record_is_read_under_the_name_of_this_run() -> None:
    (result,) = _results([MEASURES / "06-04.yaml"])
    again = record.decode("elsewhere/06-04.yaml", record.encode(result))
    assert {f.path for f in again.findings} == {"elsewhere/06-04.yaml"}


def test_a_worker_that_dies_ends_the_run_with_a_message(large_plan: Path) -> None:
    """An out-of-memory kill of a worker on a CI runner: the run says so and exits 2, where a
    multiprocessing.Pool waits for the dead worker's result until the job's timeout."""
    # every worker dies on its first file
    done = _killing("pool.load_bytes = lambda raw, name: os._exit(9)", "lint", large_plan, "-j2")
    assert done.returncode == 2, done.stderr
    assert "a worker process stopped" in done.stderr and "Traceback" not in done.stderr


def _killing(patch: str, *args: object) -> subprocess.CompletedProcess[str]:
    """kpiaudit ``args`` in a new process, with ``patch`` applied to kpiaudit.audit.pool."""
    probe = (
        "import os, sys\n"
        "from kpiaudit.audit import pool\n"
        f"{patch}\n"
        "from kpiaudit.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", probe, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "KPIAUDIT_NO_CACHE": "1"},
    )


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Two cores on any runner; the number of jobs each split run was given."""
    splits: list[int] = []
    real = pool._halved

    def counted(jobs, settings, records):  # type: ignore[no-untyped-def]
        splits.append(len(jobs))
        return real(jobs, settings, records)

    monkeypatch.setattr(pool, "_halved", counted)
    monkeypatch.setattr(pool, "_cpus", lambda: 2)

    assert threading.active_count() == 1, "a thread left running: no child would be forked"
    return splits


@pytest.mark.parametrize(
    "command",
    [
        ["lint", "-f", "text"],
        ["lint", "-f", "json"],
        ["status", "-f", "json"],
        ["due", "--before", "2025-03", "-f", "json"],
    ],
)
def test_a_mid_sized_plan_is_shared_with_one_child_and_gives_the_same(
    two_cores: list[int], capsys, monkeypatch, command: list[str]
) -> None:
    """The bundled 163 measures: this process checks half, a forked child the other half
    (28 ms less of a 170 ms lint), and the output is what one process prints."""
    args = [*command, str(MEASURES), "--today", "2026-11-27"]
    shared = run(args, capsys)
    assert two_cores == [163]
    monkeypatch.setattr(pool, "SPLIT_FILES", 10**9)
    assert run(args, capsys) == shared
    assert two_cores == [163]


def test_models_from_the_child_are_those_of_one_process(two_cores: list[int], monkeypatch) -> None:
    day = date(2026, 11, 27)
    shared = audit([MEASURES], Config(), day).single()
    assert two_cores == [163]
    monkeypatch.setattr(pool, "SPLIT_FILES", 10**9)
    alone = audit([MEASURES], Config(), day).single()
    assert shared.plan.measures == alone.plan.measures and len(alone.plan.measures) == 163
    assert shared.results == alone.results


def test_no_child_for_few_files_one_core_one_job_or_a_running_thread(
    two_cores: list[int], tmp_path: Path, capsys, monkeypatch
) -> None:
    few = tmp_path / "measures"
    few.mkdir()
    shutil.copy(MEASURES / "plan.yaml", few)
    for path in sorted(MEASURES.glob("[0-9]*.yaml"))[: pool.SPLIT_FILES - 1]:
        shutil.copy(path, few)
    run(["lint", str(few)], capsys)
    run(["lint", str(MEASURES), "-j", "1"], capsys)

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # as a progress bar's refresh thread
    thread.start()
    try:
        run(["lint", str(MEASURES)], capsys)
    finally:
        stop.set()
        thread.join()
    monkeypatch.setattr(pool, "_cpus", lambda: 1)
    run(["lint", str(MEASURES)], capsys)
    assert two_cores == []


def test_a_child_left_behind_is_stopped_and_reaped(two_cores: list[int], monkeypatch) -> None:
    """A run that stops taking results (an error, Ctrl-C) leaves no process behind."""
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    jobs = [
        pool.Job(i, str(path), path.read_bytes())
        for i, path in enumerate(sorted(MEASURES.glob("[0-9]*.yaml")))
    ]
    done = pool.run(jobs, base_date=BASE, chapters=None, models=False, records=False)
    assert next(done).slot == 0
    done.close()
    assert two_cores == [163] and len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)  # reaped: not running, not even a zombie


class _Keyworded(Exception):
    def __init__(self, *, path: str) -> None:  # pickled without its keyword: not made again
        super().__init__(f"cannot check {path}")


class _Locked(Exception):
    def __init__(self) -> None:
        super().__init__("holds a lock")
        self.lock = threading.Lock()  # cannot be pickled


@pytest.mark.parametrize(
    ("raised", "said"),
    [
        (ValueError("a check that fails"), "ValueError: a check that fails"),
        (_Keyworded(path="06-04.yaml"), "RuntimeError: _Keyworded: cannot check 06-04.yaml"),
        (_Locked(), "RuntimeError: _Locked: holds a lock"),
    ],
)
def test_an_exception_in_the_child_is_raised_as_one_process_would(
    two_cores: list[int], capsys, monkeypatch, raised: Exception, said: str
) -> None:
    """Raised here, with the child's traceback as its cause (--debug shows it); one that
    cannot be made again here, or not sent at all, by its type and words."""

    def broken(task):  # type: ignore[no-untyped-def]
        raise raised

    monkeypatch.setattr(pool, "_work", broken)  # only the child calls it
    code, out, err = run(["lint", str(MEASURES)], capsys)
    assert code == 2 and out == ""
    assert f"internal error: {said}\n" in err and "bug" in err
    with pytest.raises(Exception) as info:
        main(["lint", str(MEASURES), "--debug"])
    assert "in broken" in str(info.value.__cause__)  # the child's traceback
    assert two_cores == [163, 163]


def test_a_child_out_of_memory_is_a_worker_that_stopped(
    two_cores: list[int], capsys, monkeypatch
) -> None:
    def exhausted(task):  # type: ignore[no-untyped-def]
        raise MemoryError

    monkeypatch.setattr(pool, "_work", exhausted)
    code, out, err = run(["lint", str(MEASURES)], capsys)
    assert code == 2 and out == ""
    assert "a worker process stopped" in err and "exit status 1" in err


def test_the_split_with_the_cache_gives_what_one_process_gives(
    two_cores: list[int], tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.delenv("KPIAUDIT_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".kpiaudit.toml").write_text("")
    shutil.copytree(MEASURES, tmp_path / "measures")
    args = ["lint", "measures", "-f", "json", "--today", "2026-11-27"]
    alone = run([*args, "-j", "1", "--no-cache"], capsys)
    assert run(args, capsys) == alone  # cold: the child's records go into the cache
    assert run(args, capsys) == alone  # warm: nothing to check
    assert run([*args, "--no-cache"], capsys) == alone
    assert two_cores == [163, 163]


@pytest.mark.parametrize(
    "command",
    [
        ["lint", "{plan}"],
        ["status", "{plan}"],
        ["diff", "{plan}", "{plan}"],
        ["report", "{plan}", "--out", "{out}"],
    ],
)
def test_a_child_that_dies_ends_the_run_with_a_message(tmp_path: Path, command: list[str]) -> None:
    """Every command that checks files, not only those of cli.common (report and diff call the
    audit themselves): exit 2, the pool's message, nothing printed as if it were the whole."""
    args = [a.format(plan=MEASURES, out=tmp_path / "site") for a in command]
    # the child dies; this process checks its half
    done = _killing("pool._cpus = lambda: 2; pool._work = lambda task: os._exit(9)", *args)
    assert done.returncode == 2, done.stderr
    assert "a worker process stopped" in done.stderr and "Traceback" not in done.stderr
    assert "exit status 9" in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("failing", ["fork", "pipe"])
def test_where_no_child_can_be_forked_this_process_checks_them_all(
    two_cores: list[int], capsys, monkeypatch, failing: str
) -> None:
    """A container's process limit (EAGAIN) or no file descriptor left: the same output."""
    args = ["lint", str(MEASURES), "-f", "json", "--today", "2026-11-27"]
    expected = run([*args, "-j", "1"], capsys)

    def refused() -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, failing, refused)
    assert run(args, capsys) == expected
    assert two_cores == [163]


def test_ctrl_c_while_a_class_is_made_is_an_interruption(capsys, monkeypatch) -> None:
    """Ctrl-C during an import that makes a dataclass reaches the command as a RuntimeError
    ("Error calling __set_name__", Python 3.11) caused by the KeyboardInterrupt: found by
    sending Ctrl-C at random moments of 150 runs. It is an interruption, not a bug."""

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("Error calling __set_name__ on 'Field' instance") from (
            KeyboardInterrupt()
        )

    monkeypatch.setattr(pool, "run", interrupted)
    code, out, err = run(["lint", str(MEASURES)], capsys)
    assert (code, out, err) == (130, "", "kpiaudit: interrupted\n")


def test_a_child_killed_by_a_signal_is_said_by_its_name() -> None:
    done = _killing(
        "import signal; pool._cpus = lambda: 2; "
        "pool._work = lambda task: os.kill(os.getpid(), signal.SIGKILL)",
        "lint",
        MEASURES,
    )
    assert done.returncode == 2, done.stderr
    assert "(killed, or out of memory: SIGKILL)" in done.stderr
