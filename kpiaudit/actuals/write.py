"""Recording actual values in measure files, surgically (as ``fix`` does, through
:mod:`kpiaudit.splice`): new actuals are appended to a KPI's ``actuals:`` list (the key is
inserted where the codec's key order puts it), a changed value for the same period and source
replaces that one item, and RS targets go under the KPI's ``rs:`` key. Every other byte of the
file (comments, key order, quoting, BOM, line ends) stays as it was.

:func:`plan_writes` decides everything and writes nothing: each file's new text is read back
and compared with what was meant before it is offered, and the caller writes all files
atomically or none. Two actuals of a KPI with the same period and source are the same actual,
so importing a file twice changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from ..audit import Audit
from ..codec import KPI_KEY_ORDER, actual_data, dump, kpi_from_data, rs_link_data
from ..i18n import _
from ..load import compose, load_text
from ..model import Actual, Kpi, KpiRef, RsLink
from ..progress import amount, comparable_units, target_units, unit_key
from ..schema import MEASURE_SCHEMA, validate
from ..splice import Edit, SourceText, child, end_of, key_edit, last_line
from .records import ActualRow, RowProblem, nfkc, period_key

_COMMENT = re.compile(r"(?:^|\s)#")


@dataclass
class FileChange:
    path: Path
    old: str
    new: str


@dataclass
class WritePlan:
    """What an import would do: the files it changes and the counts it reports."""

    changes: list[FileChange] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowProblem] = field(default_factory=list)
    rs_recorded: int = 0  # KPIs whose rs: record was added or renewed
    updates: list[str] = field(default_factory=list)  # "6-4.P1 令和5年度: 2000 → 2100 か所"
    notes: list[str] = field(default_factory=list)  # what was left undone beyond the rows

    @property
    def changed(self) -> list[FileChange]:
        return [c for c in self.changes if c.new != c.old]


def row_problem(kpi: Kpi, row: ActualRow, today: date) -> str | None:
    """Why an actual cannot be recorded for this KPI (progress-rules.md: a unit that is not
    the target's, a value for a KPI without a numeric target …), or None."""
    if kpi.is_unset:
        return _("{kpi} is not set ({reason}): there is no target to measure against").format(
            kpi=row.kpi, reason=kpi.unset_reason or "未設定"
        )
    if row.as_of > today:
        return _(
            "the period {period} ends {as_of}, after today ({today}): it cannot have been "
            "measured yet"
        ).format(period=row.period, as_of=row.as_of.isoformat(), today=today.isoformat())
    units = comparable_units(kpi)
    binary = any(m.target is None or m.target.value is None for m in kpi.milestones)
    if row.value is not None:
        if not units:
            return _(
                "{kpi} states no numeric target: record achieved (true/false) instead of a value"
            ).format(kpi=row.kpi)
        if unit_key(row.unit) not in units:
            return _("unit {unit!r} is not the target's ({units})").format(
                unit=row.unit, units=target_units(kpi)
            )
        return None
    if not binary:
        if units:
            return _("{kpi}'s target is numeric: give the value in {units}").format(
                kpi=row.kpi, units=target_units(kpi)
            )
        return _("{kpi} states no milestone to judge an achievement against").format(kpi=row.kpi)
    return None


def _key(a: Actual | ActualRow) -> tuple[object, str]:
    return (period_key(a.period), nfkc(a.source))


def _same(old: Actual, new: Actual) -> bool:
    """The same measurement: value, unit and achieved agree, and the note unless the new one
    has none (a note added by hand is not taken away by an import without one)."""
    return (
        old.value == new.value
        and (old.value is None or unit_key(old.unit) == unit_key(new.unit))
        and old.achieved == new.achieved
        and (not new.note or old.note == new.note)
    )


def _plain(value: Any) -> Any:
    """Data as the loader gives it back (CommentedMap → dict, LiteralScalarString → str)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _amount(a: Actual) -> str:
    if a.value is None:
        return "achieved" if a.achieved else "not achieved"
    return amount(a.value, f" {a.unit}").rstrip()


def plan_writes(
    result: Audit,
    rows: Sequence[ActualRow],
    today: date,
    links: dict[str, list[RsLink]] | None = None,
) -> WritePlan:
    """What recording ``rows`` (and the RS ``links`` per KPI) in the plan's files would
    change; nothing is written. Rows that cannot be used are in ``skipped``."""
    out = WritePlan()
    links = links or {}
    by_file: dict[str, list[ActualRow]] = {}
    links_by_file: dict[str, dict[str, list[RsLink]]] = {}
    for row in rows:
        path = _path(result, row.kpi, out, row)
        if path:
            by_file.setdefault(path, []).append(row)
    for kpi, kpi_links in links.items():
        files = result.paths.get(KpiRef.parse(kpi).measure, [])
        if len(files) == 1:
            links_by_file.setdefault(files[0], {})[kpi] = kpi_links
    for path in sorted(set(by_file) | set(links_by_file)):
        _File(Path(path), today, out).plan(by_file.get(path, []), links_by_file.get(path, {}))
    out.skipped.sort(key=lambda p: (p.source_file, p.row))
    return out


def _path(result: Audit, kpi: str, out: WritePlan, row: ActualRow) -> str | None:
    measure = KpiRef.parse(kpi).measure
    files = result.paths.get(measure, [])
    if len(files) == 1:
        return files[0]
    directory = result.plan.directory or "."
    if files:
        message = _("measure {measure} is in {n} files ({files}): lint reports E008").format(
            measure=measure, n=len(files), files=", ".join(files)
        )
    else:
        message = _(
            "no measure {measure} in {directory} (or its file has errors: run kpiaudit lint)"
        ).format(measure=measure, directory=directory)
    out.skipped.append(RowProblem(row.source_file, row.row, message))
    return None


class _File:
    """One measure file and the edits that record its rows."""

    def __init__(self, path: Path, today: date, out: WritePlan) -> None:
        self.path = path
        self.today = today
        self.out = out

    def _skip(self, rows: Iterable[ActualRow], message: str) -> None:
        self.out.skipped += [RowProblem(r.source_file, r.row, message) for r in rows]

    def plan(self, rows: list[ActualRow], links: dict[str, list[RsLink]]) -> None:
        name = self.path.as_posix()
        try:
            raw = self.path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self._skip(rows, _("{file} cannot be read: {error}").format(file=name, error=exc))
            return
        source = SourceText.of(raw)
        if source.odd_breaks:
            self._skip(
                rows,
                _(
                    "{file} has line breaks other than LF and CRLF (a lone CR, NEL, U+2028 or "
                    "U+2029): it cannot be edited safely"
                ).format(file=name),
            )
            return
        loaded = load_text(source.text, name)
        problems = loaded.problems or validate(loaded, MEASURE_SCHEMA)
        root = None if problems else compose(source.text)
        nodes = child(root, "kpis") if isinstance(root, MappingNode) else None
        if not isinstance(nodes, SequenceNode):
            self._skip(rows, _("{file} has errors: run kpiaudit lint").format(file=name))
            return
        expected = loaded.data  # edited below into what the new text must load as
        index = {k["id"]: i for i, k in enumerate(expected["kpis"])}
        measure = expected["id"]
        edits: list[Edit] = []
        wanted: dict[int, list[ActualRow]] = {}
        for row in rows:
            at = index.get(row.kpi.split(".", 1)[1])
            if at is None:
                self._skip([row], _("no KPI {kpi} in {file}").format(kpi=row.kpi, file=name))
                continue
            wanted.setdefault(at, []).append(row)
        for kpi_id, kpi_links in links.items():
            at = index.get(kpi_id.split(".", 1)[1])
            if at is not None:
                edits += self._rs(source.lines, nodes.value[at], expected["kpis"][at], kpi_links)
        for at, kpi_rows in sorted(wanted.items()):
            data = expected["kpis"][at]
            kpi = kpi_from_data(data)
            usable = []
            for row in kpi_rows:
                why = row_problem(kpi, row, self.today)
                if why:
                    self._skip([row], why)
                else:
                    usable.append(row)
            edits += self._actuals(source.lines, nodes.value[at], data, kpi, usable, measure)
        if not edits:
            return
        new = source.spliced(edits)
        check = load_text(new.text, name)
        if check.problems or validate(check, MEASURE_SCHEMA) or check.data != expected:
            # A bug in the splicing, not the user's: say so rather than write it.
            raise RuntimeError(f"{name}: the edited file does not read back as intended")
        self.out.changes.append(FileChange(self.path, raw, new.rendered()))

    def _rs(
        self, lines: Sequence[str], node: Node, data: dict[str, Any], new: list[RsLink]
    ) -> list[Edit]:
        """The KPI's rs: list with each link renewed (same project, number and series) by a
        review year at least as recent, or added."""
        old = list(kpi_from_data(data).rs)
        merged = list(old)
        for link in new:
            same = [
                i
                for i, o in enumerate(merged)
                if (o.project, o.indicator, o.kind, o.term)
                == (link.project, link.indicator, link.kind, link.term)
            ]
            if not same:
                merged.append(link)
            elif merged[same[0]] != link and link.year >= merged[same[0]].year:
                merged[same[0]] = link
        if merged == old or not isinstance(node, MappingNode):
            return []
        value = [rs_link_data(link) for link in merged]
        edit, why = key_edit(lines, node, "rs", value, True, KPI_KEY_ORDER)
        if edit is None:
            # Not written: the RS targets are for lint's K305; the actuals still are.
            self.out.notes.append(f"{self.path.as_posix()}: rs: {why}")
            return []
        data["rs"] = _plain(value)
        self.out.rs_recorded += 1
        return [edit]

    def _actuals(
        self,
        lines: Sequence[str],
        node: Node,
        data: dict[str, Any],
        kpi: Kpi,
        rows: list[ActualRow],
        measure: str,
    ) -> list[Edit]:
        if not rows or not isinstance(node, MappingNode):
            return []
        ref = f"{measure}.{kpi.id}"
        existing = {_key(a): j for j, a in enumerate(kpi.actuals)}
        items = list(data.get("actuals", []))
        seq = child(node, "actuals")
        added: list[Actual] = []
        replace: dict[int, tuple[Actual, ActualRow]] = {}
        for row in rows:
            actual = Actual(
                row.period, row.as_of, row.value, row.unit, row.achieved, row.source, row.note
            )
            j = existing.get(_key(row))
            if j is None:
                existing[_key(row)] = len(kpi.actuals) + len(added)
                added.append(actual)
            elif j >= len(kpi.actuals):  # twice in this import: the reader reported that
                continue
            elif _same(kpi.actuals[j], actual):
                self.out.unchanged += 1
            else:  # a new figure for the same period and source: an update
                # The file's wording of the period and unit stays, and a note written by
                # hand stays unless the new row brings one: only what changed changes.
                old = kpi.actuals[j]
                unit = old.unit if unit_key(old.unit) == unit_key(actual.unit) else actual.unit
                note = actual.note or old.note
                kept = dataclasses.replace(actual, period=old.period, unit=unit, note=note)
                replace[j] = (kept, row)
        edits: list[Edit] = []
        if isinstance(seq, SequenceNode) and (added or replace):
            column = None if seq.flow_style else _dash_column(lines, seq)
            if column is None:
                why = _("the actuals of {kpi} are in a layout kpiaudit does not edit ([…]?)")
                self._skip(rows, why.format(kpi=ref))
                return []
            for j, (actual, row) in sorted(replace.items()):
                item = seq.value[j]
                start, end = item.start_mark.line, last_line(item) + 1
                if any(_COMMENT.search(ln) for ln in lines[start:end]):
                    why = _(
                        "{kpi} {period}: the recorded actual has a comment on its lines; "
                        "change it by hand so the comment is kept"
                    )
                    self._skip([row], why.format(kpi=ref, period=row.period))
                    continue
                edits.append(Edit(start, end, _item_lines(actual, column)))
                items[j] = _plain(actual_data(actual))
                self.out.updated += 1
                old = kpi.actuals[j]
                self.out.updates.append(
                    f"{ref} {row.period}: {_amount(old)} → {_amount(actual)} ({row.source})"
                )
            if added:
                at = end_of(lines, seq)
                fragment = [ln for a in added for ln in _item_lines(a, column)]
                edits.append(Edit(at, at, fragment))
        elif added:
            value = [actual_data(a) for a in added]
            edit, why = key_edit(lines, node, "actuals", value, True, KPI_KEY_ORDER)
            if edit is None:
                self._skip(rows, f"{ref}: {why}")
                return []
            edits.append(edit)
        items += [_plain(actual_data(a)) for a in added]
        self.out.added += len(added)
        if items:
            data["actuals"] = items
        return edits


def _dash_column(lines: Sequence[str], seq: SequenceNode) -> int | None:
    """The column of the dash of a block sequence's items (its first item's)."""
    if not seq.value:
        return None
    first = seq.value[0]
    prefix = lines[first.start_mark.line][: first.start_mark.column].rstrip()
    if not prefix.endswith("-") or prefix[:-1].strip():
        return None
    return len(prefix) - 1


def _item_lines(actual: Actual, column: int) -> list[str]:
    """One actual as a block sequence item whose dash is at ``column``."""
    lines = dump([actual_data(actual)]).rstrip("\n").split("\n")
    lead = len(lines[0]) - len(lines[0].lstrip(" "))
    return [" " * column + ln[lead:] for ln in lines]
