"""The report as files: ``build_site(document, lang)`` → {relative path: bytes}, nothing written.

A pure function of the document (Data Docs' habit): the same document and language give the
same bytes, so a CI job can diff two reports and tests need no disk. :mod:`.write` puts the
result in place in one step.

All pages sit in one directory and link to each other by bare file names, so the site works
from the file system, under any sub-path of a static host, and in a zip.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import __version__, i18n
from ..i18n import N_, _
from ..model import KpiRef
from ..views.show import flags_text
from . import charts
from .document import ActualDoc, ChapterDoc, KpiDoc, MeasureDoc, MilestoneDoc, ReportDocument
from .safe import clean

MARKER = ".kpiaudit-report"  # tells a later run that the directory holds a report it may replace
STYLESHEET = "assets/report.css"

# Status columns as status --format json names them, with their labels.
COLUMNS = (
    ("unset", N_("unset")),
    ("no_target", N_("no target")),
    ("no_deadline", N_("no deadline")),
    ("compliant", N_("compliant")),
)
KINDS = {"progress": N_("progress"), "outcome": N_("outcome")}
# A finding's severity in words: lint prints the code (error) for machines; people read these.
SEVERITIES = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}


def chapter_page(number: int) -> str:
    return f"chapter-{int(number)}.html"


@dataclass(frozen=True)
class MeasurePage:
    measure: MeasureDoc
    path: str  # file name of its page
    kpi_anchors: tuple[str, ...]  # element id of each KPI's section, in order
    anchors: dict[str, str]  # KPI ref → element id of its (first) section


def _measure_pages(document: ReportDocument) -> list[MeasurePage]:
    """A page name per measure, unique even when two files claim the same id (E008)."""
    pages: list[MeasurePage] = []
    used: set[str] = set()
    for m in document.measures:
        try:
            named = KpiRef.parse(m.id).kpi is None  # the schema's pattern: 6-4
        except ValueError:
            named = False
        if not named:
            raise ValueError(f"measure id {m.id!r} cannot name a page")
        stem, n = f"measure-{m.id}", 1
        while f"{stem}.html" in used:
            n += 1
            stem = f"measure-{m.id}-{n}"
        used.add(f"{stem}.html")
        anchors: dict[str, str] = {}
        ordered: list[str] = []
        for k in m.kpis:  # ids repeat in a file that K205 flags; element ids must not
            anchor, i = f"kpi-{k.id}", 1
            while anchor in ordered:
                i += 1
                anchor = f"kpi-{k.id}-{i}"
            ordered.append(anchor)
            anchors.setdefault(k.ref, anchor)
        pages.append(MeasurePage(m, f"{stem}.html", tuple(ordered), anchors))
    return pages


def build_site(document: ReportDocument, lang: str) -> dict[str, bytes]:
    """Every file of the report, keyed by its path relative to the report's directory."""
    with _language(lang):
        env = _environment()
        pages = _measure_pages(document)
        first = {p.measure.id: p for p in reversed(pages)}  # links go to the first of an id
        kpi_anchor = {ref: a for p in pages for ref, a in p.anchors.items()}
        context: dict[str, Any] = {
            "doc": document,
            "lang": lang,
            "data_lang": data_language(document),
            "version": __version__,
            "stylesheet": STYLESHEET,
            "sort_script": Markup(SORT_SCRIPT),
            "csp": _csp(),
            "columns": COLUMNS,
            "chapter_page": chapter_page,
            "measure_page": lambda mid: first[mid].path if mid in first else None,
            "kpi_link": lambda ref: _kpi_link(ref, first, kpi_anchor),
            "kinds": KINDS,
            "titles": {m.id: m.title for m in reversed(document.measures)},
            "ref_key": ref_key,
            "pattern_defs": charts.pattern_defs(),
        }
        out: dict[str, str] = {}
        out["index.html"] = env.get_template("overview.html.j2").render(
            context,
            chapter_charts=[_chapter_chart(c) for c in document.chapters],
            total_chart=_counts_chart("total", _("All chapters"), document.total),
            month_chart=_month_chart(document),
            progress_chart=_progress_chart(document),
            progress_chapters_chart=_progress_by_chapter(document),
        )
        for chapter in document.chapters:
            out[chapter_page(chapter.number)] = env.get_template("chapter.html.j2").render(
                context,
                chapter=chapter,
                chart=_chapter_chart(chapter),
                progress_chart=_progress_chart(document, chapter),
            )
        for page in pages:
            out[page.path] = env.get_template("measure.html.j2").render(
                context,
                page=page,
                m=page.measure,
                chapter=next(c for c in document.chapters if c.number == page.measure.chapter),
                chart=_timeline(page.measure, document.today),
            )
        out[STYLESHEET] = _resource("report.css")
        out[MARKER] = json.dumps({"generator": "kpiaudit report", "version": __version__}) + "\n"
    return {path: text.encode("utf-8") for path, text in out.items()}


