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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEASURES = ROOT / "measures"


def generate(out: Path, n: int) -> Path:
    """n measure files made from the real ones: ids renumbered, everything else as published."""
    real = sorted(p for p in MEASURES.glob("[0-9]*.yaml"))
    out.mkdir(parents=True)
    shutil.copy(MEASURES / "plan.yaml", out / "plan.yaml")
    for i in range(n):
        src = real[i % len(real)]
        chapter, number = i % 10 + 1, i // 10 + 1
        text = src.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^id: .*$", f"id: {chapter}-{number}", text, count=1)
        text = re.sub(r"(?m)^chapter: .*$", f"chapter: {chapter}", text, count=1)
        (out / f"{chapter:02d}-{number:04d}.yaml").write_text(text, encoding="utf-8")
    return out


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
        plans = {163: MEASURES, args.large: generate(Path(tmp) / "large", args.large)}
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
