"""kpiaudit import on the real plan text, on a hand-made plan, and the committed measures/."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kpiaudit import importer, source
from kpiaudit.cli import main

from .conftest import BASE, FIXTURES, MEASURES, ROOT, SOURCE

SCHEMA = json.loads((ROOT / "schema" / "measure.schema.json").read_text(encoding="utf-8"))
PLAN_SCHEMA = json.loads((ROOT / "schema" / "plan.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(source_text: str) -> dict[str, str]:
    files, _ = importer.build(
        source_text,
        BASE,
        source_name="sources/digital-plan-2022-measures.txt",
        edition="令和4年6月",
    )
    return files


def load(text: str) -> dict:
    return YAML(typ="safe").load(text)


def test_163_measures_in_10_chapters(built: dict[str, str]) -> None:
    docs = [load(t) for n, t in built.items() if n != "plan.yaml"]
    assert len(docs) == 163
    per_chapter = Counter(d["chapter"] for d in docs)
    assert [per_chapter[c] for c in range(1, 11)] == [10, 5, 4, 25, 9, 45, 5, 5, 40, 15]
    assert docs[0]["id"] == "1-1" and docs[-1]["id"] == "10-15"
    assert sorted(built) == list(built)  # file names sort in document order


def test_ids_are_those_of_the_source(built: dict[str, str], source_text: str) -> None:
    ids = [
        f"{int(m[1].translate(str.maketrans('０１２３４５６７８９', '0123456789')))}-"
        f"{int(m[2].translate(str.maketrans('０１２３４５６７８９', '0123456789')))}"
        for m in re.finditer(r"\[No\.([０-９0-9]+)－([０-９0-9]+)\]", source_text)
    ]
    assert ids == [load(t)["id"] for n, t in built.items() if n != "plan.yaml"]


def _squash(text: str) -> str:
    # Whitespace, bullets and ruby brackets are layout; KPI labels become the kinds.
    text = re.sub(r"KPI[（(](進捗|効果)[）)][:：]", "", text)
    return re.sub(r"[\s・()（）]", "", text)


def test_nothing_is_lost(built: dict[str, str], source_text: str) -> None:
    """Every measure's title, body, KPI text and notes appear, in order, in its YAML."""
    lines = source.clean_lines(source_text)
    heads = [i for i, ln in enumerate(lines) if re.match(r"\[No", ln.text)]
    chapters = {i for i, ln in enumerate(lines) if source._CHAPTER.match(ln.text)}
    docs = [load(t) for n, t in built.items() if n != "plan.yaml"]
    for doc, start, end in zip(docs, heads, [*heads[1:], len(lines)], strict=False):
        stop = min([c for c in chapters if start < c < end] or [end])
        original = _squash("".join(ln.text for ln in lines[start:stop]))
        original = re.sub(r"^\[No\.[^\]]*\]", "", original)
        kept = "".join(
            [doc["title"], doc["objective"]]
            + [k["text"] + "".join(k.get("notes", [])) for k in doc["kpis"]]
        )
        assert _squash(kept) == original, doc["id"]


def test_kpi_granularity_follows_the_rules(built: dict[str, str]) -> None:
    docs = {load(t)["id"]: load(t) for n, t in built.items() if n != "plan.yaml"}
    ids = lambda m: [k["id"] for k in docs[m]["kpis"]]  # noqa: E731
    assert ids("1-1") == ["P1", "P2", "E1", "E2"]
    assert ids("9-32") == ["P1", "P2", "P3", "E1"]  # one KPI per ＜…＞ heading
    assert ids("6-42") == ["P1", "E1"]  # lines without ・ stay one KPI
    assert ids("6-41") == ["P1", "E1"]  # ※ note naming KPI（進捗） is not a block
    first = docs["6-20"]["kpis"][0]["text"]
    assert first.startswith("防災チャットボットの実証実験・実災害適用回数")  # the lead joins P1
    p1 = docs["4-8"]["kpis"][0]
    assert ids("4-8") == ["P1", "E1"] and "（参考：実績値）" in p1["notes"][0]
    assert "(補足)" in docs["4-1"]["kpis"][0]["notes"][0]
    assert sum(len(d["kpis"]) for d in docs.values()) == 377


