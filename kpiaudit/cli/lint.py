"""``kpiaudit lint``: the command that runs on every commit and every pull request.

Its arguments are parsed with argparse rather than typer: typer 0.29 imports pydantic to
coerce arguments, about 110 ms before any work starts, which would make a pre-commit run on one
measure mostly our start-up. ``kpiaudit --help`` still lists lint (see :mod:`.app`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from .common import CONFIG_HELP, EXIT_FINDINGS, EXIT_OK, PATHS_HELP, fail, setup, use_color

SUMMARY = (
    "Check measure files: schema, unset KPIs (K101), no quantitative target (K102), "
    "no deadline (K103) and consistency (K2xx)."
)

_DESCRIPTION = """Check measure files: schema, unset KPIs (K101), no quantitative target (K102),
no deadline (K103) and consistency between text and structure (K2xx).
施策ファイルを点検します：スキーマ、KPI未設定（K101）、定量目標なし（K102）、期限なし（K103）、
記述と構造の整合性（K2xx）。"""

_EPILOG = """exit status:
  0  no findings at error severity (or --exit-zero, --write-baseline)
  1  findings at error severity
  2  usage, configuration or internal error

examples:
  kpiaudit lint                                   # the configured directory, else ./measures
  kpiaudit lint measures/06-04.yaml -f github     # annotations on a pull request
  kpiaudit lint --select K1 --statistics          # only K101-K103, with counts per rule
  kpiaudit lint --baseline .kpiaudit-baseline.json  # fail only on new findings
  kpiaudit lint measures --changed-from changed     # a pull request: check all, report its files

`kpiaudit rules` lists the rules; `kpiaudit rules K102` explains one."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse quotes unrecognised arguments as they were typed: made visible.
        from ..safe_text import visible

        super().error(visible(message))


def _parser(formats: list[str]) -> argparse.ArgumentParser:
    ap = _Parser(
        prog="kpiaudit lint",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    ap.add_argument("paths", nargs="*", type=Path, metavar="PATHS", help=PATHS_HELP)
    rules = ap.add_argument_group("choosing rules")
    rules.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="only these rules: codes, prefixes or names, comma-separated (K102,K103 or K1)",
    )
    rules.add_argument("--ignore", action="append", metavar="CODES", help="skip these rules")
    rules.add_argument("--config", type=Path, metavar="FILE", help=CONFIG_HELP)
    output = ap.add_argument_group("output")
    output.add_argument(
        "-f",
        "--format",
        default="text",
        choices=formats,
        metavar="FORMAT",
        help="text (default), json, github (workflow annotations) or sarif (code scanning)",
    )
    output.add_argument(
        "--statistics", action="store_true", help="also print how many findings each rule gave"
    )
    output.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are errors"
    )
    output.add_argument(
        "--changed-from",
        type=Path,
        metavar="FILE",
        help="report only findings about the files FILE lists, NUL-separated as `git diff -z "
        "--name-only` writes them (or one per line): the PATHS are still checked whole, so a "
        "duplicate id with an unchanged file is found; a listed plan.yaml reports its plan",
    )
    debt = ap.add_argument_group("existing findings").add_mutually_exclusive_group()
    debt.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in FILE",
    )
    debt.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record today's findings in FILE and exit 0",
    )
    return ap


def _codes(values: list[str] | None, option: str) -> list[str]:
    from ..rules import is_selector

    codes = [v.strip() for item in values or [] for v in item.split(",") if v.strip()]
    for code in codes:
        if not is_selector(code):
            fail(f"{option}: unknown rule {code!r}; `kpiaudit rules` lists them")
    return codes


def _listed(path: Path) -> list[str]:
    """The paths a --changed-from file lists: NUL-separated when it holds a NUL (git diff -z:
    any file name, even one with a newline), else one per line."""
    import os

    from ..i18n import _

    try:
        raw = path.read_bytes()
    except OSError as exc:
        fail(
            _("--changed-from: {path}: cannot read: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        )
    parts = raw.split(b"\0") if b"\0" in raw else raw.splitlines()
    return [os.fsdecode(p) for p in parts if p]


def main(argv: list[str]) -> int:
    from ..audit import audit, known
    from ..i18n import _
    from ..reporters import REPORTERS
    from ..rules import RULES
    from ..safe_text import visible

    args = _parser(list(REPORTERS)).parse_args(argv)
    select, ignore = _codes(args.select, "--select"), _codes(args.ignore, "--ignore")
    targets, config = setup(args.paths, args.config)
    if select:
        config.select = select
    config.ignore = [*config.ignore, *ignore]
    result = audit(targets, config)
    findings = result.findings
    err = sys.stderr
    if args.write_baseline is not None:
        try:
            known.write(args.write_baseline, findings)
        except OSError as exc:
            fail(f"{args.write_baseline}: cannot write: {exc.strerror or exc}")
        print(f"kpiaudit: recorded {len(findings)} finding(s) in {args.write_baseline}", file=err)
        return EXIT_OK
    if args.baseline is not None:
        try:
            findings, fixed = known.apply(args.baseline, findings)
        except (OSError, ValueError) as exc:
            fail(f"{args.baseline}: cannot use as a baseline: {exc}")
        for key in fixed:
            print(
                _(
                    "kpiaudit: fixed since the baseline: {key} (remove it with --write-baseline)"
                ).format(key=visible(key)),
                file=err,
            )
    if args.changed_from is not None:
        from ..audit.select import about_changes

        findings = about_changes(findings, _listed(args.changed_from))
    out = sys.stdout
    text = args.format == "text"
    REPORTERS[args.format](findings, out, text and use_color(out))
    if args.statistics:
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.code] = counts.get(f.code, 0) + 1
        for code, n in sorted(counts.items()):
            print(f"{n:6d}  {code}  {RULES[code].name}", file=out if text else err)
    errors = sum(f.severity == "error" for f in findings)
    if text:
        warnings = sum(f.severity == "warning" for f in findings)
        print(
            f"{len(findings)} finding(s): {errors} error(s), {warnings} warning(s) in "
            f"{result.files} file(s)",
            file=err,
        )
    return EXIT_FINDINGS if errors and not args.exit_zero else EXIT_OK
