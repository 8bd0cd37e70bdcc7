"""The report of the bundled plan in a real headless Chromium, as a reader opens it from disk.

Debian's /usr/bin/chromium (or $KPIAUDIT_CHROMIUM) driven by Playwright; axe-core from
tests/node (pinned, npm ci). `scripts/install-test-deps` installs both. Where they are missing
the tests skip with the reason, except on CI (CI set), where they fail: a green CI must mean
the browser ran. One browser serves the whole session.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from kpiaudit.cli import main

from .conftest import MEASURES, ROOT

CHROMIUM = Path(os.environ.get("KPIAUDIT_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "tests" / "node" / "node_modules" / "axe-core" / "axe.min.js"
TODAY = "2024-06-01"
# As root Chromium needs --no-sandbox; the rest keep it from calling Google's hosts. Playwright
# adds --headless and a fresh temporary --user-data-dir itself (it refuses one in args).
FLAGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests (scripts/install-test-deps)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "site"
    with contextlib.redirect_stderr(io.StringIO()):
        code = main(["report", str(MEASURES), "--out", str(out), "--lang", "ja", "--today", TODAY])
    assert code == 0
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed: pip install -e '.[test]'")
    if not CHROMIUM.is_file():
        unavailable(f"no Chromium at {CHROMIUM}: run scripts/install-test-deps as root")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


class Reader:
    """A browser context that lets only the site's own files load and records the rest, with
    every console error and uncaught exception of its pages."""

    def __init__(self, browser: Any, site: Path, **options: Any) -> None:
        self.root = site.as_uri() + "/"
        self.context = browser.new_context(**options)
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", self._request)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _request(self, request: Any) -> None:
        if not request.url.startswith(self.root):
            self.outside.append(request.url)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.root):
            route.continue_()
        else:
            route.abort()  # recorded by _request; never let it reach the network

    def open(self, name: str) -> Any:
        self.page.goto(self.root + name, wait_until="load")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def reader(browser: Any, site: Path) -> Iterator[Reader]:
    r = Reader(browser, site)
    yield r
    r.close()


# What one page holds, in one round trip: its element ids, its links, and for each chart
# whether it is an image named by its title, has a size and draws something.
PAGE_FACTS = """() => ({
  ids: Array.from(document.querySelectorAll('[id]'), e => e.id),
  links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
  charts: Array.from(document.querySelectorAll('svg.chart'), svg => {
    const box = svg.getBoundingClientRect();
    const title = svg.querySelector(':scope > title');
    return {
      id: svg.id, role: svg.getAttribute('role'), width: box.width, height: box.height,
      title: title ? title.textContent.trim() : '',
      labelledby: !!title && svg.getAttribute('aria-labelledby') === title.id,
      drawn: svg.querySelectorAll('rect.bar, .mark').length,
      texts: svg.querySelectorAll('text').length,
    };
  }),
})"""


def test_every_page_loads_with_no_error_no_outside_request_and_links_resolve(
    reader: Reader, site: Path
) -> None:
    pages = sorted(p.name for p in site.glob("*.html"))
    assert len(pages) == 1 + 10 + 163
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    charts: dict[str, int] = {}
    for name in pages:
        facts = reader.open(name).evaluate(PAGE_FACTS)
        ids[name] = set(facts["ids"])
        links += [(name, href) for href in facts["links"]]
        charts[name] = len(facts["charts"])
        for chart in facts["charts"]:
            assert chart["role"] == "img" and chart["labelledby"] and chart["title"], (name, chart)
            assert chart["width"] > 100 and chart["height"] > 20, (name, chart)
            assert chart["texts"] > 0 and chart["drawn"] > 0, (name, chart)
    assert reader.errors == [], reader.errors
    assert reader.outside == [], reader.outside
    assert charts.pop("index.html") == 1 + 10 + 1  # overall, one per chapter, by month
    assert {charts.pop(f"chapter-{n}.html") for n in range(1, 11)} == {1}
    timelines = sum(charts.values())  # a measure page has one unless no milestone is dated
    assert set(charts.values()) == {0, 1} and 100 < timelines < 163
    broken = []
    for page_name, href in links:
        url, fragment = urldefrag(href)
        if not url.startswith(reader.root):
            broken.append((page_name, href, "leaves the site"))
            continue
        target = unquote(urlparse(url).path).rsplit("/", 1)[-1]
        if target not in ids:
            broken.append((page_name, href, "no such page"))
        elif fragment and fragment not in ids[target]:
            broken.append((page_name, href, "no such anchor"))
    assert broken == [], broken[:10]
    assert len(links) > 1000


@pytest.mark.parametrize("name", ["index.html", "chapter-6.html", "measure-1-7.html"])
def test_charts_have_the_accessible_name_the_browser_computes(reader: Reader, name: str) -> None:
    page = reader.open(name)
    titles = page.eval_on_selector_all(
        "svg.chart > title", "ts => ts.map(t => t.textContent.trim())"
    )
    assert titles
    for title in titles:
        assert page.get_by_role("img", name=title, exact=True).count() == 1, title


def status_json() -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["status", str(MEASURES), "--format", "json"]) == 0
    return json.loads(out.getvalue())


ROWS = """() => Array.from(document.querySelectorAll('#status-table tr[data-chapter]'), tr => {
  const row = {chapter: tr.dataset.chapter};
  for (const td of tr.querySelectorAll('td[data-key]')) row[td.dataset.key] = td.textContent.trim();
  return row;
})"""


def test_overview_numbers_are_those_of_status_json(reader: Reader) -> None:
    status = status_json()
    page = reader.open("index.html")
    shown = {row.pop("chapter"): row for row in page.evaluate(ROWS)}
    expected = {str(c["chapter"]): c for c in status["chapters"]} | {"total": status["total"]}
    assert shown.keys() == expected.keys()
    for key, row in shown.items():
        want = expected[key]
        for column in ("measures", "kpis", "unset", "no_target", "no_deadline", "compliant"):
            assert int(row[column]) == want[column], (key, column)
        assert row["compliance"] == f"{want['compliance']:.0%}", key
    assert page.inner_text("#overall-compliance") == f"{status['total']['compliance']:.0%}"
    # The charts draw the same numbers: "compliant, no target, no deadline, unset" of the KPIs.
    for c in status["chapters"]:
        values = page.eval_on_selector_all(
            f"#chart-ch{c['chapter']} text.value", "ts => ts.map(t => t.textContent)"
        )
        kpis = c["kpis"]
        assert values == [
            f"{c[k]} / {kpis}" for k in ("compliant", "no_target", "no_deadline", "unset")
        ]


def artifacts() -> Path:
    path = Path(os.environ.get("KPIAUDIT_TEST_ARTIFACTS") or ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


# Each deadline and KPI id of the overview's tables, with the number of lines it is drawn on.
UNBROKEN = """() => Array.from(
  document.querySelectorAll('#upcoming-table tbody tr, #overdue-table tbody tr'),
  tr => [tr.cells[0], tr.cells[1].querySelector('a')]
).flat().map(e => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const tops = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
  return [e.textContent.trim(), tops.size];
})"""


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_the_screen_and_overview_screenshots_are_kept(
    browser: Any, site: Path, width: int
) -> None:
    reader = Reader(browser, site, viewport={"width": width, "height": 900})
    try:
        for name in ("index.html", "chapter-6.html", "measure-1-7.html"):
            page = reader.open(name)
            # Wide tables scroll inside their own region; the page itself never sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            if name == "index.html":
                # A date or an id broken at its hyphen (2025-03-|31, 1-|6.P1) misreads.
                broken = [
                    text
                    for text, lines in page.evaluate(UNBROKEN)
                    if lines != 1 or not re.fullmatch(r"\d{4}-\d\d-\d\d|[\d-]+\.[PE]\d+", text)
                ]
                assert broken == [], (width, broken[:5])
                shot = artifacts() / f"report-overview-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 10_000
    finally:
        reader.close()


def serious_violations(browser: Any, site: Path, name: str) -> list[Any]:
    """What axe-core finds serious or critical on one page."""
    if not AXE.is_file():
        unavailable(f"axe-core is not installed at {AXE}: run scripts/install-test-deps")
    # axe is injected as an inline script, which the report's own CSP rightly forbids.
    reader = Reader(browser, site, bypass_csp=True)
    try:
        page = reader.open(name)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    finally:
        reader.close()
    assert result["testEngine"]["version"]  # axe did run
    return [
        (v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:3]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("name", ["index.html", "chapter-6.html", "measure-1-7.html"])
def test_axe_finds_no_serious_or_critical_violation(browser: Any, site: Path, name: str) -> None:
    assert serious_violations(browser, site, name) == []


@pytest.fixture(scope="session")
def measured_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plan, which records actual values: progress chart, actuals on timelines."""
    out = tmp_path_factory.mktemp("measured") / "site"
    plan = ROOT / "examples" / "measures"
    with contextlib.redirect_stderr(io.StringIO()):
        code = main(["report", str(plan), "--out", str(out), "--lang", "ja", "--today", MEASURED])
    assert code == 0
    return out


