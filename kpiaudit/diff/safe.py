"""Untrusted text made safe to print, the way diff shows it: on one line.

A measure file or a git revision can hold anything. Its text reaches a terminal, a log or a
pull request comment only through :func:`visible`: line breaks become spaces (a KPI's text is
shown on the line of its change), and every other character that acts is shown as an escape
by :func:`kpiaudit.safe_text.visible`, the one place that decides which those are.
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
