from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "sources" / "digital-plan-2022-measures.txt"
MEASURES = ROOT / "measures"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = date(2022, 6, 7)

# What the terminal a test suite runs in may say about colour, width and language. Every test
# starts without them (and a subprocess a test starts inherits that), so that the suite gives
# the same result in a developer's terminal, under CI=true TERM=dumb and with no terminal at
# all; a test that wants one of them sets it itself.
TERMINAL_ENVIRONMENT = (
    "FORCE_COLOR",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "PY_COLORS",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
    "LINES",
    "KPIAUDIT_LANG",
    "KPIAUDIT_DEBUG",
    "LANGUAGE",
    "LC_ALL",
    "LC_MESSAGES",
    "LANG",
)


@pytest.fixture(autouse=True)
def terminal_independent(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in TERMINAL_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "dumb")
    # The result cache would be written in the project root of whatever a test lints (this
    # repository, for measures/), and would answer later tests from earlier ones: off, except
    # in the tests of the cache itself (tests/test_cache.py), which turn it on in a project of
    # their own.
    monkeypatch.setenv("KPIAUDIT_NO_CACHE", "1")
    # A test that ran kpiaudit in Japanese leaves the language set in this process: every test
    # starts in English, as a run with none of the variables above does.
    from kpiaudit.i18n import set_language

    set_language("en")
    yield


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")