MEASURED = "2026-11-27"


def test_actuals_and_progress_are_drawn_where_the_plan_records_them(
    browser: Any, measured_site: Path
) -> None:
    reader = Reader(browser, measured_site)
    try:
        overview = {c["id"]: c for c in reader.open("index.html").evaluate(PAGE_FACTS)["charts"]}
        progress = overview["chart-progress"]
        # Two bars: achieved (1-1.P1, 1-2.P1) and missed (1-1.E1); the other states are 0.
        assert progress["labelledby"] and progress["drawn"] == 2 and progress["height"] > 20
        page = reader.open("measure-1-1.html")
        (chart,) = page.evaluate(PAGE_FACTS)["charts"]
        assert chart["labelledby"] and chart["width"] > 100
        marks = page.eval_on_selector_all(
            "svg.chart .mark.actual",
            # the legend's marker has no title; every drawn one names its value
            "ms => ms.filter(m => m.querySelector('title'))"
            ".map(m => [m.getBoundingClientRect().width, m.textContent])",
        )
        assert [text for _w, text in marks] == [
            "P1: 22手続 (令和6年度, 2025-03-31)",
            "E1: 46.5％ (令和7年度, 2026-03-31)",
        ]
        assert all(width > 3 for width, _t in marks)
        assert page.locator("table.actuals").count() == 2
    finally:
        reader.close()
    assert reader.errors == [] and reader.outside == []
    for name in ("index.html", "chapter-1.html", "measure-1-1.html"):  # with progress charts
        assert serious_violations(browser, measured_site, name) == [], name


