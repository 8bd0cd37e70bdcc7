"""YAML files → plain data with positions; every problem with a file becomes a value.

Bad documents are values, not exceptions (check-jsonschema's habit): a file that cannot be read,
decoded or parsed yields a :class:`LoadedFile` with ``problems`` and no data, and the run goes
on. Files are *composed* (the node tree, with line and column of every node) rather than
constructed, so that nothing in a file can run code, timestamps stay strings as the schema
expects, duplicate keys are caught, and alias bombs are bounded.

Every file is hostile until loaded: a path is read only when it is a regular file inside the
directory tree being checked (a symbolic link out of it is not followed), its size is checked
before it is read and the read itself is bounded, nesting is bounded before libyaml's recursive
composer sees it, and aliases are bounded by the values *and* the characters they expand to.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import BaseResolver

MAX_NODES = 200_000  # after alias expansion: far above any real measure, far below a bomb
MAX_BYTES = 5_000_000
# Characters of keys and scalars after alias expansion: a file without aliases holds at most
# MAX_BYTES of them, so only aliases (one 1 MB string referred to 3,000 times) reach this.
MAX_CHARS = 2 * MAX_BYTES
MAX_DEPTH = 64  # nested collections; a measure needs 6
MAX_PROBLEMS = 100  # kept per file; more are only counted (check_file caps findings the same)
Path_ = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
}
# A comment that may be a suppression (or a mistyped one): kpiaudit or ignore[ in any case.
_SUPPRESSION_HINT = re.compile(r"kpiaudit|ignore\s*\[", re.IGNORECASE)


@dataclass
class Problem:
    """A problem with the file itself: a rule code of the registry (E001 …), which of the rule's
    messages, its arguments, and where."""

    code: str
    key: str = "default"
    args: dict[str, Any] = field(default_factory=dict)
    line: int = 1
    column: int = 1


@dataclass
class LoadedFile:
    """A measure file as read: its data with each node's position, problems, comments."""

    path: str
    data: Any = None
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # (line, column, text) of each comment that mentions kpiaudit or ignore[ (suppressions,
    # or attempts at one): real comments only, never text inside a quoted or block scalar
    suppressions: list[tuple[int, int, str]] = field(default_factory=list)
    dropped: int = 0  # problems beyond MAX_PROBLEMS, counted but not kept

    def add(self, problem: Problem) -> None:
        """Keep a problem, up to MAX_PROBLEMS: a hostile file can have a million of them."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.dropped += 1

    def position(self, path: Path_) -> tuple[int, int]:
        """Line and column of the deepest node on ``path`` that exists."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


