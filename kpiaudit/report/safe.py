"""Text from measure files, made safe to show: no raw control characters in the report.

Autoescaping stops markup; it lets an ESC, a NUL or a bidi override through, which can hide or
reorder what a reader sees (and a lone surrogate would make the page unencodable). Every string
from the data passes through :func:`clean` before it is escaped: in templates as Jinja's
``finalize``, in charts explicitly.
"""

from __future__ import annotations

from markupsafe import Markup, escape

# C0 controls other than tab and line feed show as their visible symbols (␛ for ESC), so a
# reader sees that something odd is in the file; DEL and C1 controls, bidi embeddings,
# overrides and isolates, and lone surrogates become U+FFFD.
_TABLE: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20) if c not in (0x09, 0x0A)}
_TABLE[0x0D] = "\n"  # a CR (from CRLF text) is a line end, not an oddity
_TABLE.update(
    {
        c: "\ufffd"
        for c in (
            0x7F,
            *range(0x80, 0xA0),
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
            *range(0xD800, 0xE000),
        )
    }
)


def clean(text: str) -> str:
    return text.replace("\r\n", "\n").translate(_TABLE)


def esc(text: str) -> Markup:
    """Cleaned and escaped: ready for an element's text or a quoted attribute."""
    return escape(clean(text))
