"""Traffic as CSV, for spreadsheets and scripts that do not read JSON Lines.

Columns: number (from 1, as the traffic table shows it), time (local ISO 8601 with
milliseconds and UTC offset), socket, direction, frames (count), size (bytes), summary (as
the traffic table shows it), data_hex (every frame in lowercase hex, frames separated by one
space, so ``data_hex.split(" ")`` gives the frames back; an empty frame is an empty string
between separators), peer (as the traffic table's Peer column says it: where a received
message came from, and on a tap's front who sent it, a client or the server; last, so the
columns before it keep their places). Hex rather than base64 because people read CSV by
eye. Text cells that a spreadsheet would run as a formula (starting with =, +, -, @) get a
leading apostrophe: traffic is untrusted input.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from datetime import datetime
from typing import BinaryIO

from zinspect.core.capture.capture import CaptureError, describe_os_error
from zinspect.core.codecs import message_summary
from zinspect.core.store import Message, message_number

CSV_COLUMNS = (
    "number",
    "time",
    "socket",
    "direction",
    "frames",
    "size",
    "summary",
    "data_hex",
    "peer",
)
SUMMARY_LIMIT = 200
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iso_time(stamp: float) -> str:
    """Local time, ISO 8601 with milliseconds and the UTC offset (unambiguous anywhere)."""
    return datetime.fromtimestamp(stamp).astimezone().isoformat(timespec="milliseconds")


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(message: Message, socket_type: str = "", peer: str = "") -> list[str]:
    return [
        str(message_number(message.seq)),
        iso_time(message.time),
        safe_cell(message.socket),
        message.direction,
        str(len(message.frames)),
        str(message.size),
        safe_cell(message_summary(message.frames, socket_type, limit=SUMMARY_LIMIT)),
        " ".join(frame.hex() for frame in message.frames),
        safe_cell(peer),
    ]


class CsvWriter:
    """Writes a header row then one row per message; OS errors become CaptureError in words
    (the same wording as capture files)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        socket_type_of: Callable[[str], str] = lambda name: "",
        peer_of: Callable[[Message], str] = lambda message: "",
    ) -> None:
        self.path = os.fspath(path)
        self.messages_written = 0
        self._socket_type_of = socket_type_of
        self._peer_of = peer_of
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, lineterminator="\r\n")
        try:
            self._file: BinaryIO | None = open(self.path, "wb")
        except OSError as error:
            raise CaptureError(describe_os_error(error, self.path, writing=True)) from None
        self._csv.writerow(CSV_COLUMNS)

    def write_message(self, message: Message) -> None:
        kind = self._socket_type_of(message.socket)
        self._csv.writerow(csv_row(message, kind, self._peer_of(message)))
        self.messages_written += 1

    def flush(self) -> None:
        if self._file is None:
            raise CaptureError(f"The CSV file {self.path} is closed")
        # UTF-8 with a byte order mark: spreadsheets then read socket names and summaries
        # in any script correctly.
        data = self._buffer.getvalue().encode("utf-8")
        if self._file.tell() == 0:
            data = b"\xef\xbb\xbf" + data
        self._buffer.seek(0)
        self._buffer.truncate()
        try:
            self._file.write(data)
            self._file.flush()
        except OSError as error:
            self.abort()
            raise CaptureError(describe_os_error(error, self.path, writing=True)) from None

    def close(self) -> None:
        if self._file is None:
            return
        try:
            self.flush()
        finally:
            self.abort()

    def abort(self) -> None:
        """Close without writing what is buffered (after an error, or to give up)."""
        file, self._file = self._file, None
        if file is not None:
            try:
                file.close()
            except OSError:
                pass
