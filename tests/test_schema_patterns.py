"""Schema patterns are whole-string matches in every engine that reads them (issue 11, item
5): jsonschema uses Python's re.search, where ``$`` also matches before a final newline, so
``id: "1-4\\n"`` passed the schema and carried a newline into output (and crashed lint)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kpiaudit.cli import main

from .conftest import ROOT

SCHEMAS = sorted((ROOT / "schema").glob("*.schema.json"))
EXAMPLES = {  # a value each pattern must accept
    "^[1-9][0-9]*-[1-9][0-9]*": "6-4",
    "^[PE][1-9][0-9]*": "E1",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}": "2022-06-07",
}


def patterns() -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in SCHEMAS:
        walk(json.loads(path.read_text(encoding="utf-8")))
    return found


def example(pattern: str) -> str:
    return next(v for k, v in EXAMPLES.items() if pattern.startswith(k))


@pytest.mark.parametrize("pattern", patterns())
def test_patterns_match_whole_strings_in_python(pattern: str) -> None:
    good = example(pattern)
    assert re.search(pattern, good)
    for bad in (good + "\n", good + "\r\n", "\n" + good, good + " "):
        assert not re.search(pattern, bad), repr(bad)


@pytest.mark.skipif(shutil.which("node") is None, reason="node (ECMA-262) is not installed")
def test_patterns_are_ecma_262_as_the_yaml_language_server_compiles_them() -> None:
    """vscode-json-languageservice compiles a pattern with new RegExp(pattern, 'u')."""
    checks = [[p, example(p)] for p in patterns()]
    script = (
        "const checks = JSON.parse(process.argv[1]);"
        "for (const [p, good] of checks) {"
        "  const r = new RegExp(p, 'u');"
        "  if (!r.test(good) || r.test(good + '\\n')) { console.log('bad', p); process.exit(1); }"
        "}"
    )
    done = subprocess.run(
        ["node", "-e", script, json.dumps(checks)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [("id: 1-1", 'id: "1-1\\n"', "id"), ("- id: P1", '- id: "P1\\n"', "1-1 KPI 1 id")],
)
def test_an_id_with_a_trailing_newline_is_a_schema_finding(
    tmp_path: Path, capsys, old: str, new: str, field: str
) -> None:
    d = tmp_path / "measures"
    shutil.copytree(ROOT / "examples" / "measures", d)
    p = d / "01-01.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    code = main(["lint", str(p), "-f", "json"])
    out, err = capsys.readouterr()
    assert code == 1, err
    (finding,) = json.loads(out)
    assert finding["code"] == "E004" and finding["message"].startswith(f"{field}: '")
    assert "\\n' does not have the expected form" in finding["message"]
