"""Benchmark the RS 3-1 reader on a file of the real size (about 130,000 rows a year).

Generates the file with tests/rs_fixture.py (BOM, CRLF, quoted line breaks, separators, '-',
text cells, activity rows), then reads it in fresh processes and prints, as medians of --runs:

* read: every indicator of the file through ``read_rs`` (time inside the process, and wall
  time of the process), and the process's peak RSS (``ru_maxrss``), beside the peak of a process
  that only imports the reader, so the reader's own share is visible;
* mapped: ``rs_actuals`` over the same stream with a mapping of 500 indicators;
* suggest (with --suggest): ``suggest_mapping`` against the bundled 163 measures;
* with --tracemalloc, the peak of Python allocations while reading (slower, so a separate run);
* command (with --command): ``kpiaudit actuals import FILE --map MAP --dry-run`` end to end
  (start-up, the audit of the bundled 163 measures, reading, planning the edits), 20 indicators
  mapped to KPIs of the bundled plan.

Targets (the task's): read in under 10 s, in under 200 MB.

Run: python benchmarks/rs_import.py [--rows 130000] [--runs 3] [--suggest] [--tracemalloc]
[--command]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.rs_fixture import generate, write_rs  # noqa: E402 - needs ROOT on sys.path

TARGET_SECONDS = 10.0
TARGET_MB = 200.0

# Run in a fresh interpreter, so that peak RSS is this work's and nothing else's.
CHILD = r"""
import json, sys, time, tracemalloc
from pathlib import Path
path, mode = Path(sys.argv[1]), sys.argv[2]
from kpiaudit.actuals.rs import read_rs, rs_actuals
from kpiaudit.actuals.mapping import MappingEntry, suggest_mapping
if mode == "tracemalloc":
    tracemalloc.start()
start = time.perf_counter()
out = {}
if mode in ("read", "tracemalloc"):
    problems = []
    n = cells = 0
    for ind in read_rs(path, problems):
        n += 1
        cells += len(ind.problems)
    out = {"indicators": n, "problems": len(problems) + cells}
elif mode == "mapped":
    mapping = [
        MappingEntry(f"{i // 3 + 1:06d}", str(i % 3 + 1), "6-4.P1", "map.yaml", i + 1)
        for i in range(0, 30000, 60)
    ]
    rows, problems = rs_actuals(read_rs(path), mapping)
    out = {"rows": len(rows), "problems": len(problems)}
elif mode == "suggest":
    from kpiaudit.audit import audit
    from kpiaudit.config import Config
    measures = audit([Path(sys.argv[3])], Config()).single().plan.measures
    start = time.perf_counter()
    out = {"suggestions": len(suggest_mapping(read_rs(path), measures))}
out["seconds"] = time.perf_counter() - start
if mode == "tracemalloc":
    out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
