"""Benchmark kpiaudit diff: the bundled plan against itself, and against a generated next
edition in which every measure is renumbered (the worst case for matching: no id pairs hold).

Run: python benchmarks/diff_bench.py [--runs 5] [--similarities]
Prints wall and CPU time (medians) of each command, with python -c pass and status for scale;
the in-process split (loading both sides, pairing and comparing); whether every measure of the
generated edition found its original; and with --similarities the scores the thresholds in
kpiaudit/diff/similarity.py were chosen from.
"""

from __future__ import annotations

import argparse
import itertools
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

NEW_MEASURE = """\
id: {chapter}-1
chapter: {chapter}
title: 第{chapter}章の新規施策（令和５年度追加）
objective: |-
  ・ 令和５年度（2023年度）に新たに追加した取組{chapter}。
kpis:
  - id: P1
    kind: progress
    status: unset
    unset_reason: 未設定
    text: 未設定
"""


def next_edition(out: Path) -> int:
    """The 2022 plan as a next edition might have it: a new measure heads every chapter, so
    every measure after it is renumbered; every objective gets a new bullet and every deadline
    a year more (date and wording). Returns the number of measures carried over."""
    real = sorted(MEASURES.glob("[0-9]*.yaml"))
    out.mkdir(parents=True)
    shutil.copy(MEASURES / "plan.yaml", out / "plan.yaml")
    for chapter in range(1, 11):
        text = NEW_MEASURE.format(chapter=chapter)
        (out / f"{chapter:02d}-01.yaml").write_text(text, encoding="utf-8")
    for src in real:
        chapter, number = (int(x) for x in src.stem.split("-"))
        text = src.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^id: .*$", f"id: {chapter}-{number + 1}", text, count=1)
        text = text.replace(
            "objective: |-\n",
            "objective: |-\n  ・ 令和５年度（2023年度）は前年度の成果を踏まえて加速。\n",
            1,
        )
        text = re.sub(
            r"date: '(\d{4})-", lambda m: f"date: '{int(m.group(1)) + 1}-", text
        )  # every deadline a year later
        (out / f"{chapter:02d}-{number + 1:02d}.yaml").write_text(text, encoding="utf-8")
    return len(real)


def timed(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median (wall seconds, CPU seconds) of a command. CPU time (user + system) hardly moves
    when other work shares the machine; wall time is what a user waits."""
    walls, cpus = [], []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        walls.append(time.perf_counter() - start)
        cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def in_process(old: Path, new: Path) -> tuple[float, float, int, int]:
    """(seconds to load both sides, seconds to compare, changes, measures renumbered)."""
    from kpiaudit.config import Config
    from kpiaudit.diff.compare import compare
    from kpiaudit.diff.engine import load_plan_dir

    start = time.perf_counter()
    a, b = load_plan_dir(old, Config()), load_plan_dir(new, Config())
    loaded = time.perf_counter()
    changes = compare(a.plan, b.plan)
    done = time.perf_counter()
    renumbered = [c for c in changes if c.change == "measure-renumbered"]
    right = sum(
        c.old is not None
        and c.new is not None
        and c.new.split("-")[1] == str(int(c.old.split("-")[1]) + 1)
        for c in renumbered
    )
    return loaded - start, done - loaded, len(changes), right


def similarities() -> None:
    from kpiaudit.config import Config
    from kpiaudit.diff.engine import load_plan_dir
    from kpiaudit.diff.pairing import measure_text
    from kpiaudit.diff.similarity import bigrams, jaccard

    measures = load_plan_dir(MEASURES, Config()).plan.measures
    shapes = [tuple(bigrams(t) for t in measure_text(m)) for m in measures]
    scores = sorted(
        (
            0.5 * jaccard(shapes[i][0], shapes[j][0]) + 0.5 * jaccard(shapes[i][1], shapes[j][1]),
            measures[i].id,
            measures[j].id,
        )
        for i, j in itertools.combinations(range(len(measures)), 2)
    )[::-1]
    top = ", ".join(f"{s:.2f} ({a} / {b})" for s, a, b in scores[:3])
    print(f"pairs of different measures: {len(scores):,}; highest: {top}")
    print(f"  99th percentile {scores[len(scores) // 100][0]:.2f}; ", end="")
    print(f"reaching 0.25: {sum(s >= 0.25 for s, _, _ in scores)}; 0.5: ", end="")
    print(sum(s >= 0.5 for s, _, _ in scores))
    kpis = sorted(
        (
            jaccard(bigrams(a.text + " ".join(a.notes)), bigrams(b.text + " ".join(b.notes)))
            for m in measures
            for a, b in itertools.combinations(m.kpis, 2)
            if a.text != b.text
        ),
        reverse=True,
    )
    print(f"pairs of different KPIs in one measure: {len(kpis)}; highest {kpis[0]:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--similarities", action="store_true")
    args = ap.parse_args()
    kpi = [sys.executable, "-m", "kpiaudit"]
    base = timed([sys.executable, "-c", "pass"], args.runs)
    print(f"python -c pass: {base[0] * 1000:.0f} ms wall, {base[1] * 1000:.0f} ms CPU")
    status = timed([*kpi, "status", str(MEASURES)], args.runs)
    print(f"kpiaudit status (for scale): {status[0]:.2f} s wall, {status[1]:.2f} s CPU")
    same = timed([*kpi, "diff", str(MEASURES), str(MEASURES)], args.runs)
    print(f"kpiaudit diff measures measures: {same[0]:.2f} s wall, {same[1]:.2f} s CPU")
    with tempfile.TemporaryDirectory() as tmp:
        edition = Path(tmp) / "edition"
        carried = next_edition(edition)
        two = timed([*kpi, "diff", str(MEASURES), str(edition), "-f", "json"], args.runs)
        print(f"kpiaudit diff measures <next edition>: {two[0]:.2f} s wall, {two[1]:.2f} s CPU")
        load, pair, changes, right = in_process(MEASURES, edition)
        print(f"  in process: loading both sides {load:.2f} s, pairing and comparing {pair:.3f} s")
        print(f"  {changes} changes; {right}/{carried} measures paired with their original")
        load, pair, changes, _ = in_process(MEASURES, MEASURES)
        print(f"  the plan with itself: loading {load:.2f} s, comparing {pair:.3f} s")
    if args.similarities:
        similarities()


if __name__ == "__main__":
    main()
