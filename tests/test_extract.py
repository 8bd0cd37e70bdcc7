"""The flags' definitions in audit-rules.md, on the examples it names and on the real text."""

from __future__ import annotations

from datetime import date

import pytest

from kpiaudit.extract import extract, unset_marker

BASE = date(2022, 6, 7)


@pytest.mark.parametrize(
    "text",
    [
        "―",
        "-",
        "",
        "未設定",
        "具体的な数値は未設定",
        "検討中：今夏を目途に設定予定",
        "確認した件数については、今後設定",
        "数値目標については、技術実証を踏まえて設定予定",
        "登記済通知書データを活用する地方公共団体数（API連携の検討結果を踏まえて具体的にKPIを設定）",
        "KPIの設定時期：令和４年度（2022年度）末",
    ],
)
def test_unset(text: str) -> None:
    assert extract(text, BASE).unset is not None


def test_unset_in_a_note_about_the_kpi_itself() -> None:
    note = (
        "※KPI（進捗）とKPI（効果）は連動するため、…令和４年度（2022年度）以降、KPI（効果）の"
        "値等を設定することとしたい。"
    )
    assert extract("サイバーポート（港湾物流）各種機能の利用回数", BASE, [note]).unset


def test_set_later_for_a_sub_area_does_not_unset_a_kpi_with_a_target() -> None:
    note = "※港湾管理分野については、…KPIの設定は令和５年度（2023年度）以降…適切に設定したい。"
    x = extract("全932港湾のうち…割合（令和６年度（2024年度）100％）", BASE, [note])
    assert x.unset is None and [t.text for t in x.targets] == ["100％"]


def test_words_that_merely_contain_unset_characters_are_not_unset() -> None:
    assert unset_marker("未整備世帯約９万世帯") is None
    assert unset_marker("※本KPIについては、棚卸調査の実施後に修正を検討する。") is None


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("説明会の開催回数（令和４年（2022年）３件）", "３件"),
        ("利用数（令和８年度（2026年度）まで100以上）", "100以上"),
        ("実施拠点数（令和３年度（2021年度）1,800か所）", "1,800か所"),
        ("人数（令和３年度（2021年度）40万人）", "40万人"),
        ("講師派遣実施の件数（年間60回）", "60回"),
        ("消費電力性能（従来比10倍以上）", "10倍以上"),
        ("カバー率（令和６年度（2024年度）末までに99.85％）", "99.85％"),
        ("令和19年度（2037年度）において約3,275万t/年のCO2削減", "約3,275万t/年"),
        ("合計30の認定情報銀行事業者数を達成", "30"),
        ("数の比（毎年度末100％超）", "100％超"),
        ("検挙件数（令和９年度（2027年度）までに半減）", "半減"),
        ("児童生徒１人１台端末の実現", "１人１台"),
        ("令和６年度（2024年度）までに全都道府県に導入", "全都道府県"),
        ("令和７年（2025年）までに全ての大学生・高専生が素養を身に着ける", "全ての大学生・高専生"),
        (
            "令和５年（2023年）３月末までにおおむね全ての医療機関等での導入を目指す",
            "おおむね全ての医療機関等",
        ),
        ("加盟する地方公共団体数 100（令和４年度（2022年度）末までに）", "100"),
        ("平均処理期間：４日（令和７年度（2025年度））", "４日"),
    ],
)
def test_quantitative_target(text: str, target: str) -> None:
    assert target in [t.text for t in extract(text, BASE).targets]


@pytest.mark.parametrize(
    "text",
    [
        "5G人口カバー率",
        "Society 5.0の実現",
        "第７回NDBオープンデータの公開",
        "3D都市モデルの整備",
        "「ガバナンス・イノベーションVer.2」報告書",
        "ISO/IEC JTC1/SC27における規格案の策定",
        "令和４年度（2022年度）末までに",
        "実施件数（令和３年度（2021年度）予算約55億円）",
        "拡充（令和３年度（2021年度）３月時点：35万本）",
        "整備率：6.2％（令和３年（2021年）３月１日時点）",
        "技術を確立",
        "ガイドラインの策定",
        "助成終了後２年経過時の事業継続率",
        "全法人のうち、目標を策定している法人の割合",
        "教育用コンピュータ１台当たりの児童生徒数",
        "研修等の開催件数（参考：令和３年度（2021年度）243件）",
    ],
)
def test_not_a_target(text: str) -> None:
    assert extract(text, BASE).targets == []


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("令和４年度末まで", date(2023, 3, 31)),
        ("令和７年（2025年）までに", date(2025, 12, 31)),
        ("令和４年中に策定", date(2022, 12, 31)),
        ("令和４年（2022年）夏を目途", date(2022, 8, 31)),
        ("（令和３年度（2021年度）1,800か所）", date(2022, 3, 31)),
        ("２倍にする（令和５年度末（2023年度末））", date(2024, 3, 31)),
        # A past date attached to the KPI's own event is its deadline (issue 10.4).
        (
            "オンライン電子納品システムの運用開始（令和3年（2021年）12月）引き続き、運用を継続",
            date(2021, 12, 31),
        ),
        ("令和３年度中に運用開始", date(2022, 3, 31)),
        ("研究開発課題数（令和２年度（2020年度）までに10件）", date(2021, 3, 31)),
    ],
)
def test_deadline(text: str, deadline: date) -> None:
    assert [d.date for d in extract(text, BASE).deadlines] == [deadline]


