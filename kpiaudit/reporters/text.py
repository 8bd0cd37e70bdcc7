"""Human-readable findings: coloured on a terminal, plain when piped or with NO_COLOR.

path:line:column: CODE [severity] message (measure.kpi) — the form editors and CI logs link.
Paths and messages hold a file's content: they are shown through :mod:`kpiaudit.safe_text`,
one finding per line, and never read as rich markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TextIO

from ..i18n import _
from ..model import Finding
from ..safe_text import Excerpt, visible, visible_line

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@lru_cache(maxsize=4096)
def _place(path: str) -> str:  # one file has many findings
    return visible_line(path)


_about = lru_cache(maxsize=4096)(visible)  # the measure or KPI a finding is about


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


def _parts(f: Finding, message: _Messages) -> tuple[str, str, str]:
    """Where, what and about which KPI, each safe to show."""
    where = f"{_place(f.path)}:{f.line}:{f.column}"
    about = f.kpi or f.measure
    return where, message(f), f" ({_about(about)})" if about else ""


def _plain_lines(findings: list[Finding], message: _Messages) -> Iterator[str]:
    """One line per finding, as :func:`_parts` makes it: the path and the KPI shown once per
    file and per run of a KPI's findings (a file's come together, and mostly a KPI's), a few
    lookups less per finding on a plan of tens of thousands. Only the last of each is held: a
    dictionary of every KPI's reference was 11 MiB of a 100,000-measure run."""
    path: str | None = None
    place = ""
    about: str | None = None
    ref = ""
    for f in findings:
        if f.path != path:
            path, place = f.path, _place(f.path)
        if (f.kpi or f.measure) != about:
            about = f.kpi or f.measure
            ref = f" ({_about(about)})" if about else ""
        yield f"{place}:{f.line}:{f.column}: {f.code} [{f.severity}] {message(f)}{ref}\n"


def report(findings: list[Finding], out: TextIO, color: bool = False) -> None:
    message = _Messages()
    if not color:
        out.writelines(_plain_lines(findings, message))
        return
    from rich.text import Text

    from .console import rich_console

    console = rich_console(out, True, soft_wrap=True)
    for f in findings:
        where, text, ref = _parts(f, message)
        line = Text.assemble(
            (where, "bold"),
            ": ",
            (f.code, _STYLE[f.severity]),
            " ",
            (f"[{f.severity}]", "dim"),
            " ",
            text,
            (ref, "dim"),
        )
        console.print(line)