def ref_key(ref: str) -> str:
    """6-4 → 00006-00004, 6-4.E10 → 00006-00004-E00010: sorts as the plan reads."""
    r = KpiRef.parse(ref)
    key = f"{r.chapter:05d}-{r.number:05d}"
    return f"{key}-{r.kpi[:1]}{int(r.kpi[1:]):05d}" if r.kpi else key


def data_language(document: ReportDocument) -> str | None:
    """``ja`` when the plan's own text is Japanese (kana or kanji in its titles), so that pages
    in another language can mark it for screen readers and fonts; None when we cannot tell."""
    sample = document.title + "".join(c.title for c in document.chapters)
    return "ja" if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", sample) else None


def _kpi_link(ref: str, first: dict[str, MeasurePage], anchors: dict[str, str]) -> str | None:
    page = first.get(ref.split(".", 1)[0])
    if page is None:
        return None
    return f"{page.path}#{anchors[ref]}" if ref in anchors else page.path


def counts_rows(counts: Any) -> list[tuple[str, str, int]]:
    """The four status columns as chart rows, in reading order: the good news first."""
    order = ("compliant", "no_target", "no_deadline", "unset")
    labels = dict(COLUMNS)
    return [(key, _(labels[key]), getattr(counts, key)) for key in order]


def _counts_chart(key: str, name: str, counts: Any) -> Markup:
    rows = counts_rows(counts)
    desc = _("{kpis} KPIs: {parts}. One KPI may lack both a target and a deadline.").format(
        kpis=counts.kpis, parts=", ".join(f"{label} {value}" for _key, label, value in rows)
    )
    title = _("How the KPIs are written: {name}").format(name=name)
    return charts.category_bars(f"chart-{key}", title, desc, rows, counts.kpis)


def _chapter_word(numeral: str | int) -> str:
    return _("chapter {numeral}").format(numeral=numeral)


def _chapter_name(chapter: ChapterDoc) -> str:
    return f"{_chapter_word(chapter.numeral or chapter.number)} {chapter.title}"


def _chapter_chart(chapter: ChapterDoc) -> Markup:
    return _counts_chart(f"ch{chapter.number}", _chapter_name(chapter), chapter.counts)


