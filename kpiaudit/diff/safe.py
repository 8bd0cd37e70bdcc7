"""Untrusted text made safe to print.

A measure file or a git revision can hold anything: its text reaches a terminal, a log or a
pull request comment only through :func:`visible`, which turns line breaks into spaces and every
other control character (C0, C1, DEL, the bidirectional overrides that can make a line read
differently from what it holds, lone surrogates of undecodable file names) into a visible
``\\x1b`` / ``\\u202e`` escape.
"""

from __future__ import annotations

import re

_BREAKS = re.compile("\r\n|[\t\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    return _CONTROL.sub(_escape, _BREAKS.sub(" ", text))


def clipped(text: str, limit: int = 200) -> str:
    """A message about a broken file can quote the whole file: its start is enough."""
    shown = visible(text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
