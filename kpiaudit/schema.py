"""JSON Schema validation of loaded files, with messages that name the field (E004).

The schemas users point their editors at are ``schema/*.json`` (shipped in the package as
``kpiaudit/schemas``). Error paths are mapped back to the line and column of the YAML node.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from .load import LoadedFile, Problem
from .safe_text import excerpt

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SchemaName = Literal["measure.schema.json", "plan.schema.json"]
MEASURE_SCHEMA: SchemaName = "measure.schema.json"
PLAN_SCHEMA: SchemaName = "plan.schema.json"


@lru_cache(maxsize=2)
def _validator(name: SchemaName) -> Any:
    import jsonschema

    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(_inline_refs(schema, schema.get("$defs", {})), format_checker=cls.FORMAT_CHECKER)


def _inline_refs(node: Any, defs: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """The schema with each ``#/$defs/…`` reference replaced by its definition. Looking up a
    reference is a quarter of jsonschema's time per measure; errors read the same, since they
    name the instance's path, not the schema's. A recursive definition keeps its $ref."""
    if isinstance(node, list):
        return [_inline_refs(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
        name = ref.removeprefix("#/$defs/")
        if name in defs and name not in seen:
            return _inline_refs(defs[name], defs, (*seen, name))
    return {key: _inline_refs(value, defs, seen) for key, value in node.items()}


def validate(loaded: LoadedFile, schema: SchemaName) -> list[Problem]:
    """E004 problems of a loaded file against a schema, in document order."""
    return sorted(problems(loaded, schema), key=lambda p: (p.line, p.column))


def problems(loaded: LoadedFile, schema: SchemaName) -> Iterator[Problem]:
    """E004 problems as jsonschema finds them, one at a time: a hostile file can have a
    million, so the caller decides how many to take (each error is dropped once read, since
    jsonschema's own message holds a repr of the whole value)."""
    for err in _validator(schema).iter_errors(loaded.data):
        line, col = loaded.position(tuple(err.absolute_path))
        key, args = _message(err)
        yield Problem("E004", key, args, line, col)


def _message(err: Any) -> tuple[str, dict[str, Any]]:
    """Which E004 message, and its arguments: words a policy officer understands."""
    field = ".".join(str(p) for p in err.absolute_path) or "(top level)"
    v = err.validator
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return "required", {"field": field, "missing": missing}
    if v == "additionalProperties" and isinstance(err.instance, dict):
        known = set(err.schema.get("properties", {}))
        unknown = [k for k in err.instance if k not in known]
        names = ", ".join(repr(excerpt(k, 40)) for k in unknown[:5])
        names += " …" if len(unknown) > 5 else ""
        return "unknown", {"field": field, "names": names}
    if v == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        found = err.instance
        return "type", {
            "field": field,
            "expected": want,
            "found_type": type(found).__name__,
            "found": found,
        }
    if v == "enum":
        allowed = ", ".join(str(x) for x in err.validator_value)
        return "enum", {"field": field, "allowed": allowed, "found": err.instance}
    if v == "pattern":  # shown without the lookahead that keeps a final newline out
        pattern = str(err.validator_value).removesuffix("(?!\\n)")
        return "pattern", {"field": field, "found": err.instance, "pattern": pattern}
    return "other", {"field": field, "detail": err.message}
