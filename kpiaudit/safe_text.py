"""Text from measure files, made safe to show: the one place that decides how.

Everything in a measure file, and its name, may be hostile. A person reads findings in a
terminal and a CI log, where a raw ESC starts a terminal escape sequence, a newline followed by
``::error`` forges a GitHub workflow command, and a bidi override (U+202E) makes text read
differently from what it is. So every reporter that people or log viewers read passes data
through :func:`visible`, which shows such characters as escapes (``\\x1b``, ``\\u202e``) instead of
letting them act; machine formats stay faithful (:func:`json_safe` escapes them the JSON way,
which decodes to the same data). Values quoted in messages are cut to a short excerpt
(:class:`Excerpt`), so no file can make a message, or the memory holding it, large.
Formats with their own metacharacters add theirs here too: spreadsheet formulas in CSV cells
(:func:`spreadsheet_cell`) and ``|`` in markdown tables (:func:`table_cell`).
"""

from __future__ import annotations

import re
import reprlib
from typing import Any

# C0 controls (tab and newline included: one finding, one line), DEL, C1 controls, line and
# paragraph separators (U+2028/U+2029), lone surrogates (a file name that is not UTF-8 decodes
# to them, and they cannot be written as UTF-8), and every format character (Unicode category
# Cf, as of Unicode 15): the invisible and text-reordering ones, among them the soft hyphen,
# zero-width space, joiners and directional marks (U+200B–U+200F), bidi embeddings and
# overrides (U+202A–U+202E), bidi isolates (U+2066–U+2069), the BOM (U+FEFF) and the tag
# characters (U+E0001, U+E0020–U+E007F). Listed, not computed: computing them from unicodedata
# takes longer than lint's start-up.
_INVISIBLE_CLASS = (
    "\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
INVISIBLE = re.compile(f"[{_INVISIBLE_CLASS}]")
# The same without C0, which json.dumps escapes itself (and whose raw \n is JSON's layout).
_JSON_RAW = re.compile(f"[{_INVISIBLE_CLASS.replace(chr(0) + '-' + chr(0x1F), '')}]")

EXCERPT = 80  # characters of a value quoted in a message


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every control, invisible and bidi character shown as an escape: what
    every format people or log viewers read shows of a file's content or name."""
    # No character of the class is printable (str.isprintable: each is a control, a format
    # character, a separator, a surrogate or, in an older Unicode, unassigned), and most text
    # is: tested in C, a tenth of what the search cost (tens of thousands of lines a run). A
    # str subclass (an Excerpt) is made a plain str by the search, as it always was.
    if type(text) is str and text.isprintable():
        return text
    return INVISIBLE.sub(_escape, text)


# A line a GitHub runner reads as a workflow command (::error …, the older ##[…]): it trims
# leading whitespace first, so a plan title or a file name at the start of a line is enough.
_COMMAND_START = re.compile(r"^(\s*)([:#])(?=:|#\[)")


def visible_line(text: str) -> str:
    """:func:`visible`, for text that may start a line of output (a path, a table's title):
    a leading ``::`` or ``##[`` is shown as ``\\x3a:`` or ``\\x23#[``, so that no runner reads
    the line as a workflow command."""
    shown = visible(text)
    if ":" not in shown and "#" not in shown:  # what most lines are: none to look for
        return shown
    return _COMMAND_START.sub(lambda m: f"{m[1]}\\x{ord(m[2]):02x}", shown)


def _json_escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON spells a character beyond the BMP as a UTF-16 surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_safe(text: str) -> str:
    """JSON text (as ``json.dumps(…, ensure_ascii=False)`` writes it) with the characters it
    leaves raw (DEL, C1, bidi, invisible, lone surrogates) written as ``\\u`` escapes: the same
    data once decoded, but nothing that acts on a terminal when the file is shown, and always
    encodable as UTF-8. Such characters only occur inside JSON strings, so this is exact."""
    return _JSON_RAW.sub(_json_escape, text)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """At most ``limit`` characters of ``text``, with … when something was cut."""
    return text if len(text) <= limit else text[:limit] + "…"


_REPR = reprlib.Repr()
_REPR.maxlevel = 3  # a 100,000-deep list is shown as [[[[...]]]], not walked
_REPR.maxstring = _REPR.maxother = EXCERPT
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6
_REPR.maxlong = 40


def _short_repr(value: Any) -> str:
    if isinstance(value, str):
        return repr(excerpt(value))
    try:
        return excerpt(_REPR.repr(value))
    except ValueError:  # an int beyond Python's 4,300-digit conversion limit
        return "<number>"


class Excerpt(str):
    """A value from a file as a message quotes it: at most :data:`EXCERPT` characters, both as
    ``{value}`` and as ``{value!r}`` (the repr of the original, cut, without walking all of
    it). Message arguments are made excerpts where findings are made."""

    shown: str

    def __new__(cls, value: Any) -> Excerpt:
        text = excerpt(value) if isinstance(value, str) else _short_repr(value)
        self = super().__new__(cls, text)
        self.shown = _short_repr(value)
        return self

    @classmethod
    def restore(cls, text: str, shown: str) -> Excerpt:
        """The excerpt whose ``str`` is ``text`` and ``repr`` is ``shown``, as recorded."""
        self = super().__new__(cls, text)
        self.shown = shown
        return self

    def __repr__(self) -> str:
        return self.shown

    def __format__(self, spec: str) -> str:
        # A template may format the value as a number ({value:g}); an excerpt of a number too
        # long to print is shown as it is rather than failing the whole run.
        try:
            return super().__format__(spec)
        except ValueError:
            return str(self)


_LONGEST = 10**EXCERPT


def bounded(value: Any) -> Any:
    """A message argument as a finding may hold it: numbers that print short and paths (bounded
    by the file system) as they are; anything else from a file as an :class:`Excerpt`."""
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        return value if -_LONGEST < value < _LONGEST else Excerpt(value)
    if isinstance(value, Excerpt) or (isinstance(value, str) and len(value) <= EXCERPT):
        return value
    if isinstance(value, str):
        return Excerpt(value)
    if hasattr(value, "__fspath__"):
        return value
    return Excerpt(value)


# Cells that spreadsheets read as formulas (OWASP, CSV injection): quote them with '.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell that Excel or LibreOffice will not run as a formula: a text starting with
    ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def visible_block(text: str) -> str:
    """:func:`visible_line` for text shown as several lines (a KPI's text in ``kpiaudit show``,
    a spreadsheet cell): its line breaks are kept, every other character that acts is shown,
    and no line it starts can be read as a workflow command."""
    return "\n".join(visible_line(line) for line in text.replace("\r\n", "\n").split("\n"))


def spreadsheet_text(text: str) -> str:
    """A text cell of a spreadsheet people open (XLSX, CSV for Excel): a formula neutralised
    (:func:`spreadsheet_cell`) and characters that act shown as escapes, line breaks kept (an
    XLSX cell cannot even hold a control character)."""
    return str(spreadsheet_cell(visible_block(text)))


_COMMAND_ANYWHERE = re.compile(r"([:#])(?=:|#\[)")


def table_cell(value: Any, *, pipes: bool = False, folds: bool = False) -> Any:
    """A cell of a table people read: text made visible (a cell can start a line), and with
    ``pipes`` (markdown, github) a ``|`` escaped so that it cannot split the row into more
    columns. ``folds``: the table may fold the cell over several lines (a terminal's table
    without vertical rules), so every ``::`` and ``##[`` in it could start one: each is shown
    escaped, not only a leading one. Numbers stay numbers, for alignment."""
    if not isinstance(value, str):
        return value
    text = visible_line(value)
    if folds:
        text = _COMMAND_ANYWHERE.sub(lambda m: f"\\x{ord(m[1]):02x}", text)
    return text.replace("|", "\\|") if pipes else text
