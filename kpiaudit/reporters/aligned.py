"""Plain, markdown and github tables (``status``, ``due``, ``show``), laid out here as tabulate
lays them out, so that printing one does not import it.

tabulate is the reference, and the layout for any table this module cannot lay out exactly:
importing it (with wcwidth, for Japanese, and importlib.metadata, for its version) costs 40 ms,
more than the rest of ``status -f plain`` on the 2022 plan once its files are read. What is laid
out here is every table whose cells are ``str`` or ``int`` on one line, made of characters
whose width the standard library tells as wcwidth does: printable letters, digits, punctuation,
spaces and symbols of the scripts and blocks below, two columns wide where East Asian Width
says wide or fullwidth. Any other character (combining marks, variation selectors and other
format characters, emoji, whose widths changed across Unicode versions, unassigned code points,
controls) sends the whole table to tabulate, whose wcwidth knows how such sequences are drawn.
``tests/test_aligned.py`` holds the two to the same output, and the widths to wcwidth's.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

STYLES = ("simple", "pipe", "github")

# Categories whose characters each take the columns East Asian Width gives them, alone or in
# any sequence: letters, numbers, punctuation, symbols and spaces; not marks, not controls or
# other format characters.
_SIMPLE = frozenset(
    {"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"}
    | {"Sm", "Sc", "Sk", "So", "Zs"}
)
# The blocks laid out here (first and last code point): Latin, Greek and Cyrillic, the
# punctuation, letterlike and number forms, arrows, mathematical and enclosed signs, box
# drawing and geometric shapes that Japanese text uses, and the CJK blocks. Not the symbols
# and dingbats (U+2600-27BF) nor anything from U+1F000: emoji, drawn wide from Unicode 9 on.
_BLOCKS = (
    (0x0020, 0x007E), (0x00A0, 0x024F), (0x0370, 0x04FF), (0x2010, 0x205E),
    (0x2070, 0x20C0), (0x2100, 0x22FF), (0x2460, 0x257F), (0x25A0, 0x25FF),
    (0x2E80, 0x303E), (0x3041, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3),
    (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF01, 0xFFEE),
)  # fmt: skip
_FIRSTS = tuple(first for first, _ in _BLOCKS)
_FILLERS = frozenset("\u3164\uffa0")  # Hangul fillers: letters that wcwidth draws as nothing
_UNDRAWN = -(1 << 40)  # a character left to tabulate: any text holding it sums below zero

# Columns per character seen so far; filled as characters are met (a plan uses a few thousand).
_columns: dict[str, int] = {}


def table_text(rows: Sequence[Sequence[Any]], headers: Sequence[str], style: str) -> str:
    """``rows`` under ``headers``, left-aligned, as ``tabulate(rows, headers, tablefmt=style,
    disable_numparse=True)`` gives them; ``style`` one of :data:`STYLES`."""
    text = _laid_out(rows, headers, style)
    if text is None:
        from tabulate import tabulate

        text = tabulate(rows, headers=list(headers), tablefmt=style, disable_numparse=True)
    return text


def _laid_out(rows: Sequence[Sequence[Any]], headers: Sequence[str], style: str) -> str | None:
    n = len(headers)
    header_widths = []
    for header in headers:
        width = text_width(header)
        if width is None or header != header.strip():
            return None
        header_widths.append(width)
    widths = [w + 2 for w in header_widths]  # tabulate's least: the header and two spaces
    cells: list[list[tuple[str, int]]] = []
    for row in rows:
        if len(row) != n:
            return None
        line = []
        for i, value in enumerate(row):
            if type(value) is int:
                text = str(value)
            elif type(value) is str:
                text = value.strip()  # as tabulate strips each cell
            else:
                return None  # None, floats, bools, dates: tabulate's own formatting
            width = text_width(text)
            if width is None:
                return None
            line.append((text, width))
            if width > widths[i]:
                widths[i] = width
        cells.append(line)
    if style == "simple":
        lines = [_row(zip(headers, header_widths, strict=True), widths, "", "  ", "")]
        lines.append("  ".join("-" * w for w in widths).rstrip())
        lines += [_row(line, widths, "", "  ", "") for line in cells]
    elif style in ("pipe", "github"):
        lines = [_row(zip(headers, header_widths, strict=True), widths, "| ", " | ", " |")]
        # pipe marks left alignment with a colon, but not in a table without rows
        colon = ":" if style == "pipe" and cells else "-"
        lines.append("|" + "|".join(colon + "-" * (w + 1) for w in widths) + "|")
        lines += [_row(line, widths, "| ", " | ", " |") for line in cells]
    else:
        raise ValueError(f"unknown table style {style!r}")
    return "\n".join(lines)


def _row(
    cells: Iterable[tuple[str, int]], widths: list[int], begin: str, sep: str, end: str
) -> str:
    """One line: each cell's text and its width in columns, padded to its column's."""
    padded = sep.join(
        text + " " * (w - width) for (text, width), w in zip(cells, widths, strict=True)
    )
    return (begin + padded + end).rstrip()


def text_width(text: str) -> int | None:
    """The columns ``text`` takes, or None when it holds a character left to tabulate."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    try:
        width = sum(map(_columns.__getitem__, text))
    except KeyError:
        for char in text:
            if char not in _columns:
                _columns[char] = _columns_of(char)
        width = sum(map(_columns.__getitem__, text))
    return width if width >= 0 else None


def _columns_of(char: str) -> int:
    code = ord(char)
    block = bisect_right(_FIRSTS, code) - 1
    if block < 0 or code > _BLOCKS[block][1] or char in _FILLERS:
        return _UNDRAWN
    if unicodedata.category(char) not in _SIMPLE:
        return _UNDRAWN
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
