"""Untrusted text made safe to print, the way diff shows it: on one line.

A measure file or a git revision can hold anything: its text reaches a terminal, a log or a
pull request comment only through :func:`visible`, which turns line breaks into spaces and
shows every other character that acts as :mod:`kpiaudit.safe_text` does (the one list of
them: controls, bidi and zero-width characters, lone surrogates of undecodable file names …)
as a visible ``\\x1b`` / ``\\u202e`` escape, and a leading ``::`` as ``\\x3a:``.
"""

from __future__ import annotations

import re

from ..safe_text import visible_line

_BREAKS = re.compile("\r\n|[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def visible(text: str) -> str:
    return visible_line(_BREAKS.sub(" ", text))


def clipped(text: str, limit: int = 200) -> str:
    """A message about a broken file can quote the whole file: its start is enough."""
    shown = visible(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
