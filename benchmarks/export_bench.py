"""Benchmark kpiaudit export: time and size of each format.

Run: python benchmarks/export_bench.py [--runs 5] [--large 0]
Prints, for the bundled plan, the median wall time of the audit and of building the tables
(shared by every format), then per format (csv, xlsx, sqlite) the median time to write it
in-process, the whole command as a user runs it (a fresh process), and the size of what it
wrote. With --large N, the same for N generated measures (benchmarks/bench.py's generator).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import generate  # noqa: E402

from kpiaudit.audit import audit  # noqa: E402
from kpiaudit.config import Config  # noqa: E402
from kpiaudit.reporters.export import WRITERS  # noqa: E402
from kpiaudit.views.export import export  # noqa: E402

TODAY = date(2024, 6, 1)
SUFFIX = {"csv": "csv", "xlsx": "xlsx", "sqlite": "db"}


def median_ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:8.0f} ms"


def run(label: str, measures: Path, runs: int) -> None:
    print(f"{label}:")
    audits, builds = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = audit([measures], Config(), TODAY).single()
        t1 = time.perf_counter()
        document = export(result, TODAY)
        builds.append(time.perf_counter() - t1)
        audits.append(t1 - t0)
    t = document.tables
    print(
        f"  {len(t['kpis'].rows)} KPIs, {len(t['milestones'].rows)} milestones,"
        f" {len(t['findings'].rows)} findings"
    )
    print(f"  audit     {median_ms(audits)}")
    print(f"  tables    {median_ms(builds)}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, write in WRITERS.items():
            out = Path(tmp) / f"plan.{SUFFIX[fmt]}"
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                written = write(document, out, "en")
                times.append(time.perf_counter() - start)
            size = sum(p.stat().st_size for p in written)
            cmd = [sys.executable, "-m", "kpiaudit", "export", str(measures), "--out", str(out)]
            cmd += ["--today", TODAY.isoformat()]
            fresh = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
                fresh.append(time.perf_counter() - start)
            print(
                f"  {fmt:<7} write {median_ms(times)}, command {median_ms(fresh)}"
                f" (a fresh process), {size / 1e3:8.0f} kB in {len(written)} file(s)"
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--large", type=int, default=0, help="also N generated measures")
    args = ap.parse_args()
    run(f"bundled plan, median of {args.runs}", ROOT / "measures", args.runs)
    if args.large:
        with tempfile.TemporaryDirectory() as tmp:
            plan = Path(tmp) / "measures"
            generate(plan, args.large)  # returns the index of copies, not the directory
            run(f"{args.large} measures, median of {args.runs}", plan, args.runs)


if __name__ == "__main__":
    main()
