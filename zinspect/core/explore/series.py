"""Plot series: a field's values over time, and messages per second, kept as bounded numpy rings.

A plot reads the store the way the traffic table does: in batches of rows, never a callback
per message (``series_feed.SeriesFeed`` pulls them). A value series is (socket or any, topic
or any, field path); it looks at the cheap things first (the socket name, the raw topic) and
decodes only the messages that can be on its topic, because decoding costs ten times what
the checks cost. Points live in numpy arrays in a ring, so 100,000 of them hand to the plot as
two arrays without a Python object per point, and a series never holds more than its cap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import DecodedMessage
from zinspect.core.decode.recognisers import RECOGNISERS
from zinspect.core.explore.fields import (
    PROTOCOL_TOPIC_FIELDS,
    FieldPath,
    field_value,
    message_topic,
    numeric,
)
from zinspect.core.store import ROW_FRAMES, ROW_SOCKET, ROW_TIME, Row

# a value past this cannot be drawn: the plot's range (max - min, padded) would overflow
DRAWABLE = 1e300
POINT_CAP = 1_000_000  # points a series keeps at most (the store's default message cap)
_FIRST_CAPACITY = 4096  # a ring starts small and doubles up to its cap
# recognisers whose protocol names its own topic: only they can move a message to a topic
# other than its first frame's
_TOPIC_RECOGNISERS = [r for r in RECOGNISERS if r.name in PROTOCOL_TOPIC_FIELDS]

Floats = npt.NDArray[np.float64]


class PointRing:
    """(time, value) pairs, oldest dropped past ``cap``; arrays grow by doubling up to it."""

    def __init__(self, cap: int = POINT_CAP) -> None:
        if cap < 1:
            raise ValueError("a series keeps at least one point")
        self.cap = cap
        size = min(cap, _FIRST_CAPACITY)
        self._times: Floats = np.empty(size)
        self._values: Floats = np.empty(size)
        self._start = 0  # index of the oldest point
        self._count = 0
        self.dropped = 0  # points pushed out by the cap

    def __len__(self) -> int:
        return self._count

    def clear(self) -> None:
        self._start = self._count = 0

    def extend(self, times: Sequence[float], values: Sequence[float]) -> None:
        if not times:
            return
        new_times = np.asarray(times, dtype=np.float64)[-self.cap :]
        new_values = np.asarray(values, dtype=np.float64)[-self.cap :]
        self.dropped += len(times) - len(new_times)
        needed = self._count + len(new_times)
        if needed > len(self._times) and len(self._times) < self.cap:
            self._grow(min(self.cap, max(needed, 2 * len(self._times))))
        size = len(self._times)
        over = max(0, needed - size)
        if over:  # the oldest go
            self._start = (self._start + over) % size
            self._count -= over
            self.dropped += over
        end = (self._start + self._count) % size
        first = min(len(new_times), size - end)
        self._times[end : end + first] = new_times[:first]
        self._values[end : end + first] = new_values[:first]
        rest = len(new_times) - first
        if rest:
            self._times[:rest] = new_times[first:]
            self._values[:rest] = new_values[first:]
        self._count += len(new_times)

    def _grow(self, size: int) -> None:
        times, values = self.arrays()
        self._times = np.empty(size)
        self._values = np.empty(size)
        self._times[: len(times)] = times
        self._values[: len(values)] = values
        self._start = 0

    def arrays(self) -> tuple[Floats, Floats]:
        """Times and values, oldest first (a copy only when the ring has wrapped)."""
        end = self._start + self._count
        if end <= len(self._times):
            return self._times[self._start : end], self._values[self._start : end]
        wrap = end - len(self._times)
        return (
            np.concatenate((self._times[self._start :], self._times[:wrap])),
            np.concatenate((self._values[self._start :], self._values[:wrap])),
        )

    def last_time(self) -> float | None:
        if not self._count:
            return None
        return float(self._times[(self._start + self._count - 1) % len(self._times)])


@dataclass(frozen=True)
class SeriesKey:
    """What a value series plots: a field of the messages of a socket (None: any) on a topic
    (None: any)."""

    socket: str | None
    topic: str | None
    path: FieldPath

    def label(self) -> str:
        where = [self.socket or "any socket"]
        if self.topic is not None:
            where.append(f"topic {self.topic or '(none)'}")
        return f"{self.path.text()} — {', '.join(where)}"


class ValueSeries:
    """One field's numeric values over time, fed with store rows in batches."""

    def __init__(
        self,
        key: SeriesKey,
        decoder: MessageDecoder,
        socket_type: Callable[[str], str],
        cap: int = POINT_CAP,
    ) -> None:
        self.key = key
        self._decoder = decoder
        self._socket_type = socket_type
        self.points = PointRing(cap)
        self.matched = 0  # messages on the series' socket and topic looked at
        self.not_numeric = 0  # of them, those without a number at the path
        self.too_large = 0  # and those with a number past DRAWABLE
        self._types: dict[str, str] = {}

    def clear(self) -> None:
        """Forget the points and the counts of what had none ("3 without a number there"
        would be about messages no longer shown); the key stays."""
        self.points.clear()
        self.matched = self.not_numeric = self.too_large = 0

    def feed(self, rows: Sequence[Row]) -> int:
        """Take the points of ``rows``; returns how many were added."""
        key = self.key
        socket, topic, path = key.socket, key.topic, key.path
        times: list[float] = []
        values: list[float] = []
        self._types = {}  # socket types, asked once per batch
        for row in rows:
            if socket is not None and row[ROW_SOCKET] != socket:
                continue
            frames = row[ROW_FRAMES:]
            decoded = self._decoded_on_topic(frames, row[ROW_SOCKET], topic)
            if decoded is None:
                continue
            self.matched += 1
            number = numeric(field_value(decoded, path))
            if number is None:
                self.not_numeric += 1
                continue
            if not -DRAWABLE <= number <= DRAWABLE:
                self.too_large += 1
                continue
            times.append(row[ROW_TIME])
            values.append(number)
        self.points.extend(times, values)
        return len(times)

    def _decoded_on_topic(
        self, frames: Sequence[bytes], socket: str, topic: str | None
    ) -> DecodedMessage | None:
        """The decoded message when it is on ``topic`` (any when None), else None; decodes
        only what the cheap checks leave."""
        socket_type = self._types.get(socket)
        if socket_type is None:
            socket_type = self._types[socket] = self._socket_type(socket)
        if topic is not None and message_topic(frames) != topic:
            # only a protocol with a topic of its own can still put it there
            if not any(r.match(frames, socket_type) for r in _TOPIC_RECOGNISERS):
                return None
        decoded = self._decoder.decode(frames, socket, socket_type)
        if topic is not None and message_topic(frames, decoded) != topic:
            return None
        return decoded
