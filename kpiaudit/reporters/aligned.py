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

import io
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

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

# Columns per character laid out here, filled as characters are met (a plan uses thousands).
_columns: dict[str, int] = {}


def write_table(
    out: TextIO, rows: Sequence[Sequence[Any]], headers: Sequence[str], style: str
) -> None:
    """``rows`` under ``headers``, left-aligned, as ``tabulate(rows, headers, tablefmt=style,
    disable_numparse=True)`` gives them (no newline after the last line); ``style`` one of
    :data:`STYLES`. Written line by line: 65,000 deadlines make tens of megabytes of text."""
    lines = _lines(rows, headers, style)
    if lines is None:
        from tabulate import tabulate

        out.write(tabulate(rows, headers=list(headers), tablefmt=style, disable_numparse=True))
        return
    out.write(next(lines))
    for line in lines:
        out.write("\n" + line)


def table_text(rows: Sequence[Sequence[Any]], headers: Sequence[str], style: str) -> str:
    """:func:`write_table`'s text."""
    text = io.StringIO()
    write_table(text, rows, headers, style)
    return text.getvalue()


def _lines(
    rows: Sequence[Sequence[Any]], headers: Sequence[str], style: str
) -> Iterator[str] | None:
    """The table's lines, made as they are asked for, once every cell has been measured;
    None when a cell is one to leave to tabulate."""
    if style not in STYLES:
        raise ValueError(f"unknown table style {style!r}")
    if not headers:
        return None
    widths = []
    for header in headers:
        width = text_width(header)
        if width is None or header != header.strip():
            return None
        widths.append(width + 2)  # tabulate's least: the header and two spaces
    for row in rows:
        if len(row) != len(headers):
            return None
        for i, value in enumerate(row):
            text = _text(value)
            width = None if text is None else text_width(text)
            if width is None:
                return None
            if width > widths[i]:
                widths[i] = width
    return _formatted(rows, headers, widths, style)


def _formatted(
    rows: Sequence[Sequence[Any]], headers: Sequence[str], widths: list[int], style: str
) -> Iterator[str]:
    begin, sep, end = ("", "  ", "") if style == "simple" else ("| ", " | ", " |")
    yield _row(headers, widths, begin, sep, end)
    if style == "simple":
        yield "  ".join("-" * w for w in widths).rstrip()
    else:  # pipe marks left alignment with a colon, but not in a table without rows
        colon = ":" if style == "pipe" and rows else "-"
        yield "|" + "|".join(colon + "-" * (w + 1) for w in widths) + "|"
    for row in rows:
        yield _row([_text(value) or "" for value in row], widths, begin, sep, end)


def _text(value: Any) -> str | None:
    """A cell's text as tabulate shows it; None for what tabulate formats its own way (None,
    floats, bools, dates) and for a cell whose ends are not plain spaces (a line break there
    makes tabulate lay out the whole table over several lines)."""
    if type(value) is str:
        text = value.strip()  # as tabulate strips each cell
        return text if text is value or text_width(value) is not None else None
    if type(value) is int:
        return str(value)
    return None


def _row(texts: Sequence[str], widths: list[int], begin: str, sep: str, end: str) -> str:
    """One line: each text, measured already, padded to its column's width."""
    padded = sep.join(
        text + " " * (w - _measured(text)) for text, w in zip(texts, widths, strict=True)
    )
    return (begin + padded + end).rstrip()


def text_width(text: str) -> int | None:
    """The columns ``text`` takes, or None when it holds a character left to tabulate."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    try:
        return _measured(text)
    except KeyError:
        for char in text:
            if char not in _columns:
                columns = _columns_of(char)
                if columns is None:
                    return None
                # only the characters laid out: a measure file cannot fill it with others
                _columns[char] = columns
        return _measured(text)


def _measured(text: str) -> int:
    """The columns of text whose every character has been measured (KeyError otherwise)."""
    return len(text) if text.isascii() else sum(map(_columns.__getitem__, text))


def _columns_of(char: str) -> int | None:
    code = ord(char)
    block = bisect_right(_FIRSTS, code) - 1
    if block < 0 or code > _BLOCKS[block][1] or char in _FILLERS:
        return None
    if unicodedata.category(char) not in _SIMPLE:
        return None
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
