"""Arguments and options several typer commands share, and the checks on their values."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import N_, _
from .common import CONFIG_HELP, PATHS_HELP, fail, for_terminal

if TYPE_CHECKING:
    from ..model import Kind, Plan

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(metavar="PATHS", help=PATHS_HELP, show_default=False),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", metavar="FILE", help=CONFIG_HELP),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help=N_(
            "table (rich, default on a terminal), plain "
            "(default when piped), markdown, github, csv or json."
        ),
    ),
]
KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind", metavar="KIND", help=N_("progress (進捗, P) or outcome (効果, E) KPIs only.")
    ),
]
AllowBrokenOpt = Annotated[
    bool,
    typer.Option(
        "--allow-broken",
        help=N_(
            "Print numbers even when files of the plan could not be read or validated, or are "
            "duplicates (they are left out, and listed); without it that is exit 1."
        ),
    ),
]
ChapterOpt = Annotated[
    str | None, typer.Option("--chapter", "-c", metavar="N", help=N_("Chapter number: 6, Ⅵ or VI."))
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help=N_("Say what would be recorded; write nothing."))
]
DiffOpt = Annotated[
    bool, typer.Option("--diff", help=N_("Print the changes as a unified diff; write nothing."))
]
TodayOpt = Annotated[
    str | None,
    typer.Option(
        metavar="YYYY-MM-DD",
        help=N_("Judge as of this day: what was known then, and what had passed. Default: today."),
    ),
]


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


def plan_chapter(number: int | None, plan: Plan) -> None:
    """A usage error unless the plan has chapter ``number``."""
    if number is None:
        return
    known = sorted({c.number for c in plan.chapters} | {m.chapter for m in plan.measures})
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
