"""The audit engine: files → one Plan per directory, with its findings. lint, status, due, fix
and the views all read the same result.

discover (files, grouped by plan) → per plan: plan.yaml → per file: load, check_file (pure,
cacheable) → the dated rules (K302, K304: they depend on ``today``; cached for that day) →
cross-file rules → suppressions → selection and severities.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..codec import plan_from_data
from ..config import Config
from ..load import Problem, load_path, read_bounded
from ..model import Finding, KpiRef, Measure, Plan, measure_id_of
from ..rules import ALWAYS
from ..rules.flags import COMPLIANCE_FLAGS
from ..schema import PLAN_SCHEMA
from . import pool, record
from .check import FileResult, check_file, file_problems
from .crossfile import duplicate_ids
from .dated import dated_findings
from .discover import PlanFiles, discover
from .findings import finding, from_problem
from .known import Scope
from .select import by_position, configure
from .suppress import apply_suppressions

if TYPE_CHECKING:
    from .cache import Cache, Entry, FileStatus
    from .snapshot import Snapshot

__all__ = ["Audit", "AuditResult", "FileResult", "TwoPlansError", "audit", "check_file"]

# The codes of the findings Audit.left_out() and Audit.kpi_codes() read: a command that reads
# no others keeps no others (audit(…, keep=…)).
LEFT_OUT_CODES = ALWAYS
FLAG_CODES = frozenset(COMPLIANCE_FLAGS)


# Told the number of files done and the number of files in all, as a run goes.
Progress = Callable[[int, int], None]
T = TypeVar("T")
_NO_CODES: frozenset[str] = frozenset()


@dataclass(slots=True)
class Answer:
    """A plan's snapshot (:mod:`.snapshot`), which answered the plan or was just kept: what
    its findings and files stand for, and how to have them. A snapshot that answered is
    decoded when its findings are first asked for: a run whose output is replayed
    (:mod:`kpiaudit.cli.replay`) never asks."""

    # the plan's cache (code and settings), the snapshot's key (the day, the directory, each
    # file's name and status) and plan.yaml's findings: the same identity, the same findings
    identity: str
    files: int  # how many measure files the plan has
    decode: Callable[[], tuple[list[Finding], list[FileResult]]]
    from_snapshot: bool  # it answered the plan (else the plan was checked, and it was kept)
    # It answered, but could not be decoded after all, and the files were checked instead:
    # the identity no longer stands for what was found, and nothing is recorded under it.
    disowned: bool = False


class Audit:
    """One plan and what the audit found in it (after configuration)."""

    def __init__(
        self,
        plan: Plan,
        findings: list[Finding] | None = None,
        results: list[FileResult] | None = None,
        whole: bool = False,
        summarised: dict[Any, list[Any]] | None = None,
        *,
        answer: Answer | None = None,
    ) -> None:
        self.plan = plan
        self.whole = whole  # the plan's directory was named: every file of it was checked
        # summariser → each measure's summary, in plan order (see summaries)
        self.summarised = {} if summarised is None else summarised
        # the plan's snapshot, when one answered the plan or was kept for it
        self.answer = answer
        # the findings and each measure file checked; None until a snapshot that answered is
        # decoded (:meth:`_known`)
        self._held: tuple[list[Finding], list[FileResult]] | None = None
        if findings is not None or answer is None:
            self._held = ([] if findings is None else findings, [] if results is None else results)

    @property
    def findings(self) -> list[Finding]:
        return self._known()[0]

    @property
    def results(self) -> list[FileResult]:
        return self._known()[1]

    def _known(self) -> tuple[list[Finding], list[FileResult]]:
        if self._held is None:
            assert self.answer is not None
            self._held = self.answer.decode()
        return self._held

    @property
    def files(self) -> int:
        if self._held is None and self.answer is not None:
            return self.answer.files
        return len(self.results)

    def summaries(self, summarise: Callable[[Measure, date | None], T]) -> list[T]:
        """What ``summarise`` makes of each measure of the plan, in plan order (duplicates
        left out): made by the workers that checked the files when the audit was asked for it
        (``audit(…, summarise=…)``: then no model is kept), else from the models now, once."""
        if summarise not in self.summarised:
            base = self.plan.base_date
            self.summarised[summarise] = [summarise(m, base) for m in self.plan.measures]
        return self.summarised[summarise]

    @property
    def paths(self) -> dict[str, list[str]]:
        """Measure id → the files that hold it (one, unless E008 reports a duplicate id):
        what a command that writes into measure files (actuals) edits."""
        out: dict[str, list[str]] = {}
        for r in self.results:
            if r.measure_id is not None:
                out.setdefault(r.measure_id, []).append(r.path)
        return out

    def left_out(self) -> list[Finding]:
        """What makes numbers over the plan wrong: files that could not be read or validated,
        duplicates (not counted), a missing plan.yaml. The findings of always-reported rules."""
        return [f for f in self.findings if f.code in LEFT_OUT_CODES]

    def kpi_codes(self) -> dict[str, frozenset[str]]:
        """KPI reference → the K101/K102/K103 codes reported for it (after configuration).
        Each distinct set of codes is one object, shared: three codes make seven sets, and a
        large plan flags hundreds of thousands of KPIs (a set each was 70 MB at 100,000)."""
        out: dict[str, frozenset[str]] = {}
        joined: dict[tuple[frozenset[str], str], frozenset[str]] = {}
        for f in self.findings:
            if f.kpi and f.code in FLAG_CODES:
                had = out.get(f.kpi, _NO_CODES)
                if (had, f.code) not in joined:
                    joined[had, f.code] = had | {f.code}
                out[f.kpi] = joined[had, f.code]
        return out


class TwoPlansError(Exception):
    """A command that reads one plan was given files of several."""

    def __init__(self, directories: list[str]) -> None:
        super().__init__(", ".join(directories))
        self.directories = directories


@dataclass
class AuditResult:
    """What an audit found in every plan it was given, and the paths it could not read."""

    plans: list[Audit]
    unreadable: list[Finding] = field(default_factory=list)  # paths missing or unlistable
    empty: list[Path] = field(default_factory=list)  # directories named without measure files

    @property
    def findings(self) -> list[Finding]:
        if len(self.plans) == 1 and not self.unreadable:
            return list(self.plans[0].findings)  # sorted by configure() already
        return by_position([*(f for a in self.plans for f in a.findings), *self.unreadable])

    @property
    def files(self) -> int:
        return sum(a.files for a in self.plans)

    @property
    def answered(self) -> bool:
        """Whether each plan was answered by its snapshot (none was checked)."""
        return bool(self.plans) and all(a.answer and a.answer.from_snapshot for a in self.plans)

    def fingerprint(self) -> str | None:
        """A digest that stands for all this run found (each plan's findings and files, and
        the paths that could not be read), worked out without decoding what the plans'
        snapshots hold; None unless each plan's snapshot answered it or was kept."""
        if not self.plans or any(a.answer is None or a.answer.disowned for a in self.plans):
            return None
        from .cache import digest  # only a run with a cache hashes (hashlib loads OpenSSL)

        parts = [f"{a.answer.identity}\t{a.whole}\n".encode() for a in self.plans if a.answer]
        parts.append(repr((self.unreadable, self.empty)).encode("utf-8", "surrogatepass"))
        return digest(b"".join(parts))

    def scope(self) -> Scope:
        """What this run checked, for judging known findings (``--baseline``)."""
        scope = Scope(whole=any(a.whole for a in self.plans))
        for a in self.plans:
            for r in a.results:
                named = measure_id_of(os.path.basename(r.path))
                if named is not None:
                    scope.measures.add(named)
                if r.measure_id is None:
                    if named is not None:
                        scope.unreadable.add(named)
                    continue
                scope.measures.add(r.measure_id)
                scope.present.add(r.measure_id)
                scope.present.update(r.kpi_refs)
        return scope

    def single(self) -> Audit:
        """The one plan checked; TwoPlansError when the files belong to several."""
        if len(self.plans) > 1:
            raise TwoPlansError([a.plan.directory for a in self.plans])
        if not self.plans:
            return Audit(Plan(title="", base_date=None), list(self.unreadable))
        only = self.plans[0]
        findings = by_position(only.findings + self.unreadable)
        return Audit(only.plan, findings, only.results, only.whole, only.summarised)


