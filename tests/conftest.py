from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "sources" / "digital-plan-2022-measures.txt"
MEASURES = ROOT / "measures"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = date(2022, 6, 7)


@pytest.fixture(scope="session")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")
