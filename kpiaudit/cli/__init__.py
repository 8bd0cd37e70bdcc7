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

            return lint(args[1:])
        from .app import invoke

        return invoke(args)
    except UsageError as exc:  # messages quote arguments and file content: made visible
        print(_("kpiaudit: error: {message}").format(message=visible(str(exc))), file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # argparse after --help or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
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


def run() -> NoReturn:
    sys.exit(main())
