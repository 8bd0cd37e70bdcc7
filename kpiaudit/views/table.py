"""A table as views build it and reporters render it: columns described, not guessed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..i18n import N_


class Term(str):
    """A word of a closed set in a cell (a state, a row type, "overdue", "total"): people read
    it in their language (the reporters translate it, the English word being the message id),
    machines (csv) read the English word as it is. ``suffix`` is kept as it is in both
    ("recurring" + " FY2025")."""

    word: str
    suffix: str

    def __new__(cls, word: str, suffix: str = "") -> Term:
        term = super().__new__(cls, word + suffix)
        term.word, term.suffix = word, suffix
        return term

    def shown(self, translate: Callable[[str], str]) -> str:
        return translate(self.word) + self.suffix


# The words cells hold as Terms from a variable (a state, a row type), marked for extraction;
# those written as Term("…") are extracted from where they are written.
WORDS = (
    N_("achieved"),
    N_("achieved-late"),
    N_("on-track"),
    N_("behind"),
    N_("missed"),
    N_("no-data"),
    N_("not-measurable"),
    N_("target"),
    N_("set-by"),
)


def shown_cell(value: Any, translate: Callable[[str], str]) -> Any:
    """A cell as people read it: a :class:`Term` in their language, anything else as it is."""
    return value.shown(translate) if isinstance(value, Term) else value


@dataclass(frozen=True)
class Column:
    header: str  # shown to people (marked with N_, translated where rendered)
    align: Literal["left", "right"] = "left"
    wrap: bool = False  # long text (titles) folds onto more lines instead of being cut


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: bool = False  # the last row sums the others: set apart on a terminal
    # A fraction per row, drawn as a bar beside it on a terminal (compliance).
    bars: list[float] | None = field(default=None)
    # Lines that explain rows (why a milestone could not be judged), printed after the table
    # for people; machine formats carry them in their own fields (json).
    footnotes: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]
