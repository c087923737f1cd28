"""Writing capture files: the header, message lines and event lines (docs/capture-format.md).

Message lines are built by string formatting (LineEncoder), several times faster than
json.dumps, because recording a flood runs it per message; a big message is streamed to the
file in base64 pieces instead (core.capture_stream), so recording it makes no copy of it.
Reading is core.capture; it re-exports everything here.
"""

from __future__ import annotations

import binascii
import errno
import json
import logging
import math
import os
import time
from collections.abc import Iterable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import zinspect
from zinspect.core.capture.capture_stream import BIG_MESSAGE_BYTES, BigLine
from zinspect.core.rows import RawFrame, RawRow
from zinspect.core.sockets.events import SocketEvent
from zinspect.core.store import (
    IN,
    OUT,
    ROW_DIRECTION,
    ROW_FRAMES,
    ROW_SIZE,
    ROW_SOCKET,
    ROW_TIME,
    Message,
)

log = logging.getLogger(__name__)

FORMAT_KEY = "zinspect_capture"
FORMAT_VERSION = 1
CAPTURE_SUFFIX = ".jsonl"
_DIRECTIONS = (IN, OUT)
_b2a = binascii.b2a_base64
_row_size = itemgetter(ROW_SIZE)


class CaptureError(Exception):
    """A capture file could not be written or read; the message is meant for the user."""


def describe_os_error(error: OSError, path: str | os.PathLike[str], writing: bool) -> str:
    """An OSError on a capture file in words: what happened, to which file."""
    name = os.fspath(path)
    code = error.errno
    if code == errno.ENOSPC:
        return f"Disk full while writing {name}: No space left on device"
    if code == getattr(errno, "EDQUOT", -1):
        return f"Disk quota exceeded while writing {name}"
    if code in (errno.EACCES, errno.EPERM):
        return f"Permission denied: {name}"
    if code == errno.ENOENT:
        if writing:
            return f"No such folder: {os.path.dirname(os.path.abspath(name))}"
        return f"No such file: {name}"
    if code == errno.EISDIR:
        return f"{name} is a folder, not a file"
    if code == errno.EROFS:
        return f"Read-only file system: cannot write {name}"
    verb = "write" if writing else "read"
    return f"Cannot {verb} {name}: {error.strerror or error}"


def header_object(created: float | None = None) -> dict[str, Any]:
    """The first line's object: identifies the file, its format version and its maker."""
    return {
        FORMAT_KEY: FORMAT_VERSION,
        "created": time.time() if created is None else created,
        "zinspect": zinspect.__version__,
    }