class _OverBudget(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


@dataclass
class _Budget:
    """What converting one document may still cost: values and characters, aliases expanded."""

    nodes: int = MAX_NODES
    chars: int = MAX_CHARS

    def spend(self, chars: int) -> None:
        self.nodes -= 1
        self.chars -= chars
        if self.nodes < 0:
            raise _OverBudget(Problem("E006", "bomb", {"limit": MAX_NODES}))
        if self.chars < 0:
            raise _OverBudget(Problem("E006", "bomb_chars", {"limit": MAX_CHARS}))


class _TooDeep(RecursionError):
    """Nesting deeper than MAX_DEPTH: a RecursionError, so that every caller that guards
    against deep nesting already handles it."""

    pass


class _Tagless(BaseResolver):
    """Leaves plain scalars untyped: :func:`_scalar` reads them (YAML 1.2 core schema, dates
    kept as strings). ruamel's resolver tries a dozen regexes per scalar, version-aware, in
    Python: it was two thirds of the time to compose a measure."""

    _DEFAULT: ClassVar[dict[type, Any]] = {
        ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
        SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
        MappingNode: BaseResolver.DEFAULT_MAPPING_TAG,
    }

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        return self._DEFAULT[kind]


_CLoader: type[Any] | None
try:
    from ruamel.yaml.cyaml import CBaseLoader
except ImportError:  # pragma: no cover - no C extension for this platform
    _CLoader = None
else:

    class _LibyamlLoader(CBaseLoader, _Tagless):
        """libyaml's parser and composer, our resolver."""

    _CLoader = _LibyamlLoader


# Every nesting level of YAML needs an indicator of its own: [ or { (flow), - (block sequence),
# : or ? (a mapping's first key). Fewer of them than this in a file bound its depth safely.
_INDICATORS = "[{-:?"
_SAFE_INDICATORS = 1_000
_NESTING_START = frozenset({"SequenceStartEvent", "MappingStartEvent"})
_NESTING_END = frozenset({"SequenceEndEvent", "MappingEndEvent"})


def _check_depth(text: str) -> None:
    """Raise _TooDeep when collections nest deeper than MAX_DEPTH. libyaml's composer recurses
    in C, without Python's recursion limit: 40,000 nested [ (80 KB) overflow the C stack and
    kill the process. A file with few indicators cannot nest that deep and costs one count;
    any other is walked event by event (libyaml's parser does not recurse) before composing."""
    if sum(text.count(c) for c in _INDICATORS) < _SAFE_INDICATORS or _CLoader is None:
        return
    loader = _CLoader(text)
    depth = 0
    try:
        while loader.check_event():
            name = type(loader.get_event()).__name__
            if name in _NESTING_START:
                depth += 1
                if depth > MAX_DEPTH:
                    raise _TooDeep
            elif name in _NESTING_END:
                depth -= 1
    finally:
        _release(loader)


def compose(text: str) -> Node | None:
    """The node tree of the first document, composed by libyaml (ruamel.yaml.clib) when it is
    there: 0.11 ms per measure against 2.4 ms for the pure-Python parser. Raises _TooDeep for
    nesting libyaml could not compose safely."""
    if _CLoader is None:  # pragma: no cover - no C extension for this platform
        return YAML(typ="safe", pure=True).compose(text)  # type: ignore[no-any-return]
    _check_depth(text)
    loader = _CLoader(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        _release(loader)


def _release(loader: Any) -> None:
    """Free libyaml's parser now. ruamel's loader refers to itself (as its own parser and
    composer), so without this it, and the node tree it holds, waits for the cycle collector:
    a run over 10,000 files held 150 MB of them."""
    loader.dispose()
    vars(loader).clear()


def load_path(path: Path, root: Path | None = None) -> LoadedFile:
    """Load a file of the directory tree ``root`` (the directory named on the command line, or
    the directory of a file named). A symbolic link is followed only within ``root``."""
    name = path.as_posix()
    raw = read_bounded(path, root)
    if isinstance(raw, Problem):
        return LoadedFile(name, problems=[raw])
    return load_bytes(raw, name)


# A measure is read like this, so that nothing can make the open block (a FIFO without a
# writer), follow a link swapped in after the check, or leak the descriptor into a child.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_KINDS = (
    (stat.S_ISDIR, "directory"),
    (stat.S_ISFIFO, "fifo"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "device"),
    (stat.S_ISBLK, "device"),
)


@lru_cache(maxsize=64)
def _real(directory: str) -> str:
    return os.path.realpath(directory)


def _inside(real: str, root: Path) -> bool:  # the resolved path lies within root
    top = _real(str(root))
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _directly_in(path: Path, root: Path) -> bool:
    # As strings: comparing Path objects costs more than reading a small file.
    return (os.path.dirname(path) or ".") == os.fspath(root)


def _not_a_file(mode: int) -> Problem | None:
    if stat.S_ISREG(mode):
        return None
    kind = next((k for test, k in _KINDS if test(mode)), "other")
    return Problem("E003", f"not_file_{kind}")


def read_bounded(path: Path, root: Path | None = None) -> bytes | Problem:
    """The bytes of a regular file of at most MAX_BYTES, or the problem that stops it: type and
    size are checked before the file is opened (a device or FIFO is never opened) and again on
    the open descriptor, and the read stops after MAX_BYTES + 1 bytes whatever the file says.
    A symbolic link (or a path outside ``root`` to begin with) is resolved and followed only
    to a file inside ``root``; the final open does not follow links, so one swapped in after
    the check is refused."""
    try:
        st = os.lstat(path)
        target: str | Path = path
        if stat.S_ISLNK(st.st_mode) or (root is not None and not _directly_in(path, root)):
            if not path.exists():
                return Problem("E003", "broken_link")
            target = os.path.realpath(path)
            if root is not None and not _inside(target, root):
                return Problem("E003", "outside")
            st = os.stat(target)
        problem = _not_a_file(st.st_mode)
        if problem is None and st.st_size > MAX_BYTES:
            problem = Problem("E006", "size", {"size": st.st_size, "limit": MAX_BYTES})
        if problem is not None:
            return problem
        fd = os.open(target, _OPEN_FLAGS)
        try:
            problem = _not_a_file(os.fstat(fd).st_mode)  # swapped since the check
            if problem is not None:
                return problem
            raw = _read_up_to(fd, MAX_BYTES + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        return Problem("E003", "unreadable", {"reason": exc.strerror or str(exc)})
    if len(raw) > MAX_BYTES:  # it grew since the check
        return Problem("E006", "size", {"size": len(raw), "limit": MAX_BYTES})
    return raw


def _read_up_to(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def load_bytes(raw: bytes, name: str) -> LoadedFile:
    if len(raw) > MAX_BYTES:
        sizes = {"size": len(raw), "limit": MAX_BYTES}
        return LoadedFile(name, problems=[Problem("E006", "size", sizes)])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return LoadedFile(name, problems=[Problem("E002", "utf16")])
    if b"\x00" in raw[:8192]:
        return LoadedFile(name, problems=[Problem("E002", "binary")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = _encoding_guess(raw)
        found: dict[str, Any] = {"byte": raw[exc.start]}
        if guess:
            found["encoding"] = guess
        problem = Problem("E002", "guess" if guess else "not_utf8", found, line, column)
        return LoadedFile(name, problems=[problem])
    return load_text(text, name)


# Compiled when first needed (re's cache): only a file that is not UTF-8 needs it, and the
# class of 21,000 characters costs every run 2 ms to compile.
_KANA_KANJI = r"[\u3040-\u30ff\u4e00-\u9fff]"


def _encoding_guess(raw: bytes) -> str | None:
    """A guess worth printing: the bytes decode *and* give kana or kanji. (Latin-1 text often
    decodes as Shift_JIS half-width katakana; UTF-16 decodes from almost any even-length input
    and is recognised by its BOM instead.)"""
    for enc in ("shift_jis", "euc_jp"):
        try:
            decoded = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if re.search(_KANA_KANJI, decoded):
            return enc.upper().replace("_", "-")
    return None


def load_text(text: str, name: str) -> LoadedFile:
    result = LoadedFile(name)
    text = text.replace("\r\n", "\n")
    try:
        node = compose(text)
    except ReaderError as exc:
        line, col = _reader_position(text, exc.position)
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        args = {"character": shown, "reason": str(exc.reason)}
        result.problems.append(Problem("E001", "character", args, line, col))
        return result
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        result.problems.append(Problem("E001", "syntax", {"problem": what}, line, col))
        return result
    except (RecursionError, _TooDeep):
        result.problems.append(Problem("E006", "deep", {"limit": MAX_DEPTH}))
        return result
    except YAMLError as exc:
        result.problems.append(Problem("E001", "other", {"detail": _short(exc)}))
        return result
    if node is None:
        result.problems.append(Problem("E004", "empty"))
        return result
    if _SUPPRESSION_HINT.search(text):
        result.suppressions = suppression_comments(text, node)
    try:
        result.data = _convert(node, (), result, _Budget())
    except _OverBudget as exc:
        result.data = None
        result.problems.append(exc.problem)
    except (RecursionError, _TooDeep):
        result.data = None
        result.problems.append(Problem("E006", "deep", {"limit": MAX_DEPTH}))
    return result


def suppression_comments(text: str, root: Node) -> list[tuple[int, int, str]]:
    """(line, column, text) of each YAML comment in ``text`` that mentions kpiaudit or
    ``ignore[``. A comment is a ``#`` at the start of a line or after a space or tab that lies
    outside every scalar (key or value: quoted, plain or block) of the composed document, up
    to the end of its line; a ``#`` inside a KPI's quoted or block text is text, and never
    suppresses anything."""
    spans = sorted(_scalar_spans(root))
    starts = [a for a, _ in spans]
    out = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        start = line.find("#")
        while start != -1:
            at = offset + start
            if (start == 0 or line[start - 1] in " \t") and not _in_a_scalar(spans, starts, at):
                comment = line[start:]
                if _SUPPRESSION_HINT.search(comment):
                    out.append((number, start + 1, comment))
                break  # the rest of the line belongs to this comment
            start = line.find("#", start + 1)
        offset += len(line) + 1
    return out


def _scalar_spans(root: Node) -> list[tuple[int, int]]:
    spans = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: the same node again
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, MappingNode):
            stack.extend(item for pair in node.value for item in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return spans


def _in_a_scalar(spans: list[tuple[int, int]], starts: list[int], index: int) -> bool:
    """Whether ``index`` falls in one of the sorted, non-overlapping ``spans``."""
    i = bisect.bisect_right(starts, index) - 1
    return i >= 0 and index < spans[i][1]


def _reader_position(text: str, offset: int) -> tuple[int, int]:
    """Line and column of the character libyaml refused: it counts bytes of the UTF-8 text."""
    raw = text.encode("utf-8", "surrogatepass")
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", "replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _at(code: str, which: str, node: Node, **args: Any) -> Problem:
    """A problem at a node's position (1-based, as editors count)."""
    return Problem(code, which, args, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: Node, path: Path_, out: LoadedFile, budget: _Budget) -> Any:
    if len(path) > MAX_DEPTH:
        raise _TooDeep
    kind = type(node)  # the three node classes, compared once (this runs for every node)
    budget.spend(len(node.value) if kind is ScalarNode else 0)
    # Point at the value itself: that is where a wrong type or value is to be fixed.
    mark = node.start_mark
    out.positions[path] = (mark.line + 1, mark.column + 1)
    tag = node.tag
    if tag not in _STANDARD_TAGS and tag and (tag.startswith("!") or ":" in tag):
        out.add(_at("E006", "tag", node, tag=tag))
        return None
    if kind is MappingNode:
        mapping: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode:
                out.add(_at("E004", "key", key_node))
                continue
            key = str(key_node.value)
            budget.spend(len(key))
            if key == "<<":
                out.add(_at("E006", "merge", key_node))
                continue
            if key in mapping:
                first = key_lines[key]
                out.add(_at("E005", "default", key_node, key=key, first=first))
                continue
            key_lines[key] = key_node.start_mark.line + 1
            mapping[key] = _convert(value_node, (*path, key), out, budget)
        return mapping
    if kind is SequenceNode:
        return [_convert(item, (*path, i), out, budget) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    try:
        return _scalar(node)
    except ValueError:  # an integer beyond Python's limit for converting digits (4,300)
        out.add(_at("E006", "number", node, limit=_INT_DIGITS))
        return None


# Python refuses to convert longer digit strings (CVE-2020-10735); 3.10 before 3.10.7 did not.
_INT_DIGITS = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)?\.[0-9]+(?:[eE][-+]?[0-9]+)?$|[-+]?[0-9]+[eE][-+]?[0-9]+$"
)


def _scalar(node: ScalarNode) -> Any:
    """YAML 1.2 core schema, except that dates stay strings (as the schema expects)."""
    value = str(node.value)
    if node.style:  # quoted or block: always a string
        return value
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if _INT.match(value):
        return int(value.replace("_", ""))
    if _FLOAT.match(value):
        return float(value.replace("_", ""))
    return value
