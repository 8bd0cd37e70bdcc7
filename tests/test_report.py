"""kpiaudit report without a browser: what the site holds, that it agrees with status, that a
stranger's measure file cannot inject anything, and how --out is written and guarded."""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kpiaudit.audit import audit
from kpiaudit.cli import main
from kpiaudit.config import Config
from kpiaudit.report import build_document, build_site
from kpiaudit.report import write as write_module
from kpiaudit.report.document import ProgressDoc, ProgressRow, ReportDocument

from .conftest import MEASURES, ROOT

EXAMPLES = ROOT / "examples" / "measures"
TODAY = date(2024, 6, 1)


class Page(HTMLParser):
    """Element ids, link targets and every URL-bearing attribute of one page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.urls: list[str] = []
        self.lang = ""
        self.csp = ""
        self.scripts = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a.get("content") or ""
        if tag == "script":
            self.scripts += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        for name in ("href", "src", "srcset", "action", "poster", "data", "xlink:href"):
            if a.get(name):
                self.urls.append(a[name] or "")


@pytest.fixture(scope="module")
def document() -> ReportDocument:
    return build_document(audit([MEASURES], Config()).single(), TODAY)


@pytest.fixture(scope="module")
def files(document: ReportDocument) -> dict[str, bytes]:
    return build_site(document, "ja")


def pages(files: dict[str, bytes]) -> dict[str, Page]:
    return {n: Page(data.decode("utf-8")) for n, data in files.items() if n.endswith(".html")}


def test_a_page_per_chapter_and_measure_and_every_link_resolves(files: dict[str, bytes]) -> None:
    parsed = pages(files)
    assert "index.html" in parsed
    assert sum(n.startswith("chapter-") for n in parsed) == 10
    assert sum(n.startswith("measure-") for n in parsed) == 163
    for name, page in parsed.items():
        assert len(page.ids) == len(set(page.ids)), f"{name}: duplicate ids"
        for link in page.links:
            target, _, anchor = link.partition("#")
            target = target or name
            assert target in parsed, (name, link)
            assert not anchor or anchor in parsed[target].ids, (name, link)


def test_nothing_is_fetched_from_outside_the_site(files: dict[str, bytes]) -> None:
    """Every referenced file is one of the site's own, by a relative path: no CDN, no web
    font, no absolute or protocol-relative URL; the CSP forbids the rest."""
    for name, page in pages(files).items():
        for url in page.urls:
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//|^/", url, re.I), (name, url)
            assert url.partition("#")[0] in files or url.startswith("#"), (name, url)
        assert page.csp.startswith("default-src 'none'; style-src 'self';"), name
        html = files[name].decode("utf-8")
        assert "@import" not in html and "url(http" not in html
    css = files["assets/report.css"].decode("utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_overview_counts_are_status_json(files: dict[str, bytes], capsys) -> None:
    assert main(["status", str(MEASURES), "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    html = files["index.html"].decode("utf-8")
    for c in [*status["chapters"], {**status["total"], "chapter": "total"}]:
        row = re.search(rf'<tr data-chapter="{c["chapter"]}">(.*?)</tr>', html, re.S)
        assert row, c["chapter"]
        cells = dict(re.findall(r'data-key="(\w+)"[^>]*>([^<]*)<', row.group(1)))
        for key in ("measures", "kpis", "unset", "no_target", "no_deadline", "compliant"):
            assert int(cells[key]) == c[key], (c["chapter"], key)
        assert cells["compliance"] == f"{c['compliance']:.0%}"


def test_report_follows_the_configuration_as_status_does(tmp_path: Path, capsys) -> None:
    config = tmp_path / "kpiaudit.toml"
    config.write_text('ignore = ["K103"]\n', encoding="utf-8")
    assert main(["status", str(MEASURES), "--config", str(config), "-f", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    out = tmp_path / "site"
    args = ["report", str(MEASURES), "--config", str(config), "--out", str(out)]
    assert main([*args, "--today", "2024-06-01"]) == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert status["total"]["no_deadline"] == 0
    assert f'<span class="big" id="overall-compliance">{status["total"]["compliance"]:.0%}' in html
    assert 'data-key="no_deadline">0<' in html


def test_deadlines_move_from_upcoming_to_overdue_with_today(tmp_path: Path) -> None:
    def sections(today: str) -> tuple[str, str]:
        out = tmp_path / today
        assert main(["report", str(EXAMPLES), "--out", str(out), "--today", today]) == 0
        html = (out / "index.html").read_text(encoding="utf-8")
        upcoming, overdue = html.split('id="overdue"')
        return upcoming.split('id="upcoming"')[1], overdue

    upcoming, overdue = sections("2024-06-01")
    assert "measure-1-1.html#kpi-P1" in upcoming and "2025-03-31" in upcoming
    assert "2026-03-31" not in upcoming  # more than 12 months ahead
    assert "No milestone is overdue." in overdue
    # 1-1.P1 was due 2025-03-31 and the example's actual (22 of 20 手続) meets it: its date
    # has passed, yet it is not overdue. 1-1.E1 (50 ％ by 2026-03-31, 46.5 ％ measured) is.
    upcoming, overdue = sections("2025-04-01")
    assert "measure-1-1.html#kpi-P1" not in overdue and "2026-03-31" in upcoming
    upcoming, overdue = sections("2026-04-01")
    assert "measure-1-1.html#kpi-E1" in overdue and "measure-1-1.html#kpi-P1" not in overdue


def test_progress_chart_once_the_plan_records_actuals(tmp_path: Path) -> None:
    """The example plan records actuals: its overview counts the milestones by state, as
    kpiaudit status does (1-1.P1 achieved, 1-1.E1 missed, 1-2.P1 achieved)."""
    out = tmp_path / "site"
    assert main(["report", str(EXAMPLES), "--out", str(out), "--today", "2026-11-27"]) == 0
    chart = (out / "index.html").read_text(encoding="utf-8").split('id="chart-progress"')[1]
    chart = chart.split("</svg>")[0]
    assert ">achieved<" in chart and ">2 / 3<" in chart and ">1 / 3<" in chart


def test_progress_table_beside_the_chart_is_status_json(tmp_path: Path, capsys) -> None:
    """The progress chart's text equivalent: a table per chapter with status's own counts."""
    out = tmp_path / "site"
    args = [str(EXAMPLES), "--today", "2026-11-27"]
    assert main(["report", *args, "--out", str(out)]) == 0
    assert main(["status", *args, "-f", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    html = (out / "index.html").read_text(encoding="utf-8").split('id="progress-table"')[1]
    html = html.split("</table>")[0]
    keys = {"achieved": "achieved", "on-track": "on_track", "behind": "behind"}
    keys |= {"missed": "missed", "no-data": "no_data", "not-measurable": "not_measurable"}
    for c in [*status["chapters"], {**status["total"], "chapter": "total"}]:
        row = re.search(rf'<tr data-chapter="{c["chapter"]}">(.*?)</tr>', html, re.S)
        assert row, c["chapter"]
        cells = dict(re.findall(r'data-key="([\w-]+)">(\d+)<', row.group(1)))
        assert {keys[k]: int(v) for k, v in cells.items()} == {key: c[key] for key in keys.values()}


def test_measure_page_shows_actuals_on_the_timeline_and_in_a_table(
    tmp_path: Path, document: ReportDocument
) -> None:
    """1-1.E1 asked for 50 ％ by 2026-03-31 and measured 46.5 ％ (令和7年度): the timeline
    marks the actual beside the deadline, and the tables say the same in words."""
    out = tmp_path / "site"
    assert main(["report", str(EXAMPLES), "--out", str(out), "--today", "2026-11-27"]) == 0
    html = (out / "measure-1-1.html").read_text(encoding="utf-8")
    chart = html.split('<svg class="chart" id="chart-1-1"')[1].split("</svg>")[0]
    assert '<title id="chart-1-1-t">Milestones and actual values of 1-1 over time' in chart
    actuals = re.findall(r'<rect class="mark actual"[^>]*><title>([^<]*)</title>', chart)
    assert actuals == ["P1: 22手続 (令和6年度, 2025-03-31)", "E1: 46.5％ (令和7年度, 2026-03-31)"]
    assert "E1: 46.5％ (令和7年度, 2026-03-31)" in chart.split("</desc>")[0]  # in words too
    assert ">actual value</text>" in chart  # the legend names the marker
    e1 = html.split('id="kpi-E1"')[1]
    assert '<td data-state="missed">missed (B) · overdue</td>' in e1
    table = e1.split("Actual values of E1</caption>")[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table)
    assert cells == ["令和7年度", "2026-03-31", "46.5％", "例示市 業務統計（架空の例）", "—"]
    # A plan without actuals keeps the milestone-only chart and no actuals table.
    page = build_site(document, "en")["measure-1-7.html"].decode("utf-8")
    assert "Milestones of 1-7 over time" in page and "mark actual" not in page
    assert "Actual values of" not in page


def test_the_timeline_tells_a_met_deadline_from_an_upcoming_and_an_overdue_one(
    tmp_path: Path,
) -> None:
    """On 2026-11-27 both deadlines of 1-1 have passed: P1's was met (22 of 20 手続), E1's was
    not (46.5 of 50 ％). Neither is "upcoming", and each has its own marker shape and word."""
    out = tmp_path / "site"
    assert main(["report", str(EXAMPLES), "--out", str(out), "--today", "2026-11-27"]) == 0
    html = (out / "measure-1-1.html").read_text(encoding="utf-8")
    chart = html.split('<svg class="chart" id="chart-1-1"')[1].split("</svg>")[0]
    desc = chart.split("<desc")[1].split("</desc>")[0]
    assert "P1 by 2025-03-31 (achieved)" in desc and "E1 by 2026-03-31 (overdue)" in desc
    legend = re.findall(r'<text x="[\d.]+" y="[\d.]+" class="tick">([^<]*)</text>', chart)
    assert [t for t in legend if not t[0].isdigit()] == ["achieved", "overdue", "actual value"]
    marks = re.findall(r"<(\w+) class=\"mark\"[^>]*><title>([^<]*)</title>", chart)
    shapes = {title.split(":")[0]: tag for tag, title in marks}
    assert shapes == {"P1": "path", "E1": "path"}  # triangle and diamond, not the circle
    met, overdue = (
        re.search(rf'<path class="mark" d="([^"]*)"[^>]*><title>{k}:', chart) for k in ("P1", "E1")
    )
    assert met and overdue and met.group(1).count("l") != overdue.group(1).count("l")
    # Two years earlier P1 is still ahead: upcoming, a circle.
    out = tmp_path / "early"
    assert main(["report", str(EXAMPLES), "--out", str(out), "--today", "2024-11-27"]) == 0
    chart = (out / "measure-1-1.html").read_text(encoding="utf-8").split('id="chart-1-1"')[1]
    assert re.search(r'<circle class="mark"[^>]*><title>P1:', chart) and ">upcoming<" in chart
    assert ">overdue<" not in chart.split("</svg>")[0]


def test_progress_per_chapter_is_drawn_and_its_states_differ_by_more_than_colour(
    tmp_path: Path, capsys
) -> None:
    """The overview draws each chapter's target milestones split by state, parts that add up
    to status's counts; each chapter page draws its own; no two states share a pattern."""
    out = tmp_path / "site"
    args = [str(EXAMPLES), "--today", "2026-11-27"]
    assert main(["report", *args, "--out", str(out)]) == 0
    assert main(["status", *args, "-f", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    keys = ("achieved", "on_track", "behind", "missed", "no_data", "not_measurable")
    html = (out / "index.html").read_text(encoding="utf-8")
    chart = html.split('id="chart-progress-chapters"')[1].split("</svg>")[0]
    drawn = [int(v) for v in re.findall(r'class="bar"[^>]*data-value="(\d+)"', chart)]
    assert sum(drawn) == sum(c[k] for c in status["chapters"] for k in keys)
    fills = set(re.findall(r'class="bar"[^>]*fill="([^"]+)"', chart))
    legend = set(
        re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="12" height="12" fill="([^"]+)"', chart)
    )
    assert fills <= legend and len(legend) == len(keys)
    from kpiaudit.report.charts import SERIES

    states = ("achieved", "on-track", "behind", "missed", "no-data", "not-measurable")
    assert len({SERIES[s].pattern for s in states}) == len(states)  # colour is never alone
    for c in status["chapters"]:
        page = (out / f"chapter-{c['chapter']}.html").read_text(encoding="utf-8")
        own = page.split(f'id="chart-progress-ch{c["chapter"]}"')[1].split("</svg>")[0]
        shown = re.findall(r'class="value">(\d+) / (\d+)<', own)
        assert [int(n) for n, _total in shown] == [c[k] for k in keys], c["chapter"]


