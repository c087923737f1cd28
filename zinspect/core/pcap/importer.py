"""Importing a packet capture: every ZMTP message in it as a capture row (core.store's Row),
read in slices like a capture file (core.capture's CaptureReader), so the window opens it
with the same job and the command line converts it with the same writer.

Each TCP connection is one "socket" named ``client -> server`` (``10.0.0.1:40312 ->
10.0.0.2:5555``), stable for the whole stream: messages the client sent are ``out``, those
it received ``in``, as if zinspect had been the client. The client is the side that sent the
SYN; when the capture began after it, the side with the higher port (an ephemeral one).
Memory is bounded whatever the file: connections, out-of-order bytes, incomplete messages
and kept notes all have caps, and what they leave out is counted and said (docs/pcap.md).
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from operator import countOf, itemgetter

from zinspect.core.pcap.feed_pieces import PIECE, PieceFeeder
from zinspect.core.pcap.packets import (
    ACK,
    FIN,
    RST,
    SYN,
    TCP,
    NotTcpError,
    address,
    fast_header,
    key_parts,
    reverse_key,
    segment_reader,
)
from zinspect.core.pcap.pcap_file import READ_ERRORS, PacketFile, PcapError
from zinspect.core.pcap.reassembly import Budget, Direction
from zinspect.core.pcap.zmtp import ZmtpParser
from zinspect.core.pcap.zmtp_runs import RowSink, fast_rows
from zinspect.core.sockets.events import SocketEvent
from zinspect.core.store import IN, OUT, Row

log = logging.getLogger(__name__)

MAX_CONNECTIONS = 10_000  # open at once; more are left out and counted
MAX_HELD_BYTES = 256 << 20  # incomplete messages of all connections together
MAX_WAITING_BYTES = 256 << 20  # out-of-order bytes of all connections together (then gaps)
MAX_SUMMARIES = 1_000  # connections described in the report
MAX_EVENTS_PER_CONNECTION = 50
READ_BUDGET_S = 0.010
CHECK_EVERY = 16  # packets between looks at the clock (each 4 KiB of data counts as one more)
SLICE_ROWS = 1_000  # rows a slice makes at most: taken while still in the processor's cache
_CONTROL = SYN | FIN | RST
_DIRECTION = itemgetter(2)  # of a Row
__all__ = ["PcapError", "PcapImporter", "PcapResult"]


@dataclass
class Side:
    """One direction of a connection: its reassembly and its ZMTP parser."""

    address: str
    direction: str  # the rows' direction: OUT for the client's bytes
    reassembly: Direction
    parser: ZmtpParser
    feed_at: Callable[[bytes, int, int, float], None]  # the parser's, for in-order segments
    key: bytes = b""  # its packets' flow key (core.pcap.packets)
    fin: bool = False


@dataclass
class Connection:
    name: str
    client: Side
    server: Side

    def describe(self) -> str:
        """One line: versions, mechanisms, socket types, message counts."""
        c, s = self.client.parser, self.server.parser
        if c.not_zmtp or s.not_zmtp:
            return f"{self.name}: not ZMTP"
        version = c.shake.version or s.shake.version or "ZMTP (joined mid-stream)"
        mechanism = c.shake.mechanism or s.shake.mechanism
        text = f"{self.name}: " + (f"ZMTP {version}" if version[0].isdigit() else version)
        if mechanism:
            text += f" {mechanism}"
        if c.shake.encrypted or s.shake.encrypted:
            text += " (encrypted: sizes only)"
        kinds = f"{_kind(c)} -> {_kind(s)}"
        if kinds != "? -> ?":
            text += f", {kinds}"
        if c.shake.user:
            text += f", PLAIN user {c.shake.user!r} (password masked)"
        text += f", {c.messages:,} out, {s.messages:,} in"
        if c.dropped or s.dropped:
            text += f", {c.dropped + s.dropped:,} left out"
        return text


def _no_header(packet: bytes) -> tuple[object, ...]:
    raise AssertionError("never called: no packet is as long as its size")


def _kind(parser: ZmtpParser) -> str:
    kind = parser.shake.socket_type or "?"
    if parser.shake.identity:
        kind += f" (identity {parser.shake.identity!r})"
    return kind


@dataclass
class PcapResult:
    """What an import found, for the status bar and the command line."""

    messages: list[object]
    connections: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def damage_report(self) -> str:
        """'' when there is nothing to warn about, else sentences for the user."""
        return "; ".join(self.notes)


class PcapImporter:
    """Reads a packet capture in slices: each ``read_rows(budget)`` works for about
    ``budget`` seconds (or until about SLICE_ROWS messages) and returns the messages
    completed meanwhile, in capture order.
    The same attributes as a CaptureReader (``done``, ``progress``, ``messages_read``,
    ``received_in_last``, ``close``, ``result``), so the window's open job takes either."""

    def __init__(
        self, path: str | os.PathLike[str], keep_events: bool = False, fast: bool = True
    ) -> None:
        self.file = PacketFile(path)
        self.fast = fast  # False: the general paths only (tests compare the two)
        self.path = self.file.path
        self.done = False
        self.messages_read = 0
        self._last_rows: list[Row] = []
        self.packets = 0
        self.ignored = 0  # packets that are not TCP (ARP, UDP, ...)
        self.fragments = 0
        self.bad_times = 0
        self.refused = 0  # connections over MAX_CONNECTIONS
        self.empty = 0  # TCP connections without a byte of data (a refused connect...)
        self.keep_events = keep_events
        self.events: list[SocketEvent] = []  # since the last take_events (keep_events)
        self.budget = Budget(MAX_HELD_BYTES)  # incomplete messages of every connection
        self.waiting = Budget(MAX_WAITING_BYTES)  # out-of-order bytes of every connection
        self._connections: dict[bytes, tuple[Connection, Side]] = {}  # by flow key
        self._summaries: list[str] = []
        self._finished = 0
        self._not_zmtp = 0
        self._sink = RowSink()  # the rows of this slice (the parsers append to it)
        self._closed: dict[bytes, None] = {}  # flow keys of the latest closed
        self._last_stamp = 0.0
        self._counts: dict[str, int] = {}
        self._packets = self.file.records()
        self._read_segment = segment_reader(self.file.linktype, fast)
        self._head = fast_header(self.file.linktype) if fast else None
        self._pushed_back: tuple[float, bytes] | None = None
        self._feeder = PieceFeeder()  # a packet's bytes past PIECE, fed a piece at a time

    @property
    def progress(self) -> float:
        return 1.0 if self.done else self.file.progress

    @property
    def link(self) -> str:
        return self.file.link

    def take_events(self) -> list[SocketEvent]:
        events, self.events = self.events, []
        return events

    def read_rows(self, budget: float = READ_BUDGET_S) -> list[Row]:
        """The messages completed in about ``budget`` seconds of reading, at most about
        SLICE_ROWS of them ([] once done)."""
        if self.done:
            self._last_rows = []
            return []
        clock = time.monotonic
        deadline = clock() + budget
        feeder = self._feeder
        feeder.deadline = deadline
        if not feeder.resume():  # the last slice's packet is not fed whole yet
            return self._slice_rows()
        pending = feeder.waiting
        read_segment = self._read_segment
        # the common packet (IPv4 without options) is read right here: this loop runs per
        # packet, and the import has to keep up with the file reader (docs/pcap.md)
        head = self._head
        if head is not None:
            unpack, size, start, tags = head
        else:  # the general path: every packet through read_segment
            unpack, size, start, tags = _no_header, 1 << 62, 0, ()
        tcp = start + 20
        connections = self._connections
        inline = self.fast
        count = countdown = interval = 0
        rows = self._sink.rows
        packets: Iterator[tuple[float, bytes]] = self._packets
        if self._pushed_back is not None:  # the packet the last slice stopped before
            packets = itertools.chain([self._pushed_back], packets)
            self._pushed_back = None
        try:
            for stamp, packet in packets:
                count += 1
                countdown -= 1
                if countdown < 0:
                    if clock() >= deadline or len(rows) >= SLICE_ROWS:
                        count -= 1
                        self._pushed_back = (stamp, packet)
                        break
                    # looks come further apart, up to CHECK_EVERY packets (a slice ends at
                    # a look that finds SLICE_ROWS rows); big packets bring them closer
                    # (one of 256 KiB may hold 100,000 messages)
                    interval = min(CHECK_EVERY, 2 * interval + 1)
                    countdown = interval
                read = False
                if len(packet) >= size:
                    tag, first, total, fragment, proto, key, seq, offset, flags = unpack(packet)
                    if tag in tags and first == 0x45 and proto == TCP and not fragment & 0x3FFF:
                        data, end = tcp + (offset >> 4) * 4, start + total
                        if tcp + 20 <= data <= end:
                            length = end - data  # the payload is packet[data:end]
                            read = True
                if not read:
                    try:
                        key, seq, flags, packet, length = read_segment(packet)
                    except NotTcpError as error:
                        if error.args[0] == "an IP fragment":
                            self.fragments += 1
                        else:
                            self.ignored += 1
                        continue
                    data, end = 0, len(packet)  # the payload as captured
                if stamp - stamp != 0.0:  # inf or nan
                    self.bad_times += 1
                    continue
                self._last_stamp = stamp
                if not length and not flags & _CONTROL:
                    continue  # a bare ACK: nothing to read
                known = connections.get(key)
                if known is None:
                    known = self._connect(key, flags, packet[data:end], stamp)
                    if known is None:
                        continue
                if flags & _CONTROL or not length:
                    feeder.deadline = math.inf  # a FIN's bytes are fed before it closes
                    self._control(known, seq, flags, packet[data:end], length, stamp)
                    feeder.deadline = deadline
                    continue
                countdown -= length >> 12
                side = known[1]
                flow = side.reassembly
                if (
                    inline
                    and seq == flow.next_seq
                    and not flow.pending
                    and len(packet) >= data + length
                ):  # in order and whole: the common case, to the parser without a copy
                    flow.next_seq = (seq + length) & 0xFFFFFFFF
                    flow.position += length
                    if length <= PIECE:
                        side.feed_at(packet, data, data + length, stamp)
                    else:
                        feeder.feed_at(side.parser, packet, data, data + length, stamp)
                else:
                    flow.segment(seq, packet[data:end], length, stamp)
                if pending:  # the rest of this packet waits for the next slice
                    break
            else:
                self._finish()
        except READ_ERRORS as error:  # from dpkt, reading the file
            self.packets += count
            failure = self.file.failure(error)
            self._finish()
            if failure is not None:
                raise failure from None
        self.packets += count
        return self._slice_rows()

    def _slice_rows(self) -> list[Row]:
        """The rows the parsers made in this slice, handed over."""
        rows, self._sink.rows = self._sink.rows, []
        self.messages_read += len(rows)
        self._last_rows = rows
        return rows

    @property
    def received_in_last(self) -> int:
        """How many rows of the last ``read_rows`` are "in" (counted when asked: the
        command line never asks)."""
        return countOf(map(_DIRECTION, self._last_rows), IN)

    def _control(
        self,
        known: tuple[Connection, Side],
        seq: int,
        flags: int,
        payload: bytes,
        length: int,
        stamp: float,
    ) -> None:
        """A segment with SYN, FIN or RST (or none of them and no data)."""
        connection, side = known
        if flags & SYN:
            side.reassembly.syn(seq)
        if length:
            side.reassembly.segment(seq, payload, length, stamp)
        if flags & FIN:
            side.reassembly.fin((seq + length) % (1 << 32), stamp)
        if flags & (FIN | RST):
            side.fin = True
            if flags & RST or connection.client.fin and connection.server.fin:
                self._close(connection, stamp)

    def _connect(
        self, key: bytes, flags: int, payload: bytes, stamp: float
    ) -> tuple[Connection, Side] | None:
        """A new connection for a packet of no known one (None: not worth one, or too many)."""
        if not payload and not flags & SYN:
            return None  # a bare ACK or FIN of a connection over already
        if key in self._closed and not flags & SYN:
            return None  # a late retransmission to a connection closed already
        if len(self._connections) >= 2 * MAX_CONNECTIONS:
            self.refused += 1
            return None
        src, sport, dst, dport = key_parts(key)
        if flags & SYN:
            client_first = not flags & ACK
        else:
            client_first = sport > dport if sport != dport else True
        here, there = address(src, sport), address(dst, dport)
        client, server = (here, there) if client_first else (there, here)
        name = f"{client} -> {server}"
        started = bool(flags & SYN)
        tally = [0]  # notes kept for this connection
        pair = Connection(
            name,
            self._side(name, client, OUT, started, tally),
            self._side(name, server, IN, started, tally),
        )
        mine, other = (pair.client, pair.server) if client_first else (pair.server, pair.client)
        mine.key, other.key = key, reverse_key(key)
        self._connections[mine.key] = (pair, mine)
        self._connections[other.key] = (pair, other)
        return pair, mine

    def _side(self, name: str, where: str, direction: str, started: bool, tally: list[int]) -> Side:
        sink = self._sink
        role = "client" if direction == OUT else "server"

        def emit(stamp: float, frames: list[bytes]) -> None:
            sink.rows.append((stamp, name, direction, sum(map(len, frames)), *frames))

        def note(stamp: float, kind: str, text: str) -> None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            if self.keep_events and tally[0] < MAX_EVENTS_PER_CONNECTION:
                tally[0] += 1
                detail = f"{role} {where}: {text}"
                self.events.append(SocketEvent(stamp, name, kind, f"tcp://{where}", 0, detail))

        parser = ZmtpParser(emit, note, self.budget, from_start=started)
        if self.fast:
            parser.fast = fast_rows(sink, name, direction)
        feeder = self._feeder
        reassembly = Direction(
            partial(feeder.feed, parser), partial(feeder.gap, parser), self.waiting
        )
        return Side(where, direction, reassembly, parser, parser.feed_at)

    def _close(self, connection: Connection, stamp: float) -> None:
        for side in (connection.client, connection.server):
            side.reassembly.finish()
            side.parser.finish(stamp)
        self._remember(connection)
        for side in (connection.client, connection.server):
            key = side.key
            if self._connections.get(key, (None,))[0] is connection:
                del self._connections[key]
            self._closed[key] = None
            if len(self._closed) > MAX_CONNECTIONS:
                del self._closed[next(iter(self._closed))]

    def _remember(self, connection: Connection) -> None:
        self._finished += 1
        if not connection.client.reassembly.position and not connection.server.reassembly.position:
            self.empty += 1  # refused (SYN, RST) or closed before a byte: nothing to say
            return
        if connection.client.parser.not_zmtp or connection.server.parser.not_zmtp:
            self._not_zmtp += 1
            return
        if len(self._summaries) < MAX_SUMMARIES:
            self._summaries.append(connection.describe())

    def _finish(self) -> None:
        if self.done:
            return
        seen: set[int] = set()
        for connection, _side in list(self._connections.values()):
            if id(connection) not in seen:
                seen.add(id(connection))
                self._close(connection, self._last_stamp)
        self.done = True
        self.file.close()

    def close(self) -> None:
        self.file.close()

    @property
    def summaries(self) -> list[str]:
        return list(self._summaries)

    def result(self, messages: list[object]) -> PcapResult:
        return PcapResult(messages, self.summaries, self.notes())

    def notes(self) -> list[str]:
        """What the user should know about the import, in words (empty for a clean one)."""
        counts = self._counts
        notes = []
        if self.file.cut_short:
            notes.append("the file ends in the middle of a packet record (a capture interrupted)")
        if counts.get("tcp_gap"):
            gaps = counts["tcp_gap"]
            notes.append(
                f"bytes were missing from the capture in {gaps:,} place{'s' if gaps != 1 else ''} "
                "(gaps)"
            )
        joined = counts.get("zmtp_joined", 0) + counts.get("zmtp_resync", 0)
        if joined:
            notes.append(
                "a stream was joined mid-way and resynchronised on a frame boundary (what "
                "came before is skipped)"
                if joined == 1
                else f"streams were resynchronised on a frame boundary {joined:,} times (joined "
                "mid-way or after lost bytes; what came before each is skipped)"
            )
        if counts.get("zmtp_encrypted"):
            notes.append(
                "CURVE connections are encrypted: their messages show sizes and timing only"
            )
        if counts.get("message_skipped"):
            notes.append(f"{counts['message_skipped']:,} messages too big to import were left out")
        if counts.get("zmtp_error"):
            notes.append(f"{counts['zmtp_error']:,} ZMTP errors (see the events of the capture)")
        if self._not_zmtp:
            notes.append(f"{self._not_zmtp:,} TCP connections are not ZMTP and were left out")
        if self.fragments:
            notes.append(f"{self.fragments:,} IP fragments were left out (not reassembled)")
        if self.refused:
            notes.append(
                f"{self.refused:,} packets of connections past the {MAX_CONNECTIONS:,} open at "
                "once were left out"
            )
        if self.bad_times:
            notes.append(f"{self.bad_times:,} packets without a valid time were left out")
        return notes


def import_rows(
    path: str | os.PathLike[str], progress: Callable[[float], None] | None = None
) -> tuple[list[Row], PcapResult]:
    """Every row of a capture at once (scripts and tests)."""
    importer = PcapImporter(path)
    rows: list[Row] = []
    try:
        while not importer.done:
            rows.extend(importer.read_rows(0.05))
            if progress is not None:
                progress(importer.progress)
    finally:
        importer.close()
    return rows, importer.result([])
