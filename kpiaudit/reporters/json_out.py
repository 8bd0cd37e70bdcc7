"""JSON for scripts: how every command writes it, and lint's stable list of findings."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ..model import Finding


def dump_json(doc: Any, out: TextIO) -> None:
    """Indented, Japanese kept as written (not \\u escapes), one final newline."""
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    dump_json([f.as_json() for f in findings], out)
