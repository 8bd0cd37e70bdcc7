"""SARIF 2.1.0 for GitHub code scanning: stable rule ids, partial fingerprints.

SARIF is JSON, written faithfully, except ``message.text``: code scanning and SARIF viewers
show it to people as it is, so it is made visible like the text format (no control, bidi or
invisible character acts in an alert)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from .. import __version__
from ..audit.known import key as known_key
from ..i18n import _
from ..model import Finding
from ..rules import RULES, example
from ..safe_text import visible
from .json_out import dump_json

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def artifact_location(path: str) -> dict[str, str]:
    """A path as SARIF names a file: a URI reference, percent-encoded (``a b.yaml`` →
    ``a%20b.yaml``, ``a#b.yaml`` → ``a%23b.yaml``, ``50%.yaml`` → ``50%25.yaml``, non-ASCII as
    its UTF-8 bytes), relative to %SRCROOT% (the checkout, for code scanning) or, for an
    absolute path, a file: URI."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    relative = path.removeprefix("./")
    return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": "%SRCROOT%"}


def document(findings: list[Finding]) -> dict[str, Any]:
    rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": _(r.summary)},
            "fullDescription": {"text": _(r.explanation)},
            "help": {"text": _(r.explanation) + "\n\n" + _("Example:") + "\n" + example(r.code)},
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
        }
        for r in RULES.values()
    ]
    index = {code: i for i, code in enumerate(RULES)}
    results = []
    for f in findings:
        # Keyed like a known finding (measure, KPI, code), so moving lines keeps the alert.
        key = f"{known_key(f)}:{f.path}".encode("utf-8", "surrogateescape")  # a non-UTF-8 name
        fingerprint = hashlib.sha256(key).hexdigest()[:32]
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _LEVEL[f.severity],
                "message": {"text": visible((f"{f.kpi}: " if f.kpi else "") + f.render(_))},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact_location(f.path),
                            "region": {"startLine": f.line, "startColumn": f.column},
                        }
                    }
                ],
                "partialFingerprints": {"kpiauditFinding/v1": fingerprint},
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kpiaudit",
                        "version": __version__,
                        "informationUri": "https://github.com/kpiaudit/kpiaudit",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    dump_json(document(findings), out)
