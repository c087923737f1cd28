"""Generated ZMTP traffic for the tests of the import's fast paths (tests/test_pcap_fast_paths.py,
tests/test_fuzz_zmtp_runs.py): streams full of runs of equal one-frame messages (what the
fast path splits) mixed with everything that must end a run (multipart, long frames,
commands, a frame of another size), their TCP segments cut, reordered, repeated or lost,
written as a pcap of any link type. Also the ZMTP parser run with and without its fast
path, for comparing the two."""

from __future__ import annotations

import random
import struct

from zinspect.core.pcap.reassembly import Budget
from zinspect.core.pcap.zmtp import ZmtpParser
from zinspect.core.pcap.zmtp_runs import RowSink, fast_rows

SIGNATURE = b"\xff" + b"\x00" * 8 + b"\x7f"
RUN_SIZES = (0, 1, 2, 63, 64, 65, 200, 254, 255)
CLIENT, SERVER = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
CPORT, SPORT = 40000, 5555


def greeting(socket_type: bytes, minor: int = 1) -> bytes:
    ready = b"\x05READY" + b"\x0bSocket-Type" + struct.pack("!I", len(socket_type)) + socket_type
    return (
        SIGNATURE
        + bytes([3, minor])
        + b"NULL".ljust(20, b"\x00")
        + b"\x00" * 32
        + bytes([0x04, len(ready)])
        + ready
    )


def frame(body: bytes, flags: int = 0) -> bytes:
    if len(body) > 255:
        return bytes([flags | 0x02]) + struct.pack("!Q", len(body)) + body
    return bytes([flags, len(body)]) + body


def command(name: bytes, data: bytes) -> bytes:
    return frame(bytes([len(name)]) + name + data, 0x04)


def messages(
    rng: random.Random, count: int, longest: int = 70_000
) -> tuple[bytes, list[list[bytes]]]:
    """(the wire bytes after the greeting, the messages a reader gets from them); long
    frames up to ``longest`` bytes (past 64 KiB the parser collects them in pieces)."""
    wire, sent = bytearray(), []
    while len(sent) < count:
        kind = rng.random()
        if kind < 0.55:  # a run of equal one-frame messages
            size = rng.choice(RUN_SIZES)
            for _ in range(rng.randint(1, 90)):
                body = rng.randbytes(size)
                wire += frame(body)
                sent.append([body])
        elif kind < 0.7:  # multipart, its frames often of the runs' sizes
            parts = [
                rng.randbytes(rng.choice(RUN_SIZES + (300,))) for _ in range(rng.randint(2, 4))
            ]
            for number, body in enumerate(parts):
                wire += frame(body, 1 if number < len(parts) - 1 else 0)
            sent.append(parts)
        elif kind < 0.78:  # a long frame
            body = rng.randbytes(min(longest, rng.choice((256, 1000, 70_000))))
            wire += frame(body)
            sent.append([body])
        elif kind < 0.9:  # SUBSCRIBE and CANCEL become messages, PING does not
            name = rng.choice((b"SUBSCRIBE", b"CANCEL", b"PING"))
            data = rng.randbytes(rng.choice((0, 3, 64)))
            wire += command(name, b"\x00\x01" if name == b"PING" else data)
            if name != b"PING":
                sent.append([(b"\x01" if name == b"SUBSCRIBE" else b"\x00") + data])
        else:  # a one-frame message with a size byte equal to the flags a run expects
            body = rng.randbytes(rng.choice((0, 64)))
            wire += frame(body)
            sent.append([body])
    return bytes(wire), sent


