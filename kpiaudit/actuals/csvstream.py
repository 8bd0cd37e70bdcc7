"""CSV records streamed from a file, numbered as a spreadsheet numbers rows, with one clear
error for a file that is not UTF-8 CSV or ends in the middle of a record.

Memory stays bounded by a record, not the file. A byte that is not UTF-8 is reported at the
row that holds it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Generator, Iterator
from functools import partial
from pathlib import Path

from ..i18n import _, os_reason
from .records import ActualsFileError

PROGRESS_EVERY = 2048  # records between two calls of a progress callback
MAX_LINE = 1 << 20  # characters (bytes when locating a bad byte); a real RS line is a few KiB
_KANA_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def sniff(path: Path, head: bytes) -> None:
    """Refuse, with a hint, the files people save by mistake instead of CSV UTF-8."""
    name = path.as_posix()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ActualsFileError(
            name, _("UTF-16 text (Excel's 'Unicode text'): save it as 'CSV UTF-8'"), 1
        )
    if head.startswith(b"PK\x03\x04"):
        raise ActualsFileError(name, _("this is a zip file (an .xlsx workbook?), not CSV"), 1)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ActualsFileError(name, _("an old Excel .xls workbook: save it as .xlsx or CSV"), 1)
    if b"\x00" in head:
        raise ActualsFileError(name, _("binary data, not a CSV text file"), 1)


def _encoding_hint(raw: bytes) -> str:
    """Excel in Japan saves 'CSV' as Shift_JIS (cp932): say so when the bytes read as kana or
    kanji that way."""
    for encoding, label in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _KANA_KANJI.search(decoded):
            return _("it looks like {encoding}: save it as 'CSV UTF-8'").format(encoding=label)
    return _("save it as 'CSV UTF-8'")


class _Lines:
    """Decoded lines of a binary file, counting physical lines and the row being read."""

    def __init__(self, fh: io.BufferedReader, name: str) -> None:
        self._fh = fh
        self.name = name
        self.line = 0
        self.row = 1  # the record the reader is in; set by records()

    def __iter__(self) -> Iterator[str]:
        readline = self._fh.readline
        first = True
        while True:
            raw: bytes = readline(MAX_LINE)
            if not raw:
                return
            self.line += 1
            if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
                raise ActualsFileError(
                    self.name,
                    _("line {line} is longer than {limit:,} bytes: this is not a CSV file").format(
                        line=self.line, limit=MAX_LINE
                    ),
                    self.row,
                )
            try:
                text = raw.decode("utf-8-sig" if first else "utf-8")
            except UnicodeDecodeError as exc:
                raise ActualsFileError(
                    self.name,
                    _("not UTF-8 (byte 0x{byte:02x} on line {line}); {hint}").format(
                        byte=raw[exc.start], line=self.line, hint=_encoding_hint(raw)
                    ),
                    self.row,
                ) from exc
            first = False
            yield text


def records(
    path: Path, progress: Callable[[int], None] | None = None
) -> Generator[tuple[int, list[str], bool], None, None]:
    """(row, fields, is_last) for every record of a CSV file; row 1 is the header. Quoted
    fields may hold commas, quotes and line breaks, kept as written (CRLF): pass the fields
    you keep through :func:`text`, which is cheaper than rewriting all 82 fields of every RS
    row. A blank line is a row with no fields, as a spreadsheet shows an empty row. Raises
    :class:`ActualsFileError`. ``progress`` is told the bytes read so far, every
    ``PROGRESS_EVERY`` records (a progress bar for long files)."""
    name = path.as_posix()
    try:
        with path.open("rb") as raw:
            sniff(path, raw.read(8192))
        binary = path.open("rb")  # its position tells a progress bar how far reading got
        fh = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")  # closed by the with
    except OSError as exc:
        raise ActualsFileError(
            name, _("cannot read: {error}").format(error=os_reason(exc))
        ) from exc
    with fh:
        # readline(MAX_LINE): a file with no line ends is read a piece at a time, not whole;
        # inside quotes the pieces join up again, outside they make rows of the wrong width.
        # strict: a quote in the wrong place or a file that ends inside a quoted field is an
        # error, not a guess that would swallow the rows after it.
        reader = csv.reader(iter(partial(fh.readline, MAX_LINE), ""), strict=True)
        pending: tuple[int, list[str]] | None = None
        row = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ActualsFileError(name, _csv_message(exc, reader.line_num), row + 1) from exc
            except UnicodeDecodeError as exc:
                # The text layer decodes 8 KiB at a time, so it fails rows early: find the row
                # that holds the byte by reading again, line by line (only a broken file pays).
                raise _locate_decode_error(path) from exc
            row += 1
            if progress is not None and not row % PROGRESS_EVERY:
                progress(binary.tell())
            if pending is not None:
                yield pending[0], pending[1], False
            pending = (row, fields)
        if pending is None:
            raise ActualsFileError(name, _("the file is empty: no header row"), 1)
        yield pending[0], pending[1], True


def text(field: str) -> str:
    """A field as kept: stripped, a quoted CRLF line break made LF."""
    field = field.strip()
    return field.replace("\r\n", "\n") if "\r" in field else field


def _locate_decode_error(path: Path) -> ActualsFileError:
    """The error for the first byte that is not UTF-8, at its row."""
    name = path.as_posix()
    with path.open("rb") as fh:
        lines = _Lines(fh, name)
        reader = csv.reader(iter(lines))
        try:
            for row, _fields in enumerate(reader, start=2):
                lines.row = row
        except ActualsFileError as exc:
            return exc
        except csv.Error:
            pass
    return ActualsFileError(name, _("not UTF-8; {hint}").format(hint=_("save it as 'CSV UTF-8'")))


def _csv_message(exc: csv.Error, line: int) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return _("the file ends inside a quoted field: it is truncated (or a quote is not closed)")
    if "field larger than field limit" in text:
        return _("a field is longer than {limit:,} characters: is a quote not closed?").format(
            limit=csv.field_size_limit()
        )
    return _("not valid CSV near line {line}: {error}").format(line=line, error=text)
