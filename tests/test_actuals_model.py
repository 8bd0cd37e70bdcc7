"""Actual values in a measure file: the schema says what one is, the codec reads and writes it,
and fix (which rewrites only what is read from a KPI's text) keeps them and their comments."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from kpiaudit.cli import main
from kpiaudit.codec import kpi_data, kpi_from_data
from kpiaudit.load import load_text
from kpiaudit.model import Actual, Kpi, RsLink, RsLinkTarget

from .conftest import MEASURES

E2_OLD = """\
    text: 5G人口カバー率（令和５年度（2023年度）末までに95％）
    milestones:
      - target:
          value: 95
          unit: ％
          comparison: '='
          text: 95％
        deadline:
          date: '2024-03-31'
          recurring: false
          text: 令和５年度（2023年度）末までに
"""
ACTUALS = """\
    actuals:  # 総務省「電波の利用状況調査」
      - period: 令和5年度
        as_of: '2024-03-31'
        value: 98.1   # preliminary figure
        unit: ％
        source: https://www.soumu.go.jp/
"""


def plan_copy(tmp_path: Path, text: str) -> Path:
    d = tmp_path / "plan"
    d.mkdir()
    shutil.copy(MEASURES / "plan.yaml", d)
    (d / "01-07.yaml").write_text(text, encoding="utf-8")
    return d


def codes(args: list[str], capsys) -> list[tuple[str, str]]:
    main(["lint", *args, "--select", "E,K2", "-f", "json"])  # 1-7.P1/P2 have K102/K103
    out, _ = capsys.readouterr()
    return [(f["code"], f["message"]) for f in json.loads(out)]


def test_a_kpi_with_actuals_and_rs_targets_reads_and_writes_back_the_same() -> None:
    kpi = Kpi(
        "E2",
        "outcome",
        "5G人口カバー率（令和５年度（2023年度）末までに95％）",
        "set",
        rs=[RsLink("0012345", "1", "2024", (RsLinkTarget(2023, 95, "％"),), "up", "5G人口")],
        actuals=[
            Actual("令和5年度", date(2024, 3, 31), 98.1, "％", source="総務省", note="速報値"),
            Actual("令和4年度", date(2023, 3, 31), achieved=True, source="https://example.org"),
        ],
    )
    data = kpi_data(kpi)
    assert list(data) == ["id", "kind", "status", "text", "rs", "actuals"]
    assert list(data["actuals"][1]) == ["period", "as_of", "achieved", "source"]
    loaded = load_text(json.dumps(data, ensure_ascii=False), "k.yaml")
    assert kpi_from_data(loaded.data) == kpi


@pytest.mark.parametrize(
    ("actual", "message"),
    [
        ("{period: 令和5年度, as_of: '2024-03-31', source: 総務省}", "needs 'value' or 'achieved'"),
        (
            "{period: 令和5年度, as_of: '2024-03-31', value: 98, source: 総務省}",
            "missing required field 'unit'",
        ),
        (
            "{period: 令和5年度, as_of: '2024-03-31', value: 98, unit: ％}",
            "missing required field 'source'",
        ),
        (
            "{period: 令和5年度, as_of: 令和5年度末, value: 98, unit: ％, source: x}",
            "does not have the expected form",
        ),
    ],
)
def test_schema_says_what_an_actual_lacks(actual: str, message: str, tmp_path: Path, capsys):
    text = (MEASURES / "01-07.yaml").read_text(encoding="utf-8")
    d = plan_copy(tmp_path, text.replace(E2_OLD, E2_OLD + f"    actuals:\n      - {actual}\n"))
    found = codes([str(d)], capsys)
    assert found and {c for c, _ in found} == {"E004"}
    assert any(message in m and m.startswith("1-7.E2 actuals.0") for _, m in found)


def test_fix_keeps_actuals_and_their_comments(tmp_path: Path, capsys) -> None:
    """The text of 1-7.E2 is revised by hand (a year later, 97 %); fix re-reads its milestones
    and leaves the actuals below them, comments included, byte for byte."""
    text = (MEASURES / "01-07.yaml").read_text(encoding="utf-8")
    revised = "    text: 5G人口カバー率（令和６年度（2024年度）末までに97％）\n"
    d = plan_copy(tmp_path, text.replace(E2_OLD, revised + ACTUALS))
    assert main(["fix", str(d)]) == 0
    capsys.readouterr()
    after = (d / "01-07.yaml").read_text(encoding="utf-8")
    assert after.endswith(ACTUALS)
    assert "value: 97\n" in after and "date: '2025-03-31'" in after
    assert after.index("milestones:") < after.index("actuals:")
    assert codes([str(d)], capsys) == []
