"""Human-readable findings: coloured on a terminal, plain when piped or with NO_COLOR.

path:line:column: CODE [severity] message (measure.kpi) — the form editors and CI logs link.
Paths and messages hold a file's content: they are shown through :mod:`kpiaudit.safe_text`,
one finding per line, and never read as rich markup.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TextIO

from ..i18n import _
from ..model import Finding
from ..safe_text import visible, visible_line

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@lru_cache(maxsize=4096)
def _place(path: str) -> str:  # one file has many findings
    return visible_line(path)


def _parts(f: Finding) -> tuple[str, str, str]:
    """Where, what and about which KPI, each safe to show."""
    where = f"{_place(f.path)}:{f.line}:{f.column}"
    about = f.kpi or f.measure
    return where, visible(f.render(_)), f" ({visible(about)})" if about else ""


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    if not color:
        for f in findings:
            where, message, ref = _parts(f)
            out.write(f"{where}: {f.code} [{f.severity}] {message}{ref}\n")
        return
    from rich.text import Text

    from .console import rich_console

    console = rich_console(out, True, soft_wrap=True)
    for f in findings:
        where, message, ref = _parts(f)
        line = Text.assemble(
            (where, "bold"),
            ": ",
            (f.code, _STYLE[f.severity]),
            " ",
            (f"[{f.severity}]", "dim"),
            " ",
            message,
            (ref, "dim"),
        )
        console.print(line)
