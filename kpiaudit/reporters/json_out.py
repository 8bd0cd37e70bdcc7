"""A stable JSON list of findings for scripts."""

from __future__ import annotations

import json
from typing import TextIO

from ..lint import Finding


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    json.dump([f.as_json() for f in findings], out, ensure_ascii=False, indent=2)
    out.write("\n")
