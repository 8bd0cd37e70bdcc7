"""Known findings (the ``--baseline`` file): findings accepted as existing debt, so that lint
fails only on new ones. Keyed by measure, KPI and code, never by line, so edits elsewhere keep
an entry valid. (A KPI's *baselines*, its starting values, are something else: see model.)"""

from __future__ import annotations

import json
from pathlib import Path

from ..i18n import _
from ..load import Problem, read_bounded
from ..model import Finding
from ..rules import RULES
from ..safe_text import Excerpt, json_safe


def key(f: Finding) -> str:
    return f"{f.kpi or f.measure or f.path}:{f.code}"


def write(path: Path, findings: list[Finding]) -> None:
    from ..fsutil import atomic_write_all

    counts: dict[str, int] = {}
    for f in findings:
        counts[key(f)] = counts.get(key(f), 0) + 1
    doc = {"version": 1, "findings": dict(sorted(counts.items()))}
    atomic_write_all([(path, json_safe(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n")])


def apply(path: Path, findings: list[Finding]) -> tuple[list[Finding], list[str]]:
    """(new findings, known entries that no longer occur)."""
    raw = read_bounded(path, path.parent)  # from the pull request: maybe a link, a FIFO
    if isinstance(raw, Problem):
        raise ValueError(_(RULES[raw.code].template(raw.key)).format(**raw.args))
    try:
        doc = json.loads(raw.decode("utf-8"))
    except RecursionError:  # [[[[… 100,000 deep: json recurses
        raise ValueError(_("nested too deeply to be a baseline")) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), dict):
        raise ValueError(_('not a kpiaudit baseline (expected {"version": 1, "findings": {…}})'))
    budget: dict[str, int] = {}
    for k, v in doc["findings"].items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:  # null, 1e400, "3", [..]
            raise ValueError(
                _("{key!r}: the count must be a whole number, not {value!r}").format(
                    key=Excerpt(k), value=Excerpt(v)
                )
            )
        budget[k] = v
    new = []
    for f in findings:
        k = key(f)
        if budget.get(k, 0) > 0:
            budget[k] -= 1
        else:
            new.append(f)
    gone = sorted(k for k, v in budget.items() if v > 0)
    return new, gone