def audit(
    paths: Iterable[Path],
    config: Config,
    today: date | None = None,
    *,
    models: bool = True,
    summarise: pool.Summarise | None = None,
    cache: Cache | None = None,
    jobs: int | None = None,
    progress: Progress | None = None,
    keep: frozenset[str] | None = None,
) -> AuditResult:
    """Every plan the paths belong to, audited; ``today`` is the day the dated rules judge
    against (default: the real date).

    ``models``: keep each measure's model (the views need them; lint does not, and keeps
    only what it reports). ``summarise``: what a view needs of each measure, made where the
    model is (in the workers), so that the models need not be kept (:meth:`Audit.summaries`).
    ``cache``: the result cache to read and fill (see :mod:`.cache`).
    ``jobs``: worker processes (default: both cores for a large plan; 1: this process only).
    ``progress``: told how many files are done, and of how many, as the run goes.
    ``keep``: the codes of the findings the caller reads (status and due read a few), the
    others dropped as each file is done (default: all kept); a large plan's findings are
    hundreds of thousands of objects."""
    day = today or date.today()
    found = discover(paths)
    missing = [finding(p.as_posix(), 1, 1, "E003", "missing") for p in found.missing]
    missing += [
        finding(p.as_posix(), 1, 1, "E003", "unreadable_directory", {"reason": reason})
        for p, reason in found.unreadable
    ]
    result = AuditResult([], configure(missing, config), found.empty)
    counter = _Counter(sum(len(f.measures) for f in found.plans), progress)
    for files in found.plans:
        result.plans.append(
            audit_plan(
                files,
                config,
                day,
                whole=found.directories,
                models=models,
                summarise=summarise,
                cache=cache,
                jobs=jobs,
                counter=counter,
                keep=keep,
            )
        )
    return result


