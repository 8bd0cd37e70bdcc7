"""What every command shares: exit codes, the usage error, colour, the files to check.

Kept free of typer and rich so that ``kpiaudit lint`` can import it at no cost.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ..audit import Audit, AuditResult
    from ..audit.cache import Cache
    from ..audit.pool import Summarise
    from ..config import Config
    from ..model import Finding
    from ..views.table import Table

from ..i18n import N_, _

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what the shell reports for a tool killed by it


# Help shared by every command that reads measures (argparse's lint and typer's others).
PATHS_HELP = N_(
    "Measure files or directories. Default: the configured measures directory, else measures/ "
    "in the project root (found upwards: .kpiaudit.toml, [tool.kpiaudit] or .git)."
)
CONFIG_HELP = N_(
    "Read settings from FILE instead of searching for .kpiaudit.toml or [tool.kpiaudit] in "
    "pyproject.toml."
)

TABLE_FORMAT_HELP = N_(
    "table (rich, default on a terminal), plain (default when piped), markdown, github, csv "
    "or json."
)
CHAPTER_HELP = N_("Chapter number: 6, Ⅵ or VI.")
ALLOW_BROKEN_HELP = N_(
    "Print numbers even when files of the plan could not be read or validated, or are "
    "duplicates (they are left out, and listed); without it that is exit 1."
)
NO_CACHE_HELP = N_(
    "Check every file again, without reading or writing the result cache (.kpiaudit_cache/ in "
    "the project root; kpiaudit clean removes it)."
)
QUIET_HELP = N_("No progress bar.")
TODAY_HELP = N_("Judge as of this day: what was known then, and what had passed. Default: today.")
KIND_HELP = N_("progress (進捗, P) or outcome (効果, E) KPIs only.")


class UsageError(Exception):
    """A bad argument or configuration: reported in one line, exit 2."""


def fail(message: str) -> NoReturn:
    raise UsageError(message)


def parse_iso(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(
            _("{option}: {value!r} is not a date in the form YYYY-MM-DD").format(
                option=option, value=value
            )
        )


def for_terminal(stream: object) -> bool:
    """Output meant for a person at a terminal (or FORCE_COLOR says to act as if)."""
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def use_color(stream: object) -> bool:
    """Colour on a terminal. NO_COLOR (no-color.org) removes the colour only, not the layout."""
    return not os.environ.get("NO_COLOR") and for_terminal(stream)


def setup(paths: list[Path] | None, config_file: Path | None) -> tuple[list[Path], Config]:
    """The configuration, and the files to check: those named, else the configured directory,
    else ``measures`` in the project root (found from the current directory upwards, so that
    every command works from any subdirectory of the project)."""
    from ..config import ConfigError, load_config

    try:
        config = load_config(explicit=config_file)
    except ConfigError as exc:
        fail(str(exc))
    if not paths:
        default = config.measures or (config.root or Path.cwd()) / "measures"
        if not default.is_dir():
            fail(
                _(
                    "no measures directory {directory}; name files or directories to check, or "
                    'set measures = "…" under [tool.kpiaudit] in pyproject.toml'
                ).format(directory=shown_path(default.as_posix()))
            )
        paths = [default]
    for p in paths:
        if not os.path.lexists(p):  # a mistyped path is not a pass (a broken link is checked)
            fail(_("{path}: no such file or directory").format(path=p))
    return list(paths), config


def audit_paths(
    paths: list[Path],
    config: Config,
    today: date | None = None,
    *,
    models: bool = True,
    summarise: Summarise | None = None,
    cache: Cache | None = None,
    jobs: int | None = None,
    quiet: bool = False,
    keep: frozenset[str] | None = None,
) -> AuditResult:
    """The audit of the files named (the dated rules judged on ``today``, default the real
    date); a usage error when a directory named holds no measure files, since checking nothing
    is not a pass. ``cache``: the result cache to use (:func:`project_cache`); a progress bar
    on a terminal for thousands of files, unless ``quiet``. ``keep``: the codes of the
    findings the caller reads (default: all)."""
    from ..audit import audit
    from .progressbar import counting

    with counting(quiet=quiet) as progress:
        result = audit(
            paths,
            config,
            today,
            models=models,
            summarise=summarise,
            cache=cache,
            jobs=jobs,
            progress=progress,
            keep=keep,
        )
    for directory in result.empty:
        fail(
            _("{directory}: no measure files (*.yaml) in this directory").format(
                directory=directory
            )
        )
    return result


def one_plan(
    paths: list[Path],
    config: Config,
    today: date | None = None,
    *,
    summarise: Summarise | None = None,
    cached: bool = False,
    quiet: bool = False,
    keep: frozenset[str] | None = None,
) -> Audit:
    """The audit of the one plan a command reads (status, due…), the dated rules judged on
    ``today``: with each measure's model, or (``summarise``: status, due) with what it makes
    of each measure instead; a usage error naming the plans when the files belong to several.
    ``keep``: the codes of the findings the command reads (default: all)."""
    from ..audit import TwoPlansError

    models = summarise is None
    try:
        cache = project_cache(config) if cached else None
        result = audit_paths(
            paths,
            config,
            today,
            models=models,
            summarise=summarise,
            cache=cache,
            quiet=quiet,
            keep=keep,
        )
        return result.single()
    except TwoPlansError as exc:
        two_plans(exc.directories)


def project_cache(config: Config) -> Cache | None:
    """The result cache in the project root (else the current directory), unless
    KPIAUDIT_NO_CACHE is set or it cannot be used here (see kpiaudit.audit.cache)."""
    from ..audit.cache import Cache, disabled_by_environment

    if disabled_by_environment():
        return None
    return Cache.at(config.root or Path.cwd())


def numbers_allowed(result: Audit, allow_broken: bool, config: Config | None = None) -> bool:
    """Whether numbers computed over the plan may be printed. Files that could not be read or
    validated, duplicates and a missing plan.yaml make them wrong: they are listed on stderr
    with what is wrong (paths as lint's text output shows them, from ``config``'s project
    root), and the numbers are refused unless ``allow_broken``."""
    problems = result.left_out()
    if not problems:
        return True
    from ..reporters.text import report

    err = sys.stderr
    print(
        _("kpiaudit: the numbers leave out or misread {count} file(s) of the plan:").format(
            count=len({f.path for f in problems})
        ),
        file=err,
    )
    report(shown_findings(problems, "text", config), err, False)
    if allow_broken:
        return True
    print(
        _(
            "kpiaudit: no numbers printed: fix the files above (kpiaudit lint lists every "
            "finding) or pass --allow-broken to print them anyway"
        ),
        file=err,
    )
    return False


def print_tables(fmt: str, document: Callable[[], Any], tables: Callable[[], list[Table]]) -> int:
    """A view on stdout: its JSON ``document`` for ``-f json``, else its ``tables`` in
    ``fmt`` (a blank line between two), coloured on a terminal. Exit 0. Each is made only
    when it is printed: on a large plan either is tens of megabytes."""
    from ..reporters.json_out import dump_json
    from ..reporters.tables import render

    out = sys.stdout
    if fmt == "json":
        dump_json(document(), out)
        return EXIT_OK
    color = fmt == "table" and use_color(out)
    for i, table in enumerate(tables()):
        if i:
            out.write("\n")
        render(table, out, fmt, color=color)
    return EXIT_OK


_UNTIDY = re.compile(r"//|(?:^|/)\.(?:/|$)|/$")  # what Path tidies: "a//b", "./a", "a/./b", "a/"


def shown_path(path: str, root: Path | None = None) -> str:
    """A path as text output shows it: relative to the current directory. A relative path is
    that already (as typed, or found from a directory typed); an absolute one (the default
    measures directory of the project root) is made relative when it is under the current
    directory or in the project ``root`` (``../measures/06-04.yaml`` from ``docs/``), and
    left absolute elsewhere rather than climbing out of the project with ``../../``."""
    if not os.path.isabs(path):
        if os.sep == "/" and path and not _UNTIDY.search(path):
            return path  # as Path would write it: a run over 10,000 files shows 10,000 paths
        return Path(path).as_posix()
    absolute = Path(os.path.abspath(path))
    cwd = Path.cwd()
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        pass
    if root is not None and absolute.is_relative_to(root) and cwd.is_relative_to(root):
        return Path(os.path.relpath(absolute, cwd)).as_posix()
    return absolute.as_posix()


def repository_root(config: Config) -> Path:
    """Where GitHub resolves annotation paths from: the git top level above the project root,
    else the project root, else the current directory."""
    start = (config.root or Path.cwd()).resolve()
    for directory in [start, *start.parents]:
        if (directory / ".git").exists():
            return directory
    return start


def shown_findings(
    findings: Iterable[Finding], fmt: str, config: Config | None = None
) -> list[Finding]:
    """Findings with their paths as ``fmt`` shows them: relative to the repository root for
    github and sarif (what GitHub resolves), else relative to the current directory. A path a
    message names (E008's other file) is shown the same way. Each path is worked out once,
    however many findings it has."""
    if fmt not in ("github", "sarif") or config is None:
        project = config.root if config is not None else None

        def shown(path: str) -> str:
            return shown_path(path, project)

    else:
        top = repository_root(config)

        def shown(path: str) -> str:
            absolute = Path(os.path.abspath(path))
            try:
                return absolute.relative_to(top).as_posix()
            except ValueError:  # outside the repository: GitHub cannot place it anyway
                return absolute.as_posix()

    paths: dict[str, str] = {}
    directories: dict[str, str] = {}

    def place(path: str) -> str:
        if path not in paths:
            # A file is shown as its directory is, then its name: an absolute path costs
            # several Path operations, once per directory rather than once per file.
            head, _slash, name = path.rpartition("/")
            if os.sep == "/" and head and not head.endswith("/") and name not in ("", ".", ".."):
                if head not in directories:
                    directories[head] = shown(head)
                where = directories[head]
                paths[path] = name if where == "." else f"{where.rstrip('/')}/{name}"
            else:
                paths[path] = shown(path)
        return paths[path]

    out = []
    given: str | None = None  # a file's findings come together: its path is placed once
    path = ""
    for f in findings:
        if f.path != given:
            given, path = f.path, place(f.path)
        for _name, value in f.args:
            if isinstance(value, PurePath):  # a path in the message too (E008's other file)
                args = tuple(
                    (k, Path(place(str(v))) if isinstance(v, PurePath) else v) for k, v in f.args
                )
                out.append(f.moved(path, args))
                break
        else:
            out.append(f if path == f.path else f.moved(path))
    return out


def two_plans(directories: list[str]) -> NoReturn:
    fail(
        _(
            "the files belong to {count} plans ({directories}); this command reads one plan: "
            "name one directory"
        ).format(count=len(directories), directories=", ".join(directories))
    )
