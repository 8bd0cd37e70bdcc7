"""Benchmark lint, status and due on the bundled 163 measures and on a generated plan of
10,000 measures (copies of the real ones, renumbered), against check-jsonschema on the same files.

Run: python benchmarks/bench.py [--runs 3] [--large 10000]
Prints wall time (median) and peak memory per command, per-measure cost and growth.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


_ID = re.compile(rb"(?m)^id: *(['\"]?)([0-9]+-[0-9]+)\1 *\r?$")
_CHAPTER = re.compile(rb"(?m)^chapter: *([0-9]+) *\r?$")
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


Normal = tuple[int, int, str, str, str, str | None]


def _normal(f: dict[str, Any]) -> Normal:
    """A finding as it must read for any copy of the same measure: its id and path left out."""
    message = str(f["message"])
    if f.get("measure"):
        message = re.sub(rf"(?<![0-9-]){re.escape(f['measure'])}(?![0-9-])", "<id>", message)
    kpi = f["kpi"].split(".", 1)[1] if f.get("kpi") else None
    return (f["line"], f["column"], f["code"], f["severity"], message, kpi)


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


def measure(cmd: list[str], runs: int) -> tuple[float, float]:
    """(median wall seconds, peak RSS MiB) of a command."""
    times, peaks = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), max(peaks)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--large", type=int, default=10_000)
    args = ap.parse_args()
    kpi = [sys.executable, "-m", "kpiaudit"]
    cjs = shutil.which("check-jsonschema")
    schema = str(ROOT / "schema" / "measure.schema.json")
    print(f"python -c pass: {measure([sys.executable, '-c', 'pass'], args.runs)[0] * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "large", args.large)
        plans = {163: MEASURES, args.large: Path(tmp) / "large"}
        results: dict[tuple[str, int], float] = {}
        print(f"{'command':<28}{'measures':>9}{'wall s':>9}{'ms/measure':>12}{'peak MiB':>10}")
        for n, directory in plans.items():
            files = sorted(str(p) for p in directory.glob("[0-9]*.yaml"))
            commands = {
                "kpiaudit lint": [*kpi, "lint", str(directory), "--exit-zero"],
                "kpiaudit status": [*kpi, "status", str(directory), "-f", "plain"],
                "kpiaudit due --before 2025-03": [
                    *kpi,
                    "due",
                    str(directory),
                    "--before",
                    "2025-03",
                    "-f",
                    "plain",
                ],
                "kpiaudit lint (1 file)": [*kpi, "lint", files[0], "--exit-zero"],
            }
            if cjs:
                commands["check-jsonschema"] = [cjs, "--schemafile", schema, *files]
                commands["check-jsonschema (1 file)"] = [cjs, "--schemafile", schema, files[0]]
            for name, cmd in commands.items():
                if name.endswith("(1 file)") and n != 163:
                    continue
                wall, peak = measure(cmd, args.runs)
                results[(name, n)] = wall
                count = 1 if name.endswith("(1 file)") else n
                print(f"{name:<28}{count:>9}{wall:>9.2f}{wall / count * 1000:>12.2f}{peak:>10.0f}")
        print()
        for name in (
            "kpiaudit lint",
            "kpiaudit status",
            "kpiaudit due --before 2025-03",
            "check-jsonschema",
        ):
            if (name, 163) in results:
                ratio = results[(name, args.large)] / results[(name, 163)]
                print(
                    f"growth 163 → {args.large}: {name}: x{ratio:.1f} "
                    f"(files x{args.large / 163:.0f}; under 60 means linear)"
                )
        if cjs:
            ours, theirs = results[("kpiaudit lint", 163)], results[("check-jsonschema", 163)]
            verdict = "faster" if ours < theirs else "SLOWER"
            print(
                f"lint of the bundled measures: {ours:.2f} s, check-jsonschema {theirs:.2f} s: "
                f"kpiaudit is {verdict}"
            )


if __name__ == "__main__":
    main()
