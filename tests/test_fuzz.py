"""The fuzz test (issue 11): 2,000 mutated copies of the real measure files, under hostile
names, with payload-bearing values (escapes, forged workflow commands, markup, formulas, long
numbers, deep nesting, aliases, pathological KPI texts), linted in-process in batches of 100.
For every batch: no exception escapes, --format json is JSON, every file is in the result, the
exit code is 0 or 1 (2 only for usage errors, and there are none), text and github output is
one finding per line, and nothing people read (text, github, SARIF, status and due tables in
every format, show) holds a raw control, bidi or invisible character or a line a CI runner
would take for a workflow command. Every third batch is also run through fix --diff
and fix, after which every file that loaded still loads.

KPIAUDIT_FUZZ_FILES and KPIAUDIT_FUZZ_SEED run it longer or differently; benchmarks/fuzz.py is
the long run, with numbers.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .fuzzing import batches, check_batch, remove

FILES = int(os.environ.get("KPIAUDIT_FUZZ_FILES", "2000"))
SEED = int(os.environ.get("KPIAUDIT_FUZZ_SEED", "20221106"))
PER_BATCH = 100


@pytest.mark.parametrize("part", range(2))
def test_fuzzed_measures_never_break_lint(tmp_path: Path, part: int) -> None:
    share = FILES // 2
    failures = []
    for n, batch in enumerate(batches(tmp_path, share, PER_BATCH, SEED + part)):
        broken = check_batch(batch, fix=n % 3 == 0)  # fix is the slow part: every third
        if broken:
            failures.append(f"seed {SEED + part}, batch {n}: " + "; ".join(broken))
        remove(batch.directory)
    assert not failures, "\n".join(failures[:10])
