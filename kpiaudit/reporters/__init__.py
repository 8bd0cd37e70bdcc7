"""Reporters for lint findings, chosen by name: the CLI's --format choices come from REPORTERS."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..model import Finding
from . import github, json_out, sarif, text

Reporter = Callable[[list[Finding], TextIO, bool], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "json": json_out.report,
    "github": github.report,
    "sarif": sarif.report,
}
