"""Recording: follow the store and append every new message to a capture file.

The store has no per-message callback (at hundreds of thousands of messages a second that
would cost the receive path most of its rate), so the recorder pulls like the traffic view
does: on a loop timer it takes the rows from the last sequence number it wrote up to the
store's end, writes them within a time budget, and flushes. A backlog bigger than one slice
is worked off in further slices that let the loop run in between.

Two ways a message can escape the file, both handled: the store's caps may drop it before
the recorder came round (counted as ``missed`` and said so), and the user's Clear would
forget it (the store calls ``on_before_clear`` first, and the recorder writes what is
pending). A write error stops the recording, never the capture in memory.

A quit must not wait for a recorder far behind (writing a million lines takes well over a
second): ``stop`` with a deadline writes what fits, finishes a big message half written (so
every line is whole), and ends the file with a ``recording_cut`` event line that says how many
messages, received or sent when, are not in it; the file holds every message before them, in
order. Stop recording without a deadline always writes everything.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from zinspect.core.capture.capture import CaptureError, CaptureWriter
from zinspect.core.sockets.events import RECORDING_CUT, SocketEvent
from zinspect.core.store import ROW_TIME, MessageStore

if TYPE_CHECKING:
    from zinspect.core.sockets.socket_handle import SocketHandle

log = logging.getLogger(__name__)

TICK_SECONDS = 0.2  # how often new traffic is written when the recorder is caught up
SLICE_SECONDS = 0.008  # writing work per turn of the loop while there is a backlog
# ... and while a big message is half written: longer turns, so that writing hundreds of MB
# keeps up with a peer (each turn of the loop costs some time of its own)
BIG_SLICE_SECONDS = 0.030
CHUNK = 2048  # rows taken from the store at a time


class Recorder:
    """Records the traffic of ``store`` into the capture file at ``path`` from now on.

    ``start()`` opens the file (CaptureError in words if it cannot) and follows the store;
    ``stop()`` writes what is pending, flushes and closes. ``on_stopped`` listeners are
    called once with '' after stop(), or with the error in words when writing failed.
    Create and use it on the running asyncio loop.
    """

    def __init__(
        self,
        store: MessageStore,
        path: str | os.PathLike[str],
        tick: float = TICK_SECONDS,
        events: list[Callable[[SocketHandle | None, SocketEvent], None]] | None = None,
    ) -> None:
        self.store = store
        # a Session's on_event list: connection events are recorded too, as event lines
        self._event_listeners = events
        self._events: list[SocketEvent] = []
        self.path = os.fspath(path)
        self.tick = tick
        self.written = 0
        self.missed = 0
        self.cut = 0  # messages left out by a stop with a deadline (a quit)
        self.error = ""
        self.started_at = 0.0
        self.on_stopped: list[Callable[[str], None]] = []
        self._writer: CaptureWriter | None = None
        self._next_seq = 0
        self._timer: asyncio.TimerHandle | asyncio.Handle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def active(self) -> bool:
        return self._writer is not None

    @property
    def pending(self) -> int:
        """Messages in the store the recorder has not written yet."""
        if not self.active:
            return 0
        return max(0, self.store.end_seq - max(self._next_seq, self.store.first_seq))

    def start(self) -> None:
        """Open the file and follow the store from its current end (CaptureError if the
        file cannot be created)."""
        if self.active:
            return
        self._loop = asyncio.get_running_loop()
        self._writer = CaptureWriter(self.path)
        self.started_at = time.time()
        self._next_seq = self.store.end_seq
        self.store.on_before_clear.append(self._on_store_before_clear)
        if self._event_listeners is not None:
            self._event_listeners.append(self._on_event)
        self._schedule(self.tick)
        log.info("recording to %s", self.path)

    def stop(self, deadline: float | None = None) -> str:
        """Write everything still pending, flush and close; returns '' or the error. With a
        ``deadline`` (monotonic) only what fits before it is written, and the file's last
        line says what was left out (``cut`` counts it)."""
        if not self.active:
            return self.error
        try:
            if self._write_pending(deadline):
                self._cut_short()
            assert self._writer is not None
            self._writer.close()
        except CaptureError as error:
            self._end(str(error))
        else:
            self._end("")
        return self.error

    # -- following the store ----------------------------------------------------------------
    def _schedule(self, delay: float) -> None:
        assert self._loop is not None
        if delay <= 0:
            self._timer = self._loop.call_soon(self._on_timer)
        else:
            self._timer = self._loop.call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if not self.active:
            return
        try:
            assert self._writer is not None
            budget = BIG_SLICE_SECONDS if self._writer.writing else SLICE_SECONDS
            more = self._write_pending(deadline=time.monotonic() + budget)
            assert self._writer is not None
            self._writer.flush()
        except CaptureError as error:
            self._end(str(error))
            return
        self._schedule(0 if more else self.tick)

    def _on_event(self, _handle: object, event: SocketEvent) -> None:
        self._events.append(event)

    def _on_store_before_clear(self) -> None:
        """The user's Clear is about to forget the kept messages: write the pending ones."""
        if not self.active:
            return
        try:
            self._write_pending(deadline=None)
            assert self._writer is not None
            self._writer.flush()
        except CaptureError as error:
            self._end(str(error))
            return
        self._next_seq = self.store.end_seq  # clear() keeps end_seq: nothing is missed

    def _write_pending(self, deadline: float | None) -> bool:
        """Encode rows from the last written seq to the store's end, until ``deadline``
        (monotonic; None: all of them). True when rows were left for another slice."""
        writer = self._writer
        assert writer is not None
        store = self.store
        if self._next_seq < store.first_seq:
            missed = store.first_seq - self._next_seq
            self.missed += missed
            self._next_seq = store.first_seq
            log.warning(
                "recording to %s missed %d messages: the store's cap dropped them "
                "before they were written (%d missed so far)",
                self.path,
                missed,
                self.missed,
            )
        # A big message is written in pieces over several slices (core.capture_stream), so
        # the loop keeps receiving meanwhile; the recorder holds that one message until done.
        if not writer.resume(deadline):
            return True
        end = store.end_seq
        clock = time.monotonic
        while self._next_seq < end:
            # as kept: a big frame is encoded straight from libzmq's buffer, never copied
            first, rows = store.raw_rows(self._next_seq, min(end, self._next_seq + CHUNK))
            taken = writer.write_rows(rows, deadline)
            self.written += taken
            self._next_seq = first + taken if rows else end
            del rows  # not holding messages the store's caps may drop
            if writer.writing:
                return True
            if deadline is not None and clock() >= deadline:
                return self._next_seq < end
        # Events after the messages of the same slice: a line at most one tick out of time
        # order, which readers sort by time if they need to
        events, self._events = self._events, []
        for event in events:
            writer.write_event(event)
        return False

    def _cut_short(self) -> None:
        """The deadline passed with messages still pending: finish the line being written,
        then say in the file's last line which messages it does not hold."""
        writer = self._writer
        assert writer is not None
        writer.resume(None)  # a big message half written: its line is finished, whole
        store = self.store
        first = max(self._next_seq, store.first_seq)
        end = store.end_seq
        self.cut = end - first
        self._next_seq = end
        events, self._events = self._events, []
        for event in events:
            writer.write_event(event)
        if not self.cut:
            return
        first_row, last_row = store.raw_row(first), store.raw_row(end - 1)  # (times)
        assert first_row is not None and last_row is not None
        detail = (
            f"zinspect quit before writing the last {self.cut:,} messages (received or sent "
            f"from {_clock(first_row[ROW_TIME])} to {_clock(last_row[ROW_TIME])}); the file "
            f"holds the {self.written:,} before them, in order"
        )
        writer.write_event(SocketEvent(time.time(), "", RECORDING_CUT, "", self.cut, detail))
        log.warning("recording to %s cut short: %s", self.path, detail)

    def _end(self, error: str) -> None:
        """Leave the store alone from now on; tell listeners once."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._on_store_before_clear in self.store.on_before_clear:
            self.store.on_before_clear.remove(self._on_store_before_clear)
        if self._event_listeners is not None and self._on_event in self._event_listeners:
            self._event_listeners.remove(self._on_event)
        writer, self._writer = self._writer, None
        if writer is not None and not writer.closed:
            writer.abort()
        self.error = error
        if error:
            log.warning("recording to %s stopped: %s", self.path, error)
        else:
            log.info(
                "recording to %s stopped: %d messages written, %d missed%s",
                self.path,
                self.written,
                self.missed,
                f", {self.cut:,} left out at the quit" if self.cut else "",
            )
        for listener in list(self.on_stopped):
            listener(error)


def _clock(stamp: float) -> str:
    """A local time of day with milliseconds, as the Events panel shows it."""
    return time.strftime("%H:%M:%S", time.localtime(stamp)) + f".{int(stamp * 1000) % 1000:03d}"
