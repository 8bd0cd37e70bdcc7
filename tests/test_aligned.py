"""Plain, markdown and github tables laid out without tabulate are tabulate's, byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import pytest
import wcwidth
from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from kpiaudit.reporters import aligned
from kpiaudit.reporters.aligned import STYLES, table_text, text_width

from .conftest import MEASURES, ROOT


def test_each_character_laid_out_here_is_as_wide_as_wcwidth_draws_it() -> None:
    """Every code point of the blocks laid out here, all 60,000 of them: the width this module
    gives it is wcwidth's, or it is left to tabulate."""
    laid_out = 0
    for first, last in aligned._BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            width = text_width(char)
            if width is not None:
                laid_out += 1
                assert width == wcwidth.wcswidth(char), (hex(code), unicodedata.name(char, ""))
    assert laid_out > 40_000


# Text as measure files hold it, and the characters only tabulate lays out: combining marks,
# variation selectors, joiners, emoji with modifiers, flags, controls, a Hangul filler.
DRAWN = list("ab Z09-_.|:") + list("施策のデジタル化をＫＰＩ０１％（）「」、。・○※①Ⅳ→×～　ｱｲｳ€é")
UNDRAWN = ["\u3099", "\ufe0f", "\u200d", "👍", "\U0001f3fb", "🇯", "🇵", "\n", "\t", "\x1b"]
UNDRAWN += ["\u3164", "\u2630", "\u0301", "\u00ad"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[object]], list[str]]:
    """Two tables in three drawn here, the third with a character left to tabulate."""
    alphabet = draw(st.sampled_from([DRAWN, DRAWN, DRAWN + UNDRAWN]))
    text = st.text(alphabet=alphabet, max_size=12)
    odd = st.sampled_from(["", " x ", "全 ", "\n", " x\r"])
    cell = st.one_of(text, st.integers(-(10**6), 10**12), odd)
    columns = draw(st.integers(1, 4))
    headers = draw(st.lists(text, min_size=columns, max_size=columns))
    rows = draw(st.lists(st.lists(cell, min_size=columns, max_size=columns), max_size=5))
    return rows, headers


@settings(max_examples=600, deadline=None)
@given(table=tables(), style=st.sampled_from(STYLES))
def test_any_table_is_tabulate_s(table: tuple[list[list[object]], list[str]], style: str) -> None:
    rows, headers = table
    expected = tabulate(rows, headers=headers, tablefmt=style, disable_numparse=True)
    assert table_text(rows, headers, style) == expected


@pytest.mark.parametrize("style", STYLES)
def test_odd_tables_without_rows_headers_or_with_line_breaks(style: str) -> None:
    odd: list[tuple[list[list[object]], list[str]]] = [
        ([], ["x", "施策"]),
        ([["a", 1]], ["", ""]),
        ([], [""]),
        ([["\n", "a"], [" a\r", "b"]], ["x", "y"]),  # tabulate drops rows blank but for a break
        ([["a"]], []),
        ([], []),
    ]
    for rows, headers in odd:
        expected = tabulate(rows, headers=headers, tablefmt=style, disable_numparse=True)
        assert table_text(rows, headers, style) == expected


def test_status_due_and_show_on_the_2022_plan_do_not_import_tabulate() -> None:
    """The 2022 plan's tables are laid out here: piped, ``status`` and ``due`` load neither
    tabulate nor wcwidth (40 ms), in every plain format."""
    runs = [
        ["status", str(MEASURES), "--no-cache"],
        ["status", str(MEASURES), "-c", "6", "-f", "github", "--no-cache"],
        ["due", str(MEASURES), "--before", "2030", "-f", "markdown", "--no-cache"],
        ["show", "6-4", "-f", "plain"],
    ]
    probe = (
        "import json, sys; from kpiaudit.cli import main\n"
        "for args in json.loads(sys.argv[1]): main(args)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'tabulate', 'wcwidth'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(runs)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stderr
