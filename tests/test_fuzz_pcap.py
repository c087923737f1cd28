"""pcap import fuzzed: any bytes, cut anywhere, into the ZMTP parser, the reassembly, the
packet headers and the file reader. The property (tests/fuzz_support.py): a result, or
zinspect's own error in words; never another exception, never a hang, never more memory
than the caps allow."""

from __future__ import annotations

import struct

from fuzz_support import fuzz, outcome, refused
from hypothesis import example, given
from hypothesis import strategies as st

from zinspect.core.pcap.importer import PcapError, PcapImporter
from zinspect.core.pcap.packets import LINK_NAMES, NotTcpError, tcp_segment
from zinspect.core.pcap.reassembly import Budget, Direction
from zinspect.core.pcap.zmtp import GREETING_BYTES, ZmtpParser

GREETING = b"\xff" + b"\x00" * 8 + b"\x7f\x03\x01" + b"NULL".ljust(20, b"\x00") + b"\x00" * 32
ZMTP_BYTES = st.lists(
    st.sampled_from([b"\x00", b"\x01", b"\x02", b"\x04", b"\x05READY", b"\xff", b"\x7f"])
    | st.binary(max_size=40),
    max_size=30,
).map(b"".join)


def parse(chunks: list[bytes], gaps: list[int], from_start: bool) -> tuple[list, list, Budget]:
    messages: list = []
    notes: list = []
    budget = Budget(1 << 20)
    parser = ZmtpParser(
        lambda t, frames: messages.append(frames),
        lambda t, kind, text: notes.append(text),
        budget,
        from_start,
    )
    for number, chunk in enumerate(chunks):
        parser.feed(chunk, float(number))
        if number in gaps:
            parser.gap(1 + number, float(number))
    parser.finish(99.0)
    return messages, notes, budget


@fuzz(300)
@given(
    st.booleans(),
    st.lists(ZMTP_BYTES | st.binary(max_size=200), max_size=12),
    st.lists(st.integers(0, 12), max_size=3),
    st.booleans(),
)
@example(True, [GREETING[:5], GREETING[5:] + b"\x02\x00\x00\x00\x00\x00\x00\x00\x00"], [], True)
@example(False, [b"\x02" + b"\xff" * 8 + b"x"], [], False)  # an absurd 8-byte size
@example(True, [b"\x04\x00", b"\x04\x01"], [0], True)  # empty command frames
def test_any_bytes_into_the_zmtp_parser_never_raise(greeting, chunks, gaps, from_start):
    if greeting:
        chunks = [GREETING, *chunks]
    messages, notes, budget = parse(chunks, gaps, from_start)
    assert all(isinstance(frame, bytes) for frames in messages for frame in frames)
    assert all(isinstance(note, str) and note for note in notes)
    assert budget.used == 0  # what the parser held is given back once the stream is over


@fuzz(150)
@given(st.binary(max_size=300), st.integers(1, 40))
def test_a_valid_stream_cut_anywhere_parses_the_same(body, cut):
    frames = [body[: len(body) // 2], body[len(body) // 2 :], b"end"]
    wire = GREETING
    for number, frame in enumerate(frames):
        more = 1 if number < len(frames) - 1 else 0
        if len(frame) > 255:
            wire += bytes([more | 2]) + struct.pack("!Q", len(frame)) + frame
        else:
            wire += bytes([more, len(frame)]) + frame
    whole, _, _ = parse([wire], [], True)
    pieces, _, _ = parse([wire[i : i + cut] for i in range(0, len(wire), cut)], [], True)
    assert whole == pieces == [frames]
    assert len(wire) > GREETING_BYTES


@fuzz(200)
@given(
    st.lists(
        st.tuples(st.integers(0, 3000), st.binary(max_size=50), st.integers(0, 5)), max_size=40
    )
)
def test_any_segments_reassemble_each_byte_once_in_order(segments):
    got: list[bytes] = []
    missing: list[int] = []
    waiting = Budget(2_000)
    direction = Direction(
        lambda data, t: got.append(data), lambda size, t: missing.append(size), waiting
    )
    for seq, data, cut in segments:
        direction.segment((seq + 4_294_966_000) % (1 << 32), data[cut:], len(data), 0.0)
    direction.finish()
    assert direction.pending_bytes == 0 and not direction.pending and waiting.used == 0
    assert direction.delivered == sum(map(len, got))


@fuzz(300)
@given(st.sampled_from(sorted(LINK_NAMES)), st.binary(max_size=120))
@example(1, b"\x00" * 12 + b"\x81\x00" * 30)  # VLAN tags all the way
@example(101, b"\x60" + b"\x00" * 5 + b"\x00" * 34 + b"\x00\x01" * 20)  # IPv6 options chain
def test_any_packet_is_a_segment_or_not_tcp(linktype, packet):
    result = outcome(lambda: tcp_segment(linktype, packet), NotTcpError)
    assert refused(result) or len(result.payload) <= result.length


PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
PCAPNG_HEADER = bytes.fromhex("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000")


@fuzz(200)
@given(st.sampled_from([b"", PCAP_HEADER, PCAPNG_HEADER]), st.binary(max_size=400))
@example(PCAP_HEADER, struct.pack("<IIII", 0, 0, 0xFFFFFFFF, 0xFFFFFFFF))  # a 4 GB record
@example(PCAPNG_HEADER, struct.pack("<II", 1, 4))  # a block shorter than its header
@example(PCAPNG_HEADER, struct.pack("<II", 6, 0xFFFFFFF0))
def test_any_file_imports_or_is_refused_in_words(tmp_path_factory, head, tail):
    path = tmp_path_factory.mktemp("fuzz") / "any.pcap"
    path.write_bytes(head + tail)

    def run() -> int:
        importer = PcapImporter(path, keep_events=True)
        rows = 0
        try:
            while not importer.done:
                rows += len(importer.read_rows(0.05))
                importer.take_events()
        finally:
            importer.close()
        return rows

    result = outcome(run, PcapError)
    assert refused(result) or result >= 0
