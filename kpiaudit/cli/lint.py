"""``kpiaudit lint``: the command that runs on every commit and every pull request.

Its arguments are parsed with argparse (:mod:`.argfront`), so that a pre-commit run on one
measure is not mostly typer's start-up.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..audit import AuditResult
    from ..audit.cache import Cache
    from ..audit.known import Scope
    from ..config import Config
    from ..model import Finding
    from .replay import Replay

from ..audit.pool import MIN_FILES, SPLIT_FILES
from ..i18n import N_, _, os_reason
from ..rules import ALWAYS, RULES, matches
from .argfront import parser, speaking
from .common import (
    CONFIG_HELP,
    EXIT_FINDINGS,
    EXIT_OK,
    NO_CACHE_HELP,
    audit_paths,
    fail,
    parse_iso,
    project_cache,
    repository_root,
    setup,
    shown_findings,
    use_color,
)

SUMMARY = N_(
    "Check measure files: schema, unset KPIs (K101), no quantitative target (K102), "
    "no deadline (K103), consistency (K2xx) and actual values (K3xx)."
)

_DESCRIPTION = N_(
    """Check measure files: schema, unset KPIs (K101), no quantitative target (K102),
no deadline (K103), consistency between text and structure (K2xx) and actual values (K3xx)."""
)

_EPILOG = N_(
    """exit status:
  0    no findings at error severity (or --exit-zero, --write-baseline)
  1    findings at error severity; a file that could not be read or validated is always one
  2    usage, configuration or internal error; a path that does not exist; a directory
       without measure files
  130  interrupted
  141  the output pipe was closed (kpiaudit lint | head)

examples:
  kpiaudit lint                                   # the project's measures/, from any subdirectory
  kpiaudit lint measures/06-04.yaml -f github     # annotations on a pull request
  kpiaudit lint --select K1 --statistics          # only K101-K103, with counts per rule
  kpiaudit lint measures --changed-from changed     # a pull request: check all, report its files
  kpiaudit lint --baseline .kpiaudit-baseline.json  # fail only on new findings

