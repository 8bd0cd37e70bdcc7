"""A plan directory as stored in a git revision, read with git's plumbing, never checked out.

``rev-parse`` resolves the revision once (a typo is a usage error, not an empty plan, and every
later command gets a plain object id, never a string git could take for an option);
``cat-file -t`` says whether the path is a directory there; ``ls-tree -z -l`` lists it (names
as raw bytes, sizes to refuse an oversized blob before reading it); one ``cat-file --batch``
process reads every blob. Nothing touches the working tree, the index or HEAD.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _, os_reason

_OID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256


class GitError(Exception):
    """git cannot give what was asked; the message is for the user."""


@dataclass(frozen=True)
class Entry:
    name: str  # os.fsdecode of the raw name: undecodable bytes survive as surrogates
    mode: str  # 100644, 100755, 120000 (symbolic link), 040000, 160000
    kind: str  # blob, tree, commit
    oid: str
    size: int | None  # None for trees and submodules


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    # A prompt would hang a CI job; these commands never need one.
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False, env=env
        )
    except FileNotFoundError as exc:
        raise GitError(_("git is not installed, so only directories can be compared")) from exc
    except (OSError, ValueError) as exc:  # ValueError: a NUL in an argument
        reason = os_reason(exc)
        raise GitError(_("cannot run git: {reason}").format(reason=reason)) from exc
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(detail[-1] if detail else _("git {command} failed").format(command=args[0]))
    return proc.stdout


def toplevel(cwd: Path) -> Path:
    """The root of the working tree that ``cwd`` is in."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd)
    except GitError as exc:
        raise GitError(_("not inside a git repository ({reason})").format(reason=exc)) from exc
    return Path(os.fsdecode(out.rstrip(b"\n")))


def resolve_commit(rev: str, cwd: Path) -> str | None:
    """The commit ``rev`` names, or None when git knows no such revision."""
    if not rev or rev.startswith("-"):
        return None  # would be read as an option
    try:
        out = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
    except GitError:
        return None
    oid = out.decode("ascii", "replace").strip()
    return oid if _OID.fullmatch(oid) else None


def object_kind(commit: str, path: str, cwd: Path) -> str | None:
    """tree, blob … for ``path`` in ``commit`` (relative to the repository's root); None when
    the revision has nothing there."""
    spec = f"{commit}:{path}" if path else f"{commit}^{{tree}}"
    try:
        return _git(["cat-file", "-t", spec], cwd).decode("ascii", "replace").strip()
    except GitError:
        return None


def list_dir(commit: str, path: str, cwd: Path) -> list[Entry]:
    """The entries of directory ``path`` in ``commit``."""
    spec = f"{commit}:{path}" if path else f"{commit}^{{tree}}"
    # --full-tree: run from a subdirectory, ls-tree would list only the part of the tree that
    # lies under the current directory (nothing, for a plan directory beside it).
    out = _git(["ls-tree", "--full-tree", "-z", "-l", spec], cwd)
    entries = []
    for record in out.split(b"\0"):
        if not record:
            continue
        head, _, raw_name = record.partition(b"\t")
        fields = head.decode("ascii", "replace").split()
        if len(fields) != 4:
            continue
        mode, kind, oid, size = fields
        entries.append(
            Entry(os.fsdecode(raw_name), mode, kind, oid, int(size) if size.isdigit() else None)
        )
    return entries


def read_blobs(oids: list[str], cwd: Path) -> dict[str, bytes]:
    """The contents of each blob, read by one ``git cat-file --batch``."""
    wanted = [o for o in dict.fromkeys(oids) if _OID.fullmatch(o)]
    if not wanted:
        return {}
    out = _git(["cat-file", "--batch"], cwd, stdin="".join(f"{o}\n" for o in wanted).encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].decode("ascii", "replace").split()
        pos = end + 1
        if len(header) != 3 or not header[2].isdigit():
            continue  # "<oid> missing": nothing follows the header
        size = int(header[2])
        blobs[header[0]] = out[pos : pos + size]
        pos += size + 1  # the content is followed by a newline
    return blobs
