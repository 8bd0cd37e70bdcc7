"""Text from measure files made safe to show in a terminal or a spreadsheet cell.

Measure files are untrusted: an ESC can recolour or clear a terminal, a bidi override can
reorder what a reader sees, and a cell starting with ``=`` is a formula to Excel (OWASP, "CSV
Injection"). Issue 11 brings one escaping module for every reporter; until it lands, ``show``
and ``export`` use these two functions, and should switch to that module when it does.
"""

from __future__ import annotations

# C0 controls other than tab and line feed become their visible symbols (␛ for ESC), so a
# reader sees that something odd is in the file; DEL, C1 controls and the bidi embeddings,
# overrides and isolates become U+FFFD, as in the HTML report (kpiaudit.report.safe).
_TABLE: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
_TABLE.update(
    {
        c: "\ufffd"
        for c in (
            0x7F,
            *range(0x80, 0xA0),
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
            *range(0xD800, 0xE000),  # a lone surrogate cannot even be encoded
        )
    }
)


def visible(text: str) -> str:
    """``text`` with every control and bidi character made visible; CRLF is a line end."""
    return text.replace("\r\n", "\n").translate(_TABLE)


# A spreadsheet evaluates a cell that starts with one of these (tab and CR included: Excel
# strips them before it looks for "=").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """A cell a spreadsheet shows as the text it is: formulas neutralised with a leading
    apostrophe (OWASP), control characters made visible."""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return visible(text)
