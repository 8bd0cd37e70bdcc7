"""Whatever a user hands the readers, the answer is rows, problems or one ActualsFileError:
never a traceback."""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpiaudit.actuals.mapping import load_mapping
from kpiaudit.actuals.records import ActualsFileError, CellError, parse_number, parse_period
from kpiaudit.actuals.rs import read_rs
from kpiaudit.actuals.table import read_table

from .rs_fixture import HEADER, Indicator, rows

# No deadline: these tests are about what happens, never about how fast.
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["-", "1,234", "１２", "40万", "70%", "0000", "令和5年度", "R5", "○", "\r\n"]),
    st.from_regex(r"[0-9,.\-万億%]{1,30}", fullmatch=True),
)


def _file(data: bytes, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix)
    with open(fd, "wb") as fh:
        fh.write(data)
    return Path(name)


def _csv(table: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(table)
    return out.getvalue().encode("utf-8-sig")


@SETTINGS
@given(st.text(max_size=60))
def test_cell_readers_answer_or_refuse(text: str) -> None:
    for reader in (parse_number, parse_period):
        with contextlib.suppress(CellError):
            reader(text)


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_as_a_table_or_rs_file_or_mapping(data: bytes) -> None:
    path = _file(data, ".csv")
    try:
        for read in (read_table, lambda p: list(read_rs(p)), load_mapping):
            with contextlib.suppress(ActualsFileError):
                read(path)
    finally:
        path.unlink()


@SETTINGS
@given(st.lists(st.lists(CELLS, max_size=9), max_size=6))
def test_any_cells_under_a_good_table_header(cells: list[list[str]]) -> None:
    header = ["KPI", "期間", "実績値", "単位", "出典", "備考", "達成"]
    path = _file(_csv([header, *cells]), ".csv")
    try:
        found, problems = read_table(path)
    except ActualsFileError:
        return
    finally:
        path.unlink()
    assert {r.row for r in found}.isdisjoint({p.row for p in problems})


KINDS = st.sampled_from(["1.目標年度", "2.目標値", "3.実績値", "4.達成率", "", "x"])
YEAR_CELLS = st.dictionaries(st.integers(2007, 2060), CELLS, max_size=4)


@SETTINGS
@given(st.lists(st.tuples(KINDS, YEAR_CELLS), max_size=8))
def test_any_cells_in_an_rs_file(spec: list[tuple[str, dict[int, str]]]) -> None:
    table: list[list[str]] = [HEADER]
    for kind, values in spec:
        (row,) = list(rows([Indicator(kinds=(kind,), target=values, actual=values)]))[1:]
        table.append(row)
    path = _file(_csv(table), ".csv")
    try:
        indicators = list(read_rs(path))
    except ActualsFileError:  # a NUL in a cell makes it binary data, not CSV
        return
    finally:
        path.unlink()
    assert all(i.project_id == "0001" for i in indicators)


@pytest.mark.parametrize(
    "text",
    [
        "- &a {project: '1', indicator: '1', kpi: 6-4.P1}\n- *a\n",
        "- " + "[" * 2000 + "]" * 2000 + "\n",
        "\x00\x01",
        "- {? [a]: b}\n",
        "%YAML 1.1\n--- !!set {a, b}\n",
    ],
)
def test_hostile_mappings(tmp_path: Path, text: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ActualsFileError):
        load_mapping(path)
