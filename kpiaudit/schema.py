"""JSON Schema validation of loaded files, with messages that name the field (E004).

The schemas users point their editors at are ``schema/*.json`` (shipped in the package as
``kpiaudit/schemas``). Error paths are mapped back to the line and column of the YAML node.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from . import schema_compiled
from .load import LoadedFile, Problem
from .safe_text import excerpt

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SchemaName = Literal["measure.schema.json", "plan.schema.json"]
MEASURE_SCHEMA: SchemaName = "measure.schema.json"
PLAN_SCHEMA: SchemaName = "plan.schema.json"


@lru_cache(maxsize=2)
def _schema(name: SchemaName) -> Any:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=2)
def _validator(name: SchemaName) -> Any:
    """jsonschema's validator: the reference, and the one that explains what is wrong."""
    import jsonschema

    schema = _schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(_inline_refs(schema, schema.get("$defs", {})), format_checker=cls.FORMAT_CHECKER)


def prepared(name: SchemaName) -> Callable[[Any], bool]:
    """The schema's yes/no for a document, compiled ahead of time into plain Python
    (:mod:`kpiaudit.schema_compiler`): every file is asked first, and only one it rejects is
    validated again by jsonschema, whose errors are the ones reported. Its verdict is
    jsonschema's (tests/test_schema_fast.py compares the two on real and mutated files)."""
    if name == MEASURE_SCHEMA:
        return schema_compiled.measure_is_valid
    return schema_compiled.plan_is_valid


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
    jsonschema's own message holds a repr of the whole value). An unknown key is reported at
    its own line, with the known key it resembles."""
    if prepared(schema)(loaded.data):
        return
    for err in _validator(schema).iter_errors(loaded.data):
        where = tuple(err.absolute_path)
        field = _field(where, loaded.data)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = list(err.schema.get("properties", {}))
            for name in err.instance:
                if name not in known:
                    key, args = _unknown(field, str(name), known)
                    line, col = loaded.position((*where, name))
                    yield Problem("E004", key, args, line, col)
            continue
        line, col = loaded.position(where)
        key, args = _message(err, field)
        yield Problem("E004", key, args, line, col)


_MEASURE_ID = re.compile(r"[1-9][0-9]*-[1-9][0-9]*")
_KPI_ID = re.compile(r"[PE][1-9][0-9]*")


def _is_ref(value: Any, form: re.Pattern[str]) -> bool:
    return isinstance(value, str) and form.fullmatch(value) is not None


def _field(path: tuple[Any, ...], data: Any) -> str:
    """Where in the file, in the plan's words: ``6-4.E1 milestones.0.target`` for a KPI's field
    (not ``kpis.3.milestones…``), ``title`` for a measure's, ``(top level)`` for the file."""
    if len(path) >= 2 and path[0] == "kpis" and isinstance(path[1], int) and isinstance(data, dict):
        measure = data.get("id") if _is_ref(data.get("id"), _MEASURE_ID) else ""
        kpis = data.get("kpis")
        kpi = kpis[path[1]] if isinstance(kpis, list) and path[1] < len(kpis) else None
        kid = kpi.get("id") if isinstance(kpi, dict) else None
        if _is_ref(kid, _KPI_ID):  # never a malformed id (it may hold anything, "P1\n")
            head = f"{measure}.{kid}" if measure else str(kid)
        else:  # a KPI without a usable id: count it as people do, from 1
            head = f"{measure} KPI {path[1] + 1}".strip()
        rest = ".".join(str(p) for p in path[2:])
        return f"{head} {rest}" if rest else head
    return ".".join(str(p) for p in path) or "(top level)"


def _unknown(field: str, name: str, known: list[str]) -> tuple[str, dict[str, Any]]:
    import difflib  # only for a misspelled key

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    args: dict[str, Any] = {"field": field, "names": repr(excerpt(name, 40))}
    if close:
        return "unknown_close", {**args, "suggestion": close[0]}
    return "unknown", args


def _message(err: Any, field: str) -> tuple[str, dict[str, Any]]:
    """Which E004 message, and its arguments: words a policy officer understands."""
    v = err.validator
    if v in ("required", "dependentRequired"):  # dependentRequired: 'unit' is a dependency …
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return "required", {"field": field, "missing": missing}
    if v == "anyOf" and all(set(s) == {"required"} for s in err.validator_value):
        options = " or ".join(repr(k) for s in err.validator_value for k in s["required"])
        return "required_any", {"field": field, "options": options}
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
