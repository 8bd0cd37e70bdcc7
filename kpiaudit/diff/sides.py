"""The two sides of a diff: a plan directory on disk, or one inside a git revision
(:mod:`.revision`), each loaded, audited, and with the files that yielded no measure named."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from ..config import Config
from ..i18n import _
from ..model import PLAN_FILE, Plan
from . import gitread, revision
from .engine import FileProblem, LoadedPlan, load_plan_dir


class SideError(Exception):
    """OLD or NEW cannot be read as asked: a usage error (exit 2)."""


@dataclass(frozen=True)
class Spec:
    given: str | None  # as typed; None: NEW left out (the working tree)
    directory: Path | None = None
    rev: str | None = None
    path: str | None = None  # inside the revision, from the repository's root; None: default


@dataclass
class Side:
    label: str  # "main:measures" or "measures", for headings
    plan: Plan
    flags: dict[str, frozenset[str]]
    broken: list[FileProblem] = field(default_factory=list)
    # file names (06-04.yaml) whose measures could not be loaded on this side
    broken_names: set[str] = field(default_factory=set)
    rev: str | None = None  # the revision as given, for display; None for a directory
    blobs: dict[str, bytes] = field(default_factory=dict)  # repository path → bytes

    def display(self, path: str) -> str:
        return f"{self.rev}:{path}" if self.rev is not None else path

    def read(self, path: str) -> bytes | None:
        """A file of this side as it was compared (None when it cannot be read now)."""
        if self.rev is not None:
            return self.blobs.get(path)
        try:
            return Path(path).read_bytes()
        except OSError:
            return None


def parse_spec(given: str | None, which: str) -> Spec:
    """A directory that exists wins; otherwise REV or REV:path."""
    if given is None:
        return Spec(None)
    if not given.strip():
        raise SideError(
            _("{which}: empty; give a plan directory or a git revision").format(which=which)
        )
    candidate = Path(given)
    if candidate.is_dir():
        return Spec(given, directory=candidate)
    if candidate.exists():
        raise SideError(
            _("{which}: {given} is a file; give a plan directory or a git revision").format(
                which=which, given=given
            )
        )
    rev, colon, path = given.partition(":")
    if colon and not rev:
        raise SideError(
            _("{which}: {given}: name a revision before the colon (main:measures)").format(
                which=which, given=given
            )
        )
    return Spec(given, rev=rev, path=_repo_path(path, which) if colon else None)


def _repo_path(path: str, which: str) -> str:
    clean = posixpath.normpath(path.strip("/")) if path.strip("/") else ""
    if clean == ".":
        clean = ""
    if clean.startswith("../") or clean == "..":
        raise SideError(_("{which}: {path} leaves the repository").format(which=which, path=path))
    return clean


def open_sides(old: Spec, new: Spec, config: Config, cwd: Path) -> tuple[Side, Side]:
    """Both sides, loaded. A revision with no path uses the directory the other side names,
    else the configured measures directory, else ``measures`` in the project root (found from
    the current directory upwards, as every command finds it), as the working tree would."""
    default = _near(config.measures or (config.root or cwd) / "measures", cwd)
    if new.given is None:
        if not default.is_dir():
            raise SideError(
                _(
                    'NEW: no measures directory {path}; name one, or set measures = "…" '
                    "under [tool.kpiaudit]"
                ).format(path=default)
            )
        new = replace(new, directory=default)
    directory = next((s.directory for s in (new, old) if s.directory is not None), default)
    before = _open(old, "OLD", directory, config, cwd)
    if _same_directory(old.directory, new.directory):  # one plan, audited once
        return before, replace(before, label=new.given or str(new.directory))
    return before, _open(new, "NEW", directory, config, cwd)


def _same_directory(a: Path | None, b: Path | None) -> bool:
    if a is None or b is None:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _near(path: Path, cwd: Path) -> Path:
    """``path`` relative to ``cwd`` when it is below it: paths in reports and annotations are
    then what the user typed, and what GitHub expects (relative to the checkout)."""
    try:
        return path.relative_to(cwd) if path.is_absolute() else path
    except ValueError:
        return path


def _open(spec: Spec, which: str, directory: Path, config: Config, cwd: Path) -> Side:
    if spec.directory is not None:
        return _open_dir(spec.directory, spec.given or spec.directory.as_posix(), config)
    assert spec.rev is not None and spec.given is not None
    try:
        commit = gitread.resolve_commit(spec.rev, cwd)
        if commit is None:
            gitread.toplevel(cwd)  # not a repository at all: say that instead
            raise SideError(
                _("{which}: {rev!r} is neither a directory nor a revision git knows").format(
                    which=which, rev=spec.rev
                )
            )
        path = spec.path
        if path is None:
            path = _inside(directory, gitread.toplevel(cwd), which)
        return _open_rev(spec.rev, commit, path, which, config, cwd)
    except gitread.GitError as exc:
        raise SideError(f"{which}: {spec.given}: {exc}") from exc


def _inside(directory: Path, top: Path, which: str) -> str:
    relative = os.path.relpath(directory.resolve(), top.resolve())
    if relative == ".." or relative.startswith(".." + os.sep):
        raise SideError(
            _(
                "{which}: {path} is outside the repository; say where the plan is in the "
                "revision as REV:path"
            ).format(which=which, path=directory)
        )
    return "" if relative == "." else Path(relative).as_posix()


def _is_measure_name(name: str) -> bool:
    """The files lint collects from a directory."""
    return name.endswith((".yaml", ".yml")) and not name.startswith(".")


def _open_dir(directory: Path, label: str, config: Config) -> Side:
    loaded = load_plan_dir(directory, config)
    names = [p.name for p in directory.iterdir() if _is_measure_name(p.name)]
    return _side(label, loaded, names, lambda name: (directory / name).as_posix())


def _open_rev(rev: str, commit: str, path: str, which: str, config: Config, cwd: Path) -> Side:
    label = f"{rev}:{path}" if path else rev
    kind = gitread.object_kind(commit, path, cwd)
    if kind != "tree":
        where = path or "/"
        message = (
            _("{which}: {label}: {where} is not a directory in {rev}")
            if kind
            else _("{which}: {label}: there is no {where} in {rev}")
        )
        raise SideError(message.format(which=which, label=label, where=where, rev=rev))
    found = revision.load(commit, path, config, cwd, _is_measure_name)
    side = _side(label, found.loaded, found.names, partial(revision.repo_path, path), rev=rev)
    side.blobs = found.blobs
    return side


def _side(
    label: str,
    loaded: LoadedPlan,
    names: list[str],
    path_of: Callable[[str], str],
    rev: str | None = None,
) -> Side:
    """The side, with every listed file that yielded no measure named as broken (whatever
    the configuration selects, a file that could not be loaded leaves its measures out)."""
    loaded_paths = {m.path for m in loaded.plan.measures}
    by_path: dict[str, list[FileProblem]] = {}
    for p in loaded.problems:
        by_path.setdefault(p.path, []).append(p)
    broken: list[FileProblem] = []
    broken_names: set[str] = set()
    for name in sorted(names):
        path = path_of(name)
        if path in loaded_paths:
            continue
        problems = by_path.get(path, [])
        if name == PLAN_FILE:
            broken.extend(problems)  # the plan's title and chapters; no measure is lost
            continue
        broken_names.add(name)
        broken.extend(problems or [FileProblem(path, 1, 1, "E003", _("could not be loaded"))])
    return Side(label, loaded.plan, loaded.flags, broken, broken_names, rev)
