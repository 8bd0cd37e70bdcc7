"""Human-readable findings: coloured on a terminal, plain when piped or with NO_COLOR.

path:line:column: CODE [severity] message (measure.kpi) — the form editors and CI logs link.
"""

from __future__ import annotations

from typing import TextIO

from ..i18n import _
from ..model import Finding

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    if not color:
        for f in findings:
            ref = f" ({f.kpi or f.measure})" if (f.kpi or f.measure) else ""
            out.write(f"{f.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.render(_)}{ref}\n")
        return
    from rich.markup import escape

    from .console import rich_console

    console = rich_console(out, True, soft_wrap=True)
    for f in findings:
        ref = f" [dim]({escape(f.kpi or f.measure or '')})[/dim]" if (f.kpi or f.measure) else ""
        console.print(
            f"[bold]{escape(f.path)}:{f.line}:{f.column}[/bold]: "
            f"[{_STYLE[f.severity]}]{f.code}[/] [dim]\\[{f.severity}][/dim] "
            f"{escape(f.render(_))}{ref}"
        )
