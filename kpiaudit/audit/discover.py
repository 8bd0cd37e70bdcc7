"""Which files to check, grouped by plan: each directory of measures is one plan.

A directory named on the command line contributes its ``*.yaml``/``*.yml`` files; a file
named on the command line belongs to the plan of its directory, whose plan.yaml is read too
(for the base date and chapters). The same file named twice is checked once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import MEASURE_SUFFIXES, PLAN_FILE


@dataclass
class PlanFiles:
    directory: Path  # as given (or the parent of a file as given), for messages
    plan_file: Path | None = None
    measures: list[Path] = field(default_factory=list)


@dataclass
class Discovery:
    plans: list[PlanFiles]
    missing: list[Path]  # paths named that do not exist
    empty: list[Path] = field(default_factory=list)  # directories named without measure files
    directories: bool = False  # a directory was named: each of its plans is checked whole
    # paths named that cannot be looked at or listed (permission denied), with the reason
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def _identity(path: Path) -> str:
    return os.path.realpath(path)


def discover(paths: Iterable[Path]) -> Discovery:
    groups: dict[str, PlanFiles] = {}
    seen: set[str] = set()
    missing: list[Path] = []

    def group(directory: Path) -> PlanFiles:
        key = _identity(directory)
        if key not in groups:
            groups[key] = PlanFiles(directory)
            sibling = directory / PLAN_FILE
            if sibling.is_file():
                groups[key].plan_file = sibling
        return groups[key]

    def add(path: Path) -> None:
        if path.name == PLAN_FILE:
            group(path.parent)
            return
        identity = _identity(path)
        if identity not in seen:
            seen.add(identity)
            group(path.parent).measures.append(path)

    empty: list[Path] = []
    directories = False
    unreadable: list[tuple[Path, str]] = []
    for p in paths:
        try:
            if p.is_dir():
                directories = True
                children = [
                    child
                    for child in sorted(p.iterdir())
                    if child.suffix in MEASURE_SUFFIXES
                    and not child.name.startswith(".")
                    and child.name != PLAN_FILE
                ]
                group(p)
                if not children:
                    empty.append(p)
                for child in children:
                    add(child)
            elif p.exists() or p.is_symlink():
                add(p)
            else:
                missing.append(p)
        except OSError as exc:  # one directory that cannot be listed stops no other path
            unreadable.append((p, exc.strerror or str(exc)))
    return Discovery(list(groups.values()), missing, empty, directories, unreadable)
