"""The rule registry: every code kpiaudit can report, in one place.

A rule is data (code, name, default severity, explanation, example); the checks behind the
KPI and consistency rules are in :mod:`kpiaudit.rules.checks`. ``kpiaudit rules`` and the SARIF
rule table are generated from this registry. The engine (:mod:`kpiaudit.lint`) stamps code, name and
severity on what a check yields; a check only says what is wrong and where.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    explanation: str
    example: str


_RULES = [
    # --- files -------------------------------------------------------------------------------
    Rule(
        "E001",
        "yaml-syntax",
        "error",
        "The file is not valid YAML.",
        "The file cannot be parsed as YAML, so nothing in it can be checked. The position is "
        "where the parser gave up; the mistake is often a line or two above it.",
        "title: 施策名\n  kpis: []   # indented under a scalar",
    ),
    Rule(
        "E002",
        "encoding",
        "error",
        "The file is not UTF-8 text.",
        "Measure files must be UTF-8 (a BOM is tolerated). Shift_JIS or EUC-JP files from older "
        "tools must be converted, e.g. `iconv -f SHIFT_JIS -t UTF-8`.",
        "(a file saved as Shift_JIS)",
    ),
    Rule(
        "E003",
        "unreadable",
        "error",
        "The file cannot be read.",
        "The path does not exist, is a broken symbolic link, or cannot be read.",
        "measures/06-04.yaml -> missing-target.yaml",
    ),
    Rule(
        "E004",
        "schema",
        "error",
        "The file does not match the measure schema.",
        "Each measure file must follow schema/measure.schema.json: required fields, types and "
        "allowed values. The message names the field; the position is where it is (or where "
        "it should be).",
        'chapter: "6"   # must be a number: chapter: 6',
    ),
    Rule(
        "E005",
        "duplicate-key",
        "error",
        "A key appears twice in one mapping.",
        "YAML loaders silently keep one of two equal keys; which one depends on the tool. Keep "
        "each key once.",
        "title: A\ntitle: B",
    ),
    Rule(
        "E006",
        "unsafe-yaml",
        "error",
        "The file uses YAML features a measure must not use.",
        "Tags such as !!python/object, merge keys, alias bombs, very deep nesting and very "
        "large files are refused: a measure is plain data.",
        "objective: !!python/object/apply:os.system ['rm -rf /']",
    ),
    Rule(
        "E007",
        "id-filename",
        "error",
        "The measure id does not match the file name.",
        "A measure's file is named after its id (6-4 → 06-04.yaml) so that a listing sorts in "
        "document order and ids stay unique.",
        "06-04.yaml containing id: 6-5",
    ),
    Rule(
        "E008",
        "duplicate-id",
        "error",
        "Two files hold the same measure id.",
        "Each measure id appears in one file only.",
        "06-04.yaml and 06-04-copy.yaml, both 6-4",
    ),
    Rule(
        "E009",
        "chapter-mismatch",
        "error",
        "The chapter does not match the id or the plan.",
        "The chapter field must equal the number before the dash in the id, and the plan's "
        "plan.yaml must list that chapter.",
        "id: 6-4\nchapter: 5",
    ),
    # --- the three flags of the audit -----------------------------------------------------
    Rule(
        "K101",
        "kpi-unset",
        "error",
        "The KPI is not set.",
        "The KPI is ―, empty, 未設定, 検討中, 未定, or says its target or value is to be set "
        "later (今後設定, 設定予定, …を踏まえて具体的にKPIを設定). K101 suppresses K102 and "
        "K103 for the same KPI.",
        "KPI（効果）： 未設定（令和６年度（2024年度）中を目途に明確化予定）",
    ),
    Rule(
        "K102",
        "no-quantitative-target",
        "error",
        "The KPI states no number to reach.",
        "A quantitative target is a number with a unit or comparison the KPI aims to reach or "
        "keep (70％, 100以上, 1,800か所, 年間60回), or a level named in words (半減, 1人1台, "
        "全都道府県). Labels (5G), years, budgets and baselines (…時点) do not count; nor does "
        "a binary milestone (技術を確立).",
        "KPI（進捗）： 令和６年度（2024年度）末までに多言語による同時通訳技術を確立",
    ),
    Rule(
        "K103",
        "no-deadline",
        "error",
        "The KPI states no date to reach its target by.",
        "A deadline is a date or period by which the target is to be reached (令和４年度末まで, "
        "令和７年（2025年）までに, 毎年度末). A start (令和４年度以降), past context "
        "(令和元年度策定) or a budget year (令和３年度予算) is not a deadline.",
        "KPI（効果）： 在来線のトンネル内で携帯電話が利用可能な距離（125km）",
    ),
    # --- consistency ----------------------------------------------------------------------
    Rule(
        "K201",
        "era-mismatch",
        "error",
        "An era year disagrees with its Gregorian year.",
        "Where the text gives both (令和４年度（2022年度）), they must name the same year; an "
        "era year outside its era (平成32年, 令和元年4月) is reported too.",
        "令和５年度（2024年度）末までに",
    ),
    Rule(
        "K202",
        "deadline-mismatch",
        "error",
        "A structured deadline disagrees with the text.",
        "A milestone's deadline must be the end of the period its own wording names, and that "
        "wording must stand in the KPI's text.",
        "text: …令和６年度末までに…\ndeadline: {date: '2024-03-31', text: 令和６年度末までに}",
    ),
    Rule(
        "K203",
        "target-mismatch",
        "error",
        "A structured target disagrees with the text.",
        "A milestone's target wording must stand in the KPI's text and its value must be the "
        "number that wording states.",
        "text: …70％…\ntarget: {value: 7, text: 70％}",
    ),
    Rule(
        "K204",
        "status-mismatch",
        "warning",
        "The status disagrees with the KPI's words.",
        "status: set while the text says 未設定 (or another unset wording), or status: unset "
        "while nothing in the text or notes says so.",
        "status: set\ntext: 未設定",
    ),
    Rule(
        "K205",
        "kpi-id",
        "error",
        "KPI ids are not P1, P2 … / E1, E2 … in order.",
        "Progress KPIs are P1, P2 …, outcome KPIs E1, E2 …, numbered in document order, each "
        "once; the letter must match the kind.",
        "- id: P2\n  kind: outcome",
    ),
    Rule(
        "K206",
        "unrecorded-milestone",
        "warning",
        "The text states a target or deadline that no milestone records.",
        "The KPI's own words name a target or a deadline, but its milestones leave it out, so "
        "K102 or K103 fires on a KPI that does state one. Add the milestone.",
        "text: 利用率（令和４年度（2022年度）：20％）\n(no milestones)",
    ),
    # --- suppressions -----------------------------------------------------------------------
    Rule(
        "S001",
        "unused-suppression",
        "warning",
        "A suppression comment suppresses nothing.",
        "A `# kpiaudit: ignore[CODE] reason` comment on a KPI that has no such finding, or "
        "that names an unknown code. Remove it so that it cannot hide a future finding.",
        "  - id: P1  # kpiaudit: ignore[K102] the KPI has a target now",
    ),
]

RULES: dict[str, Rule] = {r.code: r for r in _RULES}
BY_NAME: dict[str, Rule] = {r.name: r for r in _RULES}


def resolve(code_or_name: str) -> Rule | None:
    """K102, k102 or no-quantitative-target → the rule."""
    return RULES.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())


def is_selector(value: str) -> bool:
    """ALL, a code (K102), a code prefix (K1, K) or a rule name (no-deadline)."""
    return (
        value.upper() == "ALL"
        or any(code.startswith(value.upper()) for code in RULES)
        or value.lower() in BY_NAME
    )


def matches(code: str, selectors: list[str]) -> bool:
    """A selector is a code (K102), a prefix (K1, K) or a rule name."""
    rule = RULES.get(code)
    for s in selectors:
        s = s.strip()
        if not s:
            continue
        if code.startswith(s.upper()) or (rule and rule.name == s.lower()) or s.upper() == "ALL":
            return True
    return False
