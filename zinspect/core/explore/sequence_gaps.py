"""Sequence gaps in received traffic: numbered streams that skipped numbers, per topic.

Two kinds of numbered stream: a recognised protocol that numbers its messages (bitcoin's
notifications: ``SequenceGaps`` of core.decode reads their ``sequence`` field), and a field
the user marks as a sequence on a socket (a ``SequenceMark``: a path such as ``f2.seq`` in a
JSON frame, or ``f1[2]`` for the counter of zinspect's own ``{seq}`` templates in "Hello 41"),
optionally on one topic only. Each gap is listed with the number before it, the number after
it and the time ("seq 41 -> 44: 2 missed at 14:02:11.303").

Only what may be numbered is decoded: a message the bitcoin recogniser's cheap ``match``
refuses on a socket nobody marked costs that check and nothing more. Memory is bounded: the
newest ``MAX_GAPS_LISTED`` gaps are listed, per-topic totals are kept for ``MAX_TOPICS``
streams, and the gap before a message by its sequence number for ``MAX_GAP_SEQS`` messages.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.gaps import SEQUENCE_MODULUS, SequenceGaps
from zinspect.core.decode.model import DecodedMessage, Recognition
from zinspect.core.decode.protocols.bitcoin import BitcoinRecogniser
from zinspect.core.explore.fields import FieldPath, PathError, field_value, message_topic
from zinspect.core.explore.latency import guess_socket_type
from zinspect.core.rows import RawRow
from zinspect.core.store import IN, ROW_DIRECTION, ROW_FRAMES, ROW_SOCKET, ROW_TIME, Row

MAX_GAPS_LISTED = 10_000
MAX_TOPICS = 10_000
MAX_GAP_SEQS = 100_000
MAX_MARKS = 64
MAX_SOCKETS_SEEN = 10_000  # names of sockets in the traffic, offered for a mark
_BITCOIN = BitcoinRecogniser()
_BITCOIN_ROW_LEN = ROW_FRAMES + 3  # its messages: topic, body, sequence number
_socket_of = itemgetter(ROW_SOCKET)
# sockets a PUB cannot send to: their messages are never a publisher's stream
_NEVER_PUBLISHED_TO = frozenset(
    {"PUB", "XPUB", "PUSH", "PULL", "REQ", "REP", "DEALER", "ROUTER", "PAIR", "STREAM"}
)


class MarkError(ValueError):
    """A sequence mark that cannot be used; the message says why in words."""


@dataclass(frozen=True)
class SequenceMark:
    """The field at ``path`` of messages received on ``socket`` (on ``topic`` only, unless
    it is empty) counts up by one per message."""

    socket: str
    path: FieldPath
    topic: str = ""

    def text(self) -> str:
        where = f"{self.socket}, topic {self.topic!r}" if self.topic else self.socket
        return f"{self.path.text()} on {where}"


def parse_mark(socket: str, path: str, topic: str = "") -> SequenceMark:
    """A mark from what the user typed; MarkError in words when it is not one."""
    socket = socket.strip()
    if not socket:
        raise MarkError("choose the socket whose messages carry the sequence number")
    if not path.strip():
        raise MarkError("type the path of the sequence field, like f2.seq or f1[2]")
    try:
        parsed = FieldPath.parse(path)
    except PathError as error:
        raise MarkError(f"path: {error}") from None
    return SequenceMark(socket, parsed, topic.strip())


@dataclass(frozen=True)
class Gap:
    """Numbers ``after`` + 1 .. ``next`` - 1 never arrived on ``topic`` of ``socket``; the
    message numbered ``next`` (sequence number ``seq`` in the store) came at ``time``."""

    socket: str
    topic: str
    after: int
    next: int
    missed: int
    time: float
    seq: int

    def text(self, clock: Callable[[float], str]) -> str:
        return f"seq {self.after} -> {self.next}: {self.missed} missed at {clock(self.time)}"


def sequence_number(value: object) -> int | None:
    """A sequence number from a decoded value: a whole number, or text that is one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and 0 < len(value) <= 20 and value.lstrip("-").isdigit():
        return int(value)
    return None