def test_flags_on_kpis_a_reader_knows(built: dict[str, str]) -> None:
    docs = {load(t)["id"]: load(t) for n, t in built.items() if n != "plan.yaml"}

    def kpi(ref):
        return next(k for k in docs[ref.split(".")[0]]["kpis"] if k["id"] == ref.split(".")[1])

    assert kpi("6-41.E1")["status"] == "unset"  # its note says the value is set later
    assert kpi("2-1.P1")["status"] == "unset"
    assert kpi("9-15.P1")["status"] == "set"  # the note is about another sub-area
    e1 = kpi("1-7.E1")["milestones"]
    assert [(m["target"]["text"], m["deadline"]["date"]) for m in e1] == [
        ("99.85％", "2025-03-31"),
        ("99.90％", "2028-03-31"),
    ]
    assert kpi("10-10.P1")["milestones"][0]["deadline"]["recurring"] is True
    assert "milestones" not in kpi("3-2.E1")


def test_every_file_validates(built: dict[str, str]) -> None:
    for name, text in built.items():
        schema = PLAN_SCHEMA if name == "plan.yaml" else SCHEMA
        jsonschema.validate(load(text), schema, format_checker=jsonschema.FormatChecker())
        assert text.startswith("# yaml-language-server: $schema=../schema/")


def test_committed_measures_are_the_importers_output(built: dict[str, str]) -> None:
    committed = {p.name: p.read_text(encoding="utf-8") for p in MEASURES.iterdir()}
    assert committed == {**built, importer.MANIFEST: importer.manifest(built)}, (
        "measures/ differs from a fresh import: fix the importer, re-run"
    )


def test_output_is_deterministic(source_text: str, built: dict[str, str]) -> None:
    again, _ = importer.build(
        source_text,
        BASE,
        source_name="sources/digital-plan-2022-measures.txt",
        edition="令和4年6月",
    )
    assert again == built


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.update(chapter="6"), "chapter"),
        (lambda d: d.pop("title"), "title"),
        (lambda d: d["kpis"][0].update(kind="impact"), "kind"),
        (lambda d: d["kpis"][0].update(id="K1"), "id"),
        (lambda d: d.update(extra=1), "extra"),
    ],
)
def test_schema_rejects_wrong_type_or_missing_field(built, mutate, path: str) -> None:
    doc = load(built["01-01.yaml"])
    mutate(doc)
    with pytest.raises(jsonschema.ValidationError) as info:
        jsonschema.validate(doc, SCHEMA)
    assert path in str(info.value)


def test_hand_made_plan_with_tricky_cases() -> None:
    files, summary = importer.build(
        (FIXTURES / "tricky-plan.txt").read_text(encoding="utf-8"), BASE
    )
    docs = {n: load(t) for n, t in files.items()}
    m11 = docs["01-01.yaml"]
    assert m11["title"].endswith("折り返されている場合の取扱いの確認")  # wrapped title
    assert "繋(つな)がる" in m11["objective"]  # split ruby joined
    assert [k["id"] for k in m11["kpis"]] == ["P1", "P2", "E1"]
    assert m11["kpis"][0]["text"].startswith("指標の名前（リード文）\n")
    assert m11["kpis"][1]["milestones"][0]["deadline"]["date"] == "2029-03-31"  # 令和十年度
    assert m11["kpis"][2]["status"] == "unset"
    m12 = docs["01-02.yaml"]
    assert [k["id"] for k in m12["kpis"]] == ["P1", "P2", "E1"]
    assert m12["kpis"][1]["milestones"][0]["deadline"]["date"] == "2024-03-31"  # 来年度
    assert m12["kpis"][2]["baselines"][0]["text"] == "20％"
    assert "12" not in m11["kpis"][2]["text"]  # page number dropped
    assert any("2023" in w for _, w in summary.warnings)  # 令和５年度（2024年度）
    assert docs["plan.yaml"]["chapters"][1]["title"] == "二つ目の章"


