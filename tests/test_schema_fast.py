"""The compiled validator (kpiaudit/schema_compiled.py, written by kpiaudit.schema_compiler) answers
only "valid": a document it lets through must be one jsonschema, the reference, finds valid too,
or a broken measure would pass the gate unexplained. Compared on the real files, on mutated
copies of them, and on the values where two validators are known to differ (dates, big numbers,
booleans, a trailing newline); the module must be what the schemas compile to today."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from kpiaudit import schema_compiler
from kpiaudit.load import load_bytes
from kpiaudit.schema import MEASURE_SCHEMA, PLAN_SCHEMA, _validator, prepared

from .conftest import MEASURES
from .fuzzing import SOURCES, mutate


def agree(document: Any, schema: Any = MEASURE_SCHEMA) -> bool:
    """Whether both validators say the same; returns that verdict."""
    check = prepared(schema)
    reference = _validator(schema).is_valid(document)
    assert check(document) == reference, document
    return bool(reference)


def real(name: str = "06-04.yaml") -> dict[str, Any]:
    loaded = load_bytes((MEASURES / name).read_bytes(), name)
    assert isinstance(loaded.data, dict)
    return loaded.data


def test_the_real_files_are_valid_to_both() -> None:
    for path in sorted(MEASURES.glob("[0-9]*.yaml")):
        assert agree(load_bytes(path.read_bytes(), path.name).data)
    assert agree(load_bytes((MEASURES / "plan.yaml").read_bytes(), "plan.yaml").data, PLAN_SCHEMA)


def test_mutated_files_get_the_same_verdict() -> None:
    rng = random.Random(2026)
    verdicts = []
    for _ in range(1500):
        loaded = load_bytes(mutate(rng.choice(SOURCES).read_bytes(), rng), "x.yaml")
        if not loaded.problems:
            verdicts.append(agree(loaded.data))
    assert True in verdicts and False in verdicts  # both kinds were compared


ACTUAL = {"period": "令和5年度", "as_of": "2024-03-31", "value": 1, "unit": "件", "source": "x"}


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """06-04 with an actual value recorded for its second KPI, and ``value`` at ``path``."""
    doc = copy.deepcopy(real())
    doc["kpis"][1]["actuals"] = [dict(ACTUAL)]
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


AS_OF = ("kpis", 1, "actuals", 0, "as_of")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (AS_OF, "0000-01-01"),  # RFC 3339 has a year 0; Python's calendar does not
        (AS_OF, "2023-02-29"),
        (AS_OF, "2024-02-29"),
        (AS_OF, "２０２４-01-01"),
        (AS_OF, "2024-01-01\n"),
        (AS_OF, "20240101"),
        (("id",), "1-7\n"),
        (("chapter",), 2**64),
        (("chapter",), -(2**63) - 1),
        (("chapter",), 10**30),
        (("chapter",), True),
        (("chapter",), 1.0),
        (("chapter",), float("inf")),
        (("chapter",), float("nan")),
        (("source_line",), -1),
        (("kpis", 1, "actuals", 0, "value"), 10**16),
        (("kpis", 1, "actuals", 0, "value"), float("inf")),
        (("kpis", 1, "actuals", 0, "value"), True),
        (("kpis", 1, "actuals", 0, "value"), -(10**15) - 1),
        (("kpis", 1, "actuals", 0, "value"), 1e15),
        (("kpis", 1, "actuals", 0, "unit"), None),
        (("kpis", 1, "actuals", 0, "achieved"), 1),
        (("kpis", 1, "actuals", 0, "period"), ""),
        (("kpis", 1, "status"), ["set"]),
        (("kpis", 1, "milestones"), [{}]),
        (("kpis", 1, "milestones"), [{"deadline": {"text": "x", "recurring": 0}}]),
        (("kpis", 1, "milestones"), [{"deadline": {"text": "x", "recurring": True, "date": None}}]),
        (("kpis", 1, "text"), None),
        (("kpis", 1, 1), "a key that is not a string"),
        (("kpis", 0, "status"), "Set"),
        (("kpis", 0, "unknown"), 1),
        (("title",), ""),
        (("kpis",), []),
    ],
)
def test_where_validators_are_known_to_differ(path: tuple[Any, ...], value: Any) -> None:
    agree(_with(path, value))


def test_the_document_the_cases_change_is_valid() -> None:
    assert agree(_with(AS_OF, "2024-03-31"))


def test_an_actual_needs_its_unit_and_a_value_or_achieved() -> None:
    for drop in ("unit", "value", "source"):
        doc = _with(AS_OF, "2024-03-31")
        del doc["kpis"][1]["actuals"][0][drop]
        assert not agree(doc)
    doc = _with(AS_OF, "2024-03-31")
    actual = doc["kpis"][1]["actuals"][0]
    del actual["value"], actual["unit"]
    assert not agree(doc)  # neither a value nor achieved
    actual["achieved"] = False
    assert agree(doc)


def test_plans_get_the_same_verdict() -> None:
    plan = load_bytes((MEASURES / "plan.yaml").read_bytes(), "plan.yaml").data
    for key, value in [
        ("base_date", "2022-02-30"),
        ("base_date", 20220607),
        ("chapters", [{"number": 0, "title": "x"}]),
        ("chapters", [{"number": 1, "title": ""}]),
        ("chapters", [{"number": 1, "title": "x", "numeral": "Ⅰ"}]),
        ("edition", None),
        ("extra", "x"),
    ]:
        agree({**plan, key: value}, PLAN_SCHEMA)
    assert not agree({k: v for k, v in plan.items() if k != "title"}, PLAN_SCHEMA)


def test_the_compiled_module_is_what_the_schemas_compile_to() -> None:
    written = schema_compiler.MODULE.read_text(encoding="utf-8")
    assert written == schema_compiler.bundled_source(), "run scripts/compile-schemas"


DRAFT = {"$schema": schema_compiler.DRAFT}


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "patternProperties": {"^x": {"type": "string"}}},
        {"type": "string", "format": "email"},
        {"enum": [1, True]},
        {"$ref": "https://example.org/schema"},
        {"$ref": "#/$defs/missing"},
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"type": "decimal"},  # not a valid schema
        {"type": "string", "minLength": 1.5},  # not a valid schema: 1.5 is not a length
        {"type": "object", "properties": {"a": {"$id": "urn:x", "type": "string"}}},
        {"$schema": "http://json-schema.org/draft-04/schema#", "type": "integer"},
    ],
)
def test_the_compiler_refuses_what_it_cannot_give_jsonschemas_meaning(schema: Any) -> None:
    with pytest.raises(schema_compiler.Unsupported):
        schema_compiler.compile_schemas({"x_is_valid": {**DRAFT, **schema}})


def _compiled(**schemas: Any) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(schema_compiler.compile_schemas(schemas), namespace)  # the compiler's own output
    return namespace


def _verdicts(schema: Any, check: Any, documents: list[Any]) -> None:
    import jsonschema

    reference = jsonschema.Draft202012Validator(schema)
    for document in documents:
        assert check(document) == reference.is_valid(document), document


def test_compiled_corner_cases_agree_with_jsonschema() -> None:
    """What a schema of tomorrow may hold: the same subschema meaning two things under two
    roots, property names that differ in case, a dependency on nothing."""
    strings = {**DRAFT, "type": "array", "items": {"$ref": "#/$defs/c"}}
    numbers = {**strings, "$defs": {"c": {"type": "integer"}}}
    strings["$defs"] = {"c": {"type": "string"}}
    cased = {
        **DRAFT,
        "type": "object",
        "properties": {
            "a": {"type": "object", "properties": {"x": {}}, "additionalProperties": False},
            "A": {"type": "object", "properties": {"y": {}}, "additionalProperties": False},
        },
        "dependentRequired": {"a": [], "A": ["a"]},
    }
    module = _compiled(s_is_valid=strings, n_is_valid=numbers, c_is_valid=cased)
    _verdicts(strings, module["s_is_valid"], [["s"], [1], []])
    _verdicts(numbers, module["n_is_valid"], [["s"], [1], [1.0], [True]])
    _verdicts(
        cased,
        module["c_is_valid"],
        [{"a": {"x": 1}}, {"a": {"y": 1}}, {"A": {"y": 1}}, {"A": {"x": 1}}, {"a": {}, "A": {}}],
    )