def _load_plan(files: PlanFiles, config: Config, findings: list[Finding]) -> Plan:
    directory = files.directory.as_posix()
    plan = Plan(title="", base_date=None, directory=directory)
    if files.plan_file is not None:
        loaded = load_path(files.plan_file, files.directory)
        problems = file_problems(loaded, PLAN_SCHEMA)
        findings.extend(problems)
        if not problems:
            plan = plan_from_data(loaded.data, directory)
    elif files.measures:
        key = "default" if config.base_date is None else "configured"
        findings.append(finding(directory, 1, 1, "E010", key))
    if config.base_date is not None:
        plan.base_date = config.base_date
    return plan


def audit_plan(
    files: PlanFiles,
    config: Config,
    today: date,
    *,
    whole: bool = False,
    models: bool = True,
    summarise: pool.Summarise | None = None,
    cache: Cache | None = None,
    jobs: int | None = None,
    counter: _Counter | None = None,
    keep: frozenset[str] | None = None,
) -> Audit:
    findings: list[Finding] = []
    plan = _load_plan(files, config, findings)
    chapters = frozenset(c.number for c in plan.chapters) if plan.chapters else None
    counter = counter or _Counter(0, None)
    summaries: dict[Any, list[Any]] = {}
    day = _Day(today, plan.base_date, chapters)
    checking = _Checking(files, files.measures, day, models, cache, summarise, keep)
    # lint (no models) of a whole plan directory: the plan's snapshot answers when no file
    # changed (the per-file step then reads no file and decodes no entry).
    lint = not models and summarise is None and keep is None  # a snapshot holds every finding
    plan_snapshot = checking.snapshot() if files.whole and lint else None
    key = plan_snapshot.match(checking.digest_of) if plan_snapshot is not None else None

    def answer(
        snapshot_key: str,
        decode: Callable[[], tuple[list[Finding], list[FileResult]]],
        from_snapshot: bool,
    ) -> Answer:
        from .cache import digest  # only a run with a cache hashes (hashlib loads OpenSSL)

        assert checking.store is not None
        besides = digest(repr(findings).encode("utf-8", "surrogatepass"))  # plan.yaml's
        identity = f"{checking.store.name}:{snapshot_key}:{besides}"
        return Answer(identity, len(files.measures), decode, from_snapshot)

    def checked(counter: _Counter) -> tuple[list[Finding], list[FileResult]]:
        try:
            results = checking.run(jobs, counter)
            partners: list[FileResult] = []
            others = [] if files.whole else _partners(files, results)
            if others:
                partners = checking.alongside(others).run(1, counter)
            checking.save()  # once, with the partners' entries: never two writers of one file
        finally:
            checking.abandon()  # the entries' file begun and not saved (an error, Ctrl-C)
        duplicates = duplicate_ids(results + partners)
        measured = _measure_findings(results, partners, duplicates)
        if keep is not None:  # less the unused suppressions of the codes not kept
            measured = [f for f in measured if f.code in keep]
        if models:
            for r in results:
                if r.measure is not None and r.path not in duplicates:
                    plan.measures.append(r.measure)  # a copy is not counted twice
            plan.measures.sort(key=lambda m: m.ref.sort_key())
        if summarise is not None:
            counted = [r for r in results if r.summary is not None and r.path not in duplicates]
            counted.sort(key=lambda r: KpiRef.parse(r.measure_id or "").sort_key())
            summaries[summarise] = [r.summary for r in counted]
        return measured, results

    if plan_snapshot is not None and key is not None:
        counter.add(len(files.measures))
        snapshot = plan_snapshot

        def from_snapshot() -> tuple[tuple[list[Finding], list[FileResult]], bool]:
            """The snapshot's findings and files, and True; or, when it cannot be decoded
            after all (never, short of a bug or a failing disk: its MAC was checked), the
            files checked instead, after the progress bar, and False: the snapshot's key then
            no longer stands for what was found, and nothing is recorded or kept under it."""
            known = snapshot.known()
            if known is None:
                return checked(_Counter(0, None)), False
            return (known[1], known[0]), True

        def decoded() -> tuple[list[Finding], list[FileResult]]:
            (measured, results), sound = from_snapshot()
            answered.disowned = not sound
            return configure(findings + measured, config), results

        if not snapshot.stale():
            answered = answer(key, decoded, True)
            return Audit(plan, whole=whole, answer=answered)
        # A file it knew by its bytes is known by its times now: kept again, so that later
        # runs need not read that file.
        (measured, results), sound = from_snapshot()
        key = snapshot.keep(results, measured, snapshot.digests()) if sound else None
        configured = configure(findings + measured, config)
    else:
        if plan_snapshot is not None:  # missed: what it knows of the files that did not change
            checking.reuse = plan_snapshot.reusable()
        measured, results = checked(counter)
        if plan_snapshot is not None and not checking.unread:
            key = plan_snapshot.keep(results, measured, checking.digests_by_name())
        configured = configure(findings + measured, config)
    kept = answer(key, lambda: (configured, results), False) if key is not None else None
    return Audit(plan, configured, results, whole, summaries, answer=kept)


