"""kpiaudit fix: KPIs whose structure disagrees with their text are re-read, and nothing else in
a hand-edited file changes: comments, key order, quoting, line ends, permissions."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpiaudit.cli import main
from kpiaudit.codec import DERIVED_KEYS as DERIVED
from kpiaudit.config import Config
from kpiaudit.fix import plan_fixes
from kpiaudit.load import load_path, load_text

from .conftest import MEASURES

# A real measure with the edits a person makes by hand: comments everywhere, a KPI text
# revised (the E1 deadline moved a year), a target and deadline added to P1's text.
EDITS = [
    ("id: 1-7\n", "# reviewed by 総務省 2024-05\nid: 1-7\n"),
    (
        "  - id: E1\n    kind: outcome\n    status: set\n",
        "  # E1 updated after the 2024 revision\n  - id: E1\n    kind: outcome\n"
        "    status: set  # confirmed\n",
    ),
    ("令和６年度（2024年度）末までに99.85％", "令和７年度（2025年度）末までに99.85％"),
    ("予算約37億円）\n", "予算約37億円）、令和８年度までに100件\n"),
]


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    d = tmp_path / "measures"
    shutil.copytree(MEASURES, d)
    return d


def edited(plan: Path, edits: list[tuple[str, str]] = EDITS) -> Path:
    p = plan / "01-07.yaml"
    text = p.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    p.write_text(text, encoding="utf-8")
    return p


def lint_codes(path: Path, capsys) -> list[str]:
    main(["lint", str(path), "-f", "json"])
    return [f["code"] for f in json.loads(capsys.readouterr().out)]


def test_fix_rewrites_only_the_keys_that_disagree(plan: Path, capsys) -> None:
    path = edited(plan)
    before = path.read_text(encoding="utf-8")
    assert {"K202", "K206"} <= set(lint_codes(path, capsys))
    assert main(["fix", str(path)]) == 0
    err = capsys.readouterr().err
    assert "fixed 1-7.P1 (milestones)" in err and "fixed 1-7.E1 (milestones)" in err
    after = path.read_text(encoding="utf-8")
    # Only E1's deadline (two lines) changed; P1's milestones were added; the rest is as it was.
    removed = [ln for ln in before.splitlines() if ln not in after.splitlines()]
    assert removed == [
        "          date: '2025-03-31'",
        "          text: 令和６年度（2024年度）末までに",
    ]
    assert "          date: '2026-03-31'" in after and "          text: 令和８年度までに" in after
    for comment in ("# reviewed by", "  # E1 updated after", "    status: set  # confirmed"):
        assert comment in after
    assert not {"K202", "K203", "K204", "K206"} & set(lint_codes(path, capsys))
    assert main(["fix", str(path)]) == 0 and path.read_text(encoding="utf-8") == after
    assert "fixed 0 KPI(s) in 0 file(s)" in capsys.readouterr().err


def test_diff_shows_the_change_and_writes_nothing(plan: Path, capsys) -> None:
    path = edited(plan)
    before = path.read_bytes()
    assert main(["fix", str(plan), "--diff"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"--- a/{path.as_posix()}\n+++ b/{path.as_posix()}\n")
    assert "-          date: '2025-03-31'\n+          date: '2026-03-31'\n" in out
    assert "would fix 2 KPI(s) in 1 file(s)" in err
    assert path.read_bytes() == before


def test_status_changes_in_place_and_keeps_its_comment(plan: Path, capsys) -> None:
    path = edited(
        plan,
        [
            (
                "    status: set\n    text: 5G人口カバー率（令和５年度（2023年度）末までに95％）",
                "    status: set  # 要確認\n    text: 5G人口カバー率（未設定）",
            )
        ],
    )
    assert "K204" in lint_codes(path, capsys)
    assert main(["fix", str(path)]) == 0
    after = path.read_text(encoding="utf-8")
    assert "    status: unset  # 要確認\n    unset_reason: 未設定\n    text: 5G人口" in after
    assert not {"K204", "K202", "K203"} & set(lint_codes(path, capsys))


def test_a_comment_inside_a_key_is_never_lost(plan: Path, capsys) -> None:
    path = edited(
        plan,
        [
            ("令和６年度（2024年度）末までに99.85％", "令和７年度（2025年度）末までに99.85％"),
            ("          date: '2025-03-31'\n", "          date: '2025-03-31'  # 当初計画\n"),
        ],
    )
    before = path.read_bytes()
    assert main(["fix", str(path)]) == 1
    err = capsys.readouterr().err
    assert "not fixed: 1-7.E1 milestones: a comment is on its lines" in err
    assert "1 left to fix by hand" in err
    assert path.read_bytes() == before


def test_a_suppressed_finding_is_not_fixed(plan: Path, capsys) -> None:
    path = edited(
        plan,
        [
            (
                "  - id: P1\n    kind: progress\n",
                "  - id: P1  # kpiaudit: ignore[K206] the 100件 is an estimate\n"
                "    kind: progress\n",
            ),
            ("予算約37億円）\n", "予算約37億円）、令和８年度までに100件\n"),
        ],
    )
    before = path.read_bytes()
    assert main(["fix", str(path)]) == 0
    assert path.read_bytes() == before


def test_line_ends_bom_and_permissions_are_kept(plan: Path, capsys) -> None:
    path = edited(plan)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    path.chmod(0o640)
    assert main(["fix", str(path)]) == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\n") == raw.count(b"\r\n")
    assert b"2026-03-31" in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_set_by_is_read_from_the_text_and_restored(plan: Path, capsys) -> None:
    """A promise date (KPIの設定時期：令和４年度末) is kept as set_by, never as a milestone."""
    path = plan / "06-28.yaml"
    before = path.read_text(encoding="utf-8")
    assert "    set_by:\n      date: '2023-03-31'\n      text: 令和４年度（2022年度）末\n" in before
    assert "milestones" not in before
    # An older file recorded the promise as a milestone: lint says where it belongs, fix moves it.
    older = before.replace(
        "    set_by:\n      date: '2023-03-31'\n      text: 令和４年度（2022年度）末\n", ""
    ) + (
        "    milestones:\n      - deadline:\n          date: '2023-03-31'\n"
        "          recurring: false\n          text: 令和４年度（2022年度）\n"
    )
    path.write_text(older, encoding="utf-8")
    assert {"K202", "K206"} <= set(lint_codes(path, capsys))
    assert main(["fix", str(path)]) == 0
    assert "fixed 6-28.E1 (set_by, milestones)" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before


def test_the_bundled_measures_need_no_fix(plan: Path, capsys) -> None:
    assert main(["fix", str(plan), "--diff"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "would fix 0 KPI(s) in 0 file(s)" in err


def test_fix_restores_every_milestone_removed_from_the_bundled_measures(plan: Path, capsys) -> None:
    """Real data, byte for byte: drop the milestones of every set KPI of the 2022 plan; fix
    puts each back where import wrote it. (An unset KPI's milestone, the date it is to be set
    by, raises no finding when dropped, so fix has nothing to act on there.)"""
    dropped = 0
    for path in sorted(plan.glob("[0-9]*.yaml")):
        kept, status, skipping = [], "", False
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.startswith("    status: "):
                status = line.split(": ", 1)[1]
            if line == "    milestones:" and status == "set":
                skipping, dropped = True, dropped + 1
                continue
            if skipping and line.startswith("      "):
                continue
            skipping = False
            kept.append(line)
        path.write_text("\n".join(kept), encoding="utf-8")
    assert dropped == 184
    assert main(["fix", str(plan)]) == 0
    assert "fixed 184 KPI(s) in 114 file(s)" in capsys.readouterr().err
    for path in sorted(plan.glob("*.yaml")):
        assert path.read_bytes() == (MEASURES / path.name).read_bytes(), path.name


# Every single-line KPI text of the 2022 plan, to put in place of another KPI's text.
TEXTS = sorted(
    {
        k["text"]
        for p in MEASURES.glob("[0-9]*.yaml")
        for k in load_path(p).data["kpis"]
        if "\n" not in k["text"]
    }
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kpi=st.integers(0, 3),
    text=st.sampled_from(TEXTS),
    comments=st.lists(st.integers(0, 10_000), max_size=4),
)
def test_fix_keeps_every_comment_and_every_field_it_does_not_own(
    tmp_path_factory: pytest.TempPathFactory, kpi: int, text: str, comments: list[int]
) -> None:
    """Any real KPI text put in place of another's, with comments anywhere in the KPI list:
    fix ends in a result, keeps each comment line, changes only the fields read from text, and
    leaves no consistency finding it did not report as left."""
    d = tmp_path_factory.mktemp("m")
    shutil.copy(MEASURES / "plan.yaml", d / "plan.yaml")
    lines = (MEASURES / "01-07.yaml").read_text(encoding="utf-8").split("\n")
    texts = [i for i, ln in enumerate(lines) if ln.startswith("    text: ")]
    lines[texts[kpi]] = "    text: " + json.dumps(text, ensure_ascii=False)
    first = lines.index("kpis:") + 1
    for n, at in enumerate(sorted(comments, reverse=True)):
        lines.insert(first + at % (len(lines) - first), f"  # note {n}")
    path = d / "01-07.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    fixes = plan_fixes([d], Config())
    if not fixes:
        return
    (fix,) = fixes
    old, new = fix.old.split("\n"), fix.new.split("\n")
    assert [ln for ln in old if "#" in ln] == [ln for ln in new if "#" in ln]
    before, after = load_text(fix.old, "a").data, load_text(fix.new, "b").data
    for k in (*before["kpis"], *after["kpis"]):
        for key in DERIVED:
            k.pop(key, None)
    assert before == after
    path.write_text(fix.new, encoding="utf-8")
    left = {item.split(" ")[0] for item in fix.skipped}
    again = [f for f in plan_fixes([d], Config()) if f.fixed]
    assert not again or {i.split(" ")[0] for i in again[0].fixed} <= left
