"""Capture files: traffic as JSON Lines, written as it happens and read back for inspection.

The format (docs/capture-format.md) is one JSON object per line: a header line first, then
one line per message with its time, socket name, direction and frames in base64, and lines
with an ``"event"`` key for connection events (core.events). JSON Lines because a line is
the unit of damage: a process killed mid-write leaves at most one cut line at the end, and
every complete line before it still reads.

Reading is incremental (``CaptureReader.read`` works for a time budget and returns), so a UI
can read a large file in slices on its event loop and show progress without freezing.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from zinspect.core.capture.capture_stream import (
    MAX_HEADER_BYTES,
    MAX_LINE_BYTES,
    READ_PIECE,
    TOO_LONG,
    LineReader,
    describe_size,
    parse_big_line,
)
from zinspect.core.capture.capture_write import (  # noqa: F401 (the capture API, in one place)
    CAPTURE_SUFFIX,
    FORMAT_KEY,
    FORMAT_VERSION,
    CaptureError,
    CaptureWriter,
    LineEncoder,
    describe_os_error,
    event_line,
    header_object,
    write_capture,
)
from zinspect.core.sockets.events import RECORDING_CUT, SocketEvent
from zinspect.core.sockets.socket_receive import MAX_FRAMES_PER_MESSAGE
from zinspect.core.store import IN, OUT, ROW_DIRECTION, ROW_FRAMES, Message, Row

log = logging.getLogger(__name__)

MAX_BAD_LINES_LISTED = 10
MAX_EVENT_RECORDS = 100_000  # event lines a reader keeps (it counts them all)
CUT_NOTE_CHARS = 300  # of a recording_cut line's words, shown when the capture is opened
MAX_EVENT_BYTES = 16 << 20  # ... and at most so many bytes of them
# A message has at most MAX_FRAMES_PER_MESSAGE frames, as on a socket: a line with more
# commas than that (and room for its other fields) is refused before the JSON parser builds
# a list of millions of frames from it (a 700 MB line of "","","": 2 GB of list).
MAX_COMMAS = MAX_FRAMES_PER_MESSAGE + 1000
MAX_SHARED_NAMES = 10_000  # socket names a reader keeps one string of
READ_BUDGET_S = 0.010  # one slice of reading, so a UI loop stays responsive
_DIRECTIONS = (IN, OUT)
# Reading runs per message: the C scanner on a str is ~3x json.loads on bytes, and
# binascii's strict mode (Python 3.11+) ~4x base64.b64decode(validate=True).
# (scan_once is set by JSONDecoder.__init__; typeshed does not declare it)
_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _decode_frame_compat(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


try:
    binascii.a2b_base64("", strict_mode=True)  # type: ignore[call-arg]  # (3.11+)
except TypeError:  # Python 3.10
    _decode_frame = _decode_frame_compat
else:

    def _decode_frame(text: str) -> bytes:
        return binascii.a2b_base64(text, strict_mode=True)  # type: ignore[call-arg]  # (3.11+)


def parse_event(obj: dict[str, Any]) -> SocketEvent | None:
    """The event of an event line; None when its fields are not of the right types (an
    event line is never damage: a later zinspect may write other kinds)."""
    stamp: Any  # JSON; checked below with type(), which mypy does not narrow by
    stamp, name = obj.get("time"), obj.get("event")
    socket, endpoint = obj.get("socket", ""), obj.get("endpoint", "")
    value, detail = obj.get("value", 0), obj.get("detail", "")
    if (
        type(stamp) not in (float, int)
        or type(name) is not str
        or type(socket) is not str
        or type(endpoint) is not str
        or type(value) is not int
        or type(detail) is not str
        or not _finite(stamp)
    ):
        return None
    return SocketEvent(float(stamp), socket, name, endpoint, value, detail)


def _finite(number: float | int) -> bool:
    """A finite time; an integer too large for a float (JSON allows 1000...0) is not."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False


