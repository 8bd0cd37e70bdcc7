"""The command line: arguments in, one call into the core, a reporter out.

Exit codes CI can rely on: 0 clean, 1 findings at error severity, 2 usage, configuration or
internal error, 130 interrupted, 141 output pipe closed (``kpiaudit lint | head -1``: the reader
had enough; a Unix tool killed by SIGPIPE gives the shell the same 141, and says nothing).

``kpiaudit lint`` runs on every commit, and ``status`` and ``due`` by hand on large plans, so
they are dispatched here before typer (and the pydantic it imports) is loaded; every other
command goes through the typer application in :mod:`.app`.
The language is chosen here, first (``--lang`` anywhere, see :mod:`.language`), so that every
message, table and ``--help`` of the run speaks it.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import sys
from importlib import import_module
from typing import NoReturn

from ..i18n import _, os_reason
from ..safe_text import visible
from .common import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from .language import apply_language

# The commands parsed by argparse before typer (and the pydantic it imports) is loaded: lint
# runs on every commit, status and due by hand on large plans (see .argfront).
FRONTS = {"lint": ".lint", "status": ".status", "due": ".due"}


def main(argv: list[str] | None = None) -> int:
    """Entry point with the one error boundary (style: pre-commit's error_handler)."""
    # A run builds many small objects that live until it ends (a large plan's findings), and
    # Python's collector would scan them over and over: a third of a warm lint of 10,000
    # measures. Collected rarely instead (mypy does the same); a run makes few cycles.
    gc.set_threshold(100_000, 50, 100)
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("KPIAUDIT_DEBUG") == "1"
    args = [a for a in args if a != "--debug"]
    stdout_was = _stdout_identity()
    try:
        try:
            args = apply_language(args)
            if sys.stdout is None:  # started with it closed (``>&-``): nothing can be printed
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            front = FRONTS.get(args[0]) if args else None
            if front is not None:
                code = int(import_module(front, __name__).main(args[1:]))
            else:
                from .app import invoke

                code = invoke(args)
        except SystemExit as exc:  # argparse after --help or a usage error
            if _stdout_identity() != stdout_was and _stdout_identity() == _devnull_identity():
                # rich meets a closed pipe by pointing stdout at /dev/null and exiting 1
                # (typer's help, rich tables): the same closed pipe as below.
                return EXIT_BROKEN_PIPE
            code = exc.code if isinstance(exc.code, int) else EXIT_USAGE
        # Here, so that a reader gone away or a full disk is seen inside the boundary, --help's
        # text too: the process ends without the interpreter's own flush (see run).
        sys.stdout.flush()
        _wait_for_writers()  # inside the boundary too: Ctrl-C while waiting is an interruption
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except UsageError as exc:  # messages quote arguments and file content: made visible
        print(_("kpiaudit: error: {message}").format(message=visible(str(exc))), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the output could not be written: a full disk, /dev/full
        _silence_stdout()
        reason = visible(os_reason(exc))
        print(
            _("kpiaudit: error: cannot write the output: {reason}").format(reason=reason),
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as exc:  # the boundary: any other exception is our bug
        if isinstance(exc.__cause__, KeyboardInterrupt):  # Ctrl-C while a class was made:
            return _interrupted()  # Python 3.11 wraps __set_name__'s exception in a RuntimeError
        if _worker_died(exc):  # any command that checks files: lint, status, report, diff …
            stopped = _(
                "a worker process stopped before its files were checked (killed, or out of "
                "memory: {reason}); run the command again (lint -j 1 checks in one process, "
                "with less memory)"
            ).format(reason=visible(str(exc)))
            print(_("kpiaudit: error: {message}").format(message=stopped), file=sys.stderr)
            return EXIT_USAGE
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
    finally:
        # After an error too; a second Ctrl-C then stops the waiting, not the children, which
        # ignore it and finish their files.
        with contextlib.suppress(KeyboardInterrupt):
            _wait_for_writers()


def _wait_for_writers() -> None:
    """Wait for the children still writing cache files (kpiaudit.audit.background): they are
    written by the time the run ends. Looked up, not imported: a run that audited nothing
    made none."""
    background = sys.modules.get("kpiaudit.audit.background")
    if background is not None:
        background.wait()


def _interrupted() -> int:
    print(_("kpiaudit: interrupted"), file=sys.stderr)
    return EXIT_INTERRUPTED


def _worker_died(exc: Exception) -> bool:
    """Whether a process that checked files stopped (kpiaudit.audit.pool.WorkerDied). Looked
    up, not imported: a run that checked no file never loaded the pool."""
    pool = sys.modules.get("kpiaudit.audit.pool")
    return pool is not None and isinstance(exc, pool.WorkerDied)


def _stdout_identity() -> tuple[int, int] | None:
    try:
        st = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def _devnull_identity() -> tuple[int, int]:
    st = os.stat(os.devnull)
    return (st.st_dev, st.st_ino)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush of what is still
    buffered does not fail again on the closed pipe (the recipe of Python's signal docs)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a caller's buffer)
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


def run() -> NoReturn:
    """The console script (and ``python -m kpiaudit``). It ends the process without the
    interpreter's teardown, as mypy does (its ``--fast-exit``): freeing every module and object
    a run made is a tenth of a one-file lint, more on a large plan, and by then nothing is left
    for it to do. The output is flushed here, :func:`main` has waited for the cache's child,
    pools are shut down where they were used, and files are closed where they were written."""
    if sys.stderr is None:  # started with it closed (``2>&-``): messages go nowhere, as asked,
        # not to stdout, where print sends them then; open until the process ends
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    code = main()
    for stream in (sys.stdout, sys.stderr):
        # Flushed by main, unless it was silenced after an error; None when closed (``>&-``).
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    os._exit(code)
