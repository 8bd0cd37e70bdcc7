"""The values of options several commands share (typer's and argparse's alike), checked:
a chapter, a date, a kind of KPI, a table format. Kept free of typer, so that the argparse
fronts (:mod:`.argfront`) can use them at no cost."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from ..i18n import _
from .common import fail, for_terminal

if TYPE_CHECKING:
    from ..model import Kind, Plan


def table_format(fmt: str | None, stream: object) -> str:
    from ..reporters.tables import TABLE_FORMATS

    if fmt is None:
        return "table" if for_terminal(stream) else "plain"
    if fmt not in TABLE_FORMATS:
        fail(
            _("--format: {value!r} is not one of {choices}").format(
                value=fmt, choices=", ".join(TABLE_FORMATS)
            )
        )
    return fmt


def chapter_number(value: str | None) -> int | None:
    from ..chapters import parse_chapter

    if value is None:
        return None
    try:
        return parse_chapter(value)
    except ValueError as exc:
        fail(_("--chapter: {reason}").format(reason=exc))


def date_start(value: str | None, option: str) -> date | None:
    """The first day of the period a date argument names (2025-03 → 2025-03-01)."""
    period = _period(value, option)
    return period[0] if period else None


def date_end(value: str | None, option: str) -> date | None:
    """The last day of the period a date argument names (2025-03 → 2025-03-31, 令和6年度 →
    2025-03-31)."""
    period = _period(value, option)
    return period[1] if period else None


def _period(value: str | None, option: str) -> tuple[date, date] | None:
    from ..jpdate import DateParseError, parse_date

    if value is None:
        return None
    try:
        jd = parse_date(value)
    except DateParseError as exc:
        fail(_("{option}: {reason}").format(option=option, reason=exc))
    assert jd.start is not None and jd.end is not None  # parse_date refuses recurring periods
    return jd.start, jd.end


def plan_chapter(number: int | None, plan: Plan, measures: Iterable[int] | None = None) -> None:
    """A usage error unless the plan has chapter ``number``: one plan.yaml names, or one of
    its measures is in (``measures``: their chapters, when the plan holds no models)."""
    if number is None:
        return
    if measures is None:
        measures = (m.chapter for m in plan.measures)
    known = sorted({c.number for c in plan.chapters} | set(measures))
    if number not in known:
        listed = ", ".join(str(n) for n in known) or _("none")
        fail(
            _("--chapter: the plan has no chapter {number} (its chapters: {listed})").format(
                number=number, listed=listed
            )
        )


# What people call the two kinds of KPI: the plan's own words, the schema's, and the id letters.
_KINDS: dict[str, Kind] = {
    "progress": "progress",
    "進捗": "progress",
    "p": "progress",
    "outcome": "outcome",
    "効果": "outcome",
    "effect": "outcome",
    "e": "outcome",
}


def kpi_kind(value: str | None) -> Kind | None:
    if value is None:
        return None
    kind = _KINDS.get(value.strip().lower())
    if kind is None:
        message = _("--kind: {value!r} is not progress (進捗, P) or outcome (効果, E)")
        fail(message.format(value=value))
    return kind


def today_date(value: str | None) -> date:
    """--today, else the real date."""
    from .common import parse_iso

    return parse_iso(value, "--today") if value else date.today()