def test_measure_pages_judge_every_milestone_and_promise_as_progress_json(capsys) -> None:
    """Each row of ``kpiaudit progress --format json`` (dated, recurring and set-by) is on its
    measure's page with the same state, grade and overdue: one judgement, shown twice."""
    today = "2026-11-27"
    assert main(["progress", str(MEASURES), "--today", today, "-f", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["type"] for r in rows} == {"target", "set-by"} and any(r["recurring"] for r in rows)
    files = build_site(
        build_document(audit([MEASURES], Config()).single(), date(2026, 11, 27)), "en"
    )
    want: dict[str, list[tuple[str, str, bool, bool]]] = {}
    for r in rows:
        want.setdefault(r["kpi"], []).append(
            (r["state"], r["grade"], r["overdue"], r["type"] == "set-by")
        )
    for kpi, judged in want.items():
        measure, kpi_id = kpi.split(".")
        html = files[f"measure-{measure}.html"].decode("utf-8")
        section = html.split(f'id="kpi-{kpi_id}"')[1].split('<section class="kpi"')[0]
        shown = [
            (state, re.search(r"\((\w)\)", text)[1], "· overdue" in text, "· set-by" in text)
            for state, text in re.findall(r'<td data-state="([^"]+)">(.*?)</td>', section)
        ]
        assert sorted(shown) == sorted(judged), kpi


def test_measure_pages_in_japanese_name_the_kpis_and_the_severity_in_japanese(
    files: dict[str, bytes],
) -> None:
    html = files["measure-6-4.html"].decode("utf-8")
    assert '<h2 id="kpis">各 KPI</h2>' in html  # not "KPI数", the column heading for a count
    findings = re.findall(r"<li><code>K\d+</code> [\w-]+ \(([^)]*)\):", html)
    assert findings and set(findings) <= {"エラー", "警告", "情報"}


def test_progress_section_only_when_progress_data_exists(document: ReportDocument) -> None:
    assert 'id="chart-progress"' not in build_site(document, "en")["index.html"].decode()
    states = ("achieved", "on-track", "behind", "missed", "no-data")
    progress = ProgressDoc(
        states=states,
        chapters=(),
        total=ProgressRow("total", tuple(zip(states, (5, 4, 3, 2, 1), strict=True))),
    )
    html = build_site(replace(document, progress=progress), "en")["index.html"].decode()
    chart = html.split('id="chart-progress"')[1].split("</svg>")[0]
    assert ">missed<" in chart and ">2 / 15<" in chart


def test_html_lang_follows_the_language_and_marks_japanese_data(
    document: ReportDocument,
) -> None:
    ja = build_site(document, "ja")["measure-6-4.html"].decode()
    en = build_site(document, "en")["measure-6-4.html"].decode()
    assert ja.startswith('<!doctype html>\n<html lang="ja">') and ' lang="ja"><' not in ja[:200]
    assert '<html lang="en">' in en
    # In an English page the plan's Japanese text is marked, for screen readers and fonts.
    assert '<span lang="ja">「レセプト情報' in en


def test_the_same_document_gives_the_same_bytes(document: ReportDocument) -> None:
    assert build_site(document, "ja") == build_site(document, "ja")


# --- a stranger's measure file --------------------------------------------------------------

HOSTILE = r"""id: 1-3
chapter: 1
title: "<script>alert(1)</script>\e[31m赤 \u202Egnp.exe"
objective: "line one\r\nline\0two\x7f <b>bold</b> {{ 7*7 }}"
kpis:
  - id: P1
    kind: progress
    status: set
    text: "\"><img src=https://evil.example/x.png onerror=alert(1)> 令和６年度末までに50％"
  - id: P1
    kind: outcome
    status: set
    text: "<style>@import url(https://evil.example/a.css)</style>"
"""


def hostile_plan(tmp_path: Path) -> Path:
    plan = tmp_path / "measures"
    shutil.copytree(EXAMPLES, plan)
    (plan / "01-03.yaml").write_text(HOSTILE, encoding="utf-8")
    # A second file claiming 1-1: the copy is a duplicate (E008), not counted and not shown.
    (plan / "01-01.yml").write_text((EXAMPLES / "01-01.yaml").read_text(encoding="utf-8"))
    return plan


def test_a_hostile_measure_file_is_shown_as_text(tmp_path: Path) -> None:
    result = audit([hostile_plan(tmp_path)], Config()).single()
    assert not [f for f in result.findings if f.code in ("E001", "E002", "E004", "E006")]
    files = build_site(build_document(result, TODAY), "en")
    text = "".join(data.decode("utf-8") for data in files.values())
    assert "<script>alert" not in text and "<img src=https" not in text and "<style>@" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&lt;b&gt;bold" in text
    assert "{{ 7*7 }}" in text  # data is never evaluated as a template
    controls = {c for c in text if (ord(c) < 32 and c not in "\n") or 0x7F <= ord(c) < 0xA0}
    assert controls == set()
    assert "\u202e" not in text and "␛[31m" in text and "line␀two" in text
    parsed = pages(files)
    assert {"measure-1-1.html", "measure-1-3.html"} <= parsed.keys()
    assert "measure-1-1-2.html" not in parsed
    assert {"kpi-P1", "kpi-P1-2"} <= set(parsed["measure-1-3.html"].ids)
    for name, page in parsed.items():
        assert page.scripts <= 1, name  # only the report's own sort script
        assert len(page.ids) == len(set(page.ids)), name
        assert all(not re.match(r"^[a-z]+:|^//", u, re.I) for u in page.urls), name


# --- writing --out --------------------------------------------------------------------------


def report(out: Path, *extra: str) -> int:
    return main(["report", str(EXAMPLES), "--out", str(out), "--today", "2024-06-01", *extra])


def test_writes_the_site_and_says_so(tmp_path: Path, capsys) -> None:
    out = tmp_path / "a" / "site"
    assert report(out) == 0
    err = capsys.readouterr().err
    assert re.search(r"kpiaudit: wrote \d+ files \(.* MB\) to .*site: 2 measures, 5 KPIs", err)
    assert (out / "index.html").is_file() and (out / "measure-1-2.html").is_file()
    assert (out / ".kpiaudit-report").is_file()
    assert oct((out / "index.html").stat().st_mode & 0o777) == oct(0o666 & ~current_umask())
    assert sorted(p.name for p in out.parent.iterdir()) == ["site"]  # no temporaries left


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_previous_report_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert report(out) == 0
    (out / "measure-9-9.html").write_text("stale", encoding="utf-8")
    assert report(out, "--lang", "ja") == 0
    assert not (out / "measure-9-9.html").exists()
    assert '<html lang="ja">' in (out / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_foreign_directory_is_refused_unless_forced(tmp_path: Path, capsys) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "CNAME").write_text("example.org\n", encoding="utf-8")
    assert report(out) == 2
    assert "not empty and holds no kpiaudit report" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["CNAME"]
    assert report(out, "--force") == 0
    assert not (out / "CNAME").exists() and (out / "index.html").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert report(empty) == 0  # an empty directory needs no --force


def test_a_symlinked_out_is_refused_and_its_target_untouched(tmp_path: Path, capsys) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "site"
    link.symlink_to(elsewhere)
    assert report(link, "--force") == 2
    assert "symbolic link" in capsys.readouterr().err
    assert link.is_symlink() and list(elsewhere.iterdir()) == []


def test_a_directory_holding_the_work_is_refused_even_forced(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    plan = tmp_path / "project" / "measures"
    shutil.copytree(EXAMPLES, plan)
    monkeypatch.chdir(tmp_path / "project")
    code = main(["report", "measures", "--out", ".", "--force"])
    assert code == 2 and "needs a directory of its own" in capsys.readouterr().err
    code = main(["report", "measures", "--out", str(tmp_path), "--force"])
    assert code == 2
    assert sorted(p.name for p in plan.iterdir()) == ["01-01.yaml", "01-02.yaml", "plan.yaml"]


def test_a_failed_write_leaves_the_previous_report(tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "site"
    assert report(out) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    written = 0
    real_write = write_module._write_file

    def full_disk(path: Path, data: bytes) -> None:
        nonlocal written
        written += 1
        if written > 3:  # the disk fills up while the new pages are being written
            raise OSError(28, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(write_module, "_write_file", full_disk)
    assert report(out, "--lang", "ja") == 2
    # --lang ja speaks Japanese on the command line too, the system's reason included.
    assert "デバイスに空き領域がありません。何も変わっていません" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_bad_arguments_are_usage_errors(tmp_path: Path, capsys) -> None:
    assert report(tmp_path / "s", "--lang", "fr") == 2
    assert "--lang: 'fr' is not one of en, ja" in capsys.readouterr().err
    assert report(tmp_path / "s", "--today", "2024-13-01") == 2
    assert not (tmp_path / "s").exists()


def test_templates_and_assets_are_in_the_wheel() -> None:
    """Every file the report reads at run time matches pyproject's package-data globs."""
    import fnmatch
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["kpiaudit"]
    package = ROOT / "kpiaudit"
    shipped = [
        p.relative_to(package).as_posix()
        for d in ("report/templates", "report/static")
        for p in (package / d).rglob("*")
        if p.is_file()
    ]
    assert len(shipped) >= 6
    missing = [f for f in shipped if not any(fnmatch.fnmatch(f, g) for g in globs)]
    assert missing == []


def test_a_file_that_cannot_be_loaded_is_named_as_left_out(tmp_path: Path, capsys) -> None:
    plan = tmp_path / "measures"
    shutil.copytree(EXAMPLES, plan)
    (plan / "01-03.yaml").write_text("id: 1-3\n", encoding="utf-8")  # four fields missing
    out = tmp_path / "site"
    assert main(["report", str(plan), "--out", str(out), "--today", "2024-06-01"]) == 0
    assert "1 file(s) could not be read or validated and are left out" in capsys.readouterr().err
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<p class="problem">1 file could not be read' in html
    assert '<p class="problem">' not in build_site(
        build_document(audit([EXAMPLES], Config()).single(), TODAY), "en"
    )["index.html"].decode("utf-8")