@dataclass
class CaptureResult:
    """What reading a capture found: the messages, and what had to be skipped."""

    messages: list[Message]
    skipped: int = 0
    first_bad_lines: list[int] = field(default_factory=list)
    first_error: str = ""  # what was wrong with the first bad line
    events: int = 0  # "event" lines read (connection events); not damage
    truncated_end: bool = False  # the last line was cut short (a recording interrupted)
    header: dict[str, Any] = field(default_factory=dict)
    event_records: list[SocketEvent] = field(default_factory=list)
    cut_short: str = ""  # a quit did not wait for the recorder: what the file lacks, in words

    def damage_report(self) -> str:
        """'' for a clean file, else one sentence for the user."""
        if not self.skipped:
            return ""
        lines = ", ".join(map(str, self.first_bad_lines))
        more = "…" if self.skipped > len(self.first_bad_lines) else ""
        noun = "line" if self.skipped == 1 else "lines"
        text = f"{self.skipped:,} corrupt {noun} skipped ({noun} {lines}{more})"
        if self.first_error:
            text += f"; line {self.first_bad_lines[0]}: {self.first_error}"
        if self.truncated_end:
            text += ". The last line is cut short: the recording was interrupted"
        return text


class _BadLineError(ValueError):
    """Why one line is not a message (internal: becomes a count and a line number)."""


def parse_json_line(line: bytes) -> object:
    """The JSON value of one line; _BadLineError if it is not exactly one (with no reason for a
    blank line)."""
    try:
        if len(line) > READ_PIECE:  # a big line: decoded without copying it first
            text = str(memoryview(line)[:-1] if line.endswith(b"\n") else line, "utf-8")
        else:
            text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise _BadLineError("not valid UTF-8") from None
    text = text.strip()
    if not text:
        raise _BadLineError()
    try:
        obj, end = _scan_json(text, 0)
    except (StopIteration, ValueError, RecursionError):
        raise _BadLineError("not valid JSON") from None
    if end != len(text):
        raise _BadLineError("not valid JSON")
    return obj


def check_commas(line: bytes) -> None:
    """_BadLineError when ``line`` has more commas than any message line can have."""
    if len(line) > MAX_COMMAS and line.count(b",") > MAX_COMMAS:
        raise _BadLineError(
            f"more than {MAX_FRAMES_PER_MESSAGE:,} frames, the most a message may have"
        )


def parse_message(obj: object) -> Message | None:
    """A message from one parsed line, None for an event line; _BadLineError otherwise."""
    row = parse_row(obj)
    return None if row is None else Message(row[0], row[1], row[2], list(row[ROW_FRAMES:]))


def parse_row(obj: object, names: dict[str, str] | None = None) -> Row | None:
    """A store row (core.store) from one parsed line, None for an event line; _BadLineError
    otherwise. A row of plain values, unlike a Message, is no work for the garbage
    collector once it has looked at it once: a million of them open without collections
    that walk them all. ``names`` (a reader's) makes equal socket names one string."""
    if type(obj) is not dict:
        raise _BadLineError("not a JSON object")
    if "event" in obj:
        return None
    try:
        stamp = obj["time"]
        socket = obj["socket"]
        direction = obj["direction"]
        frames = obj["frames"]
    except KeyError as error:
        raise _BadLineError(f"no {error.args[0]!r} field") from None
    try:  # inline, not _finite(): this runs per message
        if type(stamp) not in (float, int) or not math.isfinite(stamp):
            raise _BadLineError("time is not a number")
    except OverflowError:  # an integer too large for a float (JSON allows 1000...0)
        raise _BadLineError("time is not a number") from None
    if type(socket) is not str:
        raise _BadLineError("socket is not a string")
    if names is not None:
        known = names.get(socket)
        if known is not None:
            socket = known
        elif len(names) < MAX_SHARED_NAMES:
            names[socket] = socket
    if direction not in _DIRECTIONS:
        raise _BadLineError('direction is not "in" or "out"')
    if type(frames) is not list or not frames:
        raise _BadLineError("frames is not a non-empty list")
    try:
        data = [_decode_frame(frame) for frame in frames]
    except (TypeError, ValueError, binascii.Error):
        raise _BadLineError("a frame is not a base64 string") from None
    return (float(stamp), socket, direction, sum(map(len, data)), *data)


