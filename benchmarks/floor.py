"""The floor for lint: read, parse and validate the same measure files, and nothing else.

Run as a fresh process by bench.py, so that its time includes Python's start-up and the
imports, as every kpiaudit command's does:

    python benchmarks/floor.py DIR_OR_FILE ... [--no-validate]

Files are composed with libyaml through ruamel.yaml.clib (what kpiaudit's loader uses), plain
scalars typed by a few regexes (YAML 1.2 core schema, dates left as strings), and validated
against schema/measure.schema.json by a compiled validator: jsonschema-rs (what kpiaudit's
fast path uses) when it is installed, else fastjsonschema, else jsonschema's validator built
once. No positions, no rules, no report: a lower bound, not a
competitor. Prints the number of files and of invalid files on stderr; exit 0.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, ClassVar

from ruamel.yaml.cyaml import CBaseLoader
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver

SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "measure.schema.json"


class _Loader(CBaseLoader):
    """libyaml's parser and composer; every plain scalar left as a str node."""

    _TAGS: ClassVar[dict[type, Any]] = {
        ScalarNode: BaseResolver.DEFAULT_SCALAR_TAG,
        SequenceNode: BaseResolver.DEFAULT_SEQUENCE_TAG,
        MappingNode: BaseResolver.DEFAULT_MAPPING_TAG,
    }

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        return self._TAGS[kind]


_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.[0-9]+(?:[eE][-+]?[0-9]+)?$")
_CONSTANTS: dict[str, Any] = {"": None, "~": None, "null": None, "true": True, "false": False}


def _data(node: Node) -> Any:
    if isinstance(node, MappingNode):
        return {str(k.value): _data(v) for k, v in node.value}
    if isinstance(node, SequenceNode):
        return [_data(item) for item in node.value]
    assert isinstance(node, ScalarNode)
    value = str(node.value)
    if node.style:
        return value
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _files(args: list[str]) -> list[Path]:
    files: list[Path] = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            files.extend(sorted(c for c in p.glob("*.yaml") if c.name != "plan.yaml"))
        else:
            files.append(p)
    return files


def _validator() -> Any:
    """A callable that returns True when a document is valid."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    try:
        import jsonschema_rs
    except ImportError:
        pass
    else:
        return jsonschema_rs.validator_for(schema, validate_formats=True).is_valid  # type: ignore[no-any-return]
    try:
        import fastjsonschema
    except ImportError:
        import jsonschema

        cls = jsonschema.validators.validator_for(schema)
        validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
        return validator.is_valid
    compiled = fastjsonschema.compile(schema)

    def is_valid(doc: Any) -> bool:
        try:
            compiled(doc)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid


def main(argv: list[str]) -> int:
    validate = "--no-validate" not in argv
    files = _files([a for a in argv if a != "--no-validate"])
    is_valid = _validator() if validate else None
    invalid = 0
    for path in files:
        loader = _Loader(path.read_bytes().decode("utf-8-sig"))
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        data = _data(node) if node is not None else None
        if is_valid is not None and not is_valid(data):
            invalid += 1
    print(f"floor: {len(files)} file(s), {invalid} invalid", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