@pytest.mark.parametrize(
    "text", ["毎年度末100％超", "年間60回", "年15件", "３件/年", "年１回以上実施"]
)
def test_rate_is_a_recurring_deadline(text: str) -> None:
    deadlines = extract(text, BASE).deadlines
    assert deadlines and all(d.recurring for d in deadlines)


@pytest.mark.parametrize(
    "text",
    [
        "勧告案の確定（令和４年度（2022年度）以降)",
        "４月から運用",
        "AI戦略の実施状況（令和元年度（2019年度）策定）",
        "実証件数（令和３年度（2021年度）補正予算）",
        "令和４年度（2022年度）以降に３件以上",
        # Past dates about something else: context (issue 10.4).
        "各地方公共団体に対し、令和３年度（2021年度）に構築したシステムの周知",
        "AI戦略（令和元年度（2019年度））の実施状況",
        "「ガバナンス・イノベーションVer.2」報告書（令和３年（2021年）７月公表）の周知",
        "令和２年度学校における教育の情報化の実態等に関する調査結果の公表",
        "改修コスト３割削減（令和２年度（2020年度）比）",
        "データベースを拡充（令和３年度（2021年度）３月時点：35万本）",
    ],
)
def test_not_a_deadline(text: str) -> None:
    assert extract(text, BASE).deadlines == []


def test_several_milestones_pair_in_reading_order() -> None:
    x = extract(
        "（令和６年度（2024年度）末までに99.85％（未整備世帯約９万世帯）、"
        "令和９年度（2027年度）末までに99.90％（未整備世帯約５万世帯））",
        BASE,
    )
    pairs = [
        (m.target.text if m.target else None, m.deadline.date if m.deadline else None)
        for m in x.milestones
    ]
    assert pairs == [("99.85％", date(2025, 3, 31)), ("99.90％", date(2028, 3, 31))]


def test_past_point_of_a_series_is_its_baseline() -> None:
    """A series that runs from a past figure to a future target starts at the past figure: a
    plan of June 2022 giving 約22万件 for FY2020 states where the KPI stands, not a target."""
    x = extract(
        "連携するデータ数（令和２年度（2020年度） 約22万件、令和７年度（2025年度） 約150万件）",
        BASE,
    )
    assert [(m.target.text, m.deadline.date) for m in x.milestones if m.target and m.deadline] == [
        ("約150万件", date(2026, 3, 31))
    ]
    assert [(b.value, b.as_of) for b in x.baselines] == [(220_000, date(2021, 3, 31))]


def test_a_past_target_with_its_own_date_is_a_milestone() -> None:
    """A target with its own date is a milestone even when the date had passed on the base
    date (audit-rules.md): whether it was met is a question for actual values."""
    x = extract("デジタル活用支援に係る実施拠点数（令和３年度（2021年度）1,800か所）", BASE)
    assert [(m.target.text, m.deadline.date) for m in x.milestones if m.target and m.deadline] == [
        ("1,800か所", date(2022, 3, 31))
    ]
    assert not x.baselines


def test_a_baseline_stays_a_baseline() -> None:
    x = extract("全体の94％（令和４年（2022年）２月時点）", BASE)
    assert not x.targets and [b.text for b in x.baselines] == ["94％"]
    x = extract("研修等の開催件数（参考：令和３年度（2021年度）243件）", BASE)
    assert not x.milestones and [b.text for b in x.baselines] == ["243件"]


def test_era_mismatch_is_carried() -> None:
    x = extract("令和５年度（2024年度）までに10件", BASE)
    assert x.date_mismatches and "2023" in (x.date_mismatches[0].mismatch or "")


@pytest.mark.parametrize(
    ("text", "set_by"),
    [
        ("検討中：今夏を目途に設定予定", date(2022, 8, 31)),
        ("（具体的な指標値は令和４年度（2022年度）までに設定）", date(2023, 3, 31)),
        ("未設定（令和６年度（2024年度）中を目途に明確化予定）", date(2025, 3, 31)),
        ("KPIの設定時期：令和４年度（2022年度）末", date(2023, 3, 31)),
        # The date is the figure's, in a bracket that closes before the unset wording: the text
        # does not say when the KPI is to be set (lint said so in K206, issue 10.1).
        ("高齢者等の人数（令和３年度（2021年度）40万人）目標値は未設定", None),
    ],
)
def test_set_by_is_the_date_the_text_says_the_kpi_is_to_be_set_by(text, set_by) -> None:
    x = extract(text, BASE)
    assert x.unset is not None
    assert (x.set_by.date if x.set_by else None) == set_by
