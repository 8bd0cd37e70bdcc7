"""A plan directory inside a git revision, loaded and audited as the working tree is.

A revision's files are untrusted like any file: their bytes, read with git's plumbing, are
written into a private temporary directory under the names the revision gives them and audited
there by the same loader, schema and rules as the working tree (``engine.load_plan_dir``); then
every path is rewritten to the file's path in the repository. Symbolic links are never written
(a link in a revision could point anywhere on this machine), nor names that could leave the
directory, nor blobs larger than a measure may be.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import Config
from ..i18n import _, os_reason
from ..load import MAX_BYTES
from . import gitread
from .engine import FileProblem, LoadedPlan, load_plan_dir


@dataclass
class Revision:
    loaded: LoadedPlan  # paths are the repository's
    names: list[str]  # the files listed that lint would collect
    blobs: dict[str, bytes]  # repository path → bytes, to find lines and comments in later


def repo_path(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


def load(
    commit: str, directory: str, config: Config, cwd: Path, collects: Callable[[str], bool]
) -> Revision:
    """The plan in ``directory`` of ``commit`` (a directory there; "" for the root)."""
    entries = [e for e in gitread.list_dir(commit, directory, cwd) if collects(e.name)]
    skipped: list[FileProblem] = []
    wanted = []
    for e in entries:
        problem = _unreadable(e)
        if problem is None:
            wanted.append(e)
        else:
            skipped.append(FileProblem(repo_path(directory, e.name), 1, 1, *problem))
    blobs = gitread.read_blobs([e.oid for e in wanted], cwd)
    with tempfile.TemporaryDirectory(prefix="kpiaudit-diff-") as tmp:
        root = Path(tmp) / "plan"
        root.mkdir()
        for e in wanted:
            try:
                with open(root / e.name, "xb") as fh:
                    fh.write(blobs.get(e.oid, b""))
            except OSError as exc:
                reason = _("cannot be read from git: {error}").format(error=os_reason(exc))
                skipped.append(FileProblem(repo_path(directory, e.name), 1, 1, "E003", reason))
        loaded = load_plan_dir(root, config)
        _rebase(loaded, root.as_posix() + "/", repo_path(directory, ""))
    loaded.problems.extend(skipped)
    contents = {repo_path(directory, e.name): blobs[e.oid] for e in wanted if e.oid in blobs}
    return Revision(loaded, [e.name for e in entries], contents)


def _unreadable(e: gitread.Entry) -> tuple[str, str] | None:
    """Why an entry is not written out and audited, as (code, message); None to go ahead."""
    if e.mode == "120000":
        return "E003", _("a symbolic link in the revision; links there are not followed")
    if e.kind != "blob":
        return "E003", _("not a file in the revision ({kind})").format(kind=e.kind)
    if "/" in e.name or e.name in (".", "..") or "\0" in e.name:
        return "E003", _("a file name that cannot be written safely")
    if e.size is not None and e.size > MAX_BYTES:
        message = _("file is {size:,} bytes; a measure is at most {limit:,}")
        return "E006", message.format(size=e.size, limit=MAX_BYTES)
    return None


def _rebase(loaded: LoadedPlan, old: str, new: str) -> None:
    """Paths under the temporary directory → paths in the repository."""

    def move(path: str) -> str:
        return new + path.removeprefix(old) if path.startswith(old) else path

    for m in loaded.plan.measures:
        m.path = move(m.path)
    loaded.problems = [replace(p, path=move(p.path)) for p in loaded.problems]
