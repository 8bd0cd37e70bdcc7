"""JSON for scripts: how every command writes it, and lint's stable list of findings.

JSON stays faithful data: a file's content is written as it is, with the characters that
would act on a terminal showing the JSON (control, bidi, invisible) written as ``\\u`` escapes
(:func:`kpiaudit.safe_text.json_safe`), which decode to the same text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from ..safe_text import json_safe

if TYPE_CHECKING:
    from ..model import Finding


def dump_json(doc: Any, out: TextIO) -> None:
    """Indented, Japanese kept as written (not \\u escapes), one final newline."""
    out.write(json_safe(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n")


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    dump_json([f.as_json() for f in findings], out)
