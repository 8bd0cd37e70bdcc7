"""Which findings are reported, and at which severity: --select/--ignore, per-file-ignores and
severity overrides from the configuration. Applied after every check has run.

Selection chooses among rules; it never decides whether a file was checked: a finding of an
*always* rule (a file that could not be read or validated, a duplicate, a missing plan.yaml) is
kept at its own severity whatever the configuration says."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from pathlib import Path

from ..config import Config
from ..model import Finding, Severity
from ..rules import ALWAYS, RULES, matches


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
    """The selected findings at their configured severity, sorted by position."""
    out = [f.with_severity(severity(f, config)) for f in findings if selected(f, config)]
    out.sort(key=lambda f: (f.path, f.line, f.column, f.code))
    return out