def _measure_findings(
    results: list[FileResult], partners: list[FileResult], duplicates: dict[str, list[Finding]]
) -> list[Finding]:
    """The findings of a plan's measure files: each file's own and those of the rules of the
    day, the duplicate ids, less what the files' comments suppress."""
    findings: list[Finding] = []
    for partner in partners:  # only a duplicate of a file named is said of a partner
        findings.extend(duplicates.get(partner.path, []))
    for r in results:
        dated = r.of_the_day or []  # judged for every result as it was kept (_settle)
        findings.extend(apply_suppressions(r, dated + duplicates.get(r.path, [])))
    return findings


def _partners(files: PlanFiles, results: list[FileResult]) -> list[str]:
    """When files were named one by one (pre-commit passes the files a commit changes), the
    other files of their directory that may hold the same measure: those whose names say
    they hold the measure a named file holds, or whose name says it does (a copy
    `cp 07-03.yaml 07-06.yaml` keeps id 7-3; `08-01.yml` beside `08-01.yaml`). They are
    checked for duplicate ids only, so that a copy added beside a file cannot pass a gate that
    lints the changed files alone. One listing of the directory."""
    from .discover import listed

    ids = {r.measure_id for r in results}
    ids |= {measure_id_of(os.path.basename(r.path)) for r in results}
    named = {os.path.realpath(r.path) for r in results}
    return [
        child
        for child, identity in listed(files.directory)
        if identity not in named and measure_id_of(os.path.basename(child)) in ids - {None}
    ]


@dataclass(frozen=True)
class _Day:
    """The day a plan is judged on, and what else a per-file result depends on: the plan's
    base date and chapters."""

    today: date
    base_date: date | None
    chapters: frozenset[int] | None

    def judge(self, result: FileResult) -> list[Finding]:
        """The findings of the rules of the day in one file."""
        return dated_findings(result, self.today, self.base_date)


