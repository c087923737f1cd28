"""The rule that keeps the Events timeline calm: repeated events become one row with a count.

A connect to an endpoint where nobody listens makes libzmq report "connect delayed",
"closed" and "connect retried" every retry interval, for ever: hundreds of rows a minute that
bury the events worth reading. Here an event that only repeats what its socket already said
(same socket, same kind, same endpoint, same detail) is counted into the row that said it
first, which keeps the count and the time of the last one.

The rule, decided once:

- Only the kinds a retry or reconnect loop repeats are counted (``REPEATING``): connect
  delayed/retried, closed, disconnected, and the handshake and accept failures a loop with a
  wrong key or a foreign peer repeats. Milestones (listening, connected, accepted, handshake
  succeeded, bind failed, the authenticator's verdicts) always get their own row.
- A run survives other repeating events in between: the retry loop interleaves three kinds,
  and each kind keeps one row.
- A milestone of the same socket ends every run of that socket: after "connected", the next
  "disconnected" is news and gets a new row, so the story of a flapping peer stays in order.

The session's event history (``Session.events``) and the Events panel both keep their events
this way, so an endpoint whose peer is gone for an hour is a few rows with counts, not ten
thousand retries that push out the events worth reading. Captures record every event
(core.capture).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from zinspect.core.sockets.events import SocketEvent

log = logging.getLogger(__name__)

REPEATING = frozenset(
    {
        "connect_delayed",
        "connect_retried",
        "closed",
        "disconnected",
        "accept_failed",
        "close_failed",
        "handshake_failed_no_detail",
        "handshake_failed_protocol",
        "handshake_failed_auth",
    }
)

RunKey = tuple[str, str, str, str]


def run_key(event: SocketEvent) -> RunKey | None:
    """What makes two events "the same" (None for a milestone, which never repeats). The
    value is left out (a closed fd changes every time), and so is a retry's detail: it is
    only the interval, which libzmq varies at random and doubles."""
    if event.name not in REPEATING:
        return None
    detail = "" if event.name == "connect_retried" else event.detail
    return (event.socket, event.name, event.endpoint, detail)


@dataclass(eq=False)
class EventRow:
    """One row of the timeline: its first event, how many times it happened, and when last."""

    event: SocketEvent
    seq: int  # position in the log since it began (rows are dropped oldest first)
    count: int = 1
    latest: SocketEvent | None = field(default=None)  # the last one counted (its interval)

    def __post_init__(self) -> None:
        self.latest = self.latest or self.event

    @property
    def last(self) -> float:
        """When it last happened."""
        return self.latest.time if self.latest is not None else self.event.time


class EventLog:
    """The newest ``limit`` rows, oldest first; ``add`` counts or appends one event.
    Iterating gives each row's first event, oldest first (``rows`` has the counts)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.rows: deque[EventRow] = deque()
        self._open: dict[RunKey, EventRow] = {}
        self._next_seq = 0

    def __iter__(self) -> Iterator[SocketEvent]:
        return (row.event for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def add(
        self, event: SocketEvent, count: int = 1, latest: SocketEvent | None = None
    ) -> tuple[EventRow, bool]:
        """The row ``event`` went to, and True when it was counted into an existing row.
        ``count`` and ``latest`` copy a row of another log (``event`` then happened
        ``count`` times, the last being ``latest``)."""
        key = run_key(event)
        if key is None:
            self._end_runs(event.socket)
        else:
            row = self._open.get(key)
            if row is not None:
                row.count += count
                row.latest = latest or event
                return row, True
        row = EventRow(event, self._next_seq, count, latest)
        self._next_seq += 1
        self.rows.append(row)
        if key is not None:
            self._open[key] = row
        while len(self.rows) > self.limit:
            self._forget(self.rows.popleft())
        return row, False

    def index_of(self, row: EventRow) -> int | None:
        """The row's place in ``rows`` now, or None once it was dropped."""
        if not self.rows:
            return None
        index = row.seq - self.rows[0].seq
        return index if 0 <= index < len(self.rows) and self.rows[index] is row else None

    def clear(self) -> None:
        self.rows.clear()
        self._open.clear()

    def _end_runs(self, socket: str) -> None:
        for key in [key for key in self._open if key[0] == socket]:
            del self._open[key]

    def _forget(self, row: EventRow) -> None:
        key = run_key(row.event)
        if key is not None and self._open.get(key) is row:
            del self._open[key]
