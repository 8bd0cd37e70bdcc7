"""GitHub Actions workflow commands: ::error file=…,line=…,col=…,title=…::message.

Data is made visible first (:mod:`kpiaudit.safe_text`: no ESC, no bidi override reaches the
log), then escaped the way the runner unescapes it: ``%``, CR and LF everywhere, and ``:`` and
``,`` in properties. One annotation per line, whatever the file holds.
"""

from __future__ import annotations

from typing import TextIO

from ..i18n import _
from ..model import Finding
from ..safe_text import visible

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    for f in findings:
        props = ",".join(
            [
                f"file={escape_property(visible(f.path))}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={escape_property(f'{f.code} {f.name}')}",
            ]
        )
        where = f"{f.kpi}: " if f.kpi else (f"{f.measure}: " if f.measure else "")
        message = visible(where + f.render(_))
        out.write(f"::{_LEVEL[f.severity]} {props}::{escape_data(message)}\n")