def cut(rng: random.Random, data: bytes, how: str) -> list[tuple[int, bytes]]:
    """(offset, bytes) segments of ``data``: every byte alone, MSS-sized, or random sizes."""
    if how == "bytes":
        sizes = [1] * len(data)
    elif how == "mss":
        sizes = [1448] * (len(data) // 1448 + 1)
    else:
        sizes = [rng.choice((1, 2, 3, 66, 67, 500, 1448, 9000)) for _ in range(len(data))]
    segments, offset = [], 0
    for size in sizes:
        if offset >= len(data):
            break
        segments.append((offset, data[offset : offset + size]))
        offset += size
    return segments


def damage(
    rng: random.Random, segments: list[tuple[int, bytes]], reorder: bool, repeat: bool, lose: bool
) -> list[tuple[int, bytes]]:
    """The segments swapped with a neighbour, sent again (some as one overlapping
    retransmission of two), or lost."""
    segments = list(segments)
    if reorder:
        for i in range(0, len(segments) - 1):
            if rng.random() < 0.2:
                segments[i], segments[i + 1] = segments[i + 1], segments[i]
    if repeat:
        for i in reversed(range(len(segments) - 1)):
            if rng.random() < 0.1:
                (a, first), (b, second) = segments[i], segments[i + 1]
                both = (a, first + second) if a + len(first) == b else segments[i]
                segments.insert(min(len(segments), i + rng.randint(1, 6)), both)
    if lose:
        for i in reversed(range(1, len(segments))):
            if rng.random() < 0.03:
                del segments[i]
    return segments


def tcp_packet(
    from_client: bool, seq: int, flags: int, data: bytes, options: bytes = b"", proto: int = 6
) -> bytes:
    """An IPv4 packet (with IP ``options`` if given) holding a TCP segment."""
    src, dst, sport, dport = (
        (CLIENT, SERVER, CPORT, SPORT) if from_client else (SERVER, CLIENT, SPORT, CPORT)
    )
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq % (1 << 32), 0, 5 << 4, flags, 65535, 0, 0)
    words = 5 + len(options) // 4
    total = 4 * words + len(tcp) + len(data)
    ip = struct.pack("!BBHHHBBH4s4s", 0x40 | words, 0, total, 0, 0x4000, 64, proto, 0, src, dst)
    return ip + options + tcp + data


LINKS = {
    "ethernet": (1, lambda ip: b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip),
    "sll2": (276, lambda ip: struct.pack("!HHIHBB8s", 0x0800, 0, 1, 772, 0, 6, bytes(8)) + ip),
    "null": (0, lambda ip: struct.pack("<I", 2) + ip),
    "raw": (101, lambda ip: ip),
}


def write_pcap(path, link: str, packets: list[bytes]) -> None:
    linktype, wrap = LINKS[link]
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for number, packet in enumerate(packets):
            data = wrap(packet)
            out.write(struct.pack("<IIII", 1_700_000_000, number, len(data), len(data)) + data)


def connection(
    client: list[tuple[int, bytes]], server: list[tuple[int, bytes]], rng: random.Random
) -> list[bytes]:
    """A whole connection's packets: handshake, both sides' segments interleaved (with bare
    ACKs), FINs."""
    cisn, sisn = 4_294_967_000, 7000  # the client's sequence numbers wrap
    packets = [tcp_packet(True, cisn, 0x02, b""), tcp_packet(False, sisn, 0x12, b"")]
    turns = [True] * len(client) + [False] * len(server)
    rng.shuffle(turns)  # the two directions interleave anyhow; each keeps its own order
    mine, theirs = iter(client), iter(server)
    for from_client in turns:
        offset, data = next(mine if from_client else theirs)
        isn = cisn if from_client else sisn
        packets.append(tcp_packet(from_client, isn + 1 + offset, 0x18, data))
        if rng.random() < 0.2:
            packets.append(tcp_packet(not from_client, 0, 0x10, b""))
    cend = cisn + 1 + max((o + len(d) for o, d in client), default=0)
    send = sisn + 1 + max((o + len(d) for o, d in server), default=0)
    packets += [tcp_packet(True, cend, 0x11, b""), tcp_packet(False, send, 0x11, b"")]
    return packets


def parse_both(chunks: list[bytes], gaps: set[int]) -> tuple[tuple, tuple]:
    """Feed the same chunks (a gap after those in ``gaps``) to a parser with its fast path
    and to one without; each gives (rows, notes, counters)."""
    results = []
    for fast in (True, False):
        sink, notes = RowSink(), []

        def emit(stamp: float, frames: list[bytes], sink: RowSink = sink) -> None:
            sink.rows.append((stamp, "c", "out", sum(map(len, frames)), *frames))

        def note(stamp: float, kind: str, text: str, notes: list = notes) -> None:
            notes.append((stamp, kind, text))

        budget = Budget(1 << 24)
        parser = ZmtpParser(emit, note, budget, from_start=True)
        if fast:
            parser.fast = fast_rows(sink, "c", "out")
        for number, chunk in enumerate(chunks):
            parser.feed(chunk, float(number))
            if number in gaps:
                parser.gap(1 + number % 7, float(number))
        parser.finish(99.0)
        counters = (parser.messages, parser.dropped, parser.skipped, parser.commands)
        results.append((sink.rows, notes, counters, budget.used))
    return results[0], results[1]
