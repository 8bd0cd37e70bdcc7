"""A copy of the bundled plan edited the way a real revision is, and what diff must find.

Each edit below is a text edit of the YAML files, as a person or the importer of a new edition
makes them (files renamed with their measure, text and structure changed together), and adds
the changes it must produce to EXPECTED as (change, old ref, new ref).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .conftest import MEASURES

Expected = set[tuple[str, str | None, str | None]]


def _kpi_ids(name: str) -> list[str]:
    return re.findall(r"(?m)^  - id: ([PE]\d+)$", (MEASURES / name).read_text(encoding="utf-8"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path.name, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _move(d: Path, old_name: str, new_name: str, old_id: str, new_id: str) -> None:
    (d / old_name).rename(d / new_name)
    _edit(d / new_name, f"\nid: {old_id}\n", f"\nid: {new_id}\n")
    old_chapter, new_chapter = old_id.split("-")[0], new_id.split("-")[0]
    if old_chapter != new_chapter:
        _edit(d / new_name, f"\nchapter: {old_chapter}\n", f"\nchapter: {new_chapter}\n")


NEW_MEASURE = """\
id: {id}
chapter: {chapter}
title: 宇宙天気予報の高度化による衛星運用の安定確保
objective: |-
  ・ 太陽フレアの観測網を拡充し、衛星事業者への警報配信を自動化する。
kpis:
  - id: P1
    kind: progress
    status: set
    text: 観測拠点の整備数（令和８年度（2026年度）末までに12拠点）
    milestones:
      - target: {{value: 12, unit: 拠点, comparison: '=', text: 12拠点}}
        deadline: {{date: '2027-03-31', recurring: false, text: 令和８年度（2026年度）末までに}}
  - id: E1
    kind: outcome
    status: unset
    unset_reason: 検討中
    text: 警報の的中率（検討中）
