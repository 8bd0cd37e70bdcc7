"""Untrusted text made safe to print.

A measure file or a git revision can hold anything: its text reaches a terminal, a log or a
pull request comment only through :func:`visible`, which is :func:`kpiaudit.safe_text.visible`
(every control, format and bidi character, and the lone surrogates of undecodable file names,
shown as a ``\\x1b`` / ``\\u202e`` escape) with line breaks turned into spaces first: one
change, one line.
"""

from __future__ import annotations

import re

from .. import safe_text

_BREAKS = re.compile("\r\n|[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def visible(text: str) -> str:
    return safe_text.visible(_BREAKS.sub(" ", text))


def clipped(text: str, limit: int = 200) -> str:
    """A message about a broken file can quote the whole file: its start is enough."""
    shown = visible(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
