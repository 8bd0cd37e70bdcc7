"""The mapping file (RS indicator → KPI): read as written, every mistake reported with its
line at once, nothing in it ever constructed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpiaudit.actuals.mapping import MappingEntry, MappingError, load_mapping
from kpiaudit.actuals.records import ActualsFileError


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "map.yaml"
    path.write_bytes(text.encode(encoding))
    return path


def test_entries_are_read_as_written(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeff# RS 2024\n"
        '- {project: "001234", indicator: "1", kpi: 6-4.P1}\n'
        "- project: 007\n"  # plain, leading zeros kept: ids are strings
        "  indicator: 3\n"
        "  kpi: ６－４．Ｅ２\n"
        "  term: 長期\n",
    )
    assert load_mapping(path) == [
        MappingEntry("001234", "1", "6-4.P1", path.as_posix(), 2),
        MappingEntry("007", "3", "6-4.E2", path.as_posix(), 3, None, "長期"),
    ]


@pytest.mark.parametrize("text", ["", "# nothing mapped yet\n# - {project: '1'}\n", "---\n"])
def test_an_empty_mapping_maps_nothing(tmp_path: Path, text: str) -> None:
    assert load_mapping(write(tmp_path, text)) == []


def test_every_mistake_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '- {project: "1", indicator: "1", kpi: 6-4.P1}\n'  # 1
        '- {project: "1", indicator: "1", kpi: 6-4.P2}\n'  # 2: the same indicator again
        '- {project: "2", indicator: "1"}\n'  # 3: no kpi
        '- {project: "3", indicator: "1", kpi: "6-4"}\n'  # 4: not a KPI reference
        '- {project: "4", indicator: "1", kpi: 6-4.P1, measure: 6-4}\n'  # 5: unknown key
        "- just text\n"  # 6
        "- {project: [1, 2], indicator: '1', kpi: 6-4.P1}\n"  # 7: not a plain value
        "- {project: ~, indicator: '1', kpi: 6-4.P1}\n",  # 8: null
    )
    with pytest.raises(MappingError) as err:
        load_mapping(path)
    assert [p.row for p in err.value.problems] == [2, 3, 4, 5, 6, 7, 8]
    messages = [p.message for p in err.value.problems]
    assert "already mapped at line 1" in messages[0]
    assert "no kpi" in messages[1]
    assert "'6-4' is not a KPI reference" in messages[2]
    assert "unknown key 'measure'" in messages[3]
    assert str(err.value).splitlines()[0] == (
        f"{path.as_posix()}: line 2: 1 #1 is already mapped at line 1: "
        "one indicator maps to one KPI"
    )
    assert isinstance(err.value, ActualsFileError)  # one error type for the caller to catch


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("- !!python/object/apply:os.system ['echo hi']\n", 1, "a mapping"),
        ("!!python/object/apply:os.system ['echo hi']\n", 1, "tags"),
        ("- {project: !secret '1', indicator: '1', kpi: 6-4.P1}\n", 1, "plain value"),
        ("project: '1'\nindicator: '1'\nkpi: 6-4.P1\n", 1, "a list of entries"),
        ("- {project: '1', indicator: '1', kpi: 6-4.P1}\n- {project: '1'\n", 3, "YAML syntax"),
        ("- {project: '1', project: '2', indicator: '1', kpi: 6-4.P1}\n", 1, "twice"),
    ],
)
def test_hostile_or_malformed_files(tmp_path: Path, text: str, line: int, says: str) -> None:
    with pytest.raises(MappingError) as err:
        load_mapping(write(tmp_path, text))
    assert (err.value.problems[0].row, says in err.value.problems[0].message) == (line, True)


def test_shift_jis_mapping_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "# 対応表\n- {project: '1', indicator: '1', kpi: 6-4.P1}\n", "cp932")
    with pytest.raises(MappingError, match="not UTF-8"):
        load_mapping(path)
