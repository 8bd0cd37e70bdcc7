"""``kpiaudit fix``: re-read from its text the structure of each KPI that disagrees with it.

Only KPIs with a fixable finding (K202, K203, K204, K206) after configuration and suppression
comments are touched, so a hand correction that lints clean is never undone; of those, only
the fields read from the text (status, unset_reason, milestones, baselines) are rewritten.

The file is edited as text, not loaded and dumped again: every byte outside the rewritten keys
stays as it was, comments, key order, quoting and each line's own ending (LF or CRLF, mixed
in one file) included. A key whose lines hold a comment is left alone and reported, rather
than losing the comment; every edited file is read back and compared with what was meant
before anything is written.

Writing (:func:`write_fixes`) goes through a symbolic link to the file it names (lint read it
only because it stays inside the tree being checked, so the link stays a link), refuses a
read-only file, and replaces a file only if it still holds the bytes that were fixed: a hand
edit saved while fix ran is left alone and reported (see :mod:`kpiaudit.fsutil` for what is
atomic).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .audit import audit
from .codec import DERIVED_KEYS, KPI_KEY_ORDER, derived_data, dump
from .config import Config
from .extract import extract
from .fsutil import Change, replace_files
from .i18n import _
from .load import Problem, compose, load_text, read_bounded
from .rules import FIXABLE


@dataclass
class FileFix:
    path: Path
    old: str
    new: str
    fixed: list[str] = field(default_factory=list)  # "6-4.E1 (milestones, baselines)"
    skipped: list[str] = field(default_factory=list)  # "6-4.E1 milestones: why not"
    raw: bytes = b""  # the file as it was read: it is replaced only if it still holds this


@dataclass
class _Edit:
    start: int  # first line replaced (0-based)
    end: int  # line after the last one replaced
    lines: list[str]


def plan_fixes(paths: Iterable[Path], config: Config) -> list[FileFix]:
    """What ``fix`` would change, file by file; nothing is written. Raises
    :class:`~kpiaudit.audit.TwoPlansError` when the files belong to several plans."""
    result = audit(paths, config).single()
    wanted: dict[str, set[str]] = {}
    for f in result.findings:
        if f.code in FIXABLE and f.kpi:
            wanted.setdefault(f.path, set()).add(f.kpi)
    fixes = []
    root = Path(result.plan.directory) if result.plan.directory else None
    for path_name, refs in sorted(wanted.items()):
        fix = _fix_file(Path(path_name), refs, result.plan.base_date, root)
        if fix.fixed or fix.skipped:
            fixes.append(fix)
    return fixes


# Line breaks libyaml counts that splitting on LF does not: its line numbers would not be ours.
_OTHER_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


def _lines(text: str) -> tuple[list[str], list[str]]:
    """The lines of ``text`` without their endings, and each line's ending ("\r\n", "\n",
    or "" for the last)."""
    parts = text.split("\n")
    lines, ends = [], []
    for i, part in enumerate(parts):
        if i < len(parts) - 1 and part.endswith("\r"):
            lines.append(part[:-1])
            ends.append("\r\n")
        else:
            lines.append(part)
            ends.append("\n" if i < len(parts) - 1 else "")
    return lines, ends


def _joined(lines: list[str], ends: list[str], usual: str) -> str:
    last = len(lines) - 1
    return "".join(ln + ((ends[i] or usual) if i < last else "") for i, ln in enumerate(lines))


def _fix_file(path: Path, refs: set[str], base: date | None, root: Path | None) -> FileFix:
    content = read_bounded(path, root)
    try:
        if isinstance(content, Problem):
            raise OSError(content.args.get("reason", content.key))
        raw = content.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # it was readable UTF-8 when lint ran
        return FileFix(path, "", "", skipped=[f"the file cannot be read any more: {exc}"])
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    text = raw.removeprefix("\ufeff")
    fix = FileFix(path, raw, raw, raw=content)
    if _OTHER_BREAKS.search(text):
        fix.skipped.append(
            _(
                "the file has line breaks other than LF and CRLF (a lone CR, NEL, U+2028 or "
                "U+2029); fix cannot edit it safely"
            )
        )
        return fix
    lines, ends = _lines(text)
    usual = "\r\n" if ends.count("\r\n") > ends.count("\n") else "\n"
    loaded = load_text(text, path.as_posix())
    top = None if loaded.problems else compose("\n".join(lines))
    kpi_nodes = _child(top, "kpis") if isinstance(top, MappingNode) else None
    if not isinstance(kpi_nodes, SequenceNode):
        fix.skipped.append("the file changed while it was being checked; run fix again")
        return fix
    measure_id = loaded.data["id"]
    expected = loaded.data  # edited below into what the rewritten file must load as
    edits: list[_Edit] = []
    for kpi, node in zip(expected["kpis"], kpi_nodes.value, strict=True):
        ref = f"{measure_id}.{kpi['id']}"
        if ref not in refs or not isinstance(node, MappingNode):
            continue
        notes = kpi.get("notes", [])
        read = derived_data(
            extract(kpi["text"], base, notes).kpi(kpi["id"], kpi["kind"], kpi["text"], notes)
        )
        changed = []
        for key in DERIVED_KEYS:
            new_value = _plain(read.get(key))
            if kpi.get(key) == new_value and (key in kpi) == (key in read):
                continue
            edit, why = _edit(lines, node, key, read.get(key), key in read)
            if edit is None:
                fix.skipped.append(f"{ref} {key}: {why}")
                continue
            edits.append(edit)
            changed.append(key)
            if key in read:
                kpi[key] = new_value
            else:
                kpi.pop(key, None)
        if changed:
            fix.fixed.append(f"{ref} ({', '.join(changed)})")
    if not edits:
        return fix
    # Bottom up, so that earlier line numbers stay true; two keys inserted at the same line
    # keep their order.
    # New lines take the ending of the line they replace, or of the line they follow.
    for _order, edit in sorted(enumerate(edits), key=lambda p: (p[1].start, p[0]), reverse=True):
        if edit.start < edit.end and ends[edit.start]:
            ending = ends[edit.start]
        else:
            ending = (ends[edit.start - 1] if edit.start > 0 else "") or usual
        lines[edit.start : edit.end] = edit.lines
        ends[edit.start : edit.end] = [ending] * len(edit.lines)
    new_text = _joined(lines, ends, usual)
    check = load_text(new_text, path.as_posix())
    if check.problems or check.data != expected:  # pragma: no cover - a bug in the splicing
        fix.skipped += [f"{f.split(' ')[0]}: could not be rewritten safely" for f in fix.fixed]
        fix.fixed = []
        return fix
    fix.new = bom + new_text
    return fix


@dataclass
class Written:
    """What writing the fixes did, file by file."""

    written: list[FileFix] = field(default_factory=list)
    refused: list[tuple[FileFix, str]] = field(default_factory=list)  # and why
    changed: list[FileFix] = field(default_factory=list)  # edited by someone meanwhile


def _refusal(target: Path) -> str | None:
    """Why ``target`` is not to be rewritten, if it is not: a read-only file is meant to stay
    as it is (root may write it anyway; fix does not)."""
    try:
        st = target.stat()
    except OSError as exc:
        return _("it cannot be read any more: {reason}").format(reason=exc.strerror or exc)
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return _("the file is read-only (mode {mode:04o}); make it writable").format(
            mode=stat.S_IMODE(st.st_mode)
        )
    if not os.access(target, os.W_OK):
        return _("you may not write to the file")
    return None


def write_fixes(fixes: Iterable[FileFix]) -> Written:
    """Write each changed file (through a symbolic link to the file it names), unless it is
    read-only or was changed since it was read. Raises OSError when nothing could be written
    and :class:`~kpiaudit.fsutil.PartialWrite` when some files were."""
    report = Written()
    by_target: dict[Path, FileFix] = {}
    for f in fixes:
        target = Path(os.path.realpath(f.path))
        why = _refusal(target)
        if why is not None:
            report.refused.append((f, why))
        else:
            by_target[target] = f
    written, left = replace_files(Change(t, f.new, f.raw) for t, f in by_target.items())
    report.written = [by_target[t] for t in written]
    report.changed = [by_target[t] for t in left]
    return report


def _plain(value: Any) -> Any:
    """Derived YAML maps and lists as the plain values the loader gives for them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _child(mapping: MappingNode, key: str) -> Node | None:
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return v  # type: ignore[no-any-return]
    return None


