"""The long fuzz run: many more mutated measure files than the test suite's 2,000 (see
tests/fuzzing.py for the corpus and the invariants), with numbers.

Run: python benchmarks/fuzz.py [--files 50000] [--seed 1] [--keep DIR]
Prints files per second and every broken invariant with the seed and batch that reproduce it;
with --keep, the failing batches are kept in DIR to look at. Exit 1 when something broke.
(The same checks at any size: KPIAUDIT_FUZZ_FILES=20000 python -m pytest tests/test_fuzz.py.)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzzing import batches, check_batch, remove  # noqa: E402

PER_BATCH = 100


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="keep failing batches in this directory")
    args = ap.parse_args()
    failures = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for n, batch in enumerate(batches(Path(tmp), args.files, PER_BATCH, args.seed)):
            broken = check_batch(batch)
            if broken:
                failures += 1
                print(f"seed {args.seed}, batch {n}:", *broken, sep="\n  ", flush=True)
                if args.keep:  # links stay links; FIFOs and directories are left out
                    shutil.copytree(
                        batch.directory,
                        args.keep / batch.directory.name,
                        symlinks=True,
                        ignore=lambda d, names: [
                            n
                            for n in names
                            if not (Path(d) / n).is_symlink() and not (Path(d) / n).is_file()
                        ],
                    )
            remove(batch.directory)
            done = (n + 1) * PER_BATCH
            if done % 5_000 == 0:
                rate = done / (time.perf_counter() - started)
                print(
                    f"{done:,} files, {rate:,.0f} files/s, {failures} failing batches", flush=True
                )
    elapsed = time.perf_counter() - started
    print(
        f"{args.files:,} files in {elapsed:.1f} s ({args.files / elapsed:,.0f} files/s), "
        f"seed {args.seed}: {failures} failing batch(es)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
