"""RS system 3-1 files (効果発現経路_目標・実績) in the published layout, for tests and the
benchmark: no copy of the real file is at hand, so this writes its shape as rs-system-3-1.md
describes it. The header is spelt out here on purpose, not imported from the reader, so that a
reader that drifts from the spec fails its tests.

Run ``python -m tests.rs_fixture OUT.csv N`` to write a file of N indicators.
"""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

YEARS = list(range(2007, 2061))
HEADER = [
    "シート種別",
    "事業年度",
    "予算事業ID",
    "事業名",
    "府省庁の建制順",
    "政策所管府省庁",
    "府省庁",
    "局・庁",
    "部",
    "課",
    "室",
    "班",
    "係",
    "事業に関連するKPIが定められている閣議決定等の名称",
    "事業に関連するKPIが定められている閣議決定等の該当箇所",
    "事業に関連するKPIが定められている閣議決定等のURL",
    "アクティビティ・アウトプット・アウトカムの番号",
    "種別（アクティビティ・アウトプット・アウトカム）",
    "アウトカムの期間",
    "成果目標の種類",
    "アクティビティ／活動目標／成果目標",
    "活動指標／成果指標",
    "単位",
    "改善の上向き／下向き",
    "成果実績及び目標値の根拠として用いた統計・データ名（出典）",
    "定性的なアウトカム目標を設定している理由",
    "定性的なアウトカムに関する成果実績",
    "目標年度／目標値／実績値／達成率",
    *[str(y) for y in YEARS],
]
ROW_KINDS = ("1.目標年度", "2.目標値", "3.実績値", "4.達成率")


@dataclass
class Indicator:
    """One indicator as the file spreads it over four rows; year cells as written."""

    project: str = "0001"
    number: str = "1"
    review_year: str = "2024"
    project_name: str = "デジタル推進事業"
    ministry: str = "デジタル庁"
    decision_name: str = ""
    decision_place: str = ""
    decision_url: str = ""
    kind: str = "アウトカム"
    term: str = "短期"
    goal_type: str = "定量的"
    goal: str = "行政手続のオンライン化を進める"
    name: str = "オンライン化された手続の数"
    unit: str = "件"
    direction: str = "上向き"
    data_source: str = "デジタル庁調べ"
    qualitative_reason: str = ""
    qualitative_result: str = ""
    target_year: dict[int, str] = field(default_factory=dict)
    target: dict[int, str] = field(default_factory=dict)
    actual: dict[int, str] = field(default_factory=dict)
    rate: dict[int, str] = field(default_factory=dict)
    activities: int = 0  # activity rows (no year values) written before the indicator
    kinds: tuple[str, ...] = ROW_KINDS  # which of the four rows to write, in this order


def _common(ind: Indicator) -> list[str]:
    return [
        "効果発現経路",
        ind.review_year,
        ind.project,
        ind.project_name,
        "0100",
        ind.ministry,
        ind.ministry,
        "",
        "",
        "情報システム課",
        "",
        "",
        "",
        ind.decision_name,
        ind.decision_place,
        ind.decision_url,
    ]


def rows(indicators: Iterable[Indicator]) -> Iterator[list[str]]:
    """The header, then each indicator's activity rows and its four rows."""
    yield HEADER
    for ind in indicators:
        for a in range(ind.activities):
            yield [
                *_common(ind),
                str(100 + a),
                "アクティビティ",
                "",
                "",
                "システムの運用,\n保守を行う",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                *["" for _ in YEARS],
            ]
        values = {
            "1.目標年度": ind.target_year,
            "2.目標値": ind.target,
            "3.実績値": ind.actual,
            "4.達成率": ind.rate,
        }
        for kind in ind.kinds:
            cells = values.get(kind, {})
            yield [
                *_common(ind),
                ind.number,
                ind.kind,
                ind.term,
                ind.goal_type,
                ind.goal,
                ind.name,
                ind.unit,
                ind.direction,
                ind.data_source,
                ind.qualitative_reason,
                ind.qualitative_result,
                kind,
                *[cells.get(y, "") for y in YEARS],
            ]


def write_rs(
    path: Path,
    indicators: Iterable[Indicator],
    *,
    encoding: str = "utf-8-sig",
    header: list[str] | None = None,
) -> Path:
    """Write a 3-1 file as the RS system publishes it: UTF-8 with BOM, CRLF, fields quoted
    where they hold commas, quotes or line breaks."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        it = rows(indicators)
        next(it)
        writer.writerow(header if header is not None else HEADER)
        writer.writerows(it)
    return path


def generate(n: int, seed: int = 0) -> Iterator[Indicator]:
    """n indicators with the oddities of the real file: names with commas and quotes, goals
    with line breaks (LF and CRLF inside quotes), numbers with and without thousands
    separators, ``-``, text cells, full-width digits, activity rows, plan references."""
    rng = random.Random(seed)
    for i in range(n):
        project = f"{i // 3 + 1:06d}"
        first = rng.choice([2019, 2020, 2021, 2022])
        last_target = rng.choice([2025, 2026, 2027, 2030])
        scale = rng.choice([1, 100, 10_000, 1_000_000])

        def number(value: float) -> str:
            roll = rng.random()
            if roll < 0.5:
                return f"{value:,.0f}"  # thousands separators
            if roll < 0.9:
                return f"{value:.0f}"
            if roll < 0.95:
                return f"{value:.1f}"
            return str(int(value)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))

        target = {y: number(scale * (1 + 0.1 * (y - first))) for y in range(first, 2025)}
        target[last_target] = number(scale * 2)
        actual: dict[int, str] = {}
        rate: dict[int, str] = {}
        for y in range(first, 2024):
            roll = rng.random()
            if roll < 0.08:
                actual[y] = "-"
                rate[y] = "-"
            elif roll < 0.11:
                actual[y] = rng.choice(["集計中", "調査予定", "令和6年度末に公表予定"])
            else:
                value = scale * (1 + 0.1 * (y - first)) * rng.uniform(0.7, 1.2)
                actual[y] = number(value)
                rate[y] = f"{value / (scale * (1 + 0.1 * (y - first))) * 100:.1f}"
        cites_plan = i % 7 == 0
        yield Indicator(
            project=project,
            number=str(i % 3 + 1),
            project_name=f"「デジタル」推進事業, その{i // 3}",
            decision_name="デジタル社会の実現に向けた重点計画" if cites_plan else "",
            decision_place=f"施策集 [No.６－{i % 40 + 1}]" if cites_plan else "",
            decision_url="https://www.digital.go.jp/policies/priority-policy-program"
            if cites_plan
            else "",
            kind="アウトカム" if i % 2 else "アウトプット",
            term=rng.choice(["短期", "中期", "長期"]) if i % 2 else "",
            goal='利用者の利便性を高める。\r\n（手続の"原則オンライン化"）'
            if i % 5 == 0
            else "行政手続のオンライン化を進める\n二行目",
            name=f"オンライン化された手続の数 {i}",
            unit=rng.choice(["件", "%", "千人", "万円", "団体"]),
            direction=rng.choice(["上向き", "下向き", ""]),
            data_source="デジタル庁調べ,\n各府省報告",
            target_year={last_target: str(last_target)},
            target=target,
            actual=actual,
            rate=rate,
            activities=1 if i % 3 == 0 else 0,
        )


if __name__ == "__main__":
    out, count = Path(sys.argv[1]), int(sys.argv[2])
    write_rs(out, generate(count))
    print(f"{out}: {count} indicators")
