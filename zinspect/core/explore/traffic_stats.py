"""A capture summed up: per socket and topic the count, rate and latest value; request/reply
latency per socket; sequence gaps. What ``zinspect stats`` prints, as plain JSON-ready data.

Fed rows in order like the views (``feed``), it decodes only what it must to name a topic
(a message a recogniser's cheap ``match`` takes) and keeps the latest frames of each topic,
decoding them once at the end for their one-line value. At most ``MAX_TOPICS`` topics are
kept in detail; the messages of any others are counted under ``OTHER_TOPICS`` per socket.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.recognisers import RECOGNISERS
from zinspect.core.explore.fields import message_topic
from zinspect.core.explore.latency import LatencyTracker, guess_socket_type
from zinspect.core.explore.latency_stats import LatencyFigures
from zinspect.core.explore.sequence_gaps import GapTracker, SequenceMark
from zinspect.core.store import ROW_FRAMES, ROW_SOCKET, ROW_TIME, Row

MAX_TOPICS = 10_000
OTHER_TOPICS = "(other topics)"
_NAMING = [r for r in RECOGNISERS if r.name != "envelope"]  # those that name a topic


@dataclass
class TopicCount:
    socket: str
    topic: str
    count: int = 0
    first_time: float = 0.0
    last_time: float = 0.0
    last_frames: tuple[bytes, ...] = field(default=(), repr=False)


class TrafficStats:
    """Everything ``zinspect stats`` reports, built from rows fed in order."""

    def __init__(
        self,
        decoder: MessageDecoder | None = None,
        socket_type: Callable[[str], str] = guess_socket_type,
        marks: Sequence[SequenceMark] = (),
    ) -> None:
        self._decoder = decoder if decoder is not None else MessageDecoder()
        self._socket_type = socket_type
        self.latency = LatencyTracker(self._decoder, socket_type)
        self.gaps = GapTracker(self._decoder, socket_type)
        for mark in marks:
            self.gaps.add_mark(mark)
        self._topics: dict[tuple[str, str], TopicCount] = {}
        self.first_time: float | None = None
        self.last_time: float | None = None
        self.messages = 0

    def feed(self, first_seq: int, rows: Sequence[Row]) -> None:
        if not rows:
            return
        self.latency.feed(first_seq, rows)
        self.gaps.feed(first_seq, rows)
        topics = self._topics
        for row in rows:
            socket = row[ROW_SOCKET]
            frames = row[ROW_FRAMES:]
            topic = self._topic(socket, frames)
            key = (socket, topic)
            count = topics.get(key)
            if count is None:
                if len(topics) >= MAX_TOPICS:
                    key = (socket, OTHER_TOPICS)
                    count = topics.get(key)
                if count is None:
                    count = topics[key] = TopicCount(*key, first_time=row[ROW_TIME])
            count.count += 1
            count.last_time = row[ROW_TIME]
            count.last_frames = frames
        if self.first_time is None:
            self.first_time = rows[0][ROW_TIME]
        self.last_time = rows[-1][ROW_TIME]
        self.messages += len(rows)

    def _topic(self, socket: str, frames: Sequence[bytes]) -> str:
        kind = self._socket_type(socket)
        if any(recogniser.match(frames, kind) for recogniser in _NAMING):
            return message_topic(frames, self._decoder.decode(frames, socket, kind))
        return message_topic(frames)

    @property
    def duration(self) -> float:
        if self.first_time is None or self.last_time is None:
            return 0.0
        return max(0.0, self.last_time - self.first_time)

    def report(self) -> dict[str, Any]:
        """``{"topics", "latency", "gaps"}`` as JSON-ready lists (the end of the traffic: a
        request still waiting counts as unanswered)."""
        self.latency.give_up_all()
        span = self.duration
        topics = [
            {
                "socket": count.socket,
                "topic": count.topic,
                "count": count.count,
                "rate": round(count.count / span, 3) if span > 0 else 0.0,
                "last": self._value(count),
                "first_time": count.first_time,
                "last_time": count.last_time,
            }
            for count in sorted(self._topics.values(), key=lambda c: (c.socket, c.topic))
        ]
        figures = self.latency.figures()
        latency = []
        for row in figures:
            if row.group:
                continue
            item = _figures_json(row)
            item["groups"] = [
                {"group": g.group, **_figures_json(g)}
                for g in figures
                if g.socket == row.socket and g.group
            ]
            latency.append(item)
        gaps = [
            {
                "socket": gap.socket,
                "topic": gap.topic,
                "after": gap.after,
                "next": gap.next,
                "missed": gap.missed,
                "time": gap.time,
            }
            for gap in self.gaps.gaps()
        ]
        return {"topics": topics, "latency": latency, "gaps": gaps}

    def _value(self, count: TopicCount) -> str:
        if count.topic == OTHER_TOPICS:
            return ""
        kind = self._socket_type(count.socket)
        return self._decoder.decode(count.last_frames, count.socket, kind).summary


def _figures_json(row: LatencyFigures) -> dict[str, Any]:
    def ms(seconds: float) -> float:
        return round(seconds * 1000, 3)

    return {
        "socket": row.socket,
        "count": row.count,
        "p50_ms": ms(row.p50),
        "p90_ms": ms(row.p90),
        "p99_ms": ms(row.p99),
        "max_ms": ms(row.max),
        "unanswered": row.unanswered,
    }
