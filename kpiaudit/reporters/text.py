"""Human-readable findings: coloured on a terminal, plain when piped or with NO_COLOR.

path:line:column: CODE [severity] message (measure.kpi) — the form editors and CI logs link.
Paths and messages hold a file's content: they are shown through :mod:`kpiaudit.safe_text`,
one finding per line, and never read as rich markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from ..i18n import _
from ..model import Finding
from ..safe_text import Excerpt, visible, visible_line

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


_MESSAGES_KEPT = 4096  # distinct messages (most repeat; those quoting a file's text do not)


class _Messages:
    """Each finding's message in the reader's language, made safe to show: rendered once per
    template and arguments, since a large plan repeats a few messages tens of thousands of
    times. The key holds each argument's type: ``True``, ``1`` and ``1.0`` are equal keys
    that read differently; so are ``0.0`` and ``-0.0``, and an excerpt carries the repr it
    shows: with a float or an excerpt among them, the key holds the arguments' reprs too."""

    def __init__(self) -> None:
        self._made: dict[object, str] = {}

    def __call__(self, f: Finding) -> str:
        args = f.args
        key: object
        if not args:
            key = f.template  # a str: never equal to the tuples below
        else:
            types = tuple([type(v) for _name, v in args])
            key = (f.template, args, types)
            if Excerpt in types or float in types:
                key += tuple([repr(v) for _name, v in args])
        try:
            text = self._made.get(key)
        except TypeError:  # an argument that cannot be a key: rendered as it is
            return visible(f.render(_))
        if text is None:
            text = visible(f.render(_))
            if len(self._made) < _MESSAGES_KEPT:
                self._made[key] = text
        return text


def _parts(findings: list[Finding]) -> Iterator[tuple[Finding, str, str]]:
    """Each finding with where it is (path:line:column) and about which KPI, each safe to
    show. A file's findings come together, and mostly a KPI's: the path and the reference are
    shown once per run of them, and only the last is held (a dictionary of every KPI's
    reference was 11 MiB of a 100,000-measure run)."""
    path: str | None = None
    place = ""
    about: str | None = None
    ref = ""
    for f in findings:
        if f.path != path:
            path, place = f.path, visible_line(f.path)
        if (f.kpi or f.measure) != about:
            about = f.kpi or f.measure
            ref = f" ({visible(about)})" if about else ""
        yield f, f"{place}:{f.line}:{f.column}", ref


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    message = _Messages()
    if not color:
        out.writelines(
            f"{where}: {f.code} [{f.severity}] {message(f)}{ref}\n"
            for f, where, ref in _parts(findings)
        )
        return
    from rich.text import Text

    from .console import rich_console

    console = rich_console(out, True, soft_wrap=True)
    for f, where, ref in _parts(findings):
        line = Text.assemble(
            (where, "bold"),
            ": ",
            (f.code, _STYLE[f.severity]),
            " ",
            (f"[{f.severity}]", "dim"),
            " ",
            message(f),
            (ref, "dim"),
        )
        console.print(line)
