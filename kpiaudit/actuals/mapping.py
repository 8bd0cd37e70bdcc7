"""Which RS indicator measures which KPI: the mapping file.

A mapping file is YAML, a list of entries::

    - {project: "001234", indicator: "1", kpi: 6-4.P1}
    - project: "005678"
      indicator: "3"
      kpi: 1-7.E1
      term: 長期          # optional: where one number carries several series (短期 / 長期)
      kind: アウトカム     # optional: アウトプット / アウトカム

``project`` is the 予算事業ID and ``indicator`` the アクティビティ・アウトプット・アウトカムの番号,
both read as written (``007`` stays ``007``; plain or quoted). One indicator maps to one KPI.
The file is composed, never constructed: no tag can build an object.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..i18n import _
from ..load import compose
from .records import ActualsFileError, CellError, RowProblem, nfkc, parse_kpi_ref
from .rs import RsIndicator

MAX_BYTES = 5_000_000
_KEYS = ("project", "indicator", "kpi", "kind", "term")
_REQUIRED = ("project", "indicator", "kpi")
_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass(frozen=True)
class MappingEntry:
    project: str  # 予算事業ID
    indicator: str  # アクティビティ・アウトプット・アウトカムの番号
    kpi: str  # 6-4.P1
    source_file: str
    line: int
    kind: str | None = None  # 種別, to tell series with one number apart
    term: str | None = None  # アウトカムの期間

    def matches(self, indicator: RsIndicator) -> bool:
        """Same project and number (the caller looks those up), and the optional selectors."""
        return (self.kind is None or nfkc(self.kind) == nfkc(indicator.kind)) and (
            self.term is None or nfkc(self.term) == nfkc(indicator.term)
        )


class MappingError(ActualsFileError):
    """A mapping file with mistakes: every one of them, each with its line, in ``problems``."""

    def __init__(self, source_file: str, problems: list[RowProblem]) -> None:
        self.problems = problems
        first = problems[0]
        more = len(problems) - 1
        message = first.message + (" " + _("(and {n} more)").format(n=more) if more else "")
        super().__init__(source_file, message, first.row)

    def __str__(self) -> str:
        return "\n".join(
            _("{file}: line {line}: {message}").format(
                file=p.source_file, line=p.row, message=p.message
            )
            for p in self.problems
        )


def load_mapping(path: Path) -> list[MappingEntry]:
    """The entries of a mapping file, in file order. An empty file (or one of comments only,
    as :func:`format_suggestions` writes it) maps nothing. Raises :class:`MappingError` with
    every mistake and its line: a mapping is used whole or not at all."""
    name = path.as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ActualsFileError(
            name, _("cannot read: {error}").format(error=exc.strerror or exc)
        ) from exc
    if len(raw) > MAX_BYTES:
        raise ActualsFileError(name, _("larger than {n:,} bytes").format(n=MAX_BYTES))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise MappingError(
            name, [RowProblem(name, line, _("not UTF-8: save it as UTF-8"))]
        ) from exc
    try:
        node = compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        raise MappingError(
            name, [RowProblem(name, line, _("YAML syntax error: {what}").format(what=what))]
        ) from exc
    except (YAMLError, RecursionError) as exc:
        raise MappingError(
            name, [RowProblem(name, 1, _("not YAML: {error}").format(error=exc))]
        ) from exc
    if node is None or (
        isinstance(node, ScalarNode) and not node.style and str(node.value) in _NULLS
    ):
        return []  # nothing, or a document that is only "---"
    return _Entries(name).read(node)


class _Entries:
    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[RowProblem] = []

    def _problem(self, node: Node, message: str) -> None:
        self.problems.append(RowProblem(self.name, node.start_mark.line + 1, message))

    def read(self, root: Node) -> list[MappingEntry]:
        if _tag(root) not in _STANDARD_TAGS:
            self._problem(root, _("tags are not allowed in a mapping file"))
        elif not isinstance(root, SequenceNode):
            self._problem(
                root,
                _("a mapping file is a list of entries: - {project: …, indicator: …, kpi: …}"),
            )
        entries: list[MappingEntry] = []
        if not self.problems:
            first: dict[tuple[str, str, str | None, str | None], int] = {}
            for item in root.value:
                entry = self._entry(item)
                if entry is None:
                    continue
                key = (entry.project, entry.indicator, entry.kind, entry.term)
                if key in first:
                    self._problem(
                        item,
                        _(
                            "{project} #{number} is already mapped at line {line}: one "
                            "indicator maps to one KPI"
                        ).format(project=entry.project, number=entry.indicator, line=first[key]),
                    )
                    continue
                first[key] = entry.line
                entries.append(entry)
        if self.problems:
            raise MappingError(self.name, self.problems)
        return entries

    def _entry(self, item: Node) -> MappingEntry | None:
        if not isinstance(item, MappingNode) or _tag(item) not in _STANDARD_TAGS:
            self._problem(item, _("an entry is a mapping: {project: …, indicator: …, kpi: …}"))
            return None
        values: dict[str, str] = {}
        ok = True
        for key_node, value_node in item.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else ""
            if key not in _KEYS:
                self._problem(
                    key_node,
                    _("unknown key {key!r}; the keys are {keys}").format(
                        key=key, keys=", ".join(_KEYS)
                    ),
                )
                ok = False
            elif key in values:
                self._problem(key_node, _("{key} is given twice").format(key=key))
                ok = False
            elif (
                not isinstance(value_node, ScalarNode)
                or _tag(value_node) not in _STANDARD_TAGS
                or (not value_node.style and str(value_node.value) in _NULLS)
                or not str(value_node.value).strip()
            ):
                self._problem(value_node, _("{key} needs a plain value").format(key=key))
                ok = False
            else:
                values[key] = str(value_node.value).strip()
        missing = [k for k in _REQUIRED if k not in values]
        if missing and ok:
            self._problem(item, _("the entry has no {keys}").format(keys=", ".join(missing)))
            return None
        if not ok:
            return None
        try:
            kpi = parse_kpi_ref(values["kpi"])
        except CellError as exc:
            self._problem(item, str(exc))
            return None
        return MappingEntry(
            nfkc(values["project"]),
            nfkc(values["indicator"]),
            kpi,
            self.name,
            item.start_mark.line + 1,
            values.get("kind"),
            values.get("term"),
        )


def _tag(node: Node) -> str:
    tag = node.tag
    return str(tag if isinstance(tag, str) else getattr(tag, "value", tag))