def _months(today: date) -> list[tuple[int, int]]:
    return [
        ((today.year * 12 + today.month - 1 + i) // 12, (today.month - 1 + i) % 12 + 1)
        for i in range(12)
    ]


def _month_chart(document: ReportDocument) -> Markup:
    per_month = {ym: 0 for ym in _months(document.today)}
    for item in document.upcoming:
        key = (item.deadline.year, item.deadline.month)
        if key in per_month:
            per_month[key] += 1
    rows = [(f"{y}-{m:02d}", n) for (y, m), n in per_month.items()]
    desc = ", ".join(f"{label}: {n}" for label, n in rows)
    title = _("Milestones due per month, {start} to {end}").format(
        start=rows[0][0], end=rows[-1][0]
    )
    return charts.count_bars("chart-months", title, desc, rows)


def _progress_chart(document: ReportDocument, chapter: ChapterDoc | None = None) -> Markup | None:
    """The target milestones of the plan (or of one chapter) by progress state, once the plan
    records actuals: status's own counts, not recounted."""
    progress = document.progress
    if progress is None:
        return None
    if chapter is None:
        row, name, key = progress.total, _("All chapters"), "progress"
    else:
        found = [r for r in progress.chapters if r.key == str(chapter.number)]
        if not found:
            return None
        row, name, key = found[0], _chapter_name(chapter), f"progress-ch{chapter.number}"
    counts = dict(row.counts)
    total = sum(counts.values())
    rows = [(s, _(s), counts.get(s, 0)) for s in progress.states]
    desc = _("{n} target milestones: {parts}").format(
        n=total, parts=", ".join(f"{label} {value}" for _key, label, value in rows)
    )
    title = _("Target milestones by state: {name}").format(name=name)
    return charts.category_bars(f"chart-{key}", title, desc, rows, total)


def _progress_by_chapter(document: ReportDocument) -> Markup | None:
    """Each chapter's target milestones split by state, one bar a chapter: the states exclude
    each other, so the parts of a bar add up to the chapter's milestones."""
    progress = document.progress
    if progress is None or not progress.chapters:
        return None
    numerals = {str(c.number): c.numeral or str(c.number) for c in document.chapters}
    rows = [(numerals.get(r.key, r.key), r.counts) for r in progress.chapters]
    desc = "; ".join(
        f"{_chapter_word(label)}: " + ", ".join(f"{_(state)} {n}" for state, n in counts)
        for label, counts in rows
    )
    legend = [(state, _(state)) for state in progress.states]
    title = _("Target milestones by state, per chapter")
    return charts.stacked_bars("chart-progress-chapters", title, desc, rows, legend)


def _timeline(measure: MeasureDoc, today: date) -> Markup | None:
    """Each KPI's dated milestones and its actual values, one row per KPI."""
    points: list[charts.Point] = []
    rows: list[str] = []
    for k in measure.kpis:
        dated = [ms for ms in (*k.milestones, *k.promises) if ms.deadline is not None]
        if (dated or k.actuals) and k.id not in rows:
            rows.append(k.id)
        for ms in dated:
            assert ms.deadline is not None
            what = _("set the KPI") if ms.set_by else ms.target or ms.deadline_text
            note = f"{k.id}: {what} ({ms.deadline.isoformat()})"
            points.append(charts.Point(k.id, ms.deadline, _deadline_mark(ms), note))
        for a in k.actuals:
            note = f"{k.id}: {_actual_text(a)} ({a.period}, {a.as_of.isoformat()})"
            points.append(charts.Point(k.id, a.as_of, "actual", note))
    if not points:
        return None

    def said(p: charts.Point) -> str:
        if p.state == "actual":
            return p.note
        if p.state == "overdue":
            return _("{kpi} by {date} (overdue)").format(kpi=p.row, date=p.when.isoformat())
        if p.state == "met":
            return _("{kpi} by {date} (achieved)").format(kpi=p.row, date=p.when.isoformat())
        return _("{kpi} by {date}").format(kpi=p.row, date=p.when.isoformat())

    desc = "; ".join(said(p) for p in points)
    legend = {
        "due": _("upcoming"),
        "met": _("achieved"),
        "overdue": _("overdue"),
        "actual": _("actual value"),
        "today": _("today {date}").format(date=today.isoformat()),
    }
    measured = any(p.state == "actual" for p in points)
    title = (
        _("Milestones and actual values of {measure} over time")
        if measured
        else _("Milestones of {measure} over time")
    ).format(measure=measure.id)
    return charts.timeline(f"chart-{measure.id}", title, desc, rows, points, today, legend)


def _deadline_mark(ms: MilestoneDoc) -> str:
    """A dated milestone's marker: overdue as the overview lists it, met once progress judges
    it achieved (late or not), otherwise due, whether its date is ahead or it awaits a value."""
    if ms.overdue:
        return "overdue"
    if ms.state in ("achieved", "achieved-late"):
        return "met"
    return "due"


def _actual_text(a: ActualDoc) -> str:
    """An actual as people read it: its value, or whether the milestone was reached."""
    if a.value:
        return a.value
    if a.achieved is None:
        return "—"
    return _("achieved") if a.achieved else _("not achieved")


# --- environment ----------------------------------------------------------------------------


@contextlib.contextmanager
def _language(lang: str) -> Iterator[None]:
    """Messages in ``lang`` while the site is built; the caller's language afterwards."""
    before = i18n.current_language()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(before)


def _finalize(value: Any) -> Any:
    """Every ``{{ … }}``: data text loses its control characters (see .safe); our own markup
    (charts, already cleaned) passes; None prints as nothing rather than "None"."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return clean(value)
    return value


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("kpiaudit.report", "templates"),
        autoescape=True,  # every value is escaped unless it is our Markup; never |safe on data
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["_"] = _  # resolves the language at render time (see _language)
    env.globals["ngettext"] = i18n.ngettext
    env.filters["pct"] = lambda x: f"{x:.0%}"
    env.filters["iso"] = lambda d: d.isoformat() if d else ""
    env.filters["flags"] = _flag_text
    env.filters["actual"] = _actual_text
    env.filters["severity"] = _severity_text
    return env


def _severity_text(code: str) -> str:
    return _(SEVERITIES[code]) if code in SEVERITIES else code


def _flag_text(kpi: KpiDoc) -> str:
    return flags_text(kpi.compliant, kpi.flags)


def _resource(name: str) -> str:
    return files("kpiaudit.report").joinpath("static", name).read_text(encoding="utf-8")


SORT_SCRIPT = _resource("sort.js")


@lru_cache(maxsize=1)
def _csp() -> str:
    """No page may load anything from outside the site, whatever a measure file contains:
    styles from the site itself, the one inline script by its hash, images only inline."""
    digest = hashlib.sha256(SORT_SCRIPT.encode("utf-8")).digest()
    import base64

    script = base64.b64encode(digest).decode("ascii")
    return (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        f"script-src 'sha256-{script}'; base-uri 'none'; form-action 'none'"
    )
