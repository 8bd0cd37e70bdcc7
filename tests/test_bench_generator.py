"""The benchmark's generated plans: file names match ids (also past 99 per chapter), and lint
finds in every copy exactly what it finds in the measure it copies. No timing here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kpiaudit.audit import audit
from kpiaudit.config import Config
from kpiaudit.model import measure_filename

ROOT = Path(__file__).resolve().parent.parent
MEASURES = ROOT / "measures"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _findings(bench: ModuleType, directory: Path) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for f in audit([directory], Config()).findings:
        out.setdefault(Path(f.path).name, []).append(bench._normal(f.as_json()))
    return {name: sorted(found, key=repr) for name, found in out.items()}


@pytest.fixture(scope="module")
def originals(bench: ModuleType) -> dict[str, list[Any]]:
    return _findings(bench, MEASURES)


def _ids(directory: Path) -> dict[str, str]:
    ids = {}
    for p in directory.glob("[0-9]*.yaml"):
        line = next(x for x in p.read_text(encoding="utf-8").splitlines() if x.startswith("id: "))
        ids[p.name] = line.removeprefix("id: ")
    return ids


@pytest.mark.parametrize(
    ("sources", "n"),
    [
        (["01-07.yaml", "06-04.yaml", "10-02.yaml"], 30),  # three chapters, renumbered
        (["09-38.yaml"], 120),  # past 99 in one chapter: 9-100 → 09-100.yaml
    ],
)
def test_names_match_ids_and_findings_match_the_originals(
    bench: ModuleType,
    originals: dict[str, list[Any]],
    tmp_path: Path,
    sources: list[str],
    n: int,
) -> None:
    index = bench.generate(tmp_path, n, [MEASURES / s for s in sources])
    ids = _ids(tmp_path)
    assert len(ids) == len(index) == n
    assert all(name == measure_filename(i) for name, i in ids.items())
    assert len(set(ids.values())) == n
    if n > 99:
        assert ids["09-100.yaml"] == "9-100"
    got = _findings(bench, tmp_path)
    assert bench.compare_findings(got, index, originals) == []
    assert sum(map(len, got.values())) == sum(len(originals.get(s, [])) for s in index.values())


def test_the_real_size_reproduces_the_real_plan(bench: ModuleType, tmp_path: Path) -> None:
    index = bench.generate(tmp_path, 163)
    assert sorted(index) == sorted(p.name for p in MEASURES.glob("[0-9]*.yaml"))
    for p in MEASURES.glob("*.yaml"):
        assert (tmp_path / p.name).read_bytes() == p.read_bytes(), p.name


@pytest.mark.parametrize(("small", "judged"), [(1_000, True), (163, True), (None, False)])
def test_growth_to_100000_is_judged_from_the_largest_smaller_plan(
    bench: ModuleType, capsys: pytest.CaptureFixture[str], small: int | None, judged: bool
) -> None:
    """--sizes 163,10000,100000 judges the 100,000 growth too (it said "not measured" unless
    1,000 was among the sizes): from 163, lint costs 0.5 ms per added measure up to 10,000 and
    0.6 ms beyond, 1.2× — not linear enough."""
    sizes = [n for n in (small, 10_000, 100_000) if n]
    results = bench.Results(runs=1)
    for n in sizes:
        results.add(
            "lint",
            n,
            0,
            bench.Sample(
                wall=0.2 + 0.0005 * min(n, 10_000) + 0.0006 * max(n - 10_000, 0),
                cpu=1.0 * n,
                peak=0,
            ),
        )
    features = bench.Features(["kpiaudit"], {"lint": None, "status": None, "due": None})
    bench.targets(bench.Bench(features, None, {"lint"}), results, sizes)
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "lint cost per added measure" in x)
    if judged:
        assert f"(from {small:,})" in line and "1.20×" in line and "NOT MET" in line
    else:
        assert "not measured (needs 10,000 and a smaller size" in line
