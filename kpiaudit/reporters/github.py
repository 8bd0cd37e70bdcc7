"""GitHub Actions workflow commands: ::error file=…,line=…,col=…,title=…::message."""

from __future__ import annotations

from typing import TextIO

from ..i18n import _
from ..model import Finding

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    for f in findings:
        props = ",".join(
            [
                f"file={escape_property(f.path)}",
                f"line={f.line}",
                f"col={f.column}",
                f"title={escape_property(f'{f.code} {f.name}')}",
            ]
        )
        where = f"{f.kpi}: " if f.kpi else (f"{f.measure}: " if f.measure else "")
        out.write(f"::{_LEVEL[f.severity]} {props}::{escape_data(where + f.render(_))}\n")
