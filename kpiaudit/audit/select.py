"""Which findings are reported, and at which severity: --select/--ignore, per-file-ignores and
severity overrides from the configuration. Applied after every check has run."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from pathlib import Path

from ..config import Config
from ..model import Finding
from ..rules import matches


def selected(f: Finding, config: Config) -> bool:
    if not matches(f.code, config.select) or matches(f.code, config.ignore):
        return False
    for glob, codes in config.per_file_ignores.items():
        if (fnmatch.fnmatch(f.path, glob) or fnmatch.fnmatch(Path(f.path).name, glob)) and matches(
            f.code, codes
        ):
            return False
    return True


def configure(findings: Iterable[Finding], config: Config) -> list[Finding]:
    """The selected findings at their configured severity, sorted by position."""
    out = [f.with_severity(config.severity_of(f.code)) for f in findings if selected(f, config)]
    out.sort(key=lambda f: (f.path, f.line, f.column, f.code))
    return out
