"""The command line: arguments in, one call into the core, a reporter out.

Exit codes CI can rely on: 0 clean, 1 findings at error severity, 2 usage, configuration or
internal error. Heavy modules are imported inside the commands that need them, so that
``kpiaudit lint`` on one file is dominated by Python's start-up, not by ours.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from .config import Config

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="kpiaudit",
    help=(
        "Audit the KPIs of a public policy plan: unset KPIs, KPIs without a quantitative "
        "target or a deadline, compliance per chapter.\n\n"
        "政策計画のKPIを点検します（未設定・定量目標なし・期限なし、章ごとの達成状況）。"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root() -> None:
    """Keep typer in multi-command mode even while a single command is registered."""


class UsageError(Exception):
    """A bad argument or configuration: reported in one line, exit 2."""


def fail(message: str) -> NoReturn:
    raise UsageError(message)


def parse_iso(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date in the form YYYY-MM-DD")


@app.command("import")
def import_cmd(
    source_file: Annotated[
        Path, typer.Argument(metavar="SOURCE", help="Plan text extracted from the PDF (UTF-8).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write the measures to.")],
    base_date: Annotated[
        str | None,
        typer.Option(
            "--base-date",
            metavar="YYYY-MM-DD",
            help="Date the plan was decided; relative dates (今年度, 今夏) are read against it. "
            "Default: today.",
        ),
    ] = None,
    edition: Annotated[str, typer.Option(help="Edition label stored in plan.yaml.")] = "",
    schema_ref: Annotated[
        str, typer.Option(help="Schema path written in each file's yaml-language-server comment.")
    ] = ("../schema/measure.schema.json"),
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that already exist.")
    ] = False,
) -> None:
    """Turn the published plan text into measures/: one YAML file per measure plus plan.yaml.

    Example: kpiaudit import sources/digital-plan-2022-measures.txt --out measures
    --base-date 2022-06-07
    """
    from . import importer

    base = parse_iso(base_date, "--base-date") if base_date else date.today()
    try:
        raw = source_file.read_bytes()
    except OSError as exc:
        fail(f"{source_file}: cannot read: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fail(
            f"{source_file}: byte {exc.start}: not UTF-8 ({exc.reason}); convert the file "
            "to UTF-8 first (e.g. iconv -f SHIFT_JIS -t UTF-8)"
        )
    files, summary = importer.build(
        text, base, source_name=source_file.as_posix(), edition=edition, schema_ref=schema_ref
    )
    if summary.measures == 0:
        fail(f"{source_file}: no measures found (expected headings like [No.６－４] title)")
    try:
        existing = importer.write(out, files, force=force)
    except OSError as exc:
        fail(f"{out}: cannot write: {exc.strerror or exc}; nothing was changed")
    if existing:
        shown = ", ".join(existing[:3]) + (" …" if len(existing) > 3 else "")
        fail(
            f"{out}: {len(existing)} file(s) already exist ({shown}); nothing was written. "
            "Use --force to overwrite."
        )
    err = sys.stderr
    for line in importer.summary_lines(summary):
        print(f"wrote {len(files)} files to {out}: {line}", file=err)
    for line_no, message in summary.warnings:
        print(f"{source_file}:{line_no}: warning: {message}", file=err)


def _use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _setup(paths: list[Path] | None, config_file: Path | None) -> tuple[list[Path], Config]:
    from .config import ConfigError, load_config

    try:
        config = load_config(explicit=config_file)
    except ConfigError as exc:
        fail(str(exc))
    if not paths:
        default = config.measures or Path("measures")
        if not default.is_dir():
            fail(
                f"no measures directory {default}; name files or directories to check, or set "
                'measures = "…" under [tool.kpiaudit] in pyproject.toml'
            )
        paths = [default]
    return list(paths), config


PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="[PATHS]...",
        help="Measure files or directories. Default: the configured measures "
        "directory, else ./measures.",
        show_default=False,
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        help="Read settings from FILE instead of searching for "
        ".kpiaudit.toml or [tool.kpiaudit] in pyproject.toml.",
    ),
]


@app.command()
def lint(
    paths: PathsArg = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            metavar="CODES", help="Only these rules (codes, prefixes or names, comma-separated)."
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option(metavar="CODES", help="Skip these rules.")
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="text (default), json, github (workflow annotations) or sarif (code scanning).",
        ),
    ] = "text",
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Also print how many findings each rule produced.")
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when there are errors (report only).")
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Report only findings not recorded in FILE (existing debt)."
        ),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Record today's findings in FILE and exit 0."),
    ] = None,
    config_file: ConfigOpt = None,
) -> int:
    """Check measure files: schema, unset KPIs (K101), no quantitative target (K102), no
    deadline (K103) and consistency. Exit 0 clean, 1 errors found, 2 usage or config error.

    Examples: kpiaudit lint · kpiaudit lint measures/06-04.yaml --format github ·
    kpiaudit lint --select K1 --statistics · kpiaudit lint --baseline .kpiaudit-baseline.json
    """
    from .lint import apply_baseline, audit
    from .reporters import REPORTERS

    if output_format not in REPORTERS:
        fail(f"--format: {output_format!r} is not one of {', '.join(REPORTERS)}")
    targets, config = _setup(paths, config_file)
    if select:
        config.select = _split(select)
    if ignore:
        config.ignore = [*config.ignore, *_split(ignore)]
    from .rules import RULES

    for code in [*config.select, *config.ignore]:
        if (
            code.upper() != "ALL"
            and not any(c.startswith(code.upper()) for c in RULES)
            and not any(r.name == code.lower() for r in RULES.values())
        ):
            fail(f"unknown rule {code!r}; `kpiaudit rules` lists them")
    result = audit(targets, config)
    findings = result.findings
    err = sys.stderr
    if write_baseline is not None:
        from .lint import write_baseline as write

        try:
            write(write_baseline, findings)
        except OSError as exc:
            fail(f"{write_baseline}: cannot write: {exc.strerror or exc}")
        print(f"kpiaudit: recorded {len(findings)} finding(s) in {write_baseline}", file=err)
        return EXIT_OK
    if baseline is not None:
        try:
            findings, fixed = apply_baseline(baseline, findings)
        except (OSError, ValueError) as exc:
            fail(f"{baseline}: cannot use as a baseline: {exc}")
        for key in fixed:
            print(
                f"kpiaudit: fixed since the baseline: {key} (remove it with --write-baseline)",
                file=err,
            )
    out = sys.stdout
    REPORTERS[output_format](findings, out, output_format == "text" and _use_color(out))
    if statistics:
        stream = out if output_format == "text" else err
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.code] = counts.get(f.code, 0) + 1
        for code, n in sorted(counts.items()):
            print(f"{n:6d}  {code}  {RULES[code].name}", file=stream)
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    if output_format == "text":
        print(
            f"{len(findings)} finding(s): {errors} error(s), {warnings} warning(s) in "
            f"{result.files} file(s)",
            file=err,
        )
    return EXIT_FINDINGS if errors and not exit_zero else EXIT_OK


@app.command()
def rules(
    code: Annotated[
        str | None,
        typer.Argument(help="A rule code or name (K102, no-quantitative-target) to explain."),
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> int:
    """List the rules, or explain one: kpiaudit rules K102."""
    import json

    from .rules import RULES, resolve

    chosen = list(RULES.values())
    if code is not None:
        rule = resolve(code)
        if rule is None:
            fail(f"unknown rule {code!r}; `kpiaudit rules` lists them")
        chosen = [rule]
    if output_format == "json":
        print(json.dumps([r.__dict__ for r in chosen], ensure_ascii=False, indent=2))
        return EXIT_OK
    if code is not None:
        r = chosen[0]
        print(
            f"{r.code} {r.name} (default severity: {r.severity})\n\n{r.summary}\n\n"
            f"{r.explanation}\n\nExample:\n"
            + "\n".join("    " + ln for ln in r.example.split("\n"))
        )
        return EXIT_OK
    for r in chosen:
        print(f"{r.code}  {r.name:<24} {r.severity:<8} {r.summary}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point with the one error boundary (style: pre-commit's error_handler)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("KPIAUDIT_DEBUG") == "1"
    args = [a for a in args if a != "--debug"]
    try:
        result = app(args=args, prog_name="kpiaudit", standalone_mode=False)
    except UsageError as exc:
        print(f"kpiaudit: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except typer.Exit as exc:
        return int(exc.exit_code)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        print("kpiaudit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the boundary: any other exception is our bug
        # typer ships its own copy of click, so recognise click's exceptions by shape.
        if type(exc).__name__ == "Abort":
            return 130
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            return EXIT_USAGE
        if debug:
            raise
        print(
            f"kpiaudit: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in kpiaudit; run again with --debug for the traceback.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return result if isinstance(result, int) else EXIT_OK


def run() -> NoReturn:
    sys.exit(main())
