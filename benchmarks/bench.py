"""Benchmark kpiaudit against check-jsonschema and against a floor, honestly, on a shared machine.

    python benchmarks/bench.py                   # 163, 1,000 and 10,000 measures, 5 rounds
    python benchmarks/bench.py --full            # also 100,000 measures (~0.4 GB of files)
    python benchmarks/bench.py --quick           # smoke run: 1 round, 163 and 1,000
    python benchmarks/bench.py --sizes 163,10000 --commands lint,check-jsonschema,floor

Plans of every size are generated from the real measures (ids renumbered within their chapter,
file names as ``measure_filename(id)``), cached in benchmarks/out/ and checked with
``kpiaudit lint --format json``: no E007/E008/E009 and the same findings per KPI as the measure
each file was copied from.

Each round runs every command once per size, round-robin, the order rotated from round to
round: lint, status, due, diff (when kpiaudit has it), check-jsonschema (schema only), the floor
(benchmarks/floor.py: libyaml and a compiled validator in a fresh Python), and when kpiaudit has
a result cache (``lint --no-cache``) the sequence clean → cold → warm → one file changed.
Reported: median wall time, CPU time (user+sys) and peak RSS of the child, and the median of
the per-round ratios between commands, which the load of other processes on a shared machine
moves much less than the times themselves. Growth is judged on the cost per *added* measure, so
that start-up does not pass for linearity. Commands and options kpiaudit does not have yet are
skipped with a note.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import itertools
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    from kpiaudit.model import measure_filename
except ImportError:  # pragma: no cover - kpiaudit moved it; the tests check we still agree

    def measure_filename(measure_id: str) -> str:
        chapter, number = measure_id.split("-")
        return f"{int(chapter):02d}-{int(number):02d}.yaml"


ROOT = Path(__file__).resolve().parent.parent
MEASURES = ROOT / "measures"
SCHEMA = ROOT / "schema" / "measure.schema.json"
FLOOR = Path(__file__).resolve().parent / "floor.py"
OUT = Path(__file__).resolve().parent / "out"  # gitignored

# Bump when generate() writes anything differently: cached plans are then made again.
GENERATOR_VERSION = 2
MARKER = ".bench-plan.json"  # in each generated plan; kpiaudit skips dot-files
DEFAULT_SIZES = (163, 1_000, 10_000)
FULL_SIZE = 100_000
COMMANDS = ("lint", "status", "due", "diff", "check-jsonschema", "floor", "cache", "one-file")
DUE = ["--before", "2025-03"]
DIFF_EVERY = 100  # the NEW plan of `kpiaudit diff OLD NEW` changes every 100th measure's title

# --- generated plans ----------------------------------------------------------------------------

_ID = re.compile(rb"(?m)^id: *(['\"]?)([0-9]+-[0-9]+)\1 *\r?$")
_CHAPTER = re.compile(rb"(?m)^chapter: *([0-9]+) *\r?$")
_TITLE = re.compile(rb"(?m)^title: *(\S.*?) *\r?$")
_PLAN_CHAPTER = re.compile(r"(?m)^\s*-\s*number:\s*([0-9]+)\s*$")


@dataclass(frozen=True)
class Source:
    name: str
    raw: bytes
    id: str
    chapter: int
    id_span: tuple[int, int]  # where the id is in raw, to put another in its place


def real_measures(directory: Path = MEASURES) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.name != "plan.yaml")


def read_sources(paths: Iterable[Path], plan: Path) -> list[Source]:
    """The measures to copy, each checked: an id, a chapter matching it and listed in plan."""
    chapters = {int(c) for c in _PLAN_CHAPTER.findall(plan.read_text(encoding="utf-8"))}
    sources = []
    for path in paths:
        raw = path.read_bytes()
        m_id, m_chapter = _ID.search(raw), _CHAPTER.search(raw)
        if m_id is None or m_chapter is None:
            raise ValueError(f"{path}: no top-level `id: C-N` and `chapter: C` lines")
        measure_id, chapter = m_id[2].decode(), int(m_chapter[1])
        if int(measure_id.split("-")[0]) != chapter or chapter not in chapters:
            raise ValueError(f"{path}: chapter {chapter} does not fit id {measure_id} / plan")
        sources.append(Source(path.name, raw, measure_id, chapter, m_id.span(2)))
    if not sources:
        raise ValueError("no measures to copy")
    return sources


def generate(
    out: Path, n: int, sources: Sequence[Path] | None = None, plan: Path | None = None
) -> dict[str, str]:
    """Write n measures and plan.yaml to out: the sources in turn, each copy numbered next in its
    own chapter and named ``measure_filename(id)`` (1-123 → 01-123.yaml); everything else byte
    for byte. The first copy of each real measure keeps its id, so 163 gives the real plan.
    Returns {file name: name of the source it copies}."""
    plan = plan or MEASURES / "plan.yaml"
    srcs = read_sources(real_measures() if sources is None else sources, plan)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(plan, out / "plan.yaml")
    numbers: dict[int, int] = {}
    index: dict[str, str] = {}
    for i in range(n):
        src = srcs[i % len(srcs)]
        numbers[src.chapter] = numbers.get(src.chapter, 0) + 1
        measure_id = f"{src.chapter}-{numbers[src.chapter]}"
        start, end = src.id_span
        raw = (
            src.raw
            if measure_id == src.id
            else src.raw[:start] + measure_id.encode() + src.raw[end:]
        )
        name = measure_filename(measure_id)
        (out / name).write_bytes(raw)
        index[name] = src.name
    return index


def source_digest(directory: Path = MEASURES) -> str:
    """What a cached plan was made from: the generator's version and the source files."""
    h = hashlib.sha256(f"generator {GENERATOR_VERSION}\n".encode())
    for p in sorted(directory.glob("*.yaml")):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def disk_estimate(n: int, directory: Path = OUT) -> int:
    """Bytes on disk for n generated measures: each file takes whole blocks."""
    try:
        block = os.statvfs(directory if directory.exists() else ROOT).f_frsize or 4096
    except OSError:
        block = 4096
    sizes = [-(-p.stat().st_size // block) * block for p in real_measures()]
    return n * sum(sizes) // len(sizes)


def cached_plan(n: int, out_root: Path = OUT) -> tuple[Path, dict[str, str]]:
    """The generated plan of n measures (made now if the sources or generator changed)."""
    target = out_root / f"plan-{n}-g{GENERATOR_VERSION}-{source_digest()}"
    marker = target / MARKER
    if marker.is_file():
        return target, dict(json.loads(marker.read_text(encoding="utf-8"))["sources"])
    out_root.mkdir(parents=True, exist_ok=True)
    # other sources or versions, their twins for diff, what an interrupted run left
    for stale in [*out_root.glob(f"plan-{n}-*"), *out_root.glob(f".tmp-plan-{n}-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    need, free = disk_estimate(n, out_root), shutil.disk_usage(out_root).free
    note(f"generating {n:,} measures in {target.relative_to(ROOT)} (~{need / 1e6:,.0f} MB)")
    if need * 2 > free:  # the plan and, for diff, a twin of hard links; keep room to spare
        raise SystemExit(
            f"bench: {n:,} measures need ~{need / 1e6:,.0f} MB, {free / 1e6:,.0f} free"
        )
    tmp = out_root / f".tmp-plan-{n}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    index = generate(tmp, n)
    doc = {"generator": GENERATOR_VERSION, "size": n, "sources": index}
    (tmp / MARKER).write_text(json.dumps(doc), encoding="utf-8")
    tmp.rename(target)
    return target, index


def changed_twin(plan: Path) -> Path:
    """NEW for `kpiaudit diff OLD NEW`: plan with every DIFF_EVERY-th measure's title revised,
    the other files hard links (no disk)."""
    twin = plan.with_name(plan.name + "-changed")
    if (twin / MARKER).is_file():
        return twin
    tmp = plan.with_name(f".tmp-{plan.name}-changed-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    files = sorted(p for p in plan.iterdir() if p.suffix == ".yaml")
    for i, p in enumerate(files):
        if p.name != "plan.yaml" and i % DIFF_EVERY == 0:
            raw = _TITLE.sub(
                lambda m: m[0].replace(m[1], m[1] + "（改定）".encode()), p.read_bytes(), 1
            )
            (tmp / p.name).write_bytes(raw)
            continue
        try:
            os.link(p, tmp / p.name)
        except OSError:
            shutil.copyfile(p, tmp / p.name)
    shutil.copyfile(plan / MARKER, tmp / MARKER)
    tmp.rename(twin)
    return twin


# --- checking a generated plan with kpiaudit lint -----------------------------------------------

Normal = tuple[int, int, str, str, str, str | None]


def _normal(f: dict[str, Any]) -> Normal:
    """A finding as it must read for any copy of the same measure: its id and path left out."""
    message = str(f["message"])
    if f.get("measure"):
        message = re.sub(rf"(?<![0-9-]){re.escape(f['measure'])}(?![0-9-])", "<id>", message)
    kpi = f["kpi"].split(".", 1)[1] if f.get("kpi") else None
    return (f["line"], f["column"], f["code"], f["severity"], message, kpi)


def findings_per_file(
    kpiaudit: list[str], target: Path, extra: list[str]
) -> dict[str, list[Normal]]:
    proc = subprocess.run(
        [*kpiaudit, "lint", str(target), "--format", "json", "--exit-zero", *extra],
        capture_output=True,
        text=True,
        check=False,
        cwd=target,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"kpiaudit lint exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    out: dict[str, list[Normal]] = {}
    for f in json.loads(proc.stdout):
        out.setdefault(Path(f["path"]).name, []).append(_normal(f))
    return {name: sorted(found, key=repr) for name, found in out.items()}


def compare_findings(
    got: dict[str, list[Normal]], index: dict[str, str], originals: dict[str, list[Normal]]
) -> list[str]:
    """Problems with a generated plan: naming findings, or findings that differ from those of
    the measure a file copies."""
    problems = [
        f"{name}: {code}"
        for name, found in got.items()
        for (_line, _col, code, *_rest) in found
        if code in ("E007", "E008", "E009")
    ]
    for name, src in index.items():
        if got.get(name, []) != originals.get(src, []):
            problems.append(f"{name} (copy of {src}): findings differ from the original's")
    return problems


# --- running and timing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + sys of the child and what it waited for, seconds
    peak: int  # bytes, the largest single process (ru_maxrss)


class CommandFailed(Exception):
    pass


_RSS_UNIT = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux

# Every timed command is started by this small process rather than by bench.py itself: Linux
# carries the high-water RSS of the process that forks across exec into the child's ru_maxrss,
# so a child of bench.py (which holds plans' findings) would report at least bench.py's size.
# The launcher is a Python without site (~7 MiB, less than any Python command it starts).
_LAUNCHER = r"""
import json, os, sys, time
for line in sys.stdin:
    req = json.loads(line)
    null = os.open(os.devnull, os.O_RDWR)
    err = os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.chdir(req["cwd"])
            os.dup2(null, 0)
            os.dup2(null, 1)
            os.dup2(err, 2)
            os.execv(req["cmd"][0], req["cmd"])
        except BaseException as exc:
            os.write(2, f"cannot run {req['cmd'][0]}: {exc}\n".encode())
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(null)
    os.close(err)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps([code, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss]), flush=True)
"""


class Launcher:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", _LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, cmd: Sequence[str], cwd: Path, ok: Iterable[int] = (0,)) -> Sample:
        """One fresh process, output discarded: its wall time and, from wait4, CPU and peak."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        executable = shutil.which(cmd[0]) or cmd[0]
        with tempfile.NamedTemporaryFile(prefix="bench-stderr-") as err:
            request = {"cmd": [executable, *cmd[1:]], "cwd": str(cwd), "stderr": err.name}
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline()
            if not reply:
                raise SystemExit("bench: the launcher died")
            code, wall, cpu, maxrss = json.loads(reply)
            if code not in set(ok):
                err.seek(0)
                tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
                raise CommandFailed(f"exit {code}: {' / '.join(tail)}")
        return Sample(wall, cpu, maxrss * _RSS_UNIT)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


_launcher: Launcher | None = None


def run(cmd: Sequence[str], cwd: Path, ok: Iterable[int] = (0,)) -> Sample:
    global _launcher
    if _launcher is None:
        _launcher = Launcher()
    return _launcher.run(cmd, cwd, ok)


@dataclass
class Step:
    key: str  # what the sample is filed under
    cmd: list[str]
    cwd: Path
    ok: tuple[int, ...] = (0,)
    before: Callable[[], None] | None = None  # untimed
    after: Callable[[], None] | None = None  # untimed, run even when the command fails


Unit = list[Step]  # steps that must run together and in order (a cache sequence)


@dataclass
class Results:
    runs: int
    samples: dict[tuple[str, int], list[Sample | None]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, n: int, round_: int, sample: Sample | None) -> None:
        self.samples.setdefault((key, n), [None] * self.runs)[round_] = sample

    def get(self, key: str, n: int) -> list[Sample]:
        return [s for s in self.samples.get((key, n), []) if s is not None]

    def wall(self, key: str, n: int) -> float | None:
        got = self.get(key, n)
        return statistics.median(s.wall for s in got) if got else None

    def peak(self, key: str, n: int) -> int | None:
        got = self.get(key, n)
        return max(s.peak for s in got) if got else None

    def paired(self, a: str, b: str, n: int, cpu: bool = False) -> list[float]:
        """a / b within each round: wall times, or CPU times."""
        xs, ys = self.samples.get((a, n), []), self.samples.get((b, n), [])
        return [
            (x.cpu / y.cpu if cpu else x.wall / y.wall)
            for x, y in zip(xs, ys, strict=False)
            if x is not None and y is not None and (y.cpu if cpu else y.wall) > 0
        ]

    def ratio(self, a: str, b: str, n: int) -> float | None:
        r = self.paired(a, b, n)
        return statistics.median(r) if r else None

    def slopes(self, key: str, lo: int, hi: int, cpu: bool = False) -> list[float]:
        """Seconds (wall or CPU) per added measure from lo to hi measures, round by round."""
        a, b = self.samples.get((key, lo), []), self.samples.get((key, hi), [])
        return [
            ((y.cpu - x.cpu) if cpu else (y.wall - x.wall)) / (hi - lo)
            for x, y in zip(a, b, strict=False)
            if x and y
        ]

    def growth(
        self, key: str, first: tuple[int, int], then: tuple[int, int], cpu: bool = False
    ) -> list[float]:
        """Per round: (cost per added measure over `then`) / (over `first`)."""
        s1, s2 = self.slopes(key, *first, cpu=cpu), self.slopes(key, *then, cpu=cpu)
        return [b / a for a, b in zip(s1, s2, strict=False) if a > 0]


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- what kpiaudit has today --------------------------------------------------------------------


@dataclass
class Features:
    kpiaudit: list[str]
    help: dict[str, str | None] = field(default_factory=dict)

    def has(self, command: str) -> bool:
        if command not in self.help:
            env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
            env.pop("FORCE_COLOR", None)
            proc = subprocess.run(
                [*self.kpiaudit, command, "--help"],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            self.help[command] = proc.stdout + proc.stderr if proc.returncode == 0 else None
        return self.help[command] is not None

    def no_cache(self, command: str) -> bool:
        return self.has(command) and "--no-cache" in (self.help[command] or "")


def kpiaudit_command() -> list[str]:
    """The console script next to this Python (what users and pre-commit run), else -m."""
    script = Path(sys.executable).parent / "kpiaudit"
    if script.is_file():
        return [str(script)]
    found = shutil.which("kpiaudit")
    return [found] if found else [sys.executable, "-m", "kpiaudit"]


def check_jsonschema_command() -> str | None:
    script = Path(sys.executable).parent / "check-jsonschema"
    return str(script) if script.is_file() else shutil.which("check-jsonschema")


def raise_arg_limit() -> None:
    """Linux allows a quarter of the stack limit for a command's arguments: 100,000 file names
    for check-jsonschema need more than the usual 2 MB."""
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    want = 256 * 2**20
    if soft != resource.RLIM_INFINITY and soft < want:
        new = want if hard == resource.RLIM_INFINITY else min(want, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_STACK, (new, hard))


# --- the plan of a run --------------------------------------------------------------------------

CACHE_DIR = ".kpiaudit_cache"
LABELS = {
    "lint": "kpiaudit lint",
    "lint cold": "kpiaudit lint, cold cache",
    "lint warm": "kpiaudit lint, warm cache",
    "lint changed": "kpiaudit lint, one file changed",
    "status": "kpiaudit status",
    "due": "kpiaudit due --before 2025-03",
    "diff": f"kpiaudit diff (1 in {DIFF_EVERY} changed)",
    "check-jsonschema": "check-jsonschema (schema only)",
    "floor": "floor: libyaml + {validator}",
    "lint 1": "kpiaudit lint, one file",
    "floor 1": "floor: parse one file with libyaml",
    "floor+v 1": "floor: parse + validate one file",
    "check-jsonschema 1": "check-jsonschema, one file",
    "pass 1": "python -c pass",
}


@dataclass
class Bench:
    features: Features
    cjs: str | None
    commands: set[str]
    cache: bool = False
    clean: bool = False
    notes: list[str] = field(default_factory=list)
    lint_ref: dict[str, str] = field(default_factory=dict)  # status/due → the lint to compare

    def drop_caches(self, cwd: Path, plan: Path) -> None:
        """Cold: `kpiaudit clean` where it exists, and every .kpiaudit_cache/ that could hold
        this plan's results (in its directory, the working directory, up to the repository)."""
        if self.clean:
            subprocess.run(
                [*self.features.kpiaudit, "clean"],
                cwd=cwd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        for d in {cwd, plan, *[p for p in plan.parents if p == ROOT or ROOT in p.parents]}:
            shutil.rmtree(d / CACHE_DIR, ignore_errors=True)

    def plan_units(self, n: int, plan: Path) -> list[Unit]:
        k = self.features.kpiaudit
        files = sorted(
            p.name for p in plan.iterdir() if p.suffix == ".yaml" and p.name != "plan.yaml"
        )
        units: list[Unit] = []

        def no_cache(command: str) -> list[str]:
            return ["--no-cache"] if self.features.no_cache(command) else []

        def cold_unless_no_cache(command: str) -> Callable[[], None] | None:
            if self.cache and not self.features.no_cache(command):
                return lambda: self.drop_caches(plan, plan)
            return None

        if "lint" in self.commands:
            units.append(
                [Step("lint", [*k, "lint", str(plan), "--exit-zero", *no_cache("lint")], plan)]
            )
        for name, extra in (("status", ["-f", "plain"]), ("due", [*DUE, "-f", "plain"])):
            if name in self.commands:
                cmd = [*k, name, str(plan), *extra, *no_cache(name)]
                units.append([Step(name, cmd, plan, before=cold_unless_no_cache(name))])
        if "diff" in self.commands and self.features.has("diff"):
            twin = changed_twin(plan)
            cmd = [*k, "diff", str(plan), str(twin), *no_cache("diff")]
            units.append([Step("diff", cmd, plan, ok=(0, 1), before=cold_unless_no_cache("diff"))])
        if "check-jsonschema" in self.commands and self.cjs:
            units.append(
                [Step("check-jsonschema", [self.cjs, "--schemafile", str(SCHEMA), *files], plan)]
            )
        if "floor" in self.commands:
            units.append([Step("floor", [sys.executable, str(FLOOR), str(plan)], plan)])
        if "cache" in self.commands and self.cache:
            lint = [*k, "lint", str(plan), "--exit-zero"]
            victim = plan / files[len(files) // 2]
            original = victim.read_bytes()
            edits = [0]

            def replace(raw: bytes) -> None:  # a new inode: diff's twin keeps its hard link
                tmp = victim.with_name(".bench-edit.tmp")
                tmp.write_bytes(raw)
                os.replace(tmp, victim)

            def edit() -> None:
                edits[0] += 1
                replace(original + f"# bench: edit {edits[0]}\n".encode())

            def restore() -> None:
                replace(original)

            units.append(
                [
                    Step("lint cold", lint, plan, before=lambda: self.drop_caches(plan, plan)),
                    Step("lint warm", lint, plan),
                    Step("lint changed", lint, plan, before=edit, after=restore),
                ]
            )
        return units

    def one_file_units(self, plan: Path) -> list[Unit]:
        """The pre-commit case: one measure file of median size, in a fresh process each."""
        files = sorted(
            (p for p in plan.iterdir() if p.suffix == ".yaml" and p.name != "plan.yaml"),
            key=lambda p: (p.stat().st_size, p.name),
        )
        one = files[len(files) // 2]
        self.notes.append(f"one file: {one.name} ({one.stat().st_size:,} bytes) of the 163")
        k = self.features.kpiaudit
        lint = [*k, "lint", str(one), "--exit-zero", *(["--no-cache"] if self.cache else [])]
        units: list[Unit] = [
            [Step("lint 1", lint, plan)],
            [Step("floor 1", [sys.executable, str(FLOOR), str(one), "--no-validate"], plan)],
            [Step("floor+v 1", [sys.executable, str(FLOOR), str(one)], plan)],
            [Step("pass 1", [sys.executable, "-c", "pass"], plan)],
        ]
        if self.cjs:
            units.append(
                [
                    Step(
                        "check-jsonschema 1",
                        [self.cjs, "--schemafile", str(SCHEMA), one.name],
                        plan,
                    )
                ]
            )
        return units


def rotate(units: list[Unit], by: int) -> list[Unit]:
    if not units:
        return units
    by %= len(units)
    return units[by:] + units[:by]


def run_rounds(bench: Bench, groups: list[tuple[int, list[Unit]]], runs: int) -> Results:
    """Round r runs every group (a size) in turn, its units round-robin starting at unit r."""
    results = Results(runs)
    for r in range(runs):
        started = time.perf_counter()
        for n, units in groups:
            for unit in rotate(units, r):
                for step in unit:
                    if step.key in results.failed:
                        continue
                    try:
                        if step.before:
                            step.before()
                        sample: Sample | None = run(step.cmd, step.cwd, step.ok)
                    except CommandFailed as exc:
                        results.failed[step.key] = str(exc)
                        note(f"{LABELS.get(step.key, step.key)} failed on {n:,}, dropped: {exc}")
                        sample = None
                    finally:
                        if step.after:
                            step.after()
                    results.add(step.key, n, r, sample)
        note(f"round {r + 1}/{runs} done in {time.perf_counter() - started:.0f} s")
    return results


# --- report -------------------------------------------------------------------------------------


def busy(results: Results, load_before: float) -> str:
    """How much other work slowed this run: single-process commands take about as much wall
    time as CPU time on an idle machine, so wall/CPU above 1 is mostly waiting for a core."""
    single = [
        s.wall / s.cpu
        for (key, _n), got in results.samples.items()
        if key.split()[0] in ("floor", "check-jsonschema", "pass")
        for s in got
        if s is not None and s.cpu > 0
    ]
    text = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    if single:
        text += (
            f"; wall/CPU of single-process runs (floor, check-jsonschema) "
            f"{statistics.median(single):.2f}× (about 1.0 on an idle machine)"
        )
    return text


def seconds(t: float | None) -> str:
    if t is None:
        return "—"
    return f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"


def mib(b: int | None) -> str:
    return "—" if b is None else f"{b / 2**20:.0f} MiB"


def times(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}×"


def spread(values: list[float]) -> str:
    """min–max around the median, in per cent of the median: the noise of this run."""
    if len(values) < 2:
        return ""
    med = statistics.median(values)
    return f"±{(max(values) - min(values)) / 2 / med * 100:.0f} %" if med else ""


def size_label(n: int) -> str:
    return "one file" if n == 1 else f"{n:,}"


def report(bench: Bench, results: Results, sizes: list[int], label: dict[str, str]) -> None:
    keys = [k for k in LABELS if any((k, n) in results.samples for n in [1, *sizes])]

    print("\n## Results (median of rounds; spread = half of max−min, per cent of the median)\n")
    head = ["measures", "command", "wall", "spread", "CPU", "peak"]
    head += ["÷ check-jsonschema", "÷ lint", "÷ floor"]
    print("| " + " | ".join(head) + " |")
    print("|---" * len(head) + "|")
    for n in [*sizes, 1]:
        cjs_key, floor_key = (
            ("check-jsonschema", "floor") if n > 1 else ("check-jsonschema 1", "floor 1")
        )
        for key in keys:
            got = results.get(key, n)
            if not got:
                continue
            lint_key = bench.lint_ref.get(key, "lint") if n > 1 else "lint 1"
            cpu = statistics.median(s.cpu for s in got)
            cells = [
                size_label(n),
                label[key],
                seconds(results.wall(key, n)),
                spread([s.wall for s in got]),
                seconds(cpu),
                mib(results.peak(key, n)),
                times(results.ratio(key, cjs_key, n)) if key != cjs_key else "",
                times(results.ratio(key, lint_key, n)) if key != lint_key else "",
                times(results.ratio(key, floor_key, n)) if key != floor_key else "",
            ]
            print("| " + " | ".join(cells) + " |")

    print("\n## Growth: cost per added measure (median of per-round slopes)\n")
    big = [n for n in sizes if n > 1]
    for key in keys:
        pairs = [(a, b) for a, b in itertools.pairwise(big) if results.slopes(key, a, b)]
        if not pairs:
            continue
        parts = [
            f"{a:,}→{b:,}: {statistics.median(results.slopes(key, a, b)) * 1e3:.3f} ms "
            f"(CPU {statistics.median(results.slopes(key, a, b, cpu=True)) * 1e3:.3f} ms)"
            for a, b in pairs
        ]
        print(f"- {label[key]}: " + ", ".join(parts))
        for (a, b), (c, d) in itertools.pairwise(pairs):
            found = []
            for kind, values in (
                ("wall", results.growth(key, (a, b), (c, d))),
                ("CPU", results.growth(key, (a, b), (c, d), cpu=True)),
            ):
                if values:
                    found.append(f"{kind} {spread_of(values)}: {linearity(values)}")
            if found:
                print(f"  - {c:,}→{d:,} against {a:,}→{b:,}: " + "; ".join(found))


def linearity(values: list[float]) -> str:
    r = statistics.median(values)
    if abs(r - 1) <= 0.10:
        return "linear (within 10 %)"
    return "worse than linear" if r > 1 else "better than linear"


def spread_of(values: list[float], unit: str = "×") -> str:
    """The median and the range over rounds: 0.71× (0.66–0.78)."""
    med = statistics.median(values)
    if len(values) < 2:
        return f"{med:.2f}{unit}"
    return f"{med:.2f}{unit} ({min(values):.2f}–{max(values):.2f})"


def targets(bench: Bench, results: Results, sizes: list[int]) -> None:
    print(
        "\n## Targets (median of the per-round ratios of wall time, their range in brackets; "
        "judged on wall time, the CPU ratio for comparison)\n"
    )
    cold = "lint cold" if bench.cache else "lint"

    def line(what: str, values: list[float], limit: float, shown: str, missing: str) -> None:
        if not values:
            print(f"- {what}: {missing}")
            return
        verdict = "met" if statistics.median(values) <= limit else "NOT MET"
        if min(values) <= limit < max(values):
            verdict += " (rounds on both sides of the limit: noisy, run again when quiet)"
        print(f"- {what}: {shown} → {verdict}")

    def ratio(what: str, a: str, b: str, n: int, limit: float, missing: str = "") -> None:
        values = results.paired(a, b, n)
        shown = spread_of(values) if values else ""
        if values:
            cpu = results.paired(a, b, n, cpu=True)
            shown += f"; CPU {statistics.median(cpu):.2f}×"
        if not missing:
            measured = n == 1 or n in sizes
            missing = "not measured" + ("" if measured else f" (no {size_label(n)} in this run)")
        line(what, values, limit, shown, missing)

    full = f"not measured (needs --full or --sizes {FULL_SIZE})"
    for n in (163, 10_000):
        ratio(f"{n:,}: cold lint ≤ 0.5× check-jsonschema", cold, "check-jsonschema", n, 0.5)
    no_cache = "" if bench.cache else "(no cache yet)"
    ratio("10,000: warm ≤ 0.1× cold", "lint warm", "lint cold", 10_000, 0.10, no_cache)
    ratio("10,000: one changed ≤ 0.15× cold", "lint changed", "lint cold", 10_000, 0.15, no_cache)
    for n, limit in ((10_000, 100e6), (FULL_SIZE, 300e6)):
        for key in ("lint", "status", "due"):
            p = results.peak(key, n)
            values = [] if p is None else [float(p)]
            shown = f"{(p or 0) / 1e6:.0f} MB ({(p or 0) / 2**20:.0f} MiB)"
            missing = full if n == FULL_SIZE else "not measured"
            line(f"{n:,}: {key} peak ≤ {limit / 1e6:.0f} MB", values, limit, shown, missing)
    # 10,000's cost per added measure: from the largest smaller plan of this run (1,000, or 163
    # with --sizes 163,10000,100000; with 10,000 alone it cannot be told).
    below = max([n for n in sizes if 1 < n < 10_000], default=None)
    for key in ("lint", "status", "due"):
        values = results.growth(key, (below, 10_000), (10_000, FULL_SIZE)) if below else []
        shown = ""
        if values and below:
            cpu = results.growth(key, (below, 10_000), (10_000, FULL_SIZE), cpu=True)
            shown = f"{spread_of(values)} of 10,000's cost per added measure (from {below:,})"
            shown += f" ({linearity(values)}); CPU {spread_of(cpu)}" if cpu else ""
        what = f"{FULL_SIZE:,}: {key} cost per added measure within 10 % of 10,000's"
        missing = full
        if FULL_SIZE in sizes:
            missing = "not measured (needs 10,000 and a smaller size: --sizes 1000,10000,100000)"
        line(what, values, 1.10, shown, missing)
    ratio(
        "one file: lint ≤ 2.5× its floor (libyaml parse, fresh Python)", "lint 1", "floor 1", 1, 2.5
    )
    lint1, floor1, pass1 = (results.wall(k, 1) for k in ("lint 1", "floor 1", "pass 1"))
    if lint1 and floor1 and pass1:
        print(
            f"  - one file: lint {seconds(lint1)}, its floor {seconds(floor1)}, python -c pass "
            f"{seconds(pass1)}: lint is {spread_of(results.paired('lint 1', 'pass 1', 1))} "
            f"python -c pass, {seconds(lint1 - pass1)} above it (the floor: "
            f"{seconds(floor1 - pass1)})"
        )
    for n in [s for s in sizes if s > 1]:
        for key in ("status", "due"):
            ratio(f"{n:,}: {key} ≤ 1.1× lint", key, bench.lint_ref.get(key, "lint"), n, 1.1)


def readme_table(bench: Bench, results: Results, sizes: list[int], label: dict[str, str]) -> None:
    """Wall time per size, cost per added measure from 1,000 up, CPU time at 10,000 and peak
    memory at 10,000 and 100,000 (or at the largest size measured)."""
    big = [n for n in sizes if n > 1]
    pairs = [(a, b) for a, b in itertools.pairwise(big) if a >= 1_000] or list(
        itertools.pairwise(big)
    )[-1:]
    at = [n for n in big if n in (10_000, FULL_SIZE)] or big[-1:]
    head = ["command", *[f"{n:,} measures" for n in big]]
    head += [f"per added measure, {a:,} → {b:,}" for a, b in pairs]
    head += [f"CPU at {at[0]:,}" for _ in at[:1]] + [f"peak memory at {n:,}" for n in at]
    print("\n## README table\n")
    print("| " + " | ".join(head) + " |")
    print("|---" * len(head) + "|")
    rows = ["lint", "lint cold", "lint warm", "lint changed", "status", "due", "diff"]
    for key in [*rows, "check-jsonschema", "floor"]:
        if not any(results.get(key, n) for n in big):
            no_cache = key in ("lint warm", "lint changed") and "cache" in bench.commands
            if no_cache and not bench.cache:
                print(f"| {label[key]} | (no cache yet) |" + " |" * (len(head) - 2))
            continue
        cells = [label[key], *[seconds(results.wall(key, n)) for n in big]]
        for a, b in pairs:
            slope = results.slopes(key, a, b)
            cells.append(f"{statistics.median(slope) * 1e3:.2f} ms" if slope else "—")
        for n in at[:1]:
            got = results.get(key, n)
            cells.append(seconds(statistics.median(s.cpu for s in got)) if got else "—")
        cells += [mib(results.peak(key, n)) for n in at]
        print("| " + " | ".join(cells) + " |")
    for key in ("lint 1", "floor 1", "floor+v 1", "check-jsonschema 1", "pass 1"):
        got = results.get(key, 1)
        if got:
            # one file: its time in the first column, its CPU and peak in the last ones
            cells = [label[key], seconds(results.wall(key, 1))]
            cells += [""] * (len(head) - 2 - len(at[:1]) - len(at))
            cells += [seconds(statistics.median(s.cpu for s in got)) for _ in at[:1]]
            cells += [mib(results.peak(key, 1))] + [""] * (len(at) - 1)
            print("| " + " | ".join(cells) + " |")


# --- main ---------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="commands: " + ", ".join(COMMANDS),
    )
    ap.add_argument("--runs", type=int, default=None, help="rounds (default 5; 1 with --quick)")
    ap.add_argument("--sizes", help="comma-separated plan sizes (default 163,1000,10000)")
    ap.add_argument(
        "--full", action="store_true", help=f"also {FULL_SIZE:,} measures (~0.4 GB of files, long)"
    )
    ap.add_argument("--commands", help="comma-separated subset of the commands below")
    ap.add_argument(
        "--quick", action="store_true", help="smoke run: 1 round, 163 and 1,000 measures"
    )
    ap.add_argument(
        "--kpiaudit",
        metavar="CMD",
        help="the kpiaudit to time (default: the console script next to this Python)",
    )
    ap.add_argument(
        "--no-verify", action="store_true", help="skip linting each generated plan once"
    )
    args = ap.parse_args(argv)
    args.runs = args.runs if args.runs is not None else (1 if args.quick else 5)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.sizes:
        try:
            args.sizes = sorted(
                {int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()}
            )
        except ValueError:
            ap.error(f"--sizes: {args.sizes!r} is not a list of numbers")
        if not args.sizes or min(args.sizes) < 1:
            ap.error("--sizes: give plan sizes of 1 or more")
    else:
        args.sizes = [163, 1_000] if args.quick else list(DEFAULT_SIZES)
    if args.full and FULL_SIZE not in args.sizes:
        args.sizes.append(FULL_SIZE)
    args.commands = (
        set(COMMANDS) if not args.commands else {c.strip() for c in args.commands.split(",")}
    )
    unknown = args.commands - set(COMMANDS)
    if unknown:
        ap.error(
            f"--commands: unknown {', '.join(sorted(unknown))}; choose from {', '.join(COMMANDS)}"
        )
    return args


def with_bytecode() -> str:
    """Time what an installed kpiaudit does: Python reads each module's compiled bytecode. A
    shell with PYTHONDONTWRITEBYTECODE set (some CI images) would have every run compile
    kpiaudit's sources again, ~50 ms that no installed copy pays; the floor and
    check-jsonschema run on bytecode pip compiled."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "kpiaudit")],
        stdout=subprocess.DEVNULL,
        check=False,
    )
    return "bytecode: kpiaudit compiled first (python -m compileall), as an install does"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    raise_arg_limit()
    compiled = with_bytecode()
    features = Features([args.kpiaudit] if args.kpiaudit else kpiaudit_command())
    bench = Bench(features, check_jsonschema_command(), args.commands)
    bench.cache = features.no_cache("lint")
    bench.clean = features.has("clean")
    lines = [f"kpiaudit: {' '.join(features.kpiaudit)}", compiled]
    if not bench.cache:
        lines.append(
            "cache: `kpiaudit lint --no-cache` not there (no cache yet): no cold/warm runs"
        )
    else:
        lines.append(
            "cache: lint/status/due/diff run with --no-cache where they take it, else after "
            "a clean; cold = " + ("`kpiaudit clean` + " if bench.clean else "") + f"rm {CACHE_DIR}/"
        )
        for key in ("status", "due", "diff"):
            if features.has(key) and not features.no_cache(key):
                bench.lint_ref[key] = "lint cold"
    if "diff" in args.commands and not features.has("diff"):
        lines.append("diff: `kpiaudit diff` not there yet: skipped")
    if "check-jsonschema" in args.commands and not bench.cjs:
        lines.append("check-jsonschema: not installed (pip install check-jsonschema): skipped")
    validator = next(
        (name for name in ("jsonschema_rs", "fastjsonschema") if importlib.util.find_spec(name)),
        "jsonschema (built once)",
    )
    lines.append(f"floor: {FLOOR.name}, ruamel.yaml.clib compose + {validator}, fresh Python")
    if FULL_SIZE in args.sizes:
        lines.append(
            f"{FULL_SIZE:,} measures: ~{disk_estimate(FULL_SIZE) / 1e6:,.0f} MB of files in "
            f"{OUT.relative_to(ROOT)}/, and a long run"
        )
    label = {**LABELS, "floor": LABELS["floor"].format(validator=validator)}

    groups: list[tuple[int, list[Unit]]] = []
    originals: dict[str, list[Normal]] | None = None
    for n in args.sizes:
        plan, index = cached_plan(n)
        if not args.no_verify:
            extra = ["--no-cache"] if bench.cache else []
            try:
                if originals is None:
                    originals = findings_per_file(features.kpiaudit, MEASURES, extra)
                problems = compare_findings(
                    findings_per_file(features.kpiaudit, plan, extra), index, originals
                )
            except (RuntimeError, ValueError, KeyError) as exc:
                lines.append(f"{n:,}: could not check the generated plan: {exc}")
            else:
                if problems:
                    raise SystemExit(
                        f"bench: generated plan of {n:,} is wrong: {'; '.join(problems[:5])}"
                    )
                lines.append(
                    f"{n:,}: generated plan checked: names match ids, same findings per KPI"
                )
        run([sys.executable, str(FLOOR), str(plan), "--no-validate"], plan)  # page cache warm
        groups.append((n, bench.plan_units(n, plan)))
    if "one-file" in args.commands:
        plan, _ = cached_plan(163)
        groups.append((1, bench.one_file_units(plan)))

    for text in [*lines, *bench.notes]:
        print(f"- {text}")
    note(f"{args.runs} round(s) over {', '.join(size_label(n) for n, _ in groups)}")
    load_before = os.getloadavg()[0]
    results = run_rounds(bench, groups, args.runs)
    for key, why in results.failed.items():
        print(f"- {label.get(key, key)}: failed ({why})")
    print(f"- machine: {os.cpu_count()} CPU(s); {busy(results, load_before)}")
    big = [n for n in args.sizes if n > 1]
    report(bench, results, big, label)
    targets(bench, results, big)
    readme_table(bench, results, big, label)
    print(
        f"\n{args.runs} round(s); peak = the largest single process (ru_maxrss); "
        "CPU = user+sys of the command and the processes it waited for."
    )
    if _launcher is not None:
        _launcher.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
