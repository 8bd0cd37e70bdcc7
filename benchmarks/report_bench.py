"""Benchmark kpiaudit report: build time by phase and the site's size.

Run: python benchmarks/report_bench.py [--runs 5] [--large 0]
Prints the median wall time of audit, document, pages and write in-process, the whole command
as a user runs it (a fresh process), and the site's size: in all, by kind of page, the largest
page, and gzipped (what a static host sends). With --large N, the same for N generated measures
(the real ones renumbered, as benchmarks/bench.py makes them). Each run replaces the previous
run's site and starts after a sync(2), so that it does not pay for flushing the run before.
"""

from __future__ import annotations

import argparse
import gzip
import os
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
from kpiaudit.report import build_document, build_site, write_site  # noqa: E402

TODAY = date(2024, 6, 1)


def phases(measures: Path, out: Path, runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {"audit": [], "document": [], "pages": [], "write": []}
    for _ in range(runs):
        os.sync()  # each run starts with nothing left to flush, as a single CI run would
        t0 = time.perf_counter()
        result = audit([measures], Config()).single()
        t1 = time.perf_counter()
        document = build_document(result, TODAY)
        t2 = time.perf_counter()
        files = build_site(document, "ja")
        t3 = time.perf_counter()
        write_site(out, files)
        t4 = time.perf_counter()
        for name, a, b in (("audit", t0, t1), ("document", t1, t2), ("pages", t2, t3)):
            times[name].append(b - a)
        times["write"].append(t4 - t3)
    return {k: statistics.median(v) for k, v in times.items()}


def command(measures: Path, out: Path, runs: int) -> float:
    cmd = [sys.executable, "-m", "kpiaudit", "report", str(measures), "--out", str(out)]
    cmd += ["--today", TODAY.isoformat(), "--lang", "ja"]
    times = []
    for _ in range(runs):
        os.sync()
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sizes(site: Path) -> None:
    files = [p for p in site.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    zipped = sum(len(gzip.compress(p.read_bytes(), 6)) for p in files)
    print(f"  site: {len(files)} files, {total / 1e6:.2f} MB ({zipped / 1e6:.2f} MB gzipped)")
    for kind in ("index", "chapter-", "measure-"):
        mine = [p.stat().st_size for p in files if p.name.startswith(kind)]
        print(
            f"    {kind.rstrip('-'):<8} {len(mine):>6} pages, {sum(mine) / 1e3:>8.0f} kB,"
            f" median {statistics.median(mine) / 1e3:.1f} kB, largest {max(mine) / 1e3:.1f} kB"
        )


def run(label: str, measures: Path, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        print(f"{label}:")
        for name, seconds in phases(measures, out, runs).items():
            print(f"  {name:<9} {seconds * 1000:8.0f} ms")
        fresh = command(measures, out, runs)
        print(f"  command   {fresh * 1000:8.0f} ms  (kpiaudit report, a fresh process)")
        sizes(out)


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
