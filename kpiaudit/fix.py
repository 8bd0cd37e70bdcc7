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
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, SequenceNode

from .audit import Audit, audit
from .codec import DERIVED_KEYS, KPI_KEY_ORDER, derived_data
from .config import Config
from .extract import extract
from .fsutil import Change, replace_files
from .i18n import _, os_reason
from .load import Problem, compose, load_text, read_bounded
from .rules import FIXABLE
from .splice import Edit, SourceText, child, key_edit


@dataclass
class FileFix:
    path: Path
    old: str
    new: str
    fixed: list[str] = field(default_factory=list)  # "6-4.E1 (milestones, baselines)"
    skipped: list[str] = field(default_factory=list)  # "6-4.E1 milestones: why not"
    raw: bytes = b""  # the file as it was read: it is replaced only if it still holds this


def plan_fixes(paths: Iterable[Path], config: Config) -> list[FileFix]:
    """What ``fix`` would change, file by file; nothing is written. Raises
    :class:`~kpiaudit.audit.TwoPlansError` when the files belong to several plans."""
    return fixes_for(audit(paths, config).single())


def fixes_for(result: Audit) -> list[FileFix]:
    """What ``fix`` would change in the files of an audited plan. A file that could not be
    read or validated is reported as left (fix cannot read its KPIs), and so is every file of
    a plan whose base date is unknown (its relative dates, 今年度, could not be read again)."""
    if result.plan.base_date is None:
        why = (
            "no plan.yaml and no base-date configured: relative dates (今年度, 今夏) cannot be "
            "read, so no KPI is re-read"
        )
        return [FileFix(Path(result.plan.directory), "", "", skipped=[why])]
    broken = [
        FileFix(Path(f.path), "", "", skipped=[f"{f.code} {f.name}: {f.message}"])
        for f in result.left_out()
        if f.code not in ("E008", "E010")  # a duplicate is still a readable file
    ]
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
    return sorted(broken + fixes, key=lambda f: f.path.as_posix())


def _fix_file(path: Path, refs: set[str], base: date | None, root: Path | None) -> FileFix:
    content = read_bounded(path, root)
    try:
        if isinstance(content, Problem):
            raise OSError(content.args.get("reason", content.key))
        raw = content.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # it was readable UTF-8 when lint ran
        return FileFix(path, "", "", skipped=[f"the file cannot be read any more: {exc}"])
    source = SourceText.of(raw)
    lines = list(source.lines)
    fix = FileFix(path, raw, raw, raw=content)
    if source.odd_breaks:
        fix.skipped.append(
            _(
                "the file has line breaks other than LF and CRLF (a lone CR, NEL, U+2028 or "
                "U+2029); fix cannot edit it safely"
            )
        )
        return fix
    loaded = load_text(source.text, path.as_posix())
    top = None if loaded.problems else compose(source.text)
    kpi_nodes = child(top, "kpis") if isinstance(top, MappingNode) else None
    if not isinstance(kpi_nodes, SequenceNode):
        fix.skipped.append("the file changed while it was being checked; run fix again")
        return fix
    measure_id = loaded.data["id"]
    expected = loaded.data  # edited below into what the rewritten file must load as
    edits: list[Edit] = []
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
            edit, why = key_edit(lines, node, key, read.get(key), key in read, KPI_KEY_ORDER)
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
    new = source.spliced(edits)
    check = load_text(new.text, path.as_posix())
    if check.problems or check.data != expected:  # pragma: no cover - a bug in the splicing
        fix.skipped += [f"{f.split(' ')[0]}: could not be rewritten safely" for f in fix.fixed]
        fix.fixed = []
        return fix
    fix.new = new.rendered()
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
        return _("it cannot be read any more: {reason}").format(reason=os_reason(exc))
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
