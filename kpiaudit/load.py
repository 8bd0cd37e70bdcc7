"""YAML files → plain data with positions; every problem with a file becomes a value.

Bad documents are values, not exceptions (check-jsonschema's habit): a file that cannot be read,
decoded or parsed yields a :class:`LoadedFile` with ``problems`` and no data, and the run goes
on. Files are *composed* (the node tree, with line and column of every node) rather than
constructed, so that nothing in a file can run code, timestamps stay strings as the schema
expects, duplicate keys are caught, and alias bombs are bounded.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver

MAX_NODES = 200_000  # after alias expansion: far above any real measure, far below a bomb
MAX_BYTES = 5_000_000
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
    path: str
    data: Any = None
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # (line, column, text) of each comment that mentions kpiaudit or ignore[ (suppressions,
    # or attempts at one): real comments only, never text inside a quoted or block scalar
    suppressions: list[tuple[int, int, str]] = field(default_factory=list)

    def position(self, path: Path_) -> tuple[int, int]:
        """Line and column of the deepest node on ``path`` that exists."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


class _Budget(Exception):
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


def compose(text: str) -> Node | None:
    """The node tree of the first document, composed by libyaml (ruamel.yaml.clib) when it is
    there: 0.11 ms per measure against 2.4 ms for the pure-Python parser."""
    if _CLoader is None:  # pragma: no cover - no C extension for this platform
        return YAML(typ="safe", pure=True).compose(text)  # type: ignore[no-any-return]
    loader = _CLoader(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()


def load_path(path: Path) -> LoadedFile:
    name = path.as_posix()
    try:
        if path.is_symlink() and not path.exists():
            return LoadedFile(name, problems=[Problem("E003", "broken_link")])
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return LoadedFile(name, problems=[Problem("E003", "unreadable", {"reason": reason})])
    return load_bytes(raw, name)


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


_KANA_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _encoding_guess(raw: bytes) -> str | None:
    """A guess worth printing: the bytes decode *and* give kana or kanji. (Latin-1 text often
    decodes as Shift_JIS half-width katakana; UTF-16 decodes from almost any even-length input
    and is recognised by its BOM instead.)"""
    for enc in ("shift_jis", "euc_jp"):
        try:
            decoded = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if _KANA_KANJI.search(decoded):
            return enc.upper().replace("_", "-")
    return None


def load_text(text: str, name: str) -> LoadedFile:
    result = LoadedFile(name)
    text = text.replace("\r\n", "\n")
    try:
        node = compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        result.problems.append(Problem("E001", "syntax", {"problem": what}, line, col))
        return result
    except RecursionError:
        result.problems.append(Problem("E006", "deep"))
        return result
    except YAMLError as exc:
        result.problems.append(Problem("E001", "other", {"detail": _short(exc)}))
        return result
    if node is None:
        result.problems.append(Problem("E004", "empty"))
        return result
    if _SUPPRESSION_HINT.search(text):
        result.suppressions = suppression_comments(text, node)
    budget = [MAX_NODES]
    try:
        result.data = _convert(node, (), result, budget)
    except _Budget:
        result.data = None
        result.problems.append(Problem("E006", "bomb", {"limit": MAX_NODES}))
    except RecursionError:
        result.data = None
        result.problems.append(Problem("E006", "deep"))
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
            if (start == 0 or line[start - 1] in " \t") and not _inside(spans, starts, at):
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


def _inside(spans: list[tuple[int, int]], starts: list[int], index: int) -> bool:
    """Whether ``index`` falls in one of the sorted, non-overlapping ``spans``."""
    i = bisect.bisect_right(starts, index) - 1
    return i >= 0 and index < spans[i][1]


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _at(code: str, which: str, node: Node, **args: Any) -> Problem:
    """A problem at a node's position (1-based, as editors count)."""
    return Problem(code, which, args, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: Node, path: Path_, out: LoadedFile, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _Budget
    # Point at the value itself: that is where a wrong type or value is to be fixed.
    out.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    tag = node.tag if isinstance(node.tag, str) else getattr(node.tag, "value", None)
    if (tag and tag.startswith("!")) or (tag and tag not in _STANDARD_TAGS and ":" in tag):
        out.problems.append(_at("E006", "tag", node, tag=tag))
        return None
    if isinstance(node, MappingNode):
        mapping: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                out.problems.append(_at("E004", "key", key_node))
                continue
            key = str(key_node.value)
            if key == "<<":
                out.problems.append(_at("E006", "merge", key_node))
                continue
            if key in mapping:
                first = key_lines[key]
                out.problems.append(_at("E005", "default", key_node, key=key, first=first))
                continue
            key_lines[key] = key_node.start_mark.line + 1
            mapping[key] = _convert(value_node, (*path, key), out, budget)
        return mapping
    if isinstance(node, SequenceNode):
        return [_convert(item, (*path, i), out, budget) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return _scalar(node)


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
