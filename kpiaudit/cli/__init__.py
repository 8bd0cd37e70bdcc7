"""The command line: arguments in, one call into the core, a reporter out.

Exit codes CI can rely on: 0 clean, 1 findings at error severity, 2 usage, configuration or
internal error, 130 interrupted. ``kpiaudit lint`` runs on every commit, so it is dispatched
here before typer (and the pydantic it imports) is loaded; every other command goes through
the typer application in :mod:`.app`.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from ..i18n import _
from ..safe_text import visible
from .common import EXIT_INTERRUPTED, EXIT_USAGE, UsageError


def main(argv: list[str] | None = None) -> int:
    """Entry point with the one error boundary (style: pre-commit's error_handler)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("KPIAUDIT_DEBUG") == "1"
    args = [a for a in args if a != "--debug"]
    try:
        if args[:1] == ["lint"]:
            from .lint import main as lint

            code = lint(args[1:])
        else:
            from .app import invoke

            code = invoke(args)
        sys.stdout.flush()  # a full disk shows here, not as "Exception ignored" at exit
        return code
    except UsageError as exc:  # messages quote arguments and file content: made visible
        print(_("kpiaudit: error: {message}").format(message=visible(str(exc))), file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # argparse after --help or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    except OSError as exc:  # the output could not be written: a full disk, /dev/full
        _discard_stdout()
        reason = visible(exc.strerror or str(exc))
        print(
            _("kpiaudit: error: cannot write the output: {reason}").format(reason=reason),
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("kpiaudit: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # the boundary: any other exception is our bug
        if debug:
            raise
        print(
            _(
                "kpiaudit: internal error: {error}\n"
                "This is a bug in kpiaudit; run again with --debug for the traceback."
            ).format(error=visible(f"{type(exc).__name__}: {exc}")),
            file=sys.stderr,
        )
        return EXIT_USAGE


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture output)
        pass


def run() -> NoReturn:
    sys.exit(main())
