"""lint's output, replayed: a run in which nothing changed prints what the last such run printed.

A warm run on a large plan is answered by the plan's snapshot (:mod:`kpiaudit.audit.snapshot`),
but it still spent most of its time restoring, selecting and printing tens of thousands of
findings, the same as the run before. So lint records what it prints (stdout and stderr, in
the order written) and its exit status, with the audit's fingerprint
(:meth:`kpiaudit.audit.AuditResult.fingerprint`), which stands for every finding. The record
is kept under a name made of everything else the output depends on: the options, the
configuration, the language, the working directory (paths are shown relative to it), colour,
and the bytes of the files ``--baseline`` and ``--changed-from`` name. The next run with the
same name and fingerprint prints the record and exits with its status without decoding a
finding.

Records live in the project's result cache, sealed with this user's key like the rest of it
(:mod:`kpiaudit.audit.cache`): a pull request cannot plant one. Not recorded: a run that
writes a file (``--write-baseline``), one that stopped with an error, and output beyond
:data:`LARGEST` characters (a plan of tens of thousands of measures, where keeping it would
cost more memory than it saves time).
"""

from __future__ import annotations

import codecs
import io
import json
import sys
from collections.abc import Iterable
from typing import TextIO, cast

from ..audit.cache import Cache, digest, length_prefixed

LARGEST = 8 << 20  # characters of output recorded at most (10,000 measures print 5.2 Mi)
_BATCH = 1 << 16  # characters written through at once by writelines
_STREAMS = ("stdout", "stderr")


def record_name(parts: Iterable[object]) -> str:
    """The name of a record: a digest of what the output depends on besides the findings."""
    return "output-" + digest(b"".join(length_prefixed(repr(part)) for part in parts))


class Replay:
    """The record of one way of running lint, for the findings ``fingerprint`` stands for."""

    def __init__(self, cache: Cache, name: str, fingerprint: str) -> None:
        self.cache, self.name, self.fingerprint = cache, name, fingerprint
        self._chunks: list[tuple[int, list[str]]] = []  # (stream, its texts), in turn
        self._size = 0

    def replayed(self) -> int | None:
        """Print the recorded output and give its exit status, when there is a record for
        this fingerprint; None otherwise (nothing printed)."""
        body = self.cache.read_output(self.name)
        head, _newline, rest = body.partition(b"\n")
        try:
            fingerprint, status, lengths = json.loads(head)
            if fingerprint != self.fingerprint or not isinstance(status, int):
                return None
            view, chunks, start = memoryview(rest), [], 0
            for which, length in lengths:  # all decoded before any is printed
                chunk = view[start : start + length]
                chunks.append((_STREAMS[which], codecs.decode(chunk, "utf-8", "surrogatepass")))
                start += length
            if start != len(rest):
                return None
        except (ValueError, TypeError, IndexError):  # none, or not one: not replayed
            return None
        for stream, text in chunks:
            # flushed as each ends: where both streams go to one pipe, in the order written
            getattr(sys, stream).write(text)
            getattr(sys, stream).flush()
        return status

    def streams(self) -> tuple[TextIO, TextIO]:
        """stdout and stderr, recording what is written to them."""
        return (
            cast(TextIO, _Recorded(sys.stdout, 0, self)),
            cast(TextIO, _Recorded(sys.stderr, 1, self)),
        )

    def save(self, status: int) -> None:
        """Keep what was written, with the exit status, unless it was too long to record."""
        if self._size > LARGEST:
            return
        parts: list[bytes] = []
        lengths = []
        for which, texts in self._chunks:
            encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
            lengths.append([which, sum(map(len, encoded))])
            parts += encoded
        head = json.dumps([self.fingerprint, status, lengths]).encode("ascii")
        self.cache.save_output(self.name, head, b"\n", *parts)

    def record(self, which: int, text: str) -> None:
        """Keep ``text``, just written to stdout (0) or stderr (1)."""
        self._size += len(text)
        if self._size > LARGEST:
            self._chunks = []  # never saved: let the memory go
        elif self._chunks and self._chunks[-1][0] == which:
            self._chunks[-1][1].append(text)
        else:
            # The other stream's text out first, as the replay flushes each chunk: where both
            # go to one pipe, a reader sees them in the same order either way.
            getattr(sys, _STREAMS[1 - which]).flush()
            self._chunks.append((which, [text]))


class _Recorded(io.TextIOBase):
    """A text stream that writes through to ``stream`` and tells the replay what it wrote."""

    def __init__(self, stream: TextIO, which: int, replay: Replay) -> None:
        self._stream, self._which, self._replay = stream, which, replay

    def write(self, text: str) -> int:
        self._replay.record(self._which, text)
        return self._stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:  # type: ignore[override]
        # In batches: a call per line made 30,000 findings slow to print, and one string of
        # them all would hold the whole output twice.
        batch: list[str] = []
        size = 0
        for line in lines:
            batch.append(line)
            size += len(line)
            if size >= _BATCH:
                self.write("".join(batch))
                batch, size = [], 0
        if batch:
            self.write("".join(batch))

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self._stream.errors
