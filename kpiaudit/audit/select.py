"""Which findings are reported, and at which severity: --select/--ignore, per-file-ignores and
severity overrides from the configuration, and --changed-from. Applied after every check has
run, so that what is reported never changes what is checked.

Selection chooses among rules; it never decides whether a file was checked: a finding of an
*always* rule (a file that could not be read or validated, a duplicate, a missing plan.yaml) is
kept at its own severity whatever the configuration says."""

from __future__ import annotations

import os
from collections.abc import Iterable
from itertools import groupby
from operator import attrgetter
from pathlib import Path

from ..config import Config
from ..model import PLAN_FILE, Finding, Severity
from ..rules import ALWAYS, RULES, matches

POSITION = attrgetter("path", "line", "column", "code")  # the order findings are listed in
_PATH = attrgetter("path")


def by_position(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` in the order they are listed in (:data:`POSITION`): by path first, then
    each file's by the whole position. The same order as ``sorted(key=POSITION)``, without a
    key tuple for every finding at once: 336,206 findings of 100,000 measures made 23 MiB of
    them, at the moment a run held the most. As fast: a run's findings come a file at a time."""
    out: list[Finding] = []
    for _path, same_file in groupby(sorted(findings, key=_PATH), _PATH):
        out.extend(sorted(same_file, key=POSITION))
    return out


def selected(f: Finding, config: Config) -> bool:
    if f.code in ALWAYS:
        return True
    if not matches(f.code, config.select) or matches(f.code, config.ignore):
        return False
    for glob, codes in config.per_file_ignores.items():
        if _glob_matches(f.path, glob, config) and matches(f.code, codes):
            return False
    return True


def _glob_matches(path: str, glob: str, config: Config) -> bool:
    """A per-file-ignores glob matches a file by its name, its path as given, or its path
    from the directory of the configuration file (measures/10-*.yaml wherever kpiaudit runs)."""
    import fnmatch  # only a configuration with per-file-ignores needs it

    if fnmatch.fnmatch(Path(path).name, glob) or fnmatch.fnmatch(path, glob):
        return True
    if config.root is None:
        return False
    try:
        relative = Path(path).resolve().relative_to(config.root.resolve())
    except ValueError:
        return False
    return fnmatch.fnmatch(relative.as_posix(), glob)


def severity(f: Finding, config: Config) -> Severity:
    return RULES[f.code].severity if f.code in ALWAYS else config.severity_of(f.code)


def configure(findings: Iterable[Finding], config: Config) -> list[Finding]:
    """The selected findings at their configured severity, sorted by position. Decided once
    per rule (and per file, for per-file-ignores), not once per finding: a large plan has
    hundreds of thousands of findings and a handful of rules."""
    by_rule: dict[str, Severity | None] = {}
    by_file: dict[tuple[str, str], bool] = {}
    out = []
    for f in findings:
        if f.code not in by_rule:
            chosen = f.code in ALWAYS or (
                matches(f.code, config.select) and not matches(f.code, config.ignore)
            )
            by_rule[f.code] = severity(f, config) if chosen else None
        level = by_rule[f.code]
        if level is None:
            continue
        if config.per_file_ignores and f.code not in ALWAYS:
            key = (f.path, f.code)
            if key not in by_file:
                by_file[key] = selected(f, config)
            if not by_file[key]:
                continue
        out.append(f if f.severity == level else f.with_severity(level))
    return by_position(out)


def about_changes(findings: Iterable[Finding], changed: Iterable[str]) -> list[Finding]:
    """The findings a change is answerable for, when only some files changed (a pull request):
    those in a changed file, a duplicate id (E008) when either of its files changed, and every
    finding of a plan whose plan.yaml changed. Paths are compared by what they resolve to, so
    ``measures/a.yaml`` from git matches ``./measures/a.yaml`` as named on the command line."""
    files = {os.path.realpath(p) for p in changed}
    plans = {os.path.dirname(f) for f in files if os.path.basename(f) == PLAN_FILE}

    def touched(path: object) -> bool:
        real = os.path.realpath(str(path))
        return real in files or real in plans or os.path.dirname(real) in plans

    return [
        f
        for f in findings
        if touched(f.path) or (f.code == "E008" and touched(dict(f.args).get("other", "")))
    ]
