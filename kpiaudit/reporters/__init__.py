"""Reporters for lint findings, chosen by name: the CLI's --format choices come from
:data:`REPORTERS`. Each is imported when chosen: SARIF's (hashlib, urllib, the rules'
examples) costs a pre-commit run on one file nothing when it prints text."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TextIO

from ..model import Finding

Reporter = Callable[[list[Finding], TextIO, bool], None]

REPORTERS: dict[str, str] = {  # format → module of this package with its report()
    "text": "text",
    "json": "json_out",
    "github": "github",
    "sarif": "sarif",
}


def reporter(name: str) -> Reporter:
    report: Reporter = import_module(f".{REPORTERS[name]}", __name__).report
    return report
