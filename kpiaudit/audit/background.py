"""Cache writes on the other core: a run keeps a large plan's snapshot (:mod:`.snapshot`) and
entries (:meth:`.cache.PlanCache.save`) in forked children while it goes on to print, and waits
for them before it ends (:func:`wait`).

Serialising the findings of 10,000 measures and sealing them took a quarter of the run after
an edit, all of it after the findings were known. The child only writes a cache file, which is
written to a temporary and renamed (:class:`.cache._Sealing`): a child that fails or is killed
leaves the file as it was, never half-written, and the next run misses what it would have
kept. Linux only, as the worker processes are (:mod:`.pool`);
elsewhere the caller does the work itself.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
from collections.abc import Callable

_children: list[int] = []


def run(work: Callable[[], object], forked: Callable[[], object] | None = None) -> bool:
    """Run ``work`` in a forked child; False when it cannot be (not Linux, or no fork now),
    and then the caller runs it. ``forked``: called in this process once the child runs,
    before a Ctrl-C held meanwhile can be raised (what this process lets go to the child)."""
    if not (sys.platform.startswith("linux") and hasattr(os, "fork")):
        return False
    # Ctrl-C is held from before the fork until the child ignores it and this process knows
    # the child: the run stops, and the child finishes its file (or its work removes it).
    # Python raises a Ctrl-C that came meanwhile when the mask is set again; the mask as it
    # was is read first, so that it is set again whatever is raised.
    interrupts = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:  # no process to spare: done here instead
            return False
        if pid == 0:  # the child: the work, then out, never back into the run (its output)
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_SETMASK, interrupts)
                work()
            finally:
                os._exit(0)
        if not _children:
            atexit.register(wait)  # for a caller that does not wait itself
        _children.append(pid)
        if forked is not None:
            forked()
        return True
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, interrupts)


def wait() -> None:
    """Wait for every child still writing: a run ends with its cache written. A child is
    forgotten once it has ended: a Ctrl-C while waiting leaves it to the next wait."""
    while _children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(_children[-1], 0)
        _children.pop()