class LineEncoder:
    """Message lines built by string formatting, not json.dumps: recording a flood runs this
    per message, and formatting is several times faster. It is still exact JSON: ``repr`` of
    a float is its shortest round-trip form, base64 needs no escaping, and socket names go
    through json.dumps once each (cached)."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def socket_json(self, name: str) -> str:
        text = self._names.get(name)
        if text is None:
            text = self._names[name] = json.dumps(name)
        return text

    def line(self, stamp: float, socket: str, direction: str, frames: Iterable[RawFrame]) -> str:
        """One message as a complete line (with its newline)."""
        encoded = '","'.join([_b2a(frame, newline=False).decode("ascii") for frame in frames])
        return f'{self.head(stamp, socket, direction)}{encoded}"]}}\n'

    def head(self, stamp: float, socket: str, direction: str) -> str:
        """A message line up to the opening quote of its first frame."""
        if not math.isfinite(stamp):
            raise ValueError(f"message time {stamp!r} is not a finite number")
        if direction not in _DIRECTIONS:
            raise ValueError(f"direction must be 'in' or 'out', not {direction!r}")
        return (
            f'{{"time":{float(stamp)!r},"socket":{self.socket_json(socket)},'
            f'"direction":"{direction}","frames":["'
        )


def event_line(event: SocketEvent) -> str:
    """A connection event as a capture line: ``event`` (its name), ``socket``,
    ``endpoint``, ``value`` (libzmq's number), ``detail`` (decoded) and ``time``."""
    return (
        json.dumps(
            {
                "time": event.time,
                "event": event.name,
                "socket": event.socket,
                "endpoint": event.endpoint,
                "value": event.value,
                "detail": event.detail,
            },
            ensure_ascii=False,
        )
        + "\n"
    )


class CaptureWriter:
    """Appends message lines to a new capture file (the header is written and flushed at
    once). Writes go to a buffer; ``flush`` hands them to the operating system, after which
    they survive the process being killed. Every OS error becomes a CaptureError in words,
    and after one the writer is finished: later calls raise the same error."""

    def __init__(self, path: str | os.PathLike[str], created: float | None = None) -> None:
        self.path = Path(path)
        self.messages_written = 0
        self.error = ""
        self._encoder = LineEncoder()
        self._pending: list[str] = []
        self._big: BigLine | None = None  # a big message line written in pieces
        self._file: BinaryIO | None = None
        try:
            self._file = open(self.path, "wb")
        except OSError as error:
            self._fail(error)
        self._pending.append(json.dumps(header_object(created)) + "\n")
        self.flush()

    @property
    def closed(self) -> bool:
        return self._file is None

    def write(
        self,
        stamp: float,
        socket: str,
        direction: str,
        frames: Sequence[RawFrame],
        deadline: float | None = None,
    ) -> None:
        """Queue one message line; it reaches the file at the next ``flush``. A big message
        is written straight to the file in pieces (core.capture_stream), making no copy of
        it: until the monotonic ``deadline`` (None: all of it), then ``writing`` is True and
        ``resume`` goes on (any other write finishes it first)."""
        self.resume()
        self._check()
        if sum(map(len, frames)) > BIG_MESSAGE_BYTES:
            head = self._encoder.head(stamp, socket, direction)
            self.flush()
            self._big = BigLine(head, frames)
            self.messages_written += 1
            self.resume(deadline)
            return
        self._pending.append(self._encoder.line(stamp, socket, direction, frames))
        self.messages_written += 1

    @property
    def writing(self) -> bool:
        """A big message line is half written (see ``write``)."""
        return self._big is not None

    def resume(self, deadline: float | None = None) -> bool:
        """Go on writing the big message line until ``deadline``; True once it is whole."""
        big = self._big
        if big is None:
            return True
        self._check()
        try:
            done = big.write_some(self._file, deadline)  # type: ignore[arg-type]
        except OSError as error:
            self._fail(error)
        if done:
            self._big = None
        return done

    def write_rows(self, rows: Sequence[RawRow], deadline: float | None = None) -> int:
        """Queue store rows (core.store, as kept: a big frame may be libzmq's buffer, encoded
        from it without a copy) as message lines; returns how many were taken,
        fewer than all when a big one is left half written at ``deadline`` (see ``write``)."""
        if rows and max(map(_row_size, rows)) > BIG_MESSAGE_BYTES:
            for index, row in enumerate(rows):
                self.write(
                    row[ROW_TIME], row[ROW_SOCKET], row[ROW_DIRECTION], row[ROW_FRAMES:], deadline
                )
                if self._big is not None:
                    return index + 1
            return len(rows)
        line = self._encoder.line
        self.write_lines(
            [
                line(row[ROW_TIME], row[ROW_SOCKET], row[ROW_DIRECTION], row[ROW_FRAMES:])
                for row in rows
            ],
            len(rows),
        )
        return len(rows)

    def write_message(self, message: Message) -> None:
        self.write(message.time, message.socket, message.direction, message.frames)

    def write_event(self, event: SocketEvent) -> None:
        """Queue one connection event line (see event_line)."""
        self.resume()
        self._check()
        self._pending.append(event_line(event))

    def write_lines(self, lines: list[str], count: int) -> None:
        """Queue ready-made message lines (from ``encoder``), ``count`` messages."""
        self.resume()
        self._check()
        self._pending.extend(lines)
        self.messages_written += count

    @property
    def encoder(self) -> LineEncoder:
        return self._encoder

    def flush(self) -> None:
        """Write what is queued and hand it to the operating system (no fsync: a killed
        process loses nothing flushed; only a power cut could)."""
        self._check()
        data = "".join(self._pending).encode("utf-8") if self._pending else b""
        self._pending = []
        assert self._file is not None
        try:
            if data:
                self._file.write(data)
            self._file.flush()
        except OSError as error:
            self._fail(error)

    def close(self) -> None:
        """Flush and close; raises CaptureError if the last flush fails (the file is closed
        all the same). Closing twice, or after an error, does nothing."""
        if self._file is None:
            return
        try:
            self.resume()
            self.flush()
        finally:
            self.abort()

    def _check(self) -> None:
        if self.error:
            raise CaptureError(self.error)
        if self._file is None:
            raise CaptureError(f"The capture file {self.path} is closed")

    def _fail(self, error: OSError) -> None:
        self.error = describe_os_error(error, self.path, writing=True)
        self._pending = []
        self._big = None
        self.abort()
        log.info("capture file %s failed: %s", self.path, self.error)
        raise CaptureError(self.error) from None

    def abort(self) -> None:
        """Close without writing what is queued (after an error, or to give up)."""
        self._pending = []
        self._big = None
        file, self._file = self._file, None
        if file is None:
            return
        try:
            file.close()
        except OSError:
            # The buffer could not be written out (disk full...): the error is reported
            # already; make sure the descriptor is released anyway.
            try:
                os.close(file.fileno())
            except (OSError, ValueError):
                pass


def write_capture(path: str | os.PathLike[str], messages: Iterable[Message]) -> int:
    """Write a whole capture file at once (scripts and tests); returns the message count."""
    writer = CaptureWriter(path)
    try:
        for message in messages:
            writer.write_message(message)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    return writer.messages_written
