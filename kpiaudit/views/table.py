"""A table as views build it and reporters render it: columns described, not guessed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


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