def check_header(obj: object, name: str) -> dict[str, Any]:
    """The header object, or CaptureError saying why this is not a readable capture."""
    if type(obj) is not dict or FORMAT_KEY not in obj:
        raise CaptureError(
            f"{name} is not a zinspect capture file (its first line is not a capture header)"
        )
    version = obj[FORMAT_KEY]
    if type(version) is not int or version < 1:
        raise CaptureError(f"{name} has an invalid capture format version: {version!r}")
    if version > FORMAT_VERSION:
        raise CaptureError(
            f"{name} is a version {version} capture; this zinspect reads "
            f"version {FORMAT_VERSION} (update zinspect to open it)"
        )
    return obj


class CaptureReader:
    """Reads a capture in slices: each ``read()`` works for about ``budget`` seconds and
    returns the messages it decoded, so a UI can show ``progress`` between slices.

    Opening checks the header at once (CaptureError if the file is not a capture). Damaged
    lines are skipped and counted; the first few line numbers are kept for the report. The
    file is read as a stream: a line longer than ``max_line`` bytes is read through and
    skipped as damage without being held (core.capture_stream), the clock is looked at
    whatever kind of line comes, and a long line may span several slices.
    """

    def __init__(self, path: str | os.PathLike[str], max_line: int | None = None) -> None:
        self.path = Path(path)
        self.done = False
        self.skipped = 0
        self.events = 0
        self.event_records: list[SocketEvent] = []  # the first MAX_EVENT_RECORDS
        self.cut_short = ""  # from a recording_cut line (core.recorder)
        self.messages_read = 0
        self.first_bad_lines: list[int] = []
        self.first_error = ""
        self.truncated_end = False
        self.max_line = MAX_LINE_BYTES if max_line is None else max_line
        self._line_number = 0
        try:
            # a FIFO would block the loop until someone writes to it; a device never ends
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                raise CaptureError(f"{self.path} is not a regular file, which a capture is")
            self._file: BinaryIO = open(self.path, "rb")
            self.size = os.fstat(self._file.fileno()).st_size
        except OSError as error:
            raise CaptureError(describe_os_error(error, self.path, writing=False)) from None
        self._long = LineReader(self._file, self.max_line)
        self._names: dict[str, str] = {}
        self._event_bytes = 0
        self.received_in_last = 0
        try:
            self.header = self._read_header()
        except BaseException:
            self.close()
            raise

    def _read_header(self) -> dict[str, Any]:
        name = str(self.path)
        try:
            first = self._file.readline(MAX_HEADER_BYTES + 1)
        except OSError as error:
            raise CaptureError(describe_os_error(error, self.path, writing=False)) from None
        self._line_number = 1
        if not first:
            raise CaptureError(f"{name} is empty: not a zinspect capture file")
        if not first.strip():
            raise CaptureError(
                f"{name} is not a zinspect capture file: line 1 is blank (a "
                "capture starts with its header line)"
            )
        if len(first) > MAX_HEADER_BYTES:
            raise CaptureError(
                f"{name} is not a zinspect capture file: its first line is "
                f"longer than {describe_size(MAX_HEADER_BYTES)}, which no "
                "capture header is"
            )
        try:
            obj = json.loads(first)
        except (ValueError, RecursionError):
            raise CaptureError(
                f"{name} is not a zinspect capture file (its first line is not JSON)"
            ) from None
        return check_header(obj, name)

    @property
    def progress(self) -> float:
        """Fraction of the file's bytes read, 0.0 to 1.0."""
        if self.done or self.size <= 0:
            return 1.0
        try:
            return min(1.0, self._file.tell() / self.size)
        except (OSError, ValueError):
            return 1.0

    def read(self, budget: float = READ_BUDGET_S) -> list[Message]:
        """Decode lines for about ``budget`` seconds (at least one line, or part of a long
        one); [] once done, and possibly [] before (a slice spent on other lines)."""
        return [
            Message(row[0], row[1], row[2], list(row[ROW_FRAMES:]))
            for row in self.read_rows(budget)
        ]

    def read_rows(self, budget: float = READ_BUDGET_S) -> list[Row]:
        """As ``read``, the messages as store rows (core.store), for MessageStore.extend_rows;
        ``received_in_last`` says how many of them are "in"."""
        self.received_in_last = 0
        if self.done:
            return []
        messages: list[Row] = []
        append = messages.append
        names = self._names
        readline = self._file.readline
        long = self._long
        clock = time.monotonic
        deadline = clock() + budget
        number = self._line_number
        piece = READ_PIECE
        try:
            while True:
                if long.pending:
                    line = long.resume(deadline)
                else:
                    line = readline(piece)
                    if len(line) == piece and not line.endswith(b"\n"):
                        line = long.start(line, deadline)
                if line is None:  # the deadline came in the middle of a long line
                    break
                if not line:
                    self._finish()
                    break
                number += 1
                if number & 127 == 0 and clock() >= deadline:
                    deadline = 0.0  # this line is the slice's last
                if line is TOO_LONG:
                    self._bad(
                        number,
                        f"the line is {describe_size(long.size)} long, more "
                        f"than the {describe_size(self.max_line)} a line may be",
                        long.cut,
                    )
                    deadline = 0.0
                    continue
                try:
                    message = None
                    if len(line) > piece:  # type: ignore[arg-type]
                        message = parse_big_line(line)  # type: ignore[arg-type]
                        if message is None:
                            check_commas(line)  # type: ignore[arg-type]
                    if message is None:
                        obj = parse_json_line(line)  # type: ignore[arg-type]
                        message = parse_row(obj, names)
                except _BadLineError as error:
                    if error.args:
                        ended = line.endswith(b"\n")  # type: ignore[attr-defined]
                        self._bad(number, str(error), not ended)
                    if deadline == 0.0:
                        break
                    continue  # no reason: a blank line, which is no damage
                if message is None:
                    self.events += 1
                    event = parse_event(obj)  # type: ignore[arg-type]
                    if event is not None and event.name == RECORDING_CUT:
                        self.cut_short = event.detail[:CUT_NOTE_CHARS]
                    if (
                        event is not None
                        and len(self.event_records) < MAX_EVENT_RECORDS
                        and self._event_bytes < MAX_EVENT_BYTES
                    ):
                        self.event_records.append(event)
                        self._event_bytes += len(line)  # type: ignore[arg-type]
                else:
                    append(message)
                if deadline == 0.0 or (
                    len(line) > piece  # type: ignore[arg-type]
                    and clock() >= deadline
                ):
                    break  # a big line takes its time: the clock is read after each
        except OSError as error:
            self._finish()
            raise CaptureError(describe_os_error(error, self.path, writing=False)) from None
        finally:
            self._line_number = number
        self.messages_read += len(messages)
        self.received_in_last = sum(1 for row in messages if row[ROW_DIRECTION] == IN)
        return messages

    def _bad(self, number: int, reason: str, cut: bool) -> None:
        self.skipped += 1
        if len(self.first_bad_lines) < MAX_BAD_LINES_LISTED:
            self.first_bad_lines.append(number)
        if not self.first_error:
            self.first_error = reason
        # A line without its newline can only be the last: the writer was interrupted.
        self.truncated_end = cut

    def _finish(self) -> None:
        self.done = True
        self.close()

    def close(self) -> None:
        try:
            self._file.close()
        except OSError:
            pass

    def result(self, messages: list[Message]) -> CaptureResult:
        return CaptureResult(
            messages,
            self.skipped,
            list(self.first_bad_lines),
            self.first_error,
            self.events,
            self.truncated_end,
            dict(self.header),
            list(self.event_records),
            self.cut_short,
        )


def read_capture(
    path: str | os.PathLike[str], progress: Callable[[float], None] | None = None
) -> CaptureResult:
    """Read a whole capture in one call (scripts, tests, the command line); ``progress`` is
    called with the fraction read after each slice. A UI should use CaptureReader instead."""
    reader = CaptureReader(path)
    messages: list[Message] = []
    try:
        while not reader.done:
            messages.extend(reader.read(0.05))
            if progress is not None:
                progress(reader.progress)
    finally:
        reader.close()
    return reader.result(messages)
