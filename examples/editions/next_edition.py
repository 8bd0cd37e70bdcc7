"""Write the 2022 plan text as a next edition might revise it, for the worked example of
``kpiaudit diff`` between two editions (README, "Two editions").

The edits are illustrative, not the real 2023 plan: measure 1-2 is dropped, so 1-3 … 1-10 move
up one; 1-7's fibre coverage target (99.85％) slips from 令和６年度末 to 令和７年度末 and its 5G
target rises from 95％ to 97％; 6-36's 半減 becomes ３割削減.

Run: python examples/editions/next_edition.py sources/digital-plan-2022-measures.txt plan-2023.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

# (old, new), each found exactly once in the 2022 text
EDITS = [
    ("カバー率（令和６年度（2024年度）末までに", "カバー率（令和７年度（2025年度）末までに"),
    ("（令和５年度（2023年度）末までに95％）", "（令和５年度（2023年度）末までに97％）"),
    ("（令和９年度（2027年度）までに半減）", "（令和９年度（2027年度）までに３割削減）"),
]
DIGITS = ["２", "３", "４", "５", "６", "７", "８", "９", "10"]


def next_edition(text: str) -> str:
    start, end = text.index(" [No.１－２]"), text.index(" [No.１－３]")
    text = text[:start] + text[end:]  # 1-2 is dropped …
    for old, new in zip(DIGITS[1:], DIGITS[:-1], strict=True):  # 1-3 … 1-10 → 1-2 … 1-9
        text = _once(text, f"[No.１－{old}]", f"[No.１－{new}]")
    for old, new in EDITS:
        text = _once(text, old, new)
    return text


def _once(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise SystemExit(f"next_edition: {old!r} is not in the text exactly once")
    return text.replace(old, new)


if __name__ == "__main__":
    source, out = (Path(a) for a in sys.argv[1:3])
    out.write_text(next_edition(source.read_text(encoding="utf-8")), encoding="utf-8")