class GapTracker:
    """Feed it the store's rows in order; it lists the gaps and counts them per topic."""

    def __init__(
        self,
        decoder: MessageDecoder | None = None,
        socket_type: Callable[[str], str] = guess_socket_type,
    ) -> None:
        self._decoder = decoder if decoder is not None else MessageDecoder()
        self._socket_type = socket_type
        self._marks: list[SequenceMark] = []
        self.reset()

    def reset(self) -> None:
        """Forget the gaps and the streams' last numbers (the marks stay)."""
        self._protocol = SequenceGaps()
        self._marked = SequenceGaps()
        self._gaps: deque[Gap] = deque(maxlen=MAX_GAPS_LISTED)
        self._totals: OrderedDict[tuple[str, str], tuple[int, int]] = OrderedDict()
        self._before: OrderedDict[int, int] = OrderedDict()
        self._types: dict[str, str] = {}
        self._seen: set[str] = set()
        self.missed_total = 0

    # -- marks --------------------------------------------------------------------------
    @property
    def marks(self) -> list[SequenceMark]:
        return list(self._marks)

    def add_mark(self, mark: SequenceMark) -> None:
        """Count gaps in ``mark``'s field from the next message on."""
        if mark in self._marks:
            raise MarkError(f"{mark.text()} is marked already")
        if len(self._marks) >= MAX_MARKS:
            raise MarkError(f"at most {MAX_MARKS} fields can be marked; remove one first")
        self._marks.append(mark)

    def remove_mark(self, mark: SequenceMark) -> None:
        if mark in self._marks:
            self._marks.remove(mark)

    # -- feeding ------------------------------------------------------------------------
    def reads_frames(self, rows: Sequence[RawRow], sockets: Set[str] | None = None) -> bool:
        """Whether ``feed`` would read a frame of ``rows`` (when not, they may be the
        store's rows as kept, MessageStore.raw_rows, and no big frame is copied for it).
        ``sockets``: the rows' socket names, if the caller has them."""
        if self._marks:
            return True
        names = set(map(_socket_of, rows)) if sockets is None else sockets
        return self._may_be_published(names) and _BITCOIN_ROW_LEN in map(len, rows)

    def _may_be_published(self, sockets: Set[str]) -> bool:
        """Whether any of these sockets may receive a publisher's messages (the protocol's
        streams): a SUB or XSUB, or a socket of unknown type (a capture's, a tap's)."""
        return any(self._type_of(socket).upper() not in _NEVER_PUBLISHED_TO for socket in sockets)

    def _type_of(self, socket: str) -> str:
        """The type of the socket named ``socket`` (asked once, then kept)."""
        kind = self._types.get(socket)
        if kind is None:
            kind = self._types[socket] = self._socket_type(socket)
        return kind

    def feed(
        self,
        first_seq: int,
        rows: Sequence[Row],
        reads: bool | None = None,
        sockets: Set[str] | None = None,
    ) -> None:
        """Rows of the store with sequence numbers from ``first_seq``, in order (``reads``:
        what ``reads_frames`` said of them, if asked already; ``sockets``: their socket
        names, if the caller has them)."""
        marked = {mark.socket for mark in self._marks}
        if len(self._seen) < MAX_SOCKETS_SEEN:
            self._seen.update(map(_socket_of, rows) if sockets is None else sockets)
        # Under a flood this runs on every message: with nothing marked only the protocol's
        # messages of three frames matter, found at C speed (a Python step per row was most
        # of the Latency view's share of the loop)
        offsets: Iterable[int] = range(len(rows))
        if not marked:
            if not (self.reads_frames(rows) if reads is None else reads):
                return
            offsets = compress(offsets, map(_BITCOIN_ROW_LEN.__eq__, map(len, rows)))
        for offset in offsets:
            row = rows[offset]
            if row[ROW_DIRECTION] != IN:
                continue
            socket = row[ROW_SOCKET]
            frames = row[ROW_FRAMES:]
            bitcoin = _BITCOIN.match(frames, "")
            if not bitcoin and socket not in marked:
                continue
            # (no summary: only the recognition and the marked field are read)
            decoded = self._decoder.decode(frames, socket, self._type_of(socket), summary=False)
            seq = first_seq + offset
            if bitcoin:
                topic = message_topic(frames, decoded)
                missed = self._protocol.feed(socket, decoded.recognition)
                self._note(seq, row, topic, decoded.recognition, missed)
            if socket in marked:
                self._feed_marks(seq, row, frames, decoded)

    def forget_types(self) -> None:
        self._types.clear()

    def _feed_marks(
        self, seq: int, row: Row, frames: Sequence[bytes], decoded: DecodedMessage
    ) -> None:
        topic = message_topic(frames, decoded)
        for mark in self._marks:
            if mark.socket != row[ROW_SOCKET] or (mark.topic and mark.topic != topic):
                continue
            number = sequence_number(field_value(decoded, mark.path))
            if number is None:
                continue
            stream = f"{topic} {mark.path.text()}"
            recognition = Recognition("marked", "", {"topic": stream, "sequence": number})
            missed = self._marked.feed(row[ROW_SOCKET], recognition)
            self._note(seq, row, topic, recognition, missed)

    def _note(
        self, seq: int, row: Row, topic: str, recognition: Recognition | None, missed: int | None
    ) -> None:
        if recognition is None or not missed:
            return
        number = recognition.fields["sequence"]
        assert isinstance(number, int)
        after = number - missed - 1
        if after < 0:  # a 4-byte counter that wrapped
            after %= SEQUENCE_MODULUS
        socket = row[ROW_SOCKET]
        self._gaps.append(Gap(socket, topic, after, number, missed, row[ROW_TIME], seq))
        self.missed_total += missed
        key = (socket, topic)
        gaps, total = self._totals.pop(key, (0, 0))
        self._totals[key] = (gaps + 1, total + missed)
        if len(self._totals) > MAX_TOPICS:
            self._totals.popitem(last=False)
        self._before[seq] = missed
        if len(self._before) > MAX_GAP_SEQS:
            self._before.popitem(last=False)

    # -- asking -------------------------------------------------------------------------
    def gaps(self) -> list[Gap]:
        """The newest gaps, oldest first (bounded)."""
        return list(self._gaps)

    def totals(self) -> list[tuple[str, str, int, int]]:
        """(socket, topic, gaps, missed) per stream that had a gap, sorted."""
        return sorted((socket, topic, *counts) for (socket, topic), counts in self._totals.items())

    def sockets_seen(self) -> list[str]:
        """Names of the sockets whose traffic was fed (a capture's too), sorted."""
        return sorted(self._seen)

    def missed_before(self, seq: int) -> int | None:
        """Messages missed just before the one with sequence number ``seq``; None when no
        gap is known there."""
        return self._before.get(seq)