def _last_line(node: Node) -> int:
    """0-based line of a node's last character: the last leaf's end, since a block
    collection ends where the next token begins."""
    while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    mark = node.end_mark
    return int(mark.line if mark.column > 0 else mark.line - 1)


def _edit(
    lines: list[str], kpi: MappingNode, key: str, value: Any, present: bool
) -> tuple[_Edit | None, str]:
    if kpi.flow_style:
        return None, "the KPI is written in flow style ({…}); edit it by hand"
    keys = {k.value: (k, v) for k, v in kpi.value if isinstance(k, ScalarNode)}
    first_key = kpi.value[0][0]
    column = first_key.start_mark.column
    fragment = dump({key: value}).rstrip("\n").split("\n") if present else []
    fragment = [" " * column + ln for ln in fragment]
    if key in keys:
        key_node, value_node = keys[key]
        start, end = key_node.start_mark.line, _last_line(value_node) + 1
        if key_node is first_key:
            return None, "it is the first key of the KPI; edit it by hand"
        if any("#" in ln for ln in lines[start:end]):
            if isinstance(value_node, ScalarNode) and present and start + 1 == end:
                return _replace_scalar(lines, value_node, fragment), ""
            return None, "a comment is on its lines; edit it by hand so the comment is kept"
        return _Edit(start, end, fragment), ""
    # A new key goes where the importer would put it: before the next key that follows it.
    later = KPI_KEY_ORDER[KPI_KEY_ORDER.index(key) + 1 :]
    anchors = [
        keys[k][0].start_mark.line for k in later if k in keys and keys[k][0] is not first_key
    ]
    if anchors:
        at = min(anchors)
    else:  # after the KPI's last line with content (a block scalar's end counts blank lines)
        at = _last_line(kpi) + 1
        while at > 0 and not lines[at - 1].strip():
            at -= 1
    return _Edit(at, at, fragment), ""


def _replace_scalar(lines: list[str], node: ScalarNode, fragment: list[str]) -> _Edit:
    """Swap a one-line scalar in place, keeping the comment after it."""
    line = lines[node.start_mark.line]
    value = fragment[0].split(":", 1)[1].strip()
    new = line[: node.start_mark.column] + value + line[node.end_mark.column :]
    return _Edit(node.start_mark.line, node.start_mark.line + 1, [new])
