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
from functools import partial
from itertools import product
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
from zinspect.core.pcap.pcap_connection import Connection, Side
from zinspect.core.pcap.pcap_file import READ_ERRORS, PacketFile, PcapError
from zinspect.core.pcap.pcap_result import PcapConnection, PcapResult, import_notes
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
_SAID_TYPE = ("zmtp_ready", "zmtp_greeting")  # the notes after which a socket type is known
__all__ = ["PcapConnection", "PcapError", "PcapImporter", "PcapResult"]


def _no_header(packet: bytes) -> tuple[object, ...]:
    raise AssertionError("never called: no packet is as long as its size")


class PcapImporter:
    """Reads a packet capture in slices: each ``read_rows(budget)`` works for about
    ``budget`` seconds (or until about SLICE_ROWS messages) and returns the messages
    completed meanwhile, in capture order.
    The same attributes as a CaptureReader (``done``, ``progress``, ``messages_read``,
    ``received_in_last``, ``close``, ``result``), so the window's open job takes either."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        keep_events: bool = False,
        fast: bool = True,
        keep_types: bool = False,
        count_received: bool = False,
    ) -> None:
        self.file = PacketFile(path)
        self.fast = fast  # False: the general paths only (tests compare the two)
        self.path = self.file.path
        self.done = False
        self.messages_read = 0
        # count_received: each slice counts its "in" rows (the window's open job asks);
        # else the rows are not looked at again (the command line never asks)
        self.count_received = count_received
        self._received_in_last = 0
        self.packets = 0
        self.ignored = 0  # packets that are not TCP (ARP, UDP, ...)
        self.fragments = 0
        self.bad_times = 0
        self.refused = 0  # connections over MAX_CONNECTIONS
        self.empty = 0  # TCP connections without a byte of data (a refused connect...)
        self.keep_events = keep_events
        self.events: list[SocketEvent] = []  # since the last take_events (keep_events)
        self.keep_types = keep_types
        self._typed: dict[str, Connection] = {}  # said a socket type since take_socket_types
        self.budget = Budget(MAX_HELD_BYTES)  # incomplete messages of every connection
        self.waiting = Budget(MAX_WAITING_BYTES)  # out-of-order bytes of every connection
        self._connections: dict[bytes, tuple[Connection, Side]] = {}  # by flow key
        self._summaries: list[str] = []
        self._infos: list[PcapConnection] = []
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
        self._last_size: int | None = None  # of the last record read (PacketFile.ended)
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

    def take_socket_types(self) -> dict[str, tuple[str, str]]:
        """The connections whose ends said a socket type since the last call (keep_types),
        each with (the client's, the server's) as said so far ('' for an end not heard)."""
        typed, self._typed = self._typed, {}
        return {
            name: (c.client.parser.shake.socket_type, c.server.parser.shake.socket_type)
            for name, c in typed.items()
        }

    def read_rows(self, budget: float = READ_BUDGET_S) -> list[Row]:
        """The messages completed in about ``budget`` seconds of reading, at most about
        SLICE_ROWS of them ([] once done)."""
        if self.done:
            self._received_in_last = 0
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
        last_stamp = self._last_stamp
        rows = self._sink.rows
        packets: Iterator[tuple[float, bytes]] = self._packets
        if self._pushed_back is not None:  # the packet the last slice stopped before
            packets = itertools.chain([self._pushed_back], packets)
            self._pushed_back = None
        record: bytes | None = None
        try:
            for stamp, record in packets:
                packet = record  # the slow path below makes ``packet`` the payload
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
                last_stamp = stamp
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
                    ready = side.parser.ready  # the parser is between messages: read here
                    if ready is not None:
                        if length == ready[0]:  # a flood's segment like the last
                            stride, stop = ready[4], data + length
                            if (
                                packet[data:stop:stride] == ready[2]
                                and packet[data + 1 : stop : stride] == ready[5]
                            ):
                                rows.extend(
                                    product(
                                        (stamp,),
                                        ready[7],
                                        ready[8],
                                        ready[3],
                                        ready[1](packet, data),
                                    )
                                )
                                side.parser.messages += len(ready[2])
                                continue
                        elif length >= 2 and packet[data] == 0 and packet[data + 1] == length - 2:
                            # one one-frame message (a steady stream)
                            rows.append(
                                (
                                    stamp,
                                    ready[9],
                                    ready[10],
                                    length - 2,
                                    packet[data + 2 : data + length],
                                )
                            )
                            side.parser.messages += 1
                            continue
                    if length <= PIECE:
                        side.feed_at(packet, data, data + length, stamp)
                    else:
                        feeder.feed_at(side.parser, packet, data, data + length, stamp)
                else:
                    flow.segment(seq, packet[data:end], length, stamp)
                if pending:  # the rest of this packet waits for the next slice
                    break
            else:
                self._last_stamp = last_stamp
                self.file.ended(self._last_size if record is None else len(record))
                self._finish()
        except READ_ERRORS as error:  # from dpkt, reading the file
            self._last_stamp = last_stamp
            self.packets += count
            failure = self.file.failure(error)
            self._finish()
            if failure is not None:
                raise failure from None
        self._last_stamp = last_stamp
        self.packets += count
        if record is not None:
            self._last_size = len(record)
        return self._slice_rows()

    def _slice_rows(self) -> list[Row]:
        """The rows the parsers made in this slice, handed over."""
        rows, self._sink.rows = self._sink.rows, []
        self.messages_read += len(rows)
        if self.count_received:
            self._received_in_last = countOf(map(_DIRECTION, rows), IN)
        return rows

    @property
    def received_in_last(self) -> int:
        """How many rows of the last ``read_rows`` are "in" (``count_received`` only: the
        rows are not kept to count them later, which kept each slice's rows alive for one
        more slice and cost the command line's import a few percent)."""
        if not self.count_received:
            raise RuntimeError("PcapImporter(count_received=True) counts the rows it reads")
        return self._received_in_last

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
        owner: list[Connection] = []  # the connection, for its sides' notes
        pair = Connection(
            name,
            self._side(name, client, OUT, started, tally, owner),
            self._side(name, server, IN, started, tally, owner),
        )
        owner.append(pair)
        mine, other = (pair.client, pair.server) if client_first else (pair.server, pair.client)
        mine.key, other.key = key, reverse_key(key)
        self._connections[mine.key] = (pair, mine)
        self._connections[other.key] = (pair, other)
        return pair, mine

    def _side(
        self,
        name: str,
        where: str,
        direction: str,
        started: bool,
        tally: list[int],
        owner: list[Connection],
    ) -> Side:
        sink = self._sink
        role = "client" if direction == OUT else "server"

        def emit(stamp: float, frames: list[bytes]) -> None:
            sink.rows.append((stamp, name, direction, sum(map(len, frames)), *frames))

        def note(stamp: float, kind: str, text: str) -> None:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            if self.keep_types and kind in _SAID_TYPE and owner:
                self._typed[name] = owner[0]
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
            info = connection.info()
            self._infos.append(info)
            self._summaries.append(info.describe())

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

    @property
    def connection_info(self) -> list[PcapConnection]:
        """The ZMTP connections as data, in the order they closed (at most MAX_SUMMARIES)."""
        return list(self._infos)

    def result(self, messages: list[object]) -> PcapResult:
        notes = self._notes()
        return PcapResult(
            messages,
            self.summaries,
            [text for _, text in notes],
            self.connection_info,
            [text for problem, text in notes if not problem],
            [text for problem, text in notes if problem],
        )

    def notes(self) -> list[str]:
        """What the user should know about the import, in words (empty for a clean one)."""
        return [text for _, text in self._notes()]

    def problems(self) -> list[str]:
        """The notes that say something went wrong or was left out (not merely what the
        file holds: encrypted connections, connections of other protocols)."""
        return [text for problem, text in self._notes() if problem]

    def _notes(self) -> list[tuple[bool, str]]:
        """The notes in words, each with whether it is a problem (else information)."""
        return import_notes(
            self._counts,
            cut_short=self.file.cut_short,
            not_zmtp=self._not_zmtp,
            fragments=self.fragments,
            refused=self.refused,
            bad_times=self.bad_times,
            max_connections=MAX_CONNECTIONS,
        )


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
