"""How the extractor's time grows with the length of a KPI text, one input pattern at a time.

A measure file is untrusted input (lint runs on pull requests from strangers), so every step of
``extract`` and ``find_dates`` must be linear in the text's length. For each pattern below the
text is doubled from 1 KB to 256 KB (characters) and the time of ``extract(text, base, notes)``
and of ``find_dates(text, base)`` is printed per size with the ratio per doubling: about 2 means
linear, about 4 quadratic.

Run: python benchmarks/extract_scaling.py [--max-kb 256] [--runs 3] [--budget 20] [PATTERN ...]

Each size runs in a child process, so a pattern that is catastrophic in some version of the code
is stopped after ``--budget`` seconds (shown as ``>budget``) instead of hanging the run; the child
times only the call, not its start-up. Times are the CPU time of the call (the machine may be
shared: wall time would measure the neighbours), best of ``--runs``. To time another
checkout, put its directory first on PYTHONPATH; the header names the package that was timed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

BASE = date(2022, 6, 7)
KB = 1024


def repeat(unit: str, head: str = "", tail: str = "") -> Callable[[int], str]:
    """``head + unit * k + tail``, k chosen so that the whole is about n characters."""

    def build(n: int) -> str:
        k = max(1, (n - len(head) - len(tail)) // len(unit))
        return head + unit * k + tail

    return build


def nested(opening: str, closing: str) -> Callable[[int], str]:
    """``opening * k + closing * k``: brackets nested k deep."""

    def build(n: int) -> str:
        k = max(1, n // (len(opening) + len(closing)))
        return opening * k + closing * k

    return build


def spaced(head: str, tail: str) -> Callable[[int], str]:
    """``head``, a run of spaces, ``tail``: one expression whose gaps a regex may re-read."""

    def build(n: int) -> str:
        return head + " " * max(1, n - len(head) - len(tail)) + tail

    return build


# A KPI as published, with a target and a deadline: the text beside a pathological note.
REAL = "全国の光ファイバ世帯カバー率（令和６年度（2024年度）末までに99.85％）"

# name → (what it exercises, builds the KPI text of about n characters, the text is a note)
PATTERNS: dict[str, tuple[str, Callable[[int], str], bool]] = {
    "bracketed-dates": (
        "（令和3年度 963件）: date + figure in brackets",
        repeat("（令和3年度 963件）"),
        False,
    ),
    "plain-dates": (
        "令和4年度末までに70％、: deadline, target",
        repeat("令和4年度末までに70％、"),
        False,
    ),
    "bare-dates": (
        "令和3年度 963件、: bare past date beside a target",
        repeat("令和3年度 963件、"),
        False,
    ),
    "relative-dates": ("今年度末までに10件、", repeat("今年度末までに10件、"), False),
    "greg-dates": (
        "令和4年、2022年、: era and Gregorian dates",
        repeat("令和4年、2022年、"),
        False,
    ),
    "recurring": ("毎年度末100％超、", repeat("毎年度末100％超、"), False),
    "numbers-units": (
        "1,800か所、40万人、３件/年、",
        repeat("1,800か所、40万人、３件/年、"),
        False,
    ),
    "digits-commas": ("1,1,1,…", repeat("1,"), False),
    "digit-run": ("one run of digits", repeat("1"), False),
    "denominator": ("全1件、: 全 before a counted number", repeat("全1件、"), False),
    "restatements": ("99.85％（約9万世帯）", repeat("99.85％（約9万世帯）"), False),
    "open-brackets": ("（（（… never closed", repeat("（"), False),
    "close-brackets": ("…））） never opened", repeat("）"), False),
    "nested-figures": ("（1件（1件（… ）））", nested("（1件", "）"), False),
    "figure-then-bracket": ("1件（1件（… ）））", nested("1件（", "）"), False),
    "as-of-bracket": (
        "（令和3年3月時点 1件、1件、…）: one bracket, many figures",
        repeat("1件、", "（令和3年3月時点 ", "）"),
        False,
    ),
    "reference-bracket": (
        "（参考：令和3年度 243件、…）: one bracket, many dates",
        repeat("令和3年度 243件、", "（参考：", "）"),
        False,
    ),
    "word-targets": (
        "全ての大学生が、全都道府県、半減、",
        repeat("全ての大学生が、全都道府県、半減、"),
        False,
    ),
    "word-targets-dates": (
        "令和4年度、全都道府県、: word targets among dates",
        repeat("令和4年度、全都道府県、"),
        False,
    ),
    "unset-wording": ("今後設定、検討中、", repeat("今後設定、検討中、"), False),
    "unset-scoped": (
        "100件 then 地域については未設定、…: sub-area remarks on a KPI with a target",
        repeat("地域については未設定、", "100件、"),
        False,
    ),
    "unset-no-topic": (
        "100件 then 値を今後設定、…: remarks with no topic",
        repeat("地域の値を今後設定、", "100件、"),
        False,
    ),
    "topic-scoping": (
        "について/については repeated",
        repeat("地域について、地域については、"),
        False,
    ),
    "unset-note": (
        "a note of 地域については今後設定、… beside a real KPI",
        repeat("地域については今後設定、"),
        True,
    ),
    "no-date-or-number": (
        "prose without any date or figure",
        repeat("本施策を着実に推進する。"),
        False,
    ),
    "era-year-list": (
        "令和1・2・3・…年度: one era with a long year list",
        repeat("3・", "令和1・", "4年度"),
        False,
    ),
    "era-year-list-open": ("令和1・1・1・… with no 年", repeat("1・", "令和"), False),
    "greg-year-list": (
        "2019・2020・…年: one Gregorian list",
        repeat("2020・", "", "2020年"),
        False,
    ),
    "greg-year-list-open": ("2020・2020・… with no 年", repeat("2020・"), False),
    "era-spaces": ("令和 + a run of spaces", spaced("令和", "x"), False),
    "rate-spaces": ("年間 + a run of spaces", spaced("年間", "x"), False),
    "number-spaces": ("1 + spaces + ~", spaced("1", "~x"), False),
    "many-deadlines-one-target": (
        "令和4年度、… then one target",
        repeat("令和4年度、", "", "までに10件"),
        False,
    ),
    "one-deadline-many-targets": (
        "令和4年度末までに then 1件、1件、…",
        repeat("1件、", "令和4年度末までに"),
        False,
    ),
    "targets-then-deadlines": (
        "1件、… then 令和4年度、…: targets waiting for a later deadline",
        lambda n: "1件、" * (n // 12) + "令和9年度、" * (n // 12),
        False,
    ),
    "newlines": ("1件\\n令和4年度\\n", repeat("1件\n令和4年度\n"), False),
}


def one(name: str, size: int, runs: int, budget: float, steps: list[str]) -> None:
    """Time find_dates, then extract, on one text (in the child process); print each result as
    soon as it is known, so that a timeout still reports the faster one."""
    from kpiaudit.extract import extract
    from kpiaudit.jpdate import find_dates

    extract(REAL, BASE)  # compiles the regexes used inline, which the first call would time
    _, build, is_note = PATTERNS[name]
    body = build(size)
    text, notes = (REAL, [body]) if is_note else (body, [])
    calls = {
        "find_dates": lambda: find_dates(body, BASE),
        "extract": lambda: extract(text, BASE, notes),
    }
    for label in steps:
        best = float("inf")
        for _ in range(runs):
            start = time.process_time()
            calls[label]()
            elapsed = time.process_time() - start
            best = min(best, elapsed)
            if elapsed > budget / 4:
                break  # one slow run tells enough; the parent's clock is running
        print(json.dumps({label: best}), flush=True)


def child(name: str, size: int, runs: int, budget: float, steps: list[str]) -> dict[str, float]:
    """What the child measured within ``budget`` seconds; a step it did not finish is left out."""
    cmd = [sys.executable, __file__, "--one", name, str(size), "--runs", str(runs)]
    cmd += ["--budget", str(budget), "--steps", ",".join(steps)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=budget, check=True).stdout
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or b""
        out = raw.decode() if isinstance(raw, bytes) else raw
    result: dict[str, float] = {}
    for line in out.splitlines():
        result.update(json.loads(line))
    return result


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return ">budget"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def growth(times: list[float]) -> str:
    """The ratio per doubling over the last three doublings measured (less noisy than one),
    ignoring sizes under 2 ms, whose times are mostly noise."""
    usable = [t for t in times if t >= 0.002]
    if len(usable) < 2:
        return "-"
    span = usable[-4:]
    return f"x{(span[-1] / span[0]) ** (1 / (len(span) - 1)):.1f}"


STEPS = ("extract", "find_dates")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("patterns", nargs="*", help="names of the patterns to run (default: all)")
    ap.add_argument("--max-kb", type=int, default=256)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per size and pattern")
    ap.add_argument("--one", nargs=2, metavar=("PATTERN", "CHARS"), help=argparse.SUPPRESS)
    ap.add_argument("--steps", default=",".join(STEPS), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]), args.runs, args.budget, args.steps.split(","))
        return
    import kpiaudit

    names = args.patterns or list(PATTERNS)
    unknown = [n for n in names if n not in PATTERNS]
    if unknown:
        ap.error(f"unknown pattern(s): {', '.join(unknown)}; known: {', '.join(PATTERNS)}")
    where = Path(kpiaudit.__file__).parent
    print(f"kpiaudit from {where}; best of {args.runs}; python {sys.version.split()[0]}")
    sizes = []
    kb = 1
    while kb <= args.max_kb:
        sizes.append(kb)
        kb *= 2
    summary = []
    for name in names:
        print(f"\n{name}: {PATTERNS[name][0]}")
        print(f"{'size':>7}  {'extract':>10} {'ratio':>6}  {'find_dates':>10} {'ratio':>6}")
        times: dict[str, list[float]] = {step: [] for step in STEPS}
        alive = list(reversed(STEPS))  # find_dates first: it is the faster one
        for kb in sizes:
            got = child(name, kb * KB, args.runs, args.budget, alive) if alive else {}
            cells = []
            for step in STEPS:
                now = got.get(step)
                before = times[step][-1] if times[step] else None
                r = f"x{now / before:.1f}" if now and before and step in alive else "-"
                cells.append(f"{fmt(now) if step in alive else '':>10} {r:>6}")
                if now is None:
                    if step in alive:
                        alive.remove(step)
                else:
                    times[step].append(now)
            print(f"{kb:>5}KB  " + "  ".join(cells), flush=True)
            if not alive:
                break
        summary.append((name, {step: growth(times[step]) for step in STEPS}, times))
    print("\nratio per doubling over the last three doublings (2 = linear, 4 = quadratic)")
    for name, grow, times in summary:
        cells = []
        for step in STEPS:
            largest = f"{len(times[step]) and 2 ** (len(times[step]) - 1)}KB"
            cells.append(f"{step} {grow[step]:>5} up to {largest:>6}")
        print(f"  {name:<28} " + "   ".join(cells))


if __name__ == "__main__":
    main()
