"""E0xx: the file itself. E001–E006 are found while loading and validating a file
(:mod:`kpiaudit.load`, :mod:`kpiaudit.schema`); E007 and E009 are checked here per file, E008
across the files of a plan, E010 per plan directory.

E001–E006, E008 and E010 are *always* reported: each says that a file (or the plan it belongs
to) could not be checked, or was left out of the plan's numbers, so no --select, --ignore,
per-file-ignores, severity, suppression comment or known finding can hide it or lower it to a
warning. E007 and E009 are rules about a file that was checked, and are selected as any rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..i18n import N_
from ..model import Measure, measure_filename
from .base import CheckContext, Hit, Rule

# A file with one of these is not loaded at all (unreadable, not UTF-8, not YAML, unsafe, not
# valid against the schema): it is left out of the plan. E007-E009 report a measure still in it.
NOT_LOADED = frozenset({"E001", "E002", "E003", "E004", "E005", "E006"})

RULES = [
    Rule(
        "E001",
        "yaml-syntax",
        "error",
        N_("The file is not valid YAML."),
        N_(
            "The file cannot be parsed as YAML, so nothing in it can be checked. The position "
            "is where the parser gave up; the mistake is often a line or two above it."
        ),
        {
            "syntax": N_("YAML syntax error: {problem}"),
            "character": N_("unacceptable character {character}: {reason}"),
            "other": N_("YAML error: {detail}"),
        },
        always=True,
    ),
    Rule(
        "E002",
        "encoding",
        "error",
        N_("The file is not UTF-8 text."),
        N_(
            "Measure files must be UTF-8 (a BOM is tolerated). Shift_JIS or EUC-JP files from "
            "older tools must be converted, e.g. `iconv -f SHIFT_JIS -t UTF-8`."
        ),
        {
            "utf16": N_("UTF-16 text; convert it to UTF-8"),
            "binary": N_("binary data, not a YAML text file"),
            "guess": N_(
                "not UTF-8 (byte 0x{byte:02x}); it looks like {encoding}: convert it to UTF-8"
            ),
            "not_utf8": N_("not UTF-8 (byte 0x{byte:02x}); save it as UTF-8"),
        },
        always=True,
    ),
    Rule(
        "E003",
        "unreadable",
        "error",
        N_("The file cannot be read."),
        N_(
            "The path does not exist, is a broken symbolic link, is not a regular file (a "
            "directory, a named pipe, a device), or cannot be read. A symbolic link is followed "
            "only to a file inside the directory being checked (for a file named on the "
            "command line: its own directory), so that a measure cannot bring a file from "
            "elsewhere into the findings."
        ),
        {
            "missing": N_("no such file or directory"),
            "broken_link": N_("broken symbolic link"),
            "outside": N_("symbolic link out of the directory being checked; not followed"),
            "not_file_directory": N_("a directory, not a file"),
            "not_file_fifo": N_("a named pipe (FIFO), not a file"),
            "not_file_socket": N_("a socket, not a file"),
            "not_file_device": N_("a device, not a file"),
            "not_file_other": N_("not a regular file"),
            "unreadable": N_("cannot read: {reason}"),
            "unreadable_directory": N_("cannot list the directory: {reason}"),
        },
        always=True,
    ),
    Rule(
        "E004",
        "schema",
        "error",
        N_("The file does not match the measure schema."),
        N_(
            "Each measure file must follow schema/measure.schema.json (plan.yaml: "
            "schema/plan.schema.json): required fields, types and allowed values. The message "
            "names the field; the position is where it is (or where it should be)."
        ),
        {
            "empty": N_("empty file: a measure needs id, chapter, title …"),
            "key": N_("a key must be a plain word"),
            "required": N_("{field}: missing required field '{missing}'"),
            "required_any": N_("{field}: needs {options}"),
            "unknown": N_("{field}: unknown field {names}"),
            "unknown_close": N_("{field}: unknown field {names}; did you mean '{suggestion}'?"),
            "type": N_("{field}: must be {expected}, not {found_type} {found!r}"),
            "enum": N_("{field}: must be one of {allowed} (found {found!r})"),
            "pattern": N_("{field}: {found!r} does not have the expected form ({pattern})"),
            "other": N_("{field}: {detail}"),
        },
        always=True,
    ),
    Rule(
        "E005",
        "duplicate-key",
        "error",
        N_("A key appears twice in one mapping."),
        N_(
            "YAML loaders silently keep one of two equal keys; which one depends on the tool. "
            "Keep each key once."
        ),
        {"default": N_("duplicate key {key!r} (first at line {first})")},
        always=True,
    ),
    Rule(
        "E006",
        "unsafe-yaml",
        "error",
        N_("The file uses YAML features a measure must not use."),
        N_(
            "Tags such as !!python/object, merge keys, alias bombs (counted in values and in "
            "characters), very deep nesting, numbers too long to read and very large files are "
            "refused: a measure is plain data."
        ),
        {
            "size": N_("file is {size:,} bytes; a measure is at most {limit:,}"),
            "tag": N_("tag {tag} is not allowed in a measure file"),
            "merge": N_("merge keys (<<) are not allowed"),
            "bomb": N_("more than {limit:,} values after expanding aliases (alias bomb?)"),
            "bomb_chars": N_(
                "more than {limit:,} characters after expanding aliases (alias bomb?)"
            ),
            "deep": N_("nesting is deeper than {limit} levels"),
            "number": N_("a number of more than {limit:,} digits"),
        },
        always=True,
    ),
    Rule(
        "E007",
        "id-filename",
        "error",
        N_("The measure id does not match the file name."),
        N_(
            "A measure's file is named after its id (6-4 → 06-04.yaml) so that a listing sorts "
            "in document order and ids stay unique."
        ),
        {"default": N_("measure {id} belongs in {expected}, not {name}")},
    ),
    Rule(
        "E008",
        "duplicate-id",
        "error",
        N_("Two files hold the same measure id."),
        N_("Each measure id appears in one file only."),
        {"default": N_("measure {id} is also defined in {other}")},
        always=True,
    ),
    Rule(
        "E009",
        "chapter-mismatch",
        "error",
        N_("The chapter does not match the id or the plan."),
        N_(
            "The chapter field must equal the number before the dash in the id, and the plan's "
            "plan.yaml must list that chapter."
        ),
        {
            "id": N_("chapter {chapter} does not match id {id}"),
            "plan": N_("chapter {chapter} is not listed in plan.yaml"),
        },
    ),
    Rule(
        "E010",
        "plan-missing",
        "error",
        N_("A directory of measures has no plan.yaml."),
        N_(
            "Each directory of measures is one plan, named by its plan.yaml: the plan's title, "
            "chapters and base date (the date relative expressions such as 今年度 and 今夏 are "
            "read against). Without it, chapters are not checked and relative dates are not "
            "read. Copy examples/measures/plan.yaml and edit it, or set base-date in the "
            "configuration."
        ),
        {
            "default": N_(
                "no plan.yaml in this directory: chapters are not checked and relative dates "
                "(今年度, 今夏) are not read"
            ),
            "configured": N_("no plan.yaml in this directory: chapters are not checked"),
        },
        always=True,
    ),
    Rule(
        "E011",
        "too-many-findings",
        "error",
        N_("The file has more findings than are reported."),
        N_(
            "At most 100 findings are reported per file (before --select and --ignore), so "
            "that one file cannot flood the output or the memory; this finding says how many "
            "more there were. Fix the ones reported and lint again."
        ),
        {
            "more": N_(
                "{count:,} more finding(s) in this file not reported (at most {limit} per file)"
            ),
            "stopped": N_(
                "more than {count:,} more findings in this file not reported (at most {limit} "
                "per file); checking stopped"
            ),
        },
    ),
]


def check_file_name_and_chapter(measure: Measure, ctx: CheckContext) -> Iterator[Hit]:
    """E007 (file named after the id) and E009 (chapter agrees with the id and the plan)."""
    expected = measure_filename(measure.id)
    name = Path(ctx.path).name
    if name not in (expected, expected[:-5] + ".yml"):
        yield Hit("E007", args={"id": measure.id, "expected": expected, "name": name}, node=("id",))
    args = {"chapter": measure.chapter, "id": measure.id}
    if measure.ref.chapter != measure.chapter:
        yield Hit("E009", "id", args, ("chapter",))
    elif ctx.chapters is not None and measure.chapter not in ctx.chapters:
        yield Hit("E009", "plan", args, ("chapter",))
