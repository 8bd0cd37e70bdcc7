"""``kpiaudit diff`` in one call: two sides in, a report out (the CLI only formats it)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from ..config import Config
from ..i18n import ngettext
from ..model import Plan
from .changes import Change
from .compare import compare
from .compliance import ChapterChange, compliance_changes
from .gate import Note, locate_and_gate
from .sides import Side, open_sides, parse_spec


@dataclass
class DiffReport:
    old: Side
    new: Side
    changes: list[Change]
    compliance: list[ChapterChange]
    notes: list[Note] = field(default_factory=list)
    fail_on: set[str] = field(default_factory=set)
    # The repository root, which github annotations name NEW's files relative to (as GitHub
    # resolves them); None: paths as given.
    root: Path | None = None

    @property
    def gated(self) -> list[Change]:
        return [c for c in self.changes if c.gated]

    @property
    def failed(self) -> bool:
        """A gated change; or, with a gate, a file of NEW that could not be read: its
        measures were not compared, so the gate cannot vouch for them (it fails closed)."""
        return bool(self.gated) or bool(self.fail_on and self.new.broken_names)


def _without(plan: Plan, names: set[str]) -> tuple[Plan, list[str]]:
    """The plan without the measures of files named ``names``, and those measures' ids."""
    if not names:
        return plan, []
    keep = [m for m in plan.measures if PurePosixPath(m.path).name not in names]
    gone = [m.id for m in plan.measures if PurePosixPath(m.path).name in names]
    return replace(plan, measures=keep), gone


def run_diff(
    old: str, new: str | None, *, config: Config, fail_on: set[str], cwd: Path
) -> DiffReport:
    """OLD against NEW (None: the working tree). Raises sides.SideError for a usage error."""
    before, after = open_sides(parse_spec(old, "OLD"), parse_spec(new, "NEW"), config, cwd)
    # A file that could not be read on one side would make its measures look added or
    # removed; they are left out on both sides and named instead.
    old_plan, old_gone = _without(before.plan, after.broken_names)
    new_plan, new_gone = _without(after.plan, before.broken_names)
    changes, notes = locate_and_gate(compare(old_plan, new_plan), fail_on, after.read)
    for ids, other in ((old_gone, after), (new_gone, before)):
        if ids:
            message = ngettext(
                "not compared: {ids} (its file could not be read in {side})",
                "not compared: {ids} (their files could not be read in {side})",
                len(ids),
            )
            notes.append(Note(None, 0, message.format(ids=", ".join(ids), side=other.label)))
    compliance = compliance_changes(before.plan, before.flags, after.plan, after.flags)
    return DiffReport(before, after, changes, compliance, notes, set(fail_on))