`kpiaudit rules` lists the rules; `kpiaudit rules K102` explains one."""
)


def _parser(formats: list[str]) -> argparse.ArgumentParser:
    ap = parser("lint", _DESCRIPTION, _EPILOG)
    rules = ap.add_argument_group(_("choosing rules"))
    rules.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help=_("only these rules: codes, prefixes or names, comma-separated (K102,K103 or K1)"),
    )
    rules.add_argument("--ignore", action="append", metavar="CODES", help=_("skip these rules"))
    rules.add_argument("--config", type=Path, metavar="FILE", help=_(CONFIG_HELP))
    rules.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help=_(
            "the day K302 (actual after today) and K304 (no actual a year after a deadline) "
            "are judged against; default: today"
        ),
    )
    output = ap.add_argument_group(_("output"))
    output.add_argument(
        "-f",
        "--format",
        default="text",
        choices=formats,
        metavar="FORMAT",
        help=_("text (default), json, github (workflow annotations) or sarif (code scanning)"),
    )
    output.add_argument(
        "--statistics",
        action="store_true",
        help=_(
            "print how many findings each rule gave instead of the findings (json with -f json)"
        ),
    )
    output.add_argument(
        "--exit-zero", action="store_true", help=_("exit 0 even when there are errors")
    )
    output.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help=_("print the findings only: no summary line, no progress bar"),
    )
    output.add_argument(
        "--changed-from",
        type=Path,
        metavar="FILE",
        help=_(
            "report only findings about the files FILE lists, NUL-separated as `git diff -z "
            "--name-only` writes them (or one per line): the PATHS are still checked whole, so a "
            "duplicate id with an unchanged file is found; a listed plan.yaml reports its plan"
        ),
    )
    speed = ap.add_argument_group(_("speed"))
    speed.add_argument("--no-cache", action="store_true", help=_(NO_CACHE_HELP))
    speed.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        metavar="N",
        help=_(
            "processes that check files (default, counting the files to be checked, those the "
            "cache does not know: from {few}, this process and one forked child share them; "
            "from {many}, one worker per core; 1: this process only)"
        ).format(few=SPLIT_FILES, many=MIN_FILES),
    )
    debt = ap.add_argument_group(_("existing findings")).add_mutually_exclusive_group()
    debt.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help=_(
            "report only findings not recorded in FILE; its entries of the files checked are "
            "judged (fixed, or gone with their KPI), the others only counted"
        ),
    )
    debt.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help=_(
            "record the findings of the files checked in FILE, keeping its entries of other "
            "files, and exit 0 (1 when a file could not be checked)"
        ),
    )
    return ap


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(
            _("{value!r} is not a number of processes (1 or more)").format(value=value)
        )
    return jobs


def _codes(values: list[str] | None, option: str) -> list[str]:
    from ..config import always_message
    from ..rules import always_rule, is_selector

    codes = [v.strip() for item in values or [] for v in item.split(",") if v.strip()]
    for code in codes:
        if not is_selector(code):
            fail(
                _("{option}: unknown rule {code!r}; `kpiaudit rules` lists them").format(
                    option=option, code=code
                )
            )
        rule = always_rule(code) if option == "--ignore" else None
        if rule is not None:
            fail(f"{option}: {always_message(rule.code)}")
    return codes


def _statistics(findings: list[Finding], out: TextIO, *, as_json: bool) -> None:
    """How many findings each rule gave, instead of the findings (ruff's --statistics)."""
    from ..rules import RULES

    counts: dict[str, int] = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    if as_json:
        from ..reporters.json_out import dump_json

        rows = [{"code": c, "name": RULES[c].name, "count": n} for c, n in sorted(counts.items())]
        dump_json(rows, out)
        return
    for code, n in sorted(counts.items()):
        out.write(f"{n:6d}  {code}  {RULES[code].name}\n")


def _write_baseline(path: Path, findings: list[Finding], scope: Scope) -> list[Finding]:
    """Record the findings of the files checked in ``path``, keeping its entries of other
    files. What is left to report: the files that could not be checked (never recorded)."""
    from ..audit import known

    entries: dict[str, int] = {}
    if path.exists():
        try:
            entries = known.read(path)
        except (OSError, ValueError) as exc:
            fail(
                _("{path}: cannot merge into it: {reason}; remove it to start afresh").format(
                    path=path, reason=exc
                )
            )
    judged = known.judge(entries, findings, scope)
    recorded = known.counts(findings)
    try:
        known.write(path, {**judged.keep, **recorded})
    except OSError as exc:
        fail(_("{path}: cannot write: {reason}").format(path=path, reason=os_reason(exc)))
    message = _("kpiaudit: recorded {count} finding(s) in {path}").format(
        count=sum(recorded.values()), path=path
    )
    kept = judged.out_of_scope + judged.not_judged
    if kept:
        message += _("; kept {count} known finding(s) of files or rules not checked").format(
            count=kept
        )
    print(message, file=sys.stderr)
    return [f for f in findings if f.code in ALWAYS]


def _judge_baseline(
    path: Path, raw: bytes, findings: list[Finding], scope: Scope, err: TextIO
) -> list[Finding]:
    """The findings that are not known in the baseline ``path`` (its bytes: ``raw``); what
    changed since, on ``err``."""
    from ..audit import known
    from ..safe_text import visible

    try:
        judged = known.judge(known.parse(raw), findings, scope)
    except (OSError, ValueError) as exc:
        reason = os_reason(exc)
        fail(_("{path}: cannot use as a baseline: {reason}").format(path=path, reason=reason))
    for entry in judged.fixed:
        print(
            _(
                "kpiaudit: fixed since the baseline: {entry} (remove it with --write-baseline)"
            ).format(entry=visible(entry)),
            file=err,
        )
    for ref, codes in sorted(judged.gone.items()):
        print(
            _(
                "kpiaudit: gone since the baseline: {ref} no longer exists, so its known "
                "finding(s) {codes} went with it, not fixed (remove them with --write-baseline)"
            ).format(ref=visible(ref), codes=visible(", ".join(codes))),
            file=err,
        )
    if judged.not_judged:
        print(
            _(
                "kpiaudit: {count} known finding(s) of files that could not be checked were "
                "not judged"
            ).format(count=judged.not_judged),
            file=err,
        )
    if judged.out_of_scope:
        print(
            _("kpiaudit: {count} known finding(s) in files or rules not checked").format(
                count=judged.out_of_scope
            ),
            file=err,
        )
    return judged.new


def _listed(path: Path) -> list[str]:
    """The paths a --changed-from file lists: NUL-separated when it holds a NUL (git diff -z:
    any file name, even one with a newline), else one per line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        fail(
            _("--changed-from: {path}: cannot read: {reason}").format(
                path=path, reason=os_reason(exc)
            )
        )
    parts = raw.split(b"\0") if b"\0" in raw else raw.splitlines()
    return [os.fsdecode(p) for p in parts if p]


def main(argv: list[str]) -> int:
    from ..reporters import REPORTERS, reporter

    with speaking():
        args = _parser(list(REPORTERS)).parse_args(argv)
    select, ignore = _codes(args.select, "--select"), _codes(args.ignore, "--ignore")
    targets, config = setup(args.paths, args.config)
    if select:
        config.select = select
    config.ignore = [*config.ignore, *ignore]
    today = parse_iso(args.today, "--today") if args.today else None
    # Read once, before the checks: what they say is part of the output's record too.
    baseline = _baseline_bytes(args.baseline) if args.baseline is not None else None
    changed = _listed(args.changed_from) if args.changed_from is not None else None
    cache = None if args.no_cache else project_cache(config)
    result = audit_paths(
        targets, config, today, models=False, cache=cache, jobs=args.jobs, quiet=args.quiet
    )
    text = args.format == "text"
    color = text and use_color(sys.stdout)
    replay = _replay(cache, result, args, config, color, baseline, changed)
    out, err = sys.stdout, sys.stderr
    if replay is not None:
        # Only a run its snapshots answered: one that checked files prints what it found.
        status = replay.replayed() if result.answered else None
        if status is not None:
            return status
        out, err = replay.streams()
    findings, files = result.findings, result.files
    if args.write_baseline is not None or baseline is not None:
        scope = result.scope()  # what was checked: only known findings need it
        scope.codes = frozenset(
            c for c in RULES if matches(c, config.select) and not matches(c, config.ignore)
        )
        if args.write_baseline is not None:
            findings = _write_baseline(args.write_baseline, findings, scope)
        else:
            assert baseline is not None
            findings = _judge_baseline(args.baseline, baseline, findings, scope, err)
    # A snapshot that answered but could not be decoded (the files were checked instead)
    # disowns its identity: then the output is not recorded under it.
    answers = [a.answer for a in result.plans]
    # The per-file results are not read again: on a large plan they are much of what a run
    # holds, and the findings are copied next when their paths are shown another way.
    del result
    if changed is not None:
        from ..audit.select import about_changes

        findings = about_changes(findings, changed)
    findings = shown_findings(findings, args.format, config)
    if args.statistics:
        _statistics(findings, out, as_json=args.format == "json")
    else:
        reporter(args.format)(findings, out, color)
    errors = sum(f.severity == "error" for f in findings)
    if text and not args.quiet:
        warnings = sum(f.severity == "warning" for f in findings)
        out.flush()  # the findings before the summary, where both go to one pipe (2>&1)
        print(
            _(
                "{count} finding(s): {errors} error(s), {warnings} warning(s) in {files} file(s)"
            ).format(count=len(findings), errors=errors, warnings=warnings, files=files),
            file=err,
        )
    status = EXIT_FINDINGS if errors and not args.exit_zero else EXIT_OK
    if replay is not None and not any(a is not None and a.disowned for a in answers):
        replay.save(status)
    return status


def _replay(
    cache: Cache | None,
    result: AuditResult,
    args: argparse.Namespace,
    config: Config,
    color: bool,
    baseline: bytes | None,
    changed: list[str] | None,
) -> Replay | None:
    """The record of this way of running lint (:mod:`.replay`), when the run may replay or
    record one: with a cache, every plan answered by its snapshot or kept in one, no file
    written, and both output streams open. Its name: everything the output depends on
    besides the findings."""
    fingerprint = result.fingerprint() if cache is not None else None
    if cache is None or fingerprint is None or args.write_baseline is not None:
        return None
    if sys.stdout is None or sys.stderr is None:  # one is closed (2>&-): print as it goes
        return None
    import dataclasses

    from ..audit.cache import digest, module_stamp
    from ..i18n import current_language
    from .replay import Replay, record_name

    parts: list[object] = [
        sorted(vars(args).items()),  # every option, those that change nothing included
        [(f.name, getattr(config, f.name)) for f in dataclasses.fields(config)],
        os.getcwd(),  # paths are shown from here
        current_language(),
        color,
        None if baseline is None else digest(baseline),
        # what --changed-from names, as the files it resolves to (links included)
        None if changed is None else sorted(os.path.realpath(p) for p in changed),
    ]
    if args.format in ("github", "sarif"):
        parts.append(repository_root(config))  # where their paths are shown from
    if color:
        parts.append(module_stamp("rich"))  # what draws the colours
    return Replay(cache, record_name(parts), fingerprint)


def _baseline_bytes(path: Path) -> bytes:
    from ..audit import known

    try:
        return known.read_bytes(path)
    except ValueError as exc:
        fail(_("{path}: cannot use as a baseline: {reason}").format(path=path, reason=exc))
