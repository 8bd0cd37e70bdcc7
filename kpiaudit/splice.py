"""Editing a measure file as text: keys spliced into it, every other byte kept.

``fix`` (re-read a KPI's structure) and ``actuals`` (add measured values) change a few keys of
a file people edit by hand. Loading and dumping it again would lose comments, key order,
quoting, a BOM and CRLF line ends; so the file is split into lines, the node tree gives each
key's lines, and only those lines are replaced or new ones inserted. The caller reads the
result back and compares it with what it meant before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .codec import dump


@dataclass
class Edit:
    start: int  # first line replaced (0-based)
    end: int  # line after the last one replaced (== start: insert before ``start``)
    lines: list[str]


# Line breaks YAML and kpiaudit count but a split at LF does not: a file holding one cannot be
# edited line by line safely (libyaml's line numbers and ours would disagree).
ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


@dataclass(frozen=True)
class SourceText:
    """A file's text as lines without line ends, remembering its BOM and each line's own end
    (a file may mix LF and CRLF), so that it is written back as it came; a new line takes the
    end of the line it replaces, or of the line it follows."""

    bom: str
    lines: tuple[str, ...]
    ends: tuple[str, ...]  # "\r\n", "\n", or "" for the last line
    usual: str  # the end most lines have, for lines that have none yet

    @classmethod
    def of(cls, raw: str) -> SourceText:
        bom = "\ufeff" if raw.startswith("\ufeff") else ""
        parts = raw.removeprefix("\ufeff").split("\n")
        lines, ends = [], []
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if not last and part.endswith("\r"):
                lines.append(part[:-1])
                ends.append("\r\n")
            else:
                lines.append(part)
                ends.append("" if last else "\n")
        usual = "\r\n" if ends.count("\r\n") > ends.count("\n") else "\n"
        return cls(bom, tuple(lines), tuple(ends), usual)

    @property
    def odd_breaks(self) -> bool:
        """The text holds a lone CR, NEL, U+2028 or U+2029: not safe to edit by lines."""
        return any(ODD_BREAKS.search(ln) for ln in self.lines)

    @property
    def text(self) -> str:
        """The text as the loader reads it: no BOM, LF line ends."""
        return "\n".join(self.lines)

    def spliced(self, edits: Sequence[Edit]) -> SourceText:
        """The text with ``edits`` applied: bottom up, so that earlier line numbers stay true;
        edits at the same line keep their order."""
        lines, ends = list(self.lines), list(self.ends)
        for _, edit in sorted(enumerate(edits), key=lambda p: (p[1].start, p[0]), reverse=True):
            if edit.start < edit.end and ends[edit.start]:
                ending = ends[edit.start]
            else:
                ending = (ends[edit.start - 1] if edit.start > 0 else "") or self.usual
            lines[edit.start : edit.end] = edit.lines
            ends[edit.start : edit.end] = [ending] * len(edit.lines)
        return SourceText(self.bom, tuple(lines), tuple(ends), self.usual)

    def rendered(self) -> str:
        """The text as the file is written: its BOM and each line's own end (the last line has
        none, as the file it came from)."""
        return self.bom + "".join(
            ln + (end or (self.usual if i < len(self.lines) - 1 else ""))
            for i, (ln, end) in enumerate(zip(self.lines, self.ends, strict=True))
        )


def child(mapping: MappingNode, key: str) -> Node | None:
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return v  # type: ignore[no-any-return]
    return None


def last_line(node: Node) -> int:
    """0-based line of a node's last character: the last leaf's end, since a block
    collection ends where the next token begins."""
    while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    mark = node.end_mark
    return int(mark.line if mark.column > 0 else mark.line - 1)


def indented(value: Any, column: int) -> list[str]:
    """``value`` dumped as a measure file is written, every line indented by ``column``."""
    return [" " * column + ln for ln in dump(value).rstrip("\n").split("\n")]


def key_edit(
    lines: Sequence[str],
    mapping: MappingNode,
    key: str,
    value: Any,
    present: bool,
    order: Sequence[str],
) -> tuple[Edit | None, str]:
    """The edit that sets ``key`` of a block mapping to ``value`` (or removes it when not
    ``present``), or None and why not. A new key goes where ``order`` puts it: before the
    next key that follows it, else after the mapping's last line of content."""
    if mapping.flow_style:
        return None, "the KPI is written in flow style ({…}); edit it by hand"
    keys = {k.value: (k, v) for k, v in mapping.value if isinstance(k, ScalarNode)}
    first_key = mapping.value[0][0]
    fragment = indented({key: value}, first_key.start_mark.column) if present else []
    if key in keys:
        key_node, value_node = keys[key]
        start, end = key_node.start_mark.line, last_line(value_node) + 1
        if key_node is first_key:
            return None, "it is the first key of the KPI; edit it by hand"
        if any("#" in ln for ln in lines[start:end]):
            if isinstance(value_node, ScalarNode) and present and start + 1 == end:
                return replace_scalar(lines, value_node, fragment), ""
            return None, "a comment is on its lines; edit it by hand so the comment is kept"
        return Edit(start, end, fragment), ""
    later = order[order.index(key) + 1 :] if key in order else ()
    anchors = [
        keys[k][0].start_mark.line for k in later if k in keys and keys[k][0] is not first_key
    ]
    at = min(anchors) if anchors else end_of(lines, mapping)
    return Edit(at, at, fragment), ""


def end_of(lines: Sequence[str], node: Node) -> int:
    """The line after a node's last line with content (a block scalar's end counts the blank
    lines after it; a comment after the node is not its content)."""
    at = last_line(node) + 1
    while at > 0 and not lines[at - 1].strip():
        at -= 1
    return at


def replace_scalar(lines: Sequence[str], node: ScalarNode, fragment: list[str]) -> Edit:
    """Swap a one-line scalar in place, keeping the comment after it."""
    line = lines[node.start_mark.line]
    value = fragment[0].split(":", 1)[1].strip()
    new = line[: node.start_mark.column] + value + line[node.end_mark.column :]
    return Edit(node.start_mark.line, node.start_mark.line + 1, [new])
