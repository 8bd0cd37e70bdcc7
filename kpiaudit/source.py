"""Read the published plan text (PDF-extracted) into chapters, measures and KPI blocks.

Undoes the PDF artefacts of audit-rules.md: page numbers alone on a line, line wraps in the
middle of a sentence, ruby split over lines (繋 / つな / がる → 繋(つな)がる) and stray spaces.
Splits KPI blocks into KPIs: one per ``・`` item (or ``＜…＞`` heading), the lead text joins the
first, and ``※`` / ``(補足)`` / ``（参考…`` notes belong to the KPI above them.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from .chapters import FULLWIDTH_ROMAN, roman_to_int
from .i18n import _
from .jpdate import find_dates, fold
from .model import Kind
from .safe_text import excerpt

_CHAPTER = re.compile(r"^\s*(?P<numeral>[" + FULLWIDTH_ROMAN + r"])\s*[．.]\s*(?P<title>\S.*?)\s*$")
_MEASURE = re.compile(
    r"^\s*\[\s*No\s*[.．]\s*(?P<ch>\d+)\s*[-－ー−‐]\s*(?P<n>\d+)\s*\]\s*(?P<title>.*?)\s*$"
)
_LABEL = re.compile(r"^\s*KPI\s*\(\s*(?P<kind>進捗|効果)\s*\)\s*[:：]?\s*(?P<rest>.*?)\s*$")
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_RUBY = re.compile(r"^[\u3041-\u309f]{1,5}$")
# A （参考：実績値） heading (no figures of its own) opens a note that takes the ・ items under
# it; an inline （参考：令和３年度 963件） stays in the KPI's text.
_REFERENCE_HEADING = re.compile(r"^[(（]参考[^)）\d０-９]*[)）]\s*$")
_NOTE_START = re.compile(r"^(?:※|\(補足\)|（補足）)|" + _REFERENCE_HEADING.pattern)
# Lines that begin a new line of their own inside a KPI or a body, never a wrap.
_LINE_START = re.compile(r"^(?:[・【＜<①-⑳]|-\s|目標値?\s*[:：]|※|\(補足\)|（補足）)")

# Display width (full-width characters count 2) under which a line ended on purpose: a wrapped
# line fills the column, a line that ends a sentence or an item usually does not.
SHORT_BODY_LINE = 60
SHORT_KPI_LINE = 58


@dataclass
class Line:
    number: int  # 1-based line in the source
    text: str  # stripped


@dataclass
class KpiItem:
    kind: Kind
    text: str
    notes: list[str]
    line: int


@dataclass
class SourceMeasure:
    id: str
    chapter: int
    title: str
    objective: str
    kpis: list[KpiItem]
    line: int


@dataclass
class SourceChapter:
    number: int
    numeral: str
    title: str
    line: int


@dataclass
class SourcePlan:
    title: str
    chapters: list[SourceChapter] = field(default_factory=list)
    measures: list[SourceMeasure] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    # (line, message): what import refuses, since the files would not pass lint
    errors: list[tuple[int, str]] = field(default_factory=list)


# The plan's own date, on its cover: a line that is nothing but a full date, perhaps with the
# word for the decision (令和４年６月７日 / （令和４年６月７日閣議決定）). A date inside a
# sentence or after another document's name (「…重点計画」（令和３年６月18日閣議決定）) is not.
_OWN_DATE = re.compile(
    r"[(（]?(?P<date>(?:令和|平成)(?:\d{1,2}|元)年\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月\d{1,2}日)"
    r"(?:閣議決定|決定|改定|策定)?[)）]?"
)


def stated_date(raw: str) -> tuple[date, int] | None:
    """The date the plan text states for itself (its decision date) and its line, from the
    lines before the first chapter; None when it states none."""
    for line in clean_lines(raw):
        if _CHAPTER.match(line.text):
            return None
        m = _OWN_DATE.fullmatch(re.sub(r"\s+", "", fold(line.text)))
        if m:
            found = find_dates(m["date"], None)
            if len(found) == 1 and found[0].granularity == "day" and found[0].end:
                return found[0].end, line.number
    return None


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def clean_lines(raw: str) -> list[Line]:
    """Non-blank lines, stripped, page numbers dropped, stray runs of spaces folded."""
    physical = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    lines: list[Line] = []
    blank_run = 0
    for i, text in enumerate(physical, start=1):
        stripped = text.strip()
        if not stripped:
            blank_run += 1
            continue
        # A page number stands alone after a run of blank lines (the page break).
        if _PAGE_NUMBER.match(fold(stripped)) and blank_run >= 2:
            blank_run = 0
            continue
        blank_run = 0
        lines.append(Line(i, re.sub(r"[ \u3000]{2,}", " ", stripped)))
    return lines


def join_lines(lines: list[Line], short: int) -> str:
    """Join physical lines into text: wraps joined with nothing, deliberate breaks kept as \\n."""
    out = ""
    prev: str | None = None
    ruby_open = False
    for i, line in enumerate(lines):
        text = line.text
        nxt = lines[i + 1].text if i + 1 < len(lines) else None
        if prev is not None and _RUBY.match(text) and nxt is not None and _is_kanji(prev[-1]):
            out += f"({text})"  # 繋 / つな / がる → 繋(つな)がる
            ruby_open = True
            continue
        if prev is None:
            out = text
        elif ruby_open:
            out += text
        elif _LINE_START.match(text) or width(prev) < short or prev.endswith(("＞", "】", ">")):
            out += "\n" + text
        else:
            out += _wrap_join(prev, text)
        ruby_open = False
        prev = text
    return out


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "々〆"


def _wrap_join(prev: str, text: str) -> str:
    # Two ASCII words split by the wrap keep a space between them; Japanese never has one.
    if prev[-1:].isascii() and prev[-1:].isalpha() and text[:1].isascii() and text[:1].isalpha():
        return " " + text
    return text


def parse(raw: str) -> SourcePlan:
    lines = clean_lines(raw)
    plan = SourcePlan(title=lines[0].text if lines else "")
    chapter = 0
    current: list[Line] = []
    header: tuple[str, int, Line] | None = None

    def flush() -> None:
        if header is not None:
            plan.measures.append(_measure(header, current, plan))

    for line in lines:
        ch = _CHAPTER.match(line.text)
        number = roman_to_int(ch["numeral"]) if ch else None
        if ch and number is not None:
            flush()
            header, current = None, []
            chapter = number
            plan.chapters.append(SourceChapter(chapter, ch["numeral"], ch["title"], line.number))
            continue
        m = _MEASURE.match(fold(line.text))
        if m:
            flush()
            if not _counts(m["ch"]) or not _counts(m["n"]):  # [No.0-0]
                heading = excerpt(line.text[: len(line.text) - len(m["title"])].strip(), 40)
                message = _("{heading} is not a measure number: both numbers count from 1")
                plan.errors.append((line.number, message.format(heading=heading)))
                header, current = None, []
                continue
            mid = f"{int(m['ch'])}-{int(m['n'])}"
            if int(m["ch"]) != chapter:
                plan.warnings.append((line.number, f"measure {mid} stands under chapter {chapter}"))
            header, current = (mid, int(m["ch"]), line), []
            continue
        if header is not None:
            current.append(line)
        elif chapter:
            plan.warnings.append((line.number, f"text outside any measure: {line.text[:40]}"))
    flush()
    return plan


def _counts(digits: str) -> bool:
    """A chapter or measure number: 1 or more, and short enough to be one."""
    return len(digits) <= 9 and int(digits) >= 1


def _measure(header: tuple[str, int, Line], body: list[Line], plan: SourcePlan) -> SourceMeasure:
    mid, chapter, head = header
    title_text = _MEASURE.match(fold(head.text))
    assert title_text is not None
    # The title is the header's own text (in the original characters) plus any wrapped lines.
    title = head.text[len(head.text) - len(title_text["title"]) :] if title_text["title"] else ""
    title_lines = [Line(head.number, title)]
    i = 0
    while (
        i < len(body)
        and width(title_lines[-1].text) >= SHORT_BODY_LINE - 4
        and not _is_body_start(body[i].text)
    ):
        title_lines.append(body[i])
        i += 1
    title = "".join(_join_title(title_lines))
    if not title.strip():
        message = _("measure {id} has no title after its heading")
        plan.errors.append((head.number, message.format(id=mid)))
    rest = body[i:]
    first_label = next((k for k, ln in enumerate(rest) if _LABEL.match(fold(ln.text))), None)
    if first_label is None:
        plan.warnings.append((head.number, f"measure {mid} has no KPI（進捗）/KPI（効果） block"))
        return SourceMeasure(
            mid, chapter, title, join_lines(rest, SHORT_BODY_LINE), [], head.number
        )
    objective = join_lines(rest[:first_label], SHORT_BODY_LINE)
    kpis = _kpi_blocks(rest[first_label:])
    return SourceMeasure(mid, chapter, title, objective, kpis, head.number)


def _join_title(lines: list[Line]) -> list[str]:
    out = [lines[0].text]
    for prev, line in itertools.pairwise(lines):
        out.append(_wrap_join(prev.text, line.text))
    return out


def _is_body_start(text: str) -> bool:
    return bool(re.match(r"^[・【＜]", text)) or bool(_LABEL.match(fold(text)))


def _kpi_blocks(lines: list[Line]) -> list[KpiItem]:
    blocks: list[tuple[Kind, list[Line]]] = []
    for line in lines:
        label = _LABEL.match(fold(line.text))
        if label:
            kind: Kind = "progress" if label["kind"] == "進捗" else "outcome"
            rest = line.text[len(line.text) - len(label["rest"]) :] if label["rest"] else ""
            # Keep only the label's content, so the KPI column's width applies to the line.
            blocks.append((kind, [Line(line.number, rest)] if rest else []))
        else:
            blocks[-1][1].append(line)
    items: list[KpiItem] = []
    for kind, block in blocks:
        items.extend(_split_block(kind, [ln for ln in block if ln.text]))
    return items


def _split_block(kind: Kind, block: list[Line]) -> list[KpiItem]:
    """One KPI per ・ item (or ＜…＞ heading); lead text joins the first; notes attach above."""
    if not block:
        return [KpiItem(kind, "", [], 0)]
    headed = any(ln.text.startswith(("＜", "<")) for ln in block)
    starts = ("＜", "<") if headed else ("・",)
    groups: list[list[Line]] = []  # each: the lines of one KPI, notes still inside
    lead: list[Line] = []
    in_reference = False
    for line in block:
        text = line.text
        if _REFERENCE_HEADING.match(text):
            in_reference = True
        elif _NOTE_START.match(text):
            in_reference = False
        if text.startswith(starts) and not in_reference:
            groups.append([*lead, line] if not groups and lead else [line])
            lead = []
        elif groups:
            groups[-1].append(line)
        else:
            lead.append(line)
    if not groups:
        groups = [lead]
    items = []
    for group in groups:
        text_lines, notes = _notes(group)
        text = join_lines(text_lines, SHORT_KPI_LINE)
        if not headed:
            text = re.sub(r"^・\s*", "", text, flags=re.M)
        items.append(KpiItem(kind, text, notes, group[0].number))
    return items


def _notes(group: list[Line]) -> tuple[list[Line], list[str]]:
    """Split off the notes: everything from a ※ / (補足) / （参考 line to the next such line."""
    body: list[Line] = []
    notes: list[list[Line]] = []
    for line in group:
        if _NOTE_START.match(line.text):
            notes.append([line])
        elif notes:
            notes[-1].append(line)
        else:
            body.append(line)
    return body, [join_lines(n, SHORT_KPI_LINE) for n in notes]