def test_cli_refuses_to_overwrite_and_writes_atomically(tmp_path: Path, capsys) -> None:
    out = tmp_path / "m"
    args = [
        "import",
        str(FIXTURES / "tricky-plan.txt"),
        "--out",
        str(out),
        "--base-date",
        "2022-06-07",
    ]
    assert main(args) == 0
    assert "3 measures, 8 KPIs" in capsys.readouterr().err
    (out / "01-01.yaml").write_text("# my edit\n", encoding="utf-8")
    assert main(args) == 2
    assert "already exist" in capsys.readouterr().err
    assert (out / "01-01.yaml").read_text(encoding="utf-8") == "# my edit\n"
    assert main([*args, "--force"]) == 0
    assert (out / "01-01.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server")
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_cli_bad_source(tmp_path: Path, capsys) -> None:
    sjis = tmp_path / "plan.txt"
    sjis.write_bytes("施策".encode("shift_jis"))
    assert main(["import", str(sjis), "--out", str(tmp_path / "o")]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "o")]) == 2
    assert main(["import", str(SOURCE), "--out", str(tmp_path / "o"), "--base-date", "June"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


# --- issue 10.8: the same text gives the same measures on any day ----------------------------


def test_the_base_date_is_read_from_the_plan_text(tmp_path: Path, capsys) -> None:
    out = tmp_path / "m"
    assert main(["import", str(FIXTURES / "tricky-plan.txt"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "base date 2022-06-07 (from line 3 of" in err  # not the 令和３年６月18日 of another plan
    assert load((out / "plan.yaml").read_text(encoding="utf-8"))["base_date"] == "2022-06-07"
    # 来年度 is read against that date, not today's.
    m12 = load((out / "01-02.yaml").read_text(encoding="utf-8"))
    assert m12["kpis"][1]["milestones"][0]["deadline"]["date"] == "2024-03-31"


def test_a_plan_text_without_a_date_needs_base_date(tmp_path: Path, capsys) -> None:
    out = tmp_path / "m"
    assert main(["import", str(SOURCE), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "states no date of its own; give --base-date" in err and not out.exists()
    # --base-date wins over a date the text states.
    args = ["import", str(FIXTURES / "tricky-plan.txt"), "--out", str(out)]
    assert main([*args, "--base-date", "2023-06-01"]) == 0
    assert "base date 2023-06-01 (from --base-date)" in capsys.readouterr().err
    m12 = load((out / "01-02.yaml").read_text(encoding="utf-8"))
    assert m12["kpis"][1]["milestones"][0]["deadline"]["date"] == "2025-03-31"


# --- issue 10.9: --force removes what an earlier import wrote, and only that ------------------


def test_force_removes_the_files_an_earlier_import_wrote(tmp_path: Path, capsys) -> None:
    text = (FIXTURES / "tricky-plan.txt").read_text(encoding="utf-8")
    earlier = tmp_path / "earlier.txt"
    extra = (
        "\n [No.２－２] 四つ目の施策 \n・ 本文。\nKPI（進捗）： 件数（令和５年度末までに10件）\n"
    )
    extra += "KPI（効果）： 率（令和５年度末までに50％）\n"
    extra += " [No.２－３] 五つ目の施策 \n・ 本文。\nKPI（進捗）： 件数（令和５年度末までに10件）\n"
    extra += "KPI（効果）： 率（令和５年度末までに50％）\n"
    earlier.write_text(text + extra, encoding="utf-8")
    out = tmp_path / "m"
    assert main(["import", str(earlier), "--out", str(out)]) == 0
    assert {p.name for p in out.glob("02-0*.yaml")} == {"02-01.yaml", "02-02.yaml", "02-03.yaml"}
    (out / "02-03.yaml").write_text("# edited by hand\n" + (out / "02-03.yaml").read_text())
    (out / "02-04.yaml").write_text("# a measure written by a person\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(FIXTURES / "tricky-plan.txt"), "--out", str(out), "--force"]) == 0
    err = capsys.readouterr().err
    assert not (out / "02-02.yaml").exists()
    assert "removed 1 file(s) an earlier import wrote and this one does not: 02-02.yaml" in err
    assert (out / "02-03.yaml").exists() and "02-03.yaml: left in place" in err and "edited" in err
    assert (out / "02-04.yaml").exists() and "02-04.yaml: left in place: not written by" in err
    assert (out / "notes.txt").exists()
    written = json.loads((out / importer.MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(written) == ["01-01.yaml", "01-02.yaml", "02-01.yaml", "plan.yaml"]


# --- issue 11, item 13: what import writes passes its own lint -------------------------------


def tricky_with(tmp_path: Path, change) -> tuple[Path, int]:  # type: ignore[no-untyped-def]
    """The tricky plan with one line changed; the 1-based number of that line."""
    lines = (FIXTURES / "tricky-plan.txt").read_text(encoding="utf-8").split("\n")
    index = change(lines)
    p = tmp_path / "plan.txt"
    p.write_text("\n".join(lines), encoding="utf-8")
    return p, index + 1


def edit(start: str, new):  # type: ignore[no-untyped-def]
    """Replace the line starting with ``start`` by ``new(line)``."""

    def change(lines: list[str]) -> int:
        i = next(i for i, ln in enumerate(lines) if ln.strip().startswith(start))
        lines[i] = new(lines[i])
        return i

    return change


@pytest.mark.parametrize(
    ("change", "says"),
    [
        # A control character or NUL inside a KPI's line.
        (
            edit("・ 利用者数", lambda ln: "・ 利用\x1b[31m者数"),
            "error: column 5: U+001B is a control character a measure file cannot hold",
        ),
        (edit("・ 利用者数", lambda ln: ln + "\x00"), "error: column 24: U+0000 is a control"),
        (edit("・ 利用者数", lambda ln: ln + "\x85"), "error: column 24: U+0085 is a control"),
        # A heading with no title, and one whose numbers do not count from 1.
        (edit("[No.１－２]", lambda ln: " [No.１－２]"), "error: measure 1-2 has no title"),
        (
            edit("[No.１－２]", lambda ln: " [No.0-0] 題名"),
            "error: [No.0-0] is not a measure number: both numbers count from 1",
        ),
    ],
)
def test_import_refuses_what_would_not_pass_lint(tmp_path: Path, capsys, change, says) -> None:
    """These imported with exit 0 and then failed lint (E001 reported at 1:1, E002, E004), or
    were an internal error ([No.0-0])."""
    src, line = tricky_with(tmp_path, change)
    out = tmp_path / "m"
    code = main(["import", str(src), "--out", str(out), "--base-date", "2022-06-07"])
    err = capsys.readouterr().err
    assert code == 2 and f"{src.as_posix()}:{line}: {says}" in err, err
    assert "nothing was written" in err and not out.exists()
    assert "internal error" not in err


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(
            [
                *"[No.１－２0]・※KPI（進捗）：効果令和４年度末までに10％\n\r\f\t ＜＞【】参考Ⅰ．章",
                *("\x00", "\x1b", "\x85", "\u2028", "\u202e", "\ufeff", "\x7f", ":", "#", "'", '"'),
            ]
        ),
        max_size=300,
    )
)
def test_whatever_import_writes_loads_and_validates(text: str) -> None:
    """The property behind item 13: no errors means every file passes lint's file checks."""
    from kpiaudit.load import load_text
    from kpiaudit.schema import MEASURE_SCHEMA, PLAN_SCHEMA, validate

    files, summary = importer.build(text, BASE)
    if summary.errors:
        return
    for name, content in files.items():
        loaded = load_text(content, name)
        schema = PLAN_SCHEMA if name == "plan.yaml" else MEASURE_SCHEMA
        assert not (loaded.problems or validate(loaded, schema)), (name, content)
