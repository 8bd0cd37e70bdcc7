"""A Babel extractor for the notes of the rule cases (``cases/CODE.yaml``): ``kpiaudit rules
CODE`` shows a failing example's note as its caption, translated, so each note is a message.

Named in babel.cfg; used only by ``pybabel extract`` and the catalogue test, never at run time
(it imports nothing from Babel, and nothing imports it)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

_NOTE = re.compile(rb"^\s*note:\s*(?P<text>\S.*?)\s*$")


def extract(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """(line, function, message, comments) for each ``note:`` line, as Babel expects."""
    for number, line in enumerate(fileobj, 1):
        match = _NOTE.match(line)
        if match:
            text = match["text"].decode("utf-8").strip("'\"")
            yield number, None, text, ["Translators: the caption of a rule's example"]
