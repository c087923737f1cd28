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
import errno
import json
import logging
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Sequence

import zinspect
from zinspect.core.sockets.events import SocketEvent
from zinspect.core.store import IN, OUT, Message

log = logging.getLogger(__name__)

FORMAT_KEY = "zinspect_capture"
FORMAT_VERSION = 1
CAPTURE_SUFFIX = ".jsonl"
MAX_BAD_LINES_LISTED = 10
READ_BUDGET_S = 0.010  # one slice of reading, so a UI loop stays responsive
_DIRECTIONS = (IN, OUT)
_b2a = binascii.b2a_base64
# Reading runs per message: the C scanner on a str is ~3x json.loads on bytes, and
# binascii's strict mode (Python 3.11+) ~4x base64.b64decode(validate=True).
# (scan_once is set by JSONDecoder.__init__; typeshed does not declare it)
_scan_json: Callable[[str, int], tuple[Any, int]] = \
    json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _decode_frame_compat(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


try:
    binascii.a2b_base64("", strict_mode=True)  # type: ignore[call-arg]  # (3.11+)
except TypeError:  # Python 3.10
    _decode_frame = _decode_frame_compat
else:
    def _decode_frame(text: str) -> bytes:
        return binascii.a2b_base64(text, strict_mode=True)  # type: ignore[call-arg]  # (3.11+)


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
    return {FORMAT_KEY: FORMAT_VERSION,
            "created": time.time() if created is None else created,
            "zinspect": zinspect.__version__}


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

    def line(self, stamp: float, socket: str, direction: str,
             frames: Iterable[bytes]) -> str:
        """One message as a complete line (with its newline)."""
        if not math.isfinite(stamp):
            raise ValueError(f"message time {stamp!r} is not a finite number")
        if direction not in _DIRECTIONS:
            raise ValueError(f"direction must be 'in' or 'out', not {direction!r}")
        encoded = '","'.join([_b2a(frame, newline=False).decode("ascii") for frame in frames])
        return (f'{{"time":{float(stamp)!r},"socket":{self.socket_json(socket)},'
                f'"direction":"{direction}","frames":["{encoded}"]}}\n')


def event_line(event: SocketEvent) -> str:
    """A connection event as a capture line: ``event`` (its name), ``socket``,
    ``endpoint``, ``value`` (libzmq's number), ``detail`` (decoded) and ``time``."""
    return json.dumps({"time": event.time, "event": event.name, "socket": event.socket,
                       "endpoint": event.endpoint, "value": event.value,
                       "detail": event.detail}, ensure_ascii=False) + "\n"


def parse_event(obj: dict[str, Any]) -> SocketEvent | None:
    """The event of an event line; None when its fields are not of the right types (an
    event line is never damage: a later zinspect may write other kinds)."""
    stamp: Any  # JSON; checked below with type(), which mypy does not narrow by
    stamp, name = obj.get("time"), obj.get("event")
    socket, endpoint = obj.get("socket", ""), obj.get("endpoint", "")
    value, detail = obj.get("value", 0), obj.get("detail", "")
    if type(stamp) not in (float, int) or type(name) is not str or type(socket) is not str \
            or type(endpoint) is not str or type(value) is not int or type(detail) is not str \
            or not _finite(stamp):
        return None
    return SocketEvent(float(stamp), socket, name, endpoint, value, detail)


def _finite(number: float | int) -> bool:
    """A finite time; an integer too large for a float (JSON allows 1000...0) is not."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False


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
        self._file: BinaryIO | None = None
        try:
            self._file = open(self.path, "wb")  # noqa: SIM115 (kept open while recording)
        except OSError as error:
            self._fail(error)
        self._pending.append(json.dumps(header_object(created)) + "\n")
        self.flush()

    @property
    def closed(self) -> bool:
        return self._file is None

    def write(self, stamp: float, socket: str, direction: str, frames: Sequence[bytes]) -> None:
        """Queue one message line; it reaches the file at the next ``flush``."""
        self._check()
        self._pending.append(self._encoder.line(stamp, socket, direction, frames))
        self.messages_written += 1

    def write_message(self, message: Message) -> None:
        self.write(message.time, message.socket, message.direction, message.frames)

    def write_event(self, event: SocketEvent) -> None:
        """Queue one connection event line (see event_line)."""
        self._check()
        self._pending.append(event_line(event))

    def write_lines(self, lines: list[str], count: int) -> None:
        """Queue ready-made message lines (from ``encoder``), ``count`` messages."""
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
        if not self._pending:
            return
        data = "".join(self._pending).encode("utf-8")
        self._pending = []
        assert self._file is not None
        try:
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
        self.abort()
        log.info("capture file %s failed: %s", self.path, self.error)
        raise CaptureError(self.error) from None

    def abort(self) -> None:
        """Close without writing what is queued (after an error, or to give up)."""
        self._pending = []
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


class _BadLine(ValueError):
    """Why one line is not a message (internal: becomes a count and a line number)."""


def parse_json_line(line: bytes) -> object:
    """The JSON value of one line; _BadLine if it is not exactly one (with no reason for a
    blank line)."""
    try:
        text = line.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise _BadLine("not valid UTF-8") from None
    if not text:
        raise _BadLine()
    try:
        obj, end = _scan_json(text, 0)
    except (StopIteration, ValueError, RecursionError):
        raise _BadLine("not valid JSON") from None
    if end != len(text):
        raise _BadLine("not valid JSON")
    return obj


def parse_message(obj: object) -> Message | None:
    """A message from one parsed line, None for an event line; _BadLine otherwise."""
    if type(obj) is not dict:
        raise _BadLine("not a JSON object")
    if "event" in obj:
        return None
    try:
        stamp = obj["time"]
        socket = obj["socket"]
        direction = obj["direction"]
        frames = obj["frames"]
    except KeyError as error:
        raise _BadLine(f"no {error.args[0]!r} field") from None
    try:  # inline, not _finite(): this runs per message
        if type(stamp) not in (float, int) or not math.isfinite(stamp):
            raise _BadLine("time is not a number")
    except OverflowError:  # an integer too large for a float (JSON allows 1000...0)
        raise _BadLine("time is not a number") from None
    if type(socket) is not str:
        raise _BadLine("socket is not a string")
    if direction not in _DIRECTIONS:
        raise _BadLine('direction is not "in" or "out"')
    if type(frames) is not list or not frames:
        raise _BadLine("frames is not a non-empty list")
    try:
        data = [_decode_frame(frame) for frame in frames]
    except (TypeError, ValueError, binascii.Error):
        raise _BadLine("a frame is not a base64 string") from None
    return Message(float(stamp), socket, direction, data)


def check_header(obj: object, name: str) -> dict[str, Any]:
    """The header object, or CaptureError saying why this is not a readable capture."""
    if type(obj) is not dict or FORMAT_KEY not in obj:
        raise CaptureError(f"{name} is not a zinspect capture file (its first line is not "
                           "a capture header)")
    version = obj[FORMAT_KEY]
    if type(version) is not int or version < 1:
        raise CaptureError(f"{name} has an invalid capture format version: {version!r}")
    if version > FORMAT_VERSION:
        raise CaptureError(f"{name} is a version {version} capture; this zinspect reads "
                           f"version {FORMAT_VERSION} (update zinspect to open it)")
    return obj


class CaptureReader:
    """Reads a capture in slices: each ``read()`` works for about ``budget`` seconds and
    returns the messages it decoded, so a UI can show ``progress`` between slices.

    Opening checks the header at once (CaptureError if the file is not a capture). Damaged
    lines are skipped and counted; the first few line numbers are kept for the report.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.done = False
        self.skipped = 0
        self.events = 0
        self.event_records: list[SocketEvent] = []
        self.messages_read = 0
        self.first_bad_lines: list[int] = []
        self.first_error = ""
        self.truncated_end = False
        self._line_number = 0
        try:
            self._file: BinaryIO = open(self.path, "rb")  # noqa: SIM115 (read in slices)
            self.size = os.fstat(self._file.fileno()).st_size
        except OSError as error:
            raise CaptureError(describe_os_error(error, self.path, writing=False)) from None
        try:
            self.header = self._read_header()
        except BaseException:
            self.close()
            raise

    def _read_header(self) -> dict[str, Any]:
        name = str(self.path)
        try:
            first = self._file.readline()
        except OSError as error:
            raise CaptureError(describe_os_error(error, self.path, writing=False)) from None
        self._line_number = 1
        if not first.strip():
            raise CaptureError(f"{name} is empty: not a zinspect capture file")
        try:
            obj = json.loads(first)
        except (ValueError, RecursionError):
            raise CaptureError(f"{name} is not a zinspect capture file (its first line is "
                               "not JSON)") from None
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
        """Decode lines for about ``budget`` seconds (at least one); [] once done."""
        if self.done:
            return []
        messages: list[Message] = []
        append = messages.append
        readline = self._file.readline
        clock = time.monotonic
        deadline = clock() + budget
        number = self._line_number
        try:
            while True:
                line = readline()
                if not line:
                    self._finish()
                    break
                number += 1
                try:
                    obj = parse_json_line(line)
                    message = parse_message(obj)
                except _BadLine as error:
                    if error.args:
                        self._bad(number, str(error), line)
                    continue  # no reason: a blank line, which is no damage
                if message is None:
                    self.events += 1
                    event = parse_event(obj)  # type: ignore[arg-type]
                    if event is not None:
                        self.event_records.append(event)
                    continue
                append(message)
                if number & 127 == 0 and clock() >= deadline:
                    break
        except OSError as error:
            self._finish()
            raise CaptureError(describe_os_error(error, self.path, writing=False)) from None
        finally:
            self._line_number = number
        self.messages_read += len(messages)
        return messages

    def _bad(self, number: int, reason: str, line: bytes) -> None:
        self.skipped += 1
        if len(self.first_bad_lines) < MAX_BAD_LINES_LISTED:
            self.first_bad_lines.append(number)
        if not self.first_error:
            self.first_error = reason
        # A line without its newline can only be the last: the writer was interrupted.
        self.truncated_end = not line.endswith(b"\n")

    def _finish(self) -> None:
        self.done = True
        self.close()

    def close(self) -> None:
        try:
            self._file.close()
        except OSError:
            pass

    def result(self, messages: list[Message]) -> CaptureResult:
        return CaptureResult(messages, self.skipped, list(self.first_bad_lines),
                             self.first_error, self.events, self.truncated_end,
                             dict(self.header), list(self.event_records))


def read_capture(path: str | os.PathLike[str],
                 progress: Callable[[float], None] | None = None) -> CaptureResult:
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