"""


def make_revision(d: Path) -> Expected:
    """``d``: a copy of the bundled measures edited as a revision; returns what changed."""
    shutil.copytree(MEASURES, d)
    want: Expected = set()

    # Chapter 3: 3-2 deleted, the measures after it renumbered (files renamed with them).
    (d / "03-02.yaml").unlink()
    want.add(("measure-removed", "3-2", None))
    want |= {("kpi-removed", f"3-2.{k}", None) for k in _kpi_ids("03-02.yaml")}
    _move(d, "03-03.yaml", "03-02.yaml", "3-3", "3-2")
    _move(d, "03-04.yaml", "03-03.yaml", "3-4", "3-3")
    want |= {("measure-renumbered", "3-3", "3-2"), ("measure-renumbered", "3-4", "3-3")}

    # 6-45 moves to chapter 7.
    _move(d, "06-45.yaml", "07-06.yaml", "6-45", "7-6")
    want.add(("measure-renumbered", "6-45", "7-6"))

    # A new measure in chapter 2.
    (d / "02-06.yaml").write_text(NEW_MEASURE.format(id="2-6", chapter=2), encoding="utf-8")
    want |= {("measure-added", None, "2-6"), ("kpi-added", None, "2-6.P1")}
    want.add(("kpi-added", None, "2-6.E1"))

    # 10-15 keeps its number but is a different measure altogether.
    (d / "10-15.yaml").write_text(NEW_MEASURE.format(id="10-15", chapter=10), encoding="utf-8")
    want |= {("measure-removed", "10-15", None), ("measure-added", None, "10-15")}
    want |= {("kpi-removed", f"10-15.{k}", None) for k in _kpi_ids("10-15.yaml")}
    want |= {("kpi-added", None, "10-15.P1"), ("kpi-added", None, "10-15.E1")}

    # 1-7: P1 dropped, so P2 becomes P1; E1's first deadline slips a year and its second
    # target rises; E2's deadline is brought forward a year and its target lowered.
    f = d / "01-07.yaml"
    text = f.read_text(encoding="utf-8")
    start = text.index("  - id: P1\n")
    f.write_text(text[:start] + text[text.index("  - id: P2\n") :], encoding="utf-8")
    _edit(f, "  - id: P2\n", "  - id: P1\n")
    want |= {("kpi-removed", "1-7.P1", None), ("kpi-renumbered", "1-7.P2", "1-7.P1")}
    _edit(f, "令和６年度（2024年度）末までに99.85％", "令和７年度（2025年度）末までに99.85％")
    _edit(f, "date: '2025-03-31'", "date: '2026-03-31'")
    _edit(f, "text: 令和６年度（2024年度）末までに", "text: 令和７年度（2025年度）末までに")
    _edit(f, "99.90％（", "99.95％（")
    _edit(f, "value: 99.9\n", "value: 99.95\n")
    _edit(f, "text: 99.90％", "text: 99.95％")
    want |= {(c, "1-7.E1", "1-7.E1") for c in ("text-changed", "deadline-slipped")}
    want.add(("target-raised", "1-7.E1", "1-7.E1"))
    _edit(f, "令和５年度（2023年度）末までに95％", "令和４年度（2022年度）末までに90％")
    _edit(f, "date: '2024-03-31'", "date: '2023-03-31'")
    _edit(f, "text: 令和５年度（2023年度）末までに", "text: 令和４年度（2022年度）末までに")
    _edit(f, "value: 95\n", "value: 90\n")
    _edit(f, "text: 95％", "text: 90％")
    want |= {(c, "1-7.E2", "1-7.E2") for c in ("text-changed", "deadline-advanced")}
    want.add(("target-lowered", "1-7.E2", "1-7.E2"))

    # Downward targets: a smaller ceiling is more ambitious, a level above zero less so.
    f = d / "01-08.yaml"
    _edit(f, "８万人未満の路線区間のトンネル内", "６万人未満の路線区間のトンネル内")
    _edit(f, "value: 80000", "value: 60000")
    _edit(f, "text: ８万人未満", "text: ６万人未満")
    want |= {("text-changed", "1-8.E1", "1-8.E1"), ("target-raised", "1-8.E1", "1-8.E1")}
    f = d / "06-42.yaml"
    _edit(f, "ゲート前待機をほぼ解消", "ゲート前待機を10以下")
    _edit(f, "value: 0\n", "value: 10\n")
    _edit(f, "comparison: '~'\n          text: ほぼ解消", "comparison: <=\n          text: 10以下")
    want |= {("text-changed", "6-42.E1", "6-42.E1"), ("target-lowered", "6-42.E1", "6-42.E1")}

    # 6-4: a new progress KPI, and the unset E1 is set.
    f = d / "06-04.yaml"
    _edit(
        f,
        "  - id: E1\n",
        "  - id: P3\n    kind: progress\n    status: set\n"
        "    text: 連結解析の利用申出件数（令和６年度（2024年度）末までに100件）\n"
        "  - id: E1\n",
    )
    want.add(("kpi-added", None, "6-4.P3"))
    _edit(f, "    status: unset\n    unset_reason: 未設定\n", "    status: set\n")
    _edit(
        f,
        "（目標値や達成時期については、利用者により利用方法や利用時期が異なるため、具体的な数値は未設定）",
        "（令和７年度（2025年度）末までに年間100万件）\n    milestones:\n"
        "      - target: {value: 1000000, unit: 件, comparison: '=', text: 100万件}\n"
        "        deadline: {date: '2026-03-31', recurring: false,\n"
        "                   text: 令和７年度（2025年度）末までに}",
    )
    want.add(("became-set", "6-4.E1", "6-4.E1"))

    # 4-21: P2 becomes an outcome KPI; the KPIs are renumbered in document order.
    f = d / "04-21.yaml"
    _edit(f, "  - id: E1\n", "  - id: E2\n")
    _edit(f, "  - id: P2\n    kind: progress\n", "  - id: E1\n    kind: outcome\n")
    want |= {("kind-changed", "4-21.P2", "4-21.E1"), ("kpi-renumbered", "4-21.E1", "4-21.E2")}

    # 8-2: a target counted in another unit; the measure's title reworded.
    f = d / "08-02.yaml"
    _edit(f, "見込：10件）", "見込：10社）")
    _edit(f, "unit: 件\n          comparison: '='\n          text: 10件",
          "unit: 社\n          comparison: '='\n          text: 10社")  # fmt: skip
    want |= {("text-changed", "8-2.P1", "8-2.P1"), ("unit-changed", "8-2.P1", "8-2.P1")}
    _edit(f, "title: 地域企業のDX推進", "title: 地域企業のデジタルトランスフォーメーション推進")
    want.add(("text-changed", "8-2", "8-2"))

    # Deadlines: one added to a target, one removed, one made a fixed date instead of yearly.
    f = d / "09-26.yaml"
    _edit(f, "割合70％以上\n", "割合70％以上（令和６年度（2024年度）末まで）\n")
    _edit(
        f,
        "          text: 70％以上\n",
        "          text: 70％以上\n        deadline:\n          date: '2025-03-31'\n"
        "          recurring: false\n          text: 令和６年度（2024年度）末まで\n",
    )
    want |= {("text-changed", "9-26.E1", "9-26.E1"), ("deadline-added", "9-26.E1", "9-26.E1")}
    f = d / "04-15.yaml"
    _edit(f, "（令和７年度（2025年度）末４分野）", "（４分野）")
    _edit(
        f,
        "          text: ４分野\n        deadline:\n          date: '2026-03-31'\n"
        "          recurring: false\n          text: 令和７年度（2025年度）末\n",
        "          text: ４分野\n",
    )
    want |= {("text-changed", "4-15.E1", "4-15.E1"), ("deadline-removed", "4-15.E1", "4-15.E1")}
    _edit(f, "（毎年度99.5％以上）", "（令和８年度（2026年度）末までに99.5％以上）")
    _edit(
        f,
        "          date:\n          recurring: true\n          text: 毎年度\n",
        "          date: '2027-03-31'\n          recurring: false\n"
        "          text: 令和８年度（2026年度）末までに\n",
    )
    want |= {("text-changed", "4-15.P1", "4-15.P1"), ("deadline-changed", "4-15.P1", "4-15.P1")}

    # 5-3: a KPI quietly turned into 未設定.
    f = d / "05-03.yaml"
    _edit(f, "３月末までにおおむね全ての医療機関等での導入を目指す）", "（未設定）")
    _edit(f, "（令和５年（2023年）（未設定）", "（未設定）")
    text = f.read_text(encoding="utf-8")
    cut = text.index("    milestones:\n")
    f.write_text(text[:cut] + text[text.index("  - id: E1\n") :], encoding="utf-8")
    _edit(
        f,
        "    status: set\n    text: オンライン",
        "    status: unset\n    unset_reason: 未設定\n    text: オンライン",
    )
    want.add(("became-unset", "5-3.P1", "5-3.P1"))

    # 5-6: E1 dropped; P1 and the title edited in punctuation and width only (no change).
    f = d / "05-06.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text[: text.index("  - id: E1\n")], encoding="utf-8")
    want.add(("kpi-removed", "5-6.E1", None))
    _edit(f, "text: マイナンバーカード・公的", "text: マイナンバーカード 公的")
    _edit(
        f, "システムの改修（令和６年度（2024年度）中））", "システムの改修(令和6年度(2024年度)中))"
    )
    _edit(
        f,
        "title: 国外におけるマイナンバーカード・公的個人認証サービスの継続利用",
        "title: 国外における、マイナンバーカード／公的個人認証サービスの継続利用",
    )
    return want
