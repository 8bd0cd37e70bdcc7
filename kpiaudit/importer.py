"""Published plan text → measures/ (one YAML file per measure, plus plan.yaml).

``build`` is pure (text in, file name → YAML text out, plus a summary); ``write`` is the edge
that puts the files on disk atomically and refuses to overwrite without ``force``.

``write`` also records what it wrote in a manifest beside the files (``.kpiaudit-import.json``:
each file's name and the SHA-256 of what was written). That is how a later ``import --force``
knows which files it owns: a file an earlier import wrote and this one no longer writes is
removed, unless it was edited since (then it is left, and said so); a file import never wrote
is never touched, whatever its name.

What import writes passes lint's checks of the files themselves, or it is not written: text
that YAML cannot hold (control characters, NUL), a heading without a title and a measure
number such as ``[No.0-0]`` are errors naming the line of the plan text (``summary.errors``),
and every file built is loaded back and validated as lint would before it is offered.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import source
from .codec import dump, measure_data, plan_data
from .extract import extract
from .fsutil import atomic_write_all, create_all
from .i18n import _, os_reason
from .load import load_text
from .model import (
    PLAN_FILE,
    SCHEMA_REF,
    Chapter,
    Kpi,
    Measure,
    Plan,
    kpi_id,
    measure_filename,
    measure_id_of,
)
from .rules import RULES
from .schema import MEASURE_SCHEMA, PLAN_SCHEMA, SchemaName, validate

MANIFEST = ".kpiaudit-import.json"


@dataclass
class ImportSummary:
    chapters: int = 0
    measures: int = 0
    kpis: int = 0
    unset: int = 0
    with_target: int = 0
    with_deadline: int = 0
    compliant: int = 0
    warnings: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # nothing is to be written


def build(
    text: str,
    base_date: date,
    *,
    source_name: str = "",
    edition: str = "",
    schema_ref: str = SCHEMA_REF,
) -> tuple[dict[str, str], ImportSummary]:
    unfit = unfit_characters(text)
    if unfit:  # refused before anything else: the lines it names are the source's own
        return {}, ImportSummary(errors=unfit)
    parsed = source.parse(text)
    summary = ImportSummary(
        chapters=len(parsed.chapters),
        measures=len(parsed.measures),
        warnings=list(parsed.warnings),
        errors=list(parsed.errors),
    )
    files: dict[str, str] = {}
    seen: set[str] = set()
    for m in parsed.measures:
        if m.id in seen:
            summary.warnings.append((m.line, f"measure {m.id} appears twice; the second is kept"))
        seen.add(m.id)
        counters = {"progress": 0, "outcome": 0}
        kpis = []
        for item in m.kpis:
            counters[item.kind] += 1
            kpis.append(
                _kpi(m.id, kpi_id(item.kind, counters[item.kind]), item, base_date, summary)
            )
        measure = Measure(m.id, m.chapter, m.title, m.objective, kpis, source_line=m.line)
        header = f"# yaml-language-server: $schema={schema_ref}\n"
        name = measure_filename(m.id)
        files[name] = dump(measure_data(measure), header)
        _self_check(files[name], name, MEASURE_SCHEMA, m.line, summary)
    plan = Plan(
        title=parsed.title,
        base_date=base_date,
        chapters=[Chapter(c.number, c.numeral, c.title) for c in parsed.chapters],
        edition=edition,
        source=source_name,
    )
    plan_ref = schema_ref.replace(MEASURE_SCHEMA, PLAN_SCHEMA)
    files[PLAN_FILE] = dump(plan_data(plan), f"# yaml-language-server: $schema={plan_ref}\n")
    _self_check(files[PLAN_FILE], PLAN_FILE, PLAN_SCHEMA, 1, summary)
    summary.errors.sort(key=lambda e: e[0])
    return files, summary


# What YAML cannot hold in a file (libyaml refuses it: E001/E002 in lint), besides the tab and
# the line ends and page breaks the plan text is split on.
_UNFIT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
MAX_ERRORS = 20


def unfit_characters(text: str) -> list[tuple[int, str]]:
    """(line, message) for each character of ``text`` a measure file cannot hold, lines counted
    as :func:`kpiaudit.source.clean_lines` counts them (CR and form feed end a line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    found: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        for m in _UNFIT.finditer(line):
            char = f"U+{ord(m.group()):04X}"
            message = _(
                "column {column}: {char} is a control character a measure file cannot hold; "
                "remove it from the plan text"
            )
            found.append((number, message.format(column=m.start() + 1, char=char)))
            if len(found) >= MAX_ERRORS:
                return found
    return found


def _self_check(
    text: str, name: str, schema: SchemaName, line: int, summary: ImportSummary
) -> None:
    """The file as lint will read it: anything wrong is an error at the measure's line (unless
    that line has one already, which says why better)."""
    if any(at == line for at, _message in summary.errors):
        return
    loaded = load_text(text, name)
    problems = loaded.problems or validate(loaded, schema)
    if problems:
        first = problems[0]
        message = _(RULES[first.code].template(first.key)).format(**first.args)
        error = _("{name} would not pass lint ({code} {message})")
        summary.errors.append((line, error.format(name=name, code=first.code, message=message)))


def _kpi(
    measure_id: str, kid: str, item: source.KpiItem, base: date, summary: ImportSummary
) -> Kpi:
    ref = f"{measure_id}.{kid}"
    x = extract(item.text, base, item.notes)
    kpi = x.kpi(kid, item.kind, item.text, item.notes)
    summary.kpis += 1
    for d in x.date_mismatches:
        summary.warnings.append((item.line, f"{ref}: {d.mismatch}"))
    if not item.text.strip() and not item.notes:
        summary.warnings.append((item.line, f"{ref} has no text"))
    if kpi.is_unset:
        summary.unset += 1
    else:
        summary.with_target += kpi.has_target
        summary.with_deadline += kpi.has_deadline
        summary.compliant += kpi.has_target and kpi.has_deadline
    return kpi


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest(files: dict[str, str]) -> str:
    """The manifest ``write`` puts beside ``files``: what this import wrote."""
    doc = {
        "version": 1,
        "written_by": "kpiaudit import",
        "files": {name: _digest(text) for name, text in sorted(files.items())},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _previous(out_dir: Path) -> dict[str, str]:
    """File name → digest that the previous import recorded; empty without a manifest."""
    try:
        doc = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    recorded = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(recorded, dict):
        return {}
    return {
        name: digest
        for name, digest in recorded.items()
        if isinstance(name, str) and isinstance(digest, str) and Path(name).name == name
    }


@dataclass
class Written:
    refused: list[str] = field(default_factory=list)  # existed, nothing written (no force)
    removed: list[str] = field(default_factory=list)  # an earlier import's, no longer written
    edited: list[str] = field(default_factory=list)  # an earlier import's, edited since: left
    foreign: list[str] = field(default_factory=list)  # measure files import never wrote: left
    failed: list[tuple[str, str]] = field(default_factory=list)  # could not be removed, why


def write(out_dir: Path, files: dict[str, str], *, force: bool) -> Written:
    """Write every file (and the manifest) or none. Without ``force``, nothing is written when
    a file would be overwritten (:attr:`Written.refused`), and the files are created
    exclusively, so that this holds against another import writing at the same moment: one of
    them writes, the other finds the files there. With ``force``, files an earlier import
    wrote and this one does not are removed afterwards, unless edited since."""
    existing = sorted(name for name in files if (out_dir / name).exists())
    if existing and not force:
        return Written(refused=existing)
    previous = _previous(out_dir) if force and out_dir.is_dir() else {}
    out_dir.mkdir(parents=True, exist_ok=True)
    items = [(out_dir / name, text) for name, text in sorted(files.items())]
    items.append((out_dir / MANIFEST, manifest(files)))
    if not force:
        return Written(refused=[p.name for p in create_all(items)])
    atomic_write_all(items)
    done = Written()
    for name, digest in sorted(previous.items()):
        path = out_dir / name
        if name in files or name == MANIFEST or not path.is_file() or path.is_symlink():
            continue
        try:
            if _digest(path.read_text(encoding="utf-8")) != digest:
                done.edited.append(name)
                continue
            os.unlink(path)
        except (OSError, UnicodeDecodeError) as exc:
            done.failed.append((name, os_reason(exc)))
            continue
        done.removed.append(name)
    if force:
        done.foreign = sorted(
            p.name
            for p in out_dir.iterdir()
            if measure_id_of(p.name) and p.name not in files and p.name not in previous
        )
    return done


def summary_lines(s: ImportSummary) -> Iterable[str]:
    yield (
        f"{s.chapters} chapters, {s.measures} measures, {s.kpis} KPIs: "
        f"{s.unset} unset, {s.with_target} with a quantitative target, "
        f"{s.with_deadline} with a deadline, {s.compliant} compliant"
    )
