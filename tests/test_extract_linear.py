"""The extractor's work grows linearly with a KPI's length, on every input pattern the benchmark
(benchmarks/extract_scaling.py) times: a measure file is untrusted, and a KPI text of repeated
（令和3年度 963件） once took minutes.

No test here reads a clock except the last, which only bounds in a child process what
used to take hours. The others count work: how often the brackets are read, how many Python
steps the extractor takes, how much of the text is handed to each scan; a text four times as
long must cost at most five times as much (linear costs four times, quadratic sixteen).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Any

import pytest

from kpiaudit import extract as extract_module
from kpiaudit import jpdate
from kpiaudit.extract import extract
from kpiaudit.jpdate import find_dates

from .conftest import BASE, ROOT


def _benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "extract_scaling.py"
    spec = importlib.util.spec_from_file_location("extract_scaling", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCHMARK = _benchmark()
PATTERNS: dict[str, tuple[str, Callable[[int], str], bool]] = BENCHMARK.PATTERNS
# Where the regex engine itself backtracked: no count from Python sees inside it.
REGEX_PATTERNS = ("rate-spaces", "greg-year-list-open")
SMALL, LARGE = 1_000, 4_000  # characters; LARGE is four times SMALL


def _run(name: str, size: int) -> None:
    _, build, is_note = PATTERNS[name]
    body = build(size)
    if is_note:
        extract(BENCHMARK.REAL, BASE, [body])
    else:
        extract(body, BASE)
    find_dates(body, BASE)


def test_brackets_are_read_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = extract_module._paren_spans

    def counted(text: str) -> list[tuple[int, int]]:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(extract_module, "_paren_spans", counted)
    x = extract("（令和3年度 963件）" * 50 + "（令和4年度末までに99.85％（約9万世帯））", BASE)
    assert len(calls) == 1
    assert len(x.baselines) == 50 and [t.text for t in x.targets] == ["99.85％"]


def test_dates_are_found_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Figures in one long as-of bracket: the bracket's dates came from a new find_dates on the
    bracket for every figure in it."""
    calls = []
    real = extract_module.find_dates

    def counted(text: str, base: Any) -> Any:
        calls.append(len(text))
        return real(text, base)

    monkeypatch.setattr(extract_module, "find_dates", counted)
    x = extract("（令和3年3月時点 " + "1件、" * 50 + "）", BASE, ["※令和2年度 40件"])
    assert len(calls) == 2  # the text and its note
    assert len(x.baselines) == 51 and x.targets == []


@contextmanager
def _python_steps() -> Iterator[list[int]]:
    """Count the trace events (calls, lines, returns) in extract.py and jpdate.py."""
    files = {extract_module.__file__, jpdate.__file__}
    count = [0]

    def local(frame: FrameType, event: str, arg: object) -> Any:
        count[0] += 1
        return local

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        if frame.f_code.co_filename in files:
            count[0] += 1
            return local
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield count
    finally:
        sys.settrace(previous)


@pytest.mark.parametrize("name", [n for n in PATTERNS if n not in REGEX_PATTERNS])
def test_python_steps_grow_linearly(name: str) -> None:
    """Scans of every span, target or date for each figure or date were quadratic."""
    steps = {}
    for size in (SMALL, LARGE):
        with _python_steps() as count:
            _run(name, size)
        steps[size] = count[0]
    assert steps[LARGE] <= 5 * steps[SMALL], steps


class _Scanned:
    """The characters handed to scans that run in C, out of sight of the trace: slices of the
    text, rfind, ``in``, and the range of every search and finditer of the extractor's
    regexes. Copying the rest of the text for each number, or searching a sentence again for
    each marker in it, was quadratic."""

    def __init__(self) -> None:
        self.total = 0

    def text(self, value: str) -> str:
        return _SpyStr(value, self)

    def pattern(self, pattern: re.Pattern[str]) -> _SpyPattern:
        return _SpyPattern(pattern, self)


class _SpyStr(str):
    scanned: _Scanned

    def __new__(cls, value: str, scanned: _Scanned) -> _SpyStr:
        self = super().__new__(cls, value)
        self.scanned = scanned
        return self

    def __getitem__(self, key: Any) -> str:
        part = str.__getitem__(self, key)
        self.scanned.total += len(part)
        return part

    def rfind(self, sub: str, start: Any = None, end: Any = None) -> int:
        self.scanned.total += len(str.__getitem__(self, slice(start, end)))
        return str.rfind(self, sub, start, end)

    def find(self, sub: str, start: Any = None, end: Any = None) -> int:
        self.scanned.total += len(str.__getitem__(self, slice(start, end)))
        return str.find(self, sub, start, end)

    def __contains__(self, sub: object) -> bool:
        self.scanned.total += len(self)
        return str.__contains__(self, sub)  # type: ignore[operator]


class _SpyPattern:
    def __init__(self, pattern: re.Pattern[str], scanned: _Scanned) -> None:
        self._pattern = pattern
        self._scanned = scanned

    def _count(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> None:
        self._scanned.total += max(0, min(endpos, len(string)) - pos)

    def search(self, string: str, *args: int) -> Any:
        self._count(string, *args)
        return self._pattern.search(string, *args)

    def finditer(self, string: str, *args: int) -> Any:
        self._count(string, *args)
        return self._pattern.finditer(string, *args)

    def __getattr__(self, name: str) -> Any:  # match and the rest read a bounded window
        return getattr(self._pattern, name)


def _scanned(name: str, size: int, monkeypatch: pytest.MonkeyPatch) -> int:
    scanned = _Scanned()
    with monkeypatch.context() as patch:
        for module in (extract_module, jpdate):
            for attr, value in vars(module).items():
                if isinstance(value, re.Pattern):
                    patch.setattr(module, attr, scanned.pattern(value))
        real_fold = jpdate.fold
        patch.setattr(extract_module, "fold", lambda text: scanned.text(real_fold(text)))
        _, build, is_note = PATTERNS[name]
        body = scanned.text(build(size))
        if is_note:
            extract(BENCHMARK.REAL, BASE, [body])
        else:
            extract(body, BASE)
    return scanned.total


@pytest.mark.parametrize("name", [n for n in PATTERNS if n not in REGEX_PATTERNS])
def test_text_handed_to_scans_grows_linearly(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    small = _scanned(name, SMALL, monkeypatch)
    large = _scanned(name, LARGE, monkeypatch)
    assert large <= 5 * max(small, SMALL), (small, large)


# Regex backtracking happens inside the regex engine, where nothing can count it: these texts
# are run in a child process with a limit far above what they take now (well under a second
# each) and far below what they took before: a run of spaces after 年間 made _RATE backtrack
# in every way two \s* can share it (hours at this length); a list of years with no 年 was read
# again from each of its years (minutes).
REGEX_TEXTS = {
    "rate-spaces": "'年間' + ' ' * 256_000 + 'x'",
    "greg-year-list-open": "'2020・' * 52_000",
}


@pytest.mark.parametrize("name", sorted(REGEX_TEXTS))
def test_catastrophic_regexes_finish(name: str) -> None:
    code = textwrap.dedent(
        f"""
        from datetime import date
        from kpiaudit.extract import extract
        from kpiaudit.jpdate import find_dates
        text = {REGEX_TEXTS[name]}
        extract(text, date(2022, 6, 7))
        find_dates(text, date(2022, 6, 7))
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
