"""The one way kpiaudit makes a rich console."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console


def rich_console(out: TextIO, color: bool, **options: Any) -> Console:
    """A console that colours exactly when ``color`` says so. kpiaudit decides colour itself
    (:func:`kpiaudit.cli.common.use_color`: a terminal or FORCE_COLOR, and no NO_COLOR); left
    to itself, rich would drop the colour on a dumb terminal (TERM=dumb, as in CI) even when
    FORCE_COLOR asked for it. Our styles need only the 16 standard colours."""
    from rich.console import Console

    return Console(
        file=out,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        **options,
    )
