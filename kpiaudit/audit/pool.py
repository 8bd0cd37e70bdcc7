"""Checking the files of a plan: in this process, or in worker processes for a large plan.

The per-file step is pure (:func:`~.check.check_file`), so files can be checked anywhere and
in any order; results come back in the order the files were given, so the output of a run is
the same with one process or several. Workers are forked (Linux only: elsewhere everything
runs in this process) once, before any thread exists, and send back each result as a record
(:mod:`.record`): compact JSON, faster to pass between processes than the model. Below
:data:`MIN_FILES` files to check, starting a pool costs more than it saves: from
:data:`SPLIT_FILES`, this process checks half of the files while one bare forked child checks
the other half (:func:`_halved`); below, this process checks them all. A command that
needs something of each measure besides its findings (``status``, ``due``) passes a
summariser: it runs where the model is at hand, and only its summary comes back.

What is held at once is bounded by bytes as well as by files (a pull request can commit
hundreds of 5 MB files): :data:`AHEAD` while deciding whether to start workers, a few chunks
of at most :data:`CHUNK_BYTES` in flight. A worker that dies (killed, out of memory) ends the
run with a message, never a hang.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, NoReturn

from ..codec import measure_from_data
from ..load import LoadedFile, load_bytes
from ..model import Measure
from ..rules import CheckContext
from . import record
from .check import FileResult, check_file

MIN_FILES = 400  # fewer files are checked without a pool (benchmarks/bench.py measured it)
# From this many files to check (and below MIN_FILES), this process checks half of their bytes
# and one forked child the other half: 4 ms less at 48 files, 8 at 64, 28 at 163; below 32 the
# fork and pickle cost more than they save (benchmarks/bench.py; README, "Speed").
SPLIT_FILES = 48
AHEAD = 32 << 20  # bytes of files read ahead while deciding; more is a large plan anyway
CHUNK = 32  # files per task: large enough to hide the hand-over, small enough to balance
CHUNK_BYTES = 4 << 20  # and at most this many bytes of them
WINDOW = 3  # tasks in flight per worker: the files' bytes are held only for those
MAX_PROCESSES = 64


class WorkerDied(RuntimeError):
    """A worker process stopped before its files were checked (killed, out of memory)."""


@dataclass(frozen=True)
class Job:
    """One file to check, or (``model_only``: the cache knows its result) to load for its
    model only."""

    index: int
    path: str
    raw: bytes
    model_only: bool = False


# What a view needs of one measure, made of its model and the plan's base date where the model
# is at hand: a picklable callable (a module-level class or function), as is what it returns.
Summarise = Callable[[Measure, "date | None"], object]


class Done(NamedTuple):
    """What a job gives back."""

    slot: int  # the job's index (a tuple has its own .index)
    result: FileResult | None  # None for a model-only job
    # the Measure, or its data as JSON from a worker; None when not wanted or not valid
    model: Measure | bytes | None
    record: bytes | None  # the result's record for the cache, when asked for
    summary: object = None  # the measure's summary, when asked for and valid


def run(
    jobs: Iterable[Job],
    *,
    base_date: date | None,
    chapters: frozenset[int] | None,
    models: bool,
    records: bool,
    summarise: Summarise | None = None,
    processes: int | None = None,
) -> Iterator[Done]:
    """Each job done, in the order given. ``models``: with each valid file's model;
    ``records``: with each result's record, for the cache; ``summarise``: with each valid
    file's summary. ``processes``: worker processes (0: this process only); by default one
    per core once :data:`MIN_FILES` jobs are waiting (a run the cache answers almost whole
    never starts one)."""
    pending = iter(jobs)
    settings: Settings = (base_date, chapters, models, summarise)
    if processes is None:
        waiting: list[Job] = []
        held = 0
        for job in pending:
            waiting.append(job)
            held += len(job.raw)
            if len(waiting) == MIN_FILES or held >= AHEAD:
                break
        large = len(waiting) == MIN_FILES or held >= AHEAD
        if not large and len(waiting) >= SPLIT_FILES and _can_split():
            yield from _halved(waiting, settings, records)
            return
        cores = _cpus() if large else 1
        processes = cores if cores > 1 else 0
        pending = itertools.chain(waiting, pending)
    if not _can_fork():
        processes = 0
    processes = min(processes, MAX_PROCESSES)
    if processes < 1:
        for job in pending:
            yield _one(job, settings, records)
        return
    yield from _in_workers(pending, settings, processes)


Settings = tuple["date | None", "frozenset[int] | None", bool, "Summarise | None"]


def _one(job: Job, settings: Settings, records: bool) -> Done:
    base_date, chapters, models, summarise = settings
    loaded = load_bytes(job.raw, job.path)
    if job.model_only:
        model = _model(job, loaded) if not loaded.problems else None
        summary = summarise(model, base_date) if summarise and model else None
        return Done(job.index, None, model if models else None, None, summary)
    result = check_file(loaded, CheckContext(job.path, base_date, chapters))
    model, result.model = result.model, None
    summary = summarise(model, base_date) if summarise and model else None
    made = record.encode(result) if records else None
    return Done(job.index, result, model if models else None, made, summary)


def _model(job: Job, loaded: LoadedFile) -> Measure:
    model = measure_from_data(loaded.data)
    model.path = job.path
    return model


# From a worker, per job: its index, its record, its model's data, its summary.
Worked = tuple[int, "bytes | None", "bytes | None", object]


def _work(task: tuple[list[Job], Settings]) -> list[Worked]:
    """In a worker: the record of each job of a chunk, and each model's data or summary
    when wanted."""
    jobs, (base_date, chapters, models, summarise) = task
    out: list[Worked] = []
    for job in jobs:
        loaded = load_bytes(job.raw, job.path)
        made = model = None
        valid = not loaded.problems
        if not job.model_only:
            result = check_file(loaded, CheckContext(job.path, base_date, chapters))
            made, valid, model = record.encode(result), result.checked, result.model
        data = record.encode_data(loaded.data) if models and valid else None
        summary = None
        if summarise is not None and valid:
            summary = summarise(model or _model(job, loaded), base_date)
        out.append((job.index, made, data, summary))
    return out


def _in_workers(jobs: Iterable[Job], settings: Settings, processes: int) -> Iterator[Done]:
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    paths: dict[int, str] = {}

    def chunks() -> Iterator[tuple[list[Job], Settings]]:
        chunk: list[Job] = []
        held = 0
        for job in jobs:
            paths[job.index] = job.path
            chunk.append(job)
            held += len(job.raw)
            if len(chunk) == CHUNK or held >= CHUNK_BYTES:
                yield chunk, settings
                chunk, held = [], 0
        if chunk:
            yield chunk, settings

    context = multiprocessing.get_context("fork")
    # concurrent.futures rather than multiprocessing.Pool: it notices a worker that died and
    # says so (BrokenProcessPool), where a Pool waits for its result for ever.
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_quiet) as pool:
        pending: deque[Future[list[Worked]]] = deque()
        try:
            for task in chunks():
                pending.append(pool.submit(_work, task))
                if len(pending) >= processes * WINDOW:
                    yield from _collect(pending.popleft().result(), paths)
            while pending:
                yield from _collect(pending.popleft().result(), paths)
        except BrokenProcessPool as exc:
            _unblock_feeder(pool)
            raise WorkerDied(str(exc)) from None
        finally:
            for future in pending:
                future.cancel()


def _halved(jobs: list[Job], settings: Settings, records: bool) -> Iterator[Done]:
    """Check the first part of ``jobs`` here while one forked child checks the rest, on a plan
    too small for a pool: importing multiprocessing and starting its workers cost more than
    half of checking 163 measures, where a bare fork costs a millisecond. The child sends back
    what a pool's worker does (records, models' data, summaries), pickled through a pipe; the
    results are given in the order of ``jobs``, the same as from one process.

    Where no child can be forked, this process checks them all. An exception in the child is
    raised here, as one process would raise it; a child that dies ends the run with
    :class:`WorkerDied`; one left behind (the run stopped early) is killed and reaped. Ctrl-C
    is held off from the fork until each side can handle it (the child ignores it)."""
    import pickle
    import signal

    mine, held, half = 0, 0, sum(len(job.raw) for job in jobs) / 2
    while mine < len(jobs) - 1 and held < half:  # here: the first half of the bytes
        held += len(jobs[mine].raw)
        mine += 1
    theirs = jobs[mine:]
    interrupts = signal.pthread_sigmask(signal.SIG_BLOCK, ())  # the mask as it is
    reader = writer = pid = -1
    try:
        # Ctrl-C waits from here until each side can handle it (the child ignores it).
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            reader, writer = os.pipe()
            pid = os.fork()
        except OSError:  # out of file descriptors, processes or memory: all of them here
            pid = -1
        if pid == 0:
            _child(reader, writer, (theirs, settings), interrupts)
        if writer >= 0:
            os.close(writer)
            writer = -1
        signal.pthread_sigmask(signal.SIG_SETMASK, interrupts)
        if pid < 0:
            yield from (_one(job, settings, records) for job in jobs)
            return
        for job in jobs[:mine]:
            yield _one(job, settings, records)
        with open(reader, "rb") as pipe:
            reader = -1  # closed with the file
            payload = pipe.read()
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # reaped and forgotten at once
        _, status = os.waitpid(pid, 0)
        pid = -1
        signal.pthread_sigmask(signal.SIG_SETMASK, interrupts)
        if status != 0 or not payload:
            raise WorkerDied(_ended(os.waitstatus_to_exitcode(status)))
        raised, done = pickle.loads(payload)
        if raised:
            raise _rebuilt(*done)
        yield from _collect(done, {job.index: job.path for job in theirs})
    finally:
        try:  # cleaned up undisturbed (blocking may raise a Ctrl-C that came just before)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        finally:
            for fd in (reader, writer):
                if fd >= 0:
                    os.close(fd)
            if pid > 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            signal.pthread_sigmask(signal.SIG_SETMASK, interrupts)  # a Ctrl-C held off is raised


def _ended(code: int) -> str:
    """How a child ended, in the words of the message that says so: ``exit status 1``, or the
    signal that killed it (``SIGKILL``, as the kernel's out-of-memory killer sends)."""
    import signal

    if code < 0:
        with contextlib.suppress(ValueError):
            return signal.Signals(-code).name
        return f"signal {-code}"
    return f"exit status {code}"


class _ChildTraceback(Exception):
    """Where an exception was raised in the child: its traceback, as text."""


def _child(reader: int, writer: int, task: tuple[list[Job], Settings], interrupts: Any) -> NoReturn:
    """In the child :func:`_halved` forked: check the jobs, send back (False, what was done)
    or (True, the exception raised as :func:`_rebuilt` takes it), and end without the
    parent's exit handlers or its buffered output. Out of memory, it just ends: the parent
    says a worker stopped, as for one the system killed."""
    import pickle
    import signal
    import traceback

    code = 1
    try:
        _quiet()
        signal.pthread_sigmask(signal.SIG_SETMASK, interrupts)
        os.close(reader)
        try:
            outcome: tuple[bool, object] = (False, _work(task))
        except MemoryError:
            raise
        except Exception as exc:  # a bug in a check: raised by the parent, as one process would
            try:
                pickled: bytes | None = pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
            except Exception:  # it holds something that cannot be pickled (a lock)
                pickled = None
            words = f"{type(exc).__name__}: {exc}"
            outcome = (True, (pickled, words, "".join(traceback.format_exception(exc))))
        payload = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        with open(writer, "wb") as pipe:
            pipe.write(payload)
        code = 0
    finally:
        os._exit(code)


def _rebuilt(pickled: bytes | None, words: str, where: str) -> Exception:
    """The child's exception, to raise here, caused by its traceback (shown by --debug); a
    RuntimeError with its words where it cannot be made again here (its __init__ wants
    arguments that pickling does not keep)."""
    import pickle

    exc: Exception = RuntimeError(words)
    if pickled is not None:
        with contextlib.suppress(Exception):
            exc = pickle.loads(pickled)
    exc.__cause__ = _ChildTraceback(where)
    return exc


def _can_split() -> bool:
    """Whether a forked child can share the work: two cores, and no thread that a fork would
    copy mid-step (none is started before the files are checked; a progress bar's could be)."""
    threading = sys.modules.get("threading")
    single = threading is None or threading.active_count() == 1
    return single and _can_fork() and _cpus() > 1


def _unblock_feeder(pool: object) -> None:
    """After a worker died: before Python 3.11.5 (Debian 12 has 3.11.2), the executor's feeder
    thread could be left writing a task (tens of kilobytes of files) into the pipe to workers
    that are all dead, and shutting the executor down waited for it for ever (CPython
    gh-107219): the run hung instead of ending. Closing this process's end of that pipe, its
    last reader, makes the write fail, and the shutdown finish. Private attributes, looked up
    with care: where they are not, there is nothing to do."""
    reader = getattr(getattr(pool, "_call_queue", None), "_reader", None)
    close = getattr(reader, "close", None)
    if callable(close):
        with contextlib.suppress(OSError):
            close()


def _quiet() -> None:
    """In a worker: Ctrl-C is for the process that started it, which stops the workers."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _collect(done: list[Worked], paths: dict[int, str]) -> Iterator[Done]:
    for index, made, data, summary in done:
        path = paths.pop(index)
        result = record.decode(path, made) if made is not None else None
        yield Done(index, result, data, made, summary)


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _cpus() -> int:
    sched: Callable[[int], set[int]] | None = getattr(os, "sched_getaffinity", None)
    return len(sched(0)) if sched else os.cpu_count() or 1
