"""Which files to check, grouped by plan: each directory of measures is one plan.

A directory named on the command line contributes its ``*.yaml``/``*.yml`` files; a file
named on the command line belongs to the plan of its directory, whose plan.yaml is read too
(for the base date and chapters). The same file named twice is checked once.

Measure files are kept as the paths output shows (``measures/06-04.yaml``, as
``Path.as_posix`` writes them), not as Path objects: a plan of 100,000 files held 100,000 of
them (25 MB), and making them was a tenth of a warm run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import MEASURE_SUFFIXES, PLAN_FILE


@dataclass
class PlanFiles:
    """The measure files of one plan directory that a run checks."""

    directory: Path  # as given (or the parent of a file as given), for messages
    plan_file: Path | None = None
    measures: list[str] = field(default_factory=list)  # as_posix() of each, as named or found
    whole: bool = False  # the directory was named: ``measures`` are all its measure files


@dataclass
class Discovery:
    """The plans the paths of a run name, and the paths that name none."""

    plans: list[PlanFiles]
    missing: list[Path]  # paths named that do not exist
    empty: list[Path] = field(default_factory=list)  # directories named without measure files
    directories: bool = False  # a directory was named: each of its plans is checked whole
    # paths named that cannot be looked at or listed (permission denied), with the reason
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def _identity(path: Path | str) -> str:
    return os.path.realpath(path)


def child_path(directory: Path, name: str) -> str:
    """``(directory / name).as_posix()``, without making the Path."""
    prefix = directory.as_posix()
    return name if prefix == "." else f"{prefix.rstrip('/')}/{name}"


def _children(directory: Path) -> list[tuple[str, str]]:
    """The measure files of a directory, sorted by name, each with its identity (what it
    resolves to). Only a symbolic link is resolved on its own: every other child is its
    directory's identity plus its name (one realpath for the directory, not one per file)."""
    real = os.path.join(_identity(directory), "")  # with its separator, as is prefix
    prefix = child_path(directory, "")
    found = []
    with os.scandir(directory) as entries:
        for entry in entries:
            name = entry.name
            # a measure suffix, after a stem (splitext's: no leading dot), and not plan.yaml;
            # string methods, not splitext and join: once per file of a large plan
            if name.endswith(MEASURE_SUFFIXES) and name[0] != "." and name != PLAN_FILE:
                child = prefix + name
                identity = _identity(child) if entry.is_symlink() else real + name
                found.append((name, child, identity))
    found.sort(key=lambda item: item[0])
    return [(child, identity) for _, child, identity in found]


def discover(paths: Iterable[Path]) -> Discovery:
    groups: dict[str, PlanFiles] = {}
    seen: set[str] = set()
    missing: list[Path] = []

    keys: dict[Path, str] = {}  # a directory as named → what it resolves to

    def group(directory: Path) -> PlanFiles:
        if directory not in keys:
            keys[directory] = _identity(directory)
        key = keys[directory]
        if key not in groups:
            groups[key] = PlanFiles(directory)
            sibling = directory / PLAN_FILE
            if sibling.is_file():
                groups[key].plan_file = sibling
        return groups[key]

    def add(path: Path, identity: str | None = None) -> None:
        if path.name == PLAN_FILE:
            group(path.parent)
            return
        identity = identity or _identity(path)
        if identity not in seen:
            seen.add(identity)
            group(path.parent).measures.append(path.as_posix())

    empty: list[Path] = []
    directories = False
    unreadable: list[tuple[Path, str]] = []
    for p in paths:
        try:
            if p.is_dir():
                directories = True
                children = _children(p)
                plan = group(p)
                plan.whole = True
                if not children:
                    empty.append(p)
                for child, identity in children:  # add(), knowing the child's plan
                    if identity not in seen:
                        seen.add(identity)
                        plan.measures.append(child)
            elif p.exists() or p.is_symlink():
                add(p)
            else:
                missing.append(p)
        except OSError as exc:  # one directory that cannot be listed stops no other path
            unreadable.append((p, exc.strerror or str(exc)))
    return Discovery(list(groups.values()), missing, empty, directories, unreadable)


def listed(directory: Path) -> list[tuple[str, str]]:
    """The measure files of a directory with their identities, as for a directory named;
    none when it cannot be listed (the files named in it are still checked)."""
    try:
        return _children(directory)
    except OSError:
        return []