class _Checking:
    """The per-file results of some of a plan's measure files, in their order: from the cache
    where it knows a file's bytes, else checked (in worker processes for a large plan); each
    with the findings of the rules of the day, from the cache when it judged them today."""

    def __init__(
        self,
        files: PlanFiles,
        paths: list[str],
        day: _Day,
        models: bool,
        cache: Cache | None,
        summarise: pool.Summarise | None = None,
        keep: frozenset[str] | None = None,
    ) -> None:
        self.files, self.day, self.models, self.summarise = files, day, models, summarise
        self.keep = keep
        # each valid file is loaded whole, even when the cache knows its findings
        self.loads = models or summarise is not None
        self.today = day.today.isoformat()
        self.store = None
        if cache is not None:
            settings = {
                "base_date": day.base_date.isoformat() if day.base_date else None,
                "chapters": sorted(day.chapters) if day.chapters is not None else None,
            }
            self.store = cache.plan(files.directory, settings)
        self.paths = paths  # as output shows them
        self.names = [os.path.basename(path) for path in paths]  # what the cache knows them by
        self.results: list[FileResult | None] = [None] * len(self.paths)
        # the digest of each file read, until its result is settled; kept after only for a
        # file whose status is too fresh to trust, which the snapshot's key knows by its bytes
        self.digests: dict[int, str] = {}
        # each file's status, taken just before the file is read
        self.stats: list[FileStatus | None] = [None] * len(paths)
        self.unread = False  # a file could not be read: this run keeps no snapshot
        # file path → its result from the plan's snapshot, for files known not to have changed
        self.reuse: dict[str, FileResult] = {}

    def snapshot(self) -> Snapshot | None:
        """The plan's snapshot (:mod:`.snapshot`) for every file's status, taken now and
        used again when the files are read; None without a cache, or when a file cannot be
        looked at."""
        if self.store is None:
            return None
        from .cache import looked_at
        from .snapshot import Snapshot

        seen = time.time_ns()  # taken before the statuses: a file can only look fresher
        statuses = []
        for path in self.paths:
            try:
                statuses.append(looked_at(os.lstat(path), seen))
            except OSError:
                return None
        self.stats = list(statuses)
        directory = self.files.directory.as_posix()
        return Snapshot(self.store, directory, self.day.today, self.names, statuses, self.paths)

    def digest_of(self, name: str) -> str | None:
        """The digest of the bytes of the plan's file ``name``; None when it cannot be read."""
        from .cache import digest

        raw = read_bounded(self.files.directory / name, self.files.directory)
        return None if isinstance(raw, Problem) else digest(raw)

    def digests_by_name(self) -> dict[str, str]:
        """File name → the digest of the bytes this run read of it."""
        return {self.names[i]: d for i, d in self.digests.items()}

    def run(self, jobs: int | None, counter: _Counter) -> list[FileResult]:
        processes = None if jobs is None else jobs if jobs > 1 else 0
        if self.store is not None and self.reuse:  # the others' entries are not looked up
            looked_up = (
                n for n, p in zip(self.names, self.paths, strict=True) if p not in self.reuse
            )
            self.store.look_up_only(looked_up)
        done = pool.run(
            self._jobs(counter),
            base_date=self.day.base_date,
            chapters=self.day.chapters,
            models=self.models,
            records=self.store is not None,
            summarise=self.summarise,
            processes=processes,
        )
        for i, result, model, made, summary in done:
            if result is not None:
                self._settle(i, result, made)
            kept = self.results[i]
            assert kept is not None
            if isinstance(model, bytes):
                kept.data = model
            elif model is not None:
                kept.model = model
            kept.summary = summary
            counter.add()
        return [r for r in self.results if r is not None]

    def alongside(self, paths: list[str]) -> _Checking:
        """A check of other files of the plan (for their duplicate ids), whose results go to
        the same entries as these, kept together by :meth:`save`."""
        other = _Checking(self.files, paths, self.day, False, None)
        other.store = self.store
        return other

    def save(self) -> None:
        """Keep the entries, once every file of the run is in them: the last run's that are
        kept, for a large plan, in a forked child (.background) while the run goes on."""
        if self.store is not None:
            if self.files.whole:
                self.store.keep_only(self.names)
            self.store.save(in_background=len(self.paths) >= pool.MIN_FILES)

    def abandon(self) -> None:
        """Give up the entries' file this run began, unless :meth:`save` completed it."""
        if self.store is not None:
            self.store.abandon()

    def _jobs(self, counter: _Counter) -> Iterator[pool.Job]:
        for i, name in enumerate(self.paths):
            reused = self.reuse.get(name)
            if reused is not None:  # from the snapshot: not read
                self._settle(i, reused)
                counter.add()
                continue
            known = self._unchanged(i, name)
            if known is not None and not self.loads:  # the very file the cache knows: not read
                self._settle(i, known)
                counter.add()
                continue
            raw = read_bounded(Path(name), self.files.directory)
            if isinstance(raw, Problem):  # never cached: reading it again is the check
                self.unread = True
                self._settle(i, FileResult(name, None, [from_problem(name, raw)]))
                counter.add()
                continue
            known = self._known(i, name, raw)
            if known is None:
                yield pool.Job(i, name, raw)
                continue
            self._settle(i, known)
            if self.loads and known.checked:
                yield pool.Job(i, name, raw, model_only=True)
            else:
                counter.add()

    def _settle(self, i: int, result: FileResult, made: bytes | None = None) -> None:
        """Keep a file's result, with the findings of the rules of the day (judged now, unless
        the cache judged them today, and then kept beside its entry for the day), and without
        the facts they read: on a large plan those were most of what a run held. ``made``:
        the record of a result just checked, for the cache."""
        found = None
        if result.of_the_day is None:
            result.of_the_day = self.day.judge(result)
            # A file with suppressions is decoded whole anyway: they need its facts.
            if self.store is not None and not result.suppressions:
                found = record.encode_of_the_day(result.of_the_day)
        if self.store is not None:
            name, status = self.names[i], self.stats[i]
            if made is not None:
                judged = (self.today, found) if found is not None else ()
                self.store.put(name, self.digests[i], made, status, *judged)
            elif found is not None:
                self.store.put_of_the_day(name, self.today, found)
            if status is not None and status.settled:
                self.digests.pop(i, None)  # the snapshot's key knows this file by its status
        result.forget_facts()
        if self.keep is not None:  # after the cache kept them all
            result.findings = [f for f in result.findings if f.code in self.keep]
            result.of_the_day = [f for f in result.of_the_day if f.code in self.keep]
        self.results[i] = result

    def _unchanged(self, i: int, name: str) -> FileResult | None:
        """The cached result of a file the file system says has not changed since it was
        read (a regular file, not a link: anything else is read, and judged, again). Its
        status is taken before it is read, and recorded with what is read after."""
        if self.store is None:
            return None
        from .cache import looked_at

        status = self.stats[i]  # taken for the snapshot's key
        if status is None:
            try:
                st = os.lstat(name)
            except OSError:
                return None
            status = self.stats[i] = looked_at(st, time.time_ns())
        if self.loads or not status.regular:
            return None
        return self._decoded(name, self.store.unchanged(self.names[i], status), self.today)

    def _known(self, i: int, name: str, raw: bytes) -> FileResult | None:
        """The cached result of the file's bytes, if the cache has one it can read."""
        if self.store is None:
            return None
        from .cache import digest

        self.digests[i] = digest(raw)
        entry = self.store.get(self.names[i], self.digests[i])
        known = self._decoded(name, entry, self.today)
        status = self.stats[i]
        if known is not None and status is not None:
            self.store.restamp(self.names[i], status)
        return known

    @staticmethod
    def _decoded(name: str, known: Entry | None, today: str) -> FileResult | None:
        if known is None:
            return None
        try:
            if known.day == today:  # judged today: the facts of the rules of the day unread
                return record.decode_of_the_day(name, known.record, known.of_the_day)
            return record.decode(name, known.record)
        except (ValueError, KeyError, TypeError, IndexError):  # damaged: checked again
            return None


class _Counter:
    """Files done across the plans of a run, for a progress bar."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def add(self, files: int = 1) -> None:
        self.done += files
        if self.progress is not None:
            self.progress(self.done, self.total)
