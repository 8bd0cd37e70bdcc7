"""``--format json``: a list of objects, keys and values in English, for scripts.

One object per change (``Change.as_json``), then one ``compliance-changed`` object per chapter
whose counts changed and one for the whole plan (``chapter`` null), with ``before`` and
``after`` as ``{"kpis", "compliant", "compliance"}``. Strings hold the plan's text as it is;
characters that could act on a terminal (DEL, C1, bidirectional overrides, lone surrogates)
are written as \\u escapes (:func:`kpiaudit.safe_text.json_safe`), which any JSON reader turns
back into the same string.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..safe_text import json_safe
from .changes import COMPLIANCE
from .core import DiffReport


def document(diff: DiffReport) -> list[dict[str, Any]]:
    items = [c.as_json() for c in diff.changes]
    for row in diff.compliance:
        items.append(
            {
                "change": COMPLIANCE,
                "measure": None,
                "chapter": row.chapter,
                "old": None,
                "new": None,
                "title": row.title,
                "before": row.before.as_json(),
                "after": row.after.as_json(),
                "score": None,
            }
        )
    return items


def report(diff: DiffReport, out: TextIO, terminal: bool = False, color: bool = False) -> None:
    text = json.dumps(document(diff), ensure_ascii=False, indent=2)
    out.write(json_safe(text) + "\n")
