"""Suggested mappings: by the plan reference an RS sheet gives, then by the likeness of the
indicator's name to a KPI's text and unit; each with its evidence, none active until a person
uncomments it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpiaudit.actuals.mapping import (
    format_suggestions,
    load_mapping,
    plan_reference,
    suggest_mapping,
)
from kpiaudit.actuals.rs import RsIndicator, read_rs
from kpiaudit.model import Kpi, Measure, Milestone, Target

from .rs_fixture import Indicator, write_rs


def kpi(kpi_id: str, text: str, unit: str | None = None) -> Kpi:
    milestones = [Milestone(Target(1, unit, ">=", f"1{unit}"), None)] if unit else []
    kind = "progress" if kpi_id.startswith("P") else "outcome"
    return Kpi(kpi_id, kind, text, "set", milestones=milestones)


# Texts as the 2022 plan writes them (measures/01-07.yaml, 06-04.yaml).
MEASURES = [
    Measure(
        "1-7",
        1,
        "条件不利地域における通信インフラの整備の推進",
        "",
        [
            kpi("P1", "「高度無線環境整備推進事業」実施件数（令和３年度（2021年度）予算約55億円）"),
            kpi(
                "E1",
                "全国の光ファイバ世帯カバー率（令和６年度（2024年度）末までに99.85％）",
                "％",
            ),
            kpi("E2", "5G人口カバー率（令和５年度（2023年度）末までに95％）", "％"),
        ],
    ),
    Measure(
        "6-4",
        6,
        "NDBに係る情報の充実",
        "",
        [
            kpi(
                "P1",
                "オープンデータ公開に向けた集計項目の選定及び集計状況（第７回NDBオープンデータは"
                "令和４年（2022年）秋公開予定）",
            ),
            kpi("P2", "NDBと連結解析できる他の公的データベースの拡大"),
            kpi("E1", "オープンデータ公表ページに対するアクセス数（具体的な数値は未設定）"),
            kpi("E2", "NDBの利活用による研究開発の件数（運用開始後の利用件数）", "件"),
        ],
    ),
]
PLAN = "デジタル社会の実現に向けた重点計画"


def indicators(tmp_path: Path, *specs: Indicator) -> list[RsIndicator]:
    return list(read_rs(write_rs(tmp_path / "3-1.csv", specs)))


@pytest.mark.parametrize(
    ("name", "place"),
    [
        (PLAN, "施策集 [No.６－４]"),
        (PLAN, "6-4"),
        (PLAN, "６－４"),
        (PLAN, "施策番号6-4"),
        (PLAN, "No.6-4 NDBに係る情報の充実"),
        (f"{PLAN}（令和４年６月７日閣議決定）施策集 [No.6-4]", ""),
    ],
)
def test_plan_reference_forms(tmp_path: Path, name: str, place: str) -> None:
    (ind,) = indicators(tmp_path, Indicator(decision_name=name, decision_place=place))
    assert plan_reference(ind)[0] == ["6-4"]


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("経済財政運営と改革の基本方針2022", "No.6-4"),  # another decision
        (PLAN, "第2-3 デジタル社会の実現"),  # a section of the plan's body, not a measure
        (PLAN, "2022-06-07"),
    ],
)
def test_no_plan_reference(tmp_path: Path, name: str, place: str) -> None:
    (ind,) = indicators(tmp_path, Indicator(decision_name=name, decision_place=place))
    assert plan_reference(ind)[0] == []


def test_plan_reference_suggests_that_measures_kpis_best_first(tmp_path: Path) -> None:
    cited = Indicator(
        project="005585",
        decision_name=PLAN,
        decision_place="施策集 [No.６－４]",
        name="NDBを利活用した研究開発の件数",
        unit="件",
    )
    suggestions = suggest_mapping(indicators(tmp_path, cited), MEASURES)
    assert [s.kpi for s in suggestions] == ["6-4.E2", "6-4.P1", "6-4.P2"]
    best = suggestions[0]
    assert [e.field for e in best.evidence] == [
        "事業に関連するKPIが定められている閣議決定等の該当箇所",
        "活動指標／成果指標",
        "単位",
    ]
    assert best.score > suggestions[1].score


def test_similarity_and_unit_suggest_a_kpi_the_sheet_does_not_cite(tmp_path: Path) -> None:
    fibre = Indicator(project="000101", name="光ファイバの世帯カバー率", unit="%")
    training = Indicator(project="000102", name="職員研修の受講者数", unit="人")
    suggestions = suggest_mapping(indicators(tmp_path, fibre, training), MEASURES)
    assert [(s.project, s.kpi) for s in suggestions][:1] == [("000101", "1-7.E1")]
    assert {s.project for s in suggestions} == {"000101"}  # nothing for the unrelated one
    evidence = {e.field: e for e in suggestions[0].evidence}
    assert evidence["活動指標／成果指標"].score >= 0.5
    assert "単位" in evidence


def test_suggestions_are_yaml_that_maps_nothing_until_a_line_is_uncommented(
    tmp_path: Path,
) -> None:
    cited = Indicator(
        project="005585",
        number="2",
        decision_name=PLAN,
        decision_place="[No.6-4]",
        name="NDBを利活用した研究開発の件数",
        unit="件",
        project_name='NDB "改修", 事業',
    )
    text = format_suggestions(suggest_mapping(indicators(tmp_path, cited), MEASURES))
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_mapping(path) == []
    assert "# RS 2024 005585 #2 アウトカム 短期: NDBを利活用した研究開発の件数 (件)" in text
    first = next(line for line in text.splitlines() if line.startswith("# - "))
    assert "cites measure 6-4" in first
    path.write_text(text.replace(first, first[2:]), encoding="utf-8")
    (entry,) = load_mapping(path)
    assert (entry.project, entry.indicator, entry.kpi) == ("005585", "2", "6-4.E2")


def test_a_number_shared_by_two_series_is_written_with_its_term(tmp_path: Path) -> None:
    specs = [
        Indicator(project="000101", name="光ファイバの世帯カバー率", unit="%", term=term)
        for term in ("短期", "長期")
    ]
    text = format_suggestions(suggest_mapping(indicators(tmp_path, *specs), MEASURES))
    entries = [line[2:] for line in text.splitlines() if line.startswith("# - ")]
    assert any('term: "長期"' in e and 'kpi: "1-7.E1"' in e for e in entries)
    path = tmp_path / "map.yaml"
    path.write_text("\n".join(e for e in entries if "1-7.E1" in e) + "\n", encoding="utf-8")
    assert [e.term for e in load_mapping(path)] == ["短期", "長期"]


def test_the_command_shows_control_characters_of_the_rs_file(tmp_path: Path, capsys) -> None:
    """The RS file's text is quoted in the suggestions' comments: an escape sequence in an
    indicator's name or its 該当箇所 is shown as \\x1b, never sent to the terminal."""
    from kpiaudit.cli import main

    from .conftest import MEASURES as PLAN

    path = write_rs(
        tmp_path / "3-1.csv",
        [
            Indicator(
                project="0001",
                name="光ファイバ世帯カバー率\x1b[31m",
                unit="%",
                decision_name="デジタル社会の実現に向けた重点計画",
                decision_place="施策集 1-7\x07",
            )
        ],
    )
    assert main(["actuals", "suggest-map", str(path), str(PLAN), "-q"]) == 0
    out = capsys.readouterr().out
    assert "1-7.E1" in out
    assert "\x1b" not in out and "\x07" not in out
    assert "光ファイバ世帯カバー率\\x1b[31m" in out and "施策集 1-7\\x07" in out
