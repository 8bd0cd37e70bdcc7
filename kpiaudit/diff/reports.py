"""The formats of ``kpiaudit diff``, by name: ``--format`` choices come from FORMATS."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from . import report_github, report_json, report_markdown, report_text
from .core import DiffReport

# (report, out, terminal: a person is looking, color: and wants colour)
Reporter = Callable[[DiffReport, TextIO, bool, bool], None]

FORMATS: dict[str, Reporter] = {
    "text": report_text.report,
    "markdown": report_markdown.report,
    "json": report_json.report,
    "github": report_github.report,
}