# Every chart label (a state, a chapter, a KPI) that shares a row with a drawn shape, where the
# label ends and where the leftmost shape of its row begins, in the chart's units.
LABEL_ROOM = """() => Array.from(document.querySelectorAll('svg.chart'), svg => {
  const shapes = Array.from(svg.querySelectorAll('rect, line'), e => e.getBBox());
  return Array.from(svg.querySelectorAll('text.label'), t => {
    const b = t.getBBox();
    const row = shapes.filter(s => s.y < b.y + b.height && s.y + s.height > b.y && s.width > 0);
    return [svg.id, t.textContent, b.x + b.width, Math.min(...row.map(s => s.x))];
  });
}).flat()"""

# Each column of a table: how its heading and its first row's cell are aligned.
ALIGNMENT = """(id) => {
  const table = document.getElementById(id);
  const heads = Array.from(table.tHead.rows[0].cells, c => getComputedStyle(c).textAlign);
  const cells = Array.from(table.tBodies[0].rows[0].cells, c => getComputedStyle(c).textAlign);
  return heads.map((h, i) => [table.tHead.rows[0].cells[i].textContent, h, cells[i]]);
}"""


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_progress_labels_clear_their_bars_and_headings_sit_over_their_numbers(
    browser: Any, tmp_path: Path, lang: str
) -> None:
    out = tmp_path / "site"
    plan = ROOT / "examples" / "measures"
    with contextlib.redirect_stderr(io.StringIO()):
        args = ["report", str(plan), "--out", str(out), "--lang", lang, "--today", MEASURED]
        assert main(args) == 0
    reader = Reader(browser, out, viewport={"width": 390, "height": 900})
    try:
        for name in ("index.html", "chapter-1.html", "measure-1-1.html"):
            page = reader.open(name)
            labels = page.evaluate(LABEL_ROOM)
            assert labels and all(end + 4 <= start for _c, _t, end, start in labels), (name, labels)
        page = reader.open("index.html")
        columns = page.evaluate(ALIGNMENT, "progress-table")
        assert [(h, c) for _t, h, c in columns if h != c] == [], columns
    finally:
        reader.close()
    assert reader.errors == [] and reader.outside == []


def test_tables_sort_with_script_and_stay_plain_without(browser: Any, site: Path) -> None:
    reader = Reader(browser, site)
    try:
        page = reader.open("chapter-6.html")
        heading = page.locator("#measures-table thead th").nth(2)  # KPIs
        heading.get_by_role("button").click()
        column = "ts => ts.map(t => Number(t.textContent))"
        cells = "#measures-table tbody td:nth-child(3)"
        values = page.eval_on_selector_all(cells, column)
        assert values == sorted(values) and values[0] < values[-1]
        assert heading.get_attribute("aria-sort") == "ascending"
        heading.get_by_role("button").click()
        assert page.eval_on_selector_all(cells, column) == sorted(values, reverse=True)
        assert heading.get_attribute("aria-sort") == "descending"
    finally:
        reader.close()
    plain = Reader(browser, site, java_script_enabled=False)
    try:
        page = plain.open("chapter-6.html")
        assert page.locator("#measures-table button").count() == 0
        ids = page.eval_on_selector_all(
            "#measures-table tbody tr", "trs => trs.map(tr => tr.dataset.measure)"
        )
        assert ids == [f"6-{n}" for n in range(1, 46)]
    finally:
        plain.close()