print(json.dumps(out))
"""
IMPORT_ONLY = "import kpiaudit.actuals.rs, kpiaudit.actuals.mapping"


def run(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[dict[str, float], float, float]:
    """(what the child printed, plus its CPU seconds as "cpu"; wall seconds; peak RSS in MiB).
    CPU time is what to compare on a shared machine: wall time there includes waiting."""
    start = time.perf_counter()
    stderr = subprocess.DEVNULL if ok != (0,) else None  # the command's report, not JSON
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, cwd=ROOT)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise SystemExit(f"{args[:3]} failed with exit code {proc.returncode}")
    result = json.loads(output) if output.strip() and ok == (0,) else {}
    result["cpu"] = usage.ru_utime + usage.ru_stime
    return result, wall, usage.ru_maxrss / 1024  # Linux reports KiB


def median_run(
    args: list[str], runs: int, ok: tuple[int, ...] = (0,)
) -> tuple[dict[str, float], float, float]:
    results = [run(args, ok) for _ in range(runs)]
    seconds = statistics.median(r[0].get("seconds", 0.0) for r in results)
    cpu = statistics.median(r[0]["cpu"] for r in results)
    info = {**results[0][0], "seconds": seconds, "cpu": cpu}
    return info, statistics.median(r[1] for r in results), max(r[2] for r in results)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=130_000, help="rows of the generated file")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--suggest", action="store_true", help="also time suggest_mapping")
    ap.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations")
    ap.add_argument("--command", action="store_true", help="also time actuals import end to end")
    args = ap.parse_args()
    # generate() writes 4 rows per indicator and an activity row for every third: 13 per 3.
    indicators = args.rows * 3 // 13
    py = sys.executable
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (numbers are noisy)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "3-1_RS_2024_効果発現経路_目標・実績.csv"
        start = time.perf_counter()
        write_rs(path, generate(indicators))
        made = time.perf_counter() - start
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = sum(1 for _ in csv.reader(fh)) - 1
        size = path.stat().st_size / 2**20
        print(
            f"file: {rows:,} rows, {indicators:,} indicators, {size:.1f} MiB (made in {made:.1f} s)"
        )

        base, base_wall, base_rss = median_run([py, "-c", IMPORT_ONLY], args.runs)
        print(
            f"import only: {base_wall:.2f} s wall, {base['cpu']:.2f} s CPU, "
            f"peak RSS {base_rss:.0f} MiB"
        )

        info, wall, rss = median_run([py, "-c", CHILD, str(path), "read"], args.runs)
        ok = info["seconds"] < TARGET_SECONDS and rss < TARGET_MB
        print(
            f"read_rs: {info['seconds']:.2f} s in process, {wall:.2f} s wall, "
            f"{info['cpu']:.2f} s CPU (whole process), peak RSS "
            f"{rss:.0f} MiB ({rss - base_rss:+.0f} over import only); "
            f"{int(info['indicators']):,} indicators, {int(info['problems']):,} problems; "
            f"per 10,000 rows {info['seconds'] / rows * 10_000 * 1000:.0f} ms; "
            f"target <{TARGET_SECONDS:.0f} s, <{TARGET_MB:.0f} MB: {'met' if ok else 'MISSED'}"
        )

        info, wall, rss = median_run([py, "-c", CHILD, str(path), "mapped"], args.runs)
        print(
            f"rs_actuals (500 mapped): {info['seconds']:.2f} s in process, "
            f"{info['cpu']:.2f} s CPU, peak RSS {rss:.0f} "
            f"MiB; {int(info['rows']):,} actuals, {int(info['problems']):,} problems"
        )
        if args.suggest:
            cmd = [py, "-c", CHILD, str(path), "suggest", str(ROOT / "measures")]
            info, wall, rss = median_run(cmd, args.runs)
            print(
                f"suggest_mapping (163 measures): {info['seconds']:.2f} s in process, "
                f"{info['cpu']:.2f} s CPU with loading the measures, peak RSS "
                f"{rss:.0f} MiB; {int(info['suggestions']):,} suggestions"
            )
        if args.command:
            mapping = Path(tmp) / "map.yaml"
            kpis = ["1-7.E1", "1-7.E2", "6-36.P1", "6-43.P1", "9-18.E1"]
            mapping.write_text(
                "".join(
                    f'- {{project: "{i // 3 + 1:06d}", indicator: "{i % 3 + 1}", '
                    f"kpi: {kpis[n % len(kpis)]}}}\n"
                    for n, i in enumerate(range(0, indicators, indicators // 20))
                ),
                encoding="utf-8",
            )
            cmd = [py, "-m", "kpiaudit", "actuals", "import", str(path), str(ROOT / "measures")]
            cmd += ["--map", str(mapping), "--dry-run", "--today", "2026-11-27"]
            info, wall, rss = median_run(cmd, args.runs, ok=(0, 1))
            print(
                f"kpiaudit actuals import --from rs --dry-run (20 mapped): {wall:.2f} s wall, "
                f"{info['cpu']:.2f} s CPU, peak RSS {rss:.0f} MiB"
            )
        if args.tracemalloc:
            info, _, _ = run([py, "-c", CHILD, str(path), "tracemalloc"])
            peak = info["traced_peak_mb"]
            print(f"read_rs under tracemalloc: Python allocations peak {peak:.1f} MiB")


if __name__ == "__main__":
    main()
