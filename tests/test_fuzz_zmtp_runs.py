"""The pcap import's fast paths fuzzed against its general paths: any bytes, mostly runs of
equal short frames with whatever breaks a run in between (another size, MORE, LONG,
a command, bad flags, a frame cut short), cut anywhere and with gaps, give the same rows,
notes and counts with the ZMTP parser's fast path as without it; a run is split exactly
where a frame-by-frame walk says it ends; and any packet, a TCP one damaged anywhere, reads
the same through the one-struct header reader as through tcp_segment."""

from __future__ import annotations

from fuzz_support import fuzz
from hypothesis import example, given
from hypothesis import strategies as st
from zmtp_streams import LINKS, RUN_SIZES, command, frame, greeting, parse_both, tcp_packet

from zinspect.core.pcap.packets import NotTcpError, segment_reader
from zinspect.core.pcap.zmtp_runs import MAX_RUN, run_bodies

SIZES = st.sampled_from(RUN_SIZES) | st.integers(0, 255)
RUN = st.builds(
    lambda size, count, body: frame(body[:size].ljust(size, b"r")) * count,
    SIZES,
    st.integers(1, 80),
    st.binary(max_size=255),
)
BREAKER = st.one_of(
    st.builds(lambda body: frame(body, 1), st.binary(max_size=70)),  # MORE
    st.builds(lambda body: b"\x02" + len(body).to_bytes(8, "big") + body, st.binary(max_size=70)),
    st.builds(lambda topic: command(b"SUBSCRIBE", topic), st.binary(max_size=70)),
    st.builds(lambda data: command(b"PING", data), st.binary(max_size=4)),
    st.sampled_from([b"\x08\x01x", b"\x00", b"\x00\x40", b"\x01\x00", b"\x04\x00"]),
    st.binary(max_size=20),
)
STREAM = st.lists(RUN | BREAKER, max_size=25).map(b"".join)


def chunks_of(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in zip(points, points[1:])]


@fuzz(300)
@given(
    st.booleans(),
    STREAM,
    st.lists(st.integers(0, 1 << 16), max_size=12),
    st.sets(st.integers(0, 12), max_size=2),
)
@example(True, frame(b"m" * 64) * 20, [], set())
@example(True, frame(b"m" * 64) * 20 + frame(b"m" * 64)[:40], [], set())
@example(True, frame(b"") * 70 + frame(b"x", 1) + frame(b""), [1, 3], set())
@example(True, frame(b"a" * 64) * 3 + frame(b"b" * 64, 1) + frame(b"c" * 64) * 3, [], {1})
def test_the_fast_path_gives_what_the_general_path_gives(greeted, stream, cuts, gaps):
    data = (greeting(b"PUSH") if greeted else b"") + stream
    fast, general = parse_both(chunks_of(data, cuts), gaps)
    assert fast == general
    assert fast[3] == 0  # nothing held once the stream is over


@fuzz(200)
@given(
    st.lists(st.tuples(SIZES, st.integers(1, 100)), min_size=1, max_size=8),
    st.lists(st.integers(0, 1 << 16), max_size=6),
)
def test_runs_cut_anywhere_give_every_message_once(runs, cuts):
    sent = [[bytes([n % 256]) * size] for size, count in runs for n in range(count)]
    data = greeting(b"PUSH") + b"".join(frame(body) for [body] in sent)
    (rows, notes, counters, _), _general = parse_both(chunks_of(data, cuts), set())
    assert [list(row[4:]) for row in rows] == sent
    assert counters[0] == len(sent) and [kind for _t, kind, _x in notes] == [
        "zmtp_greeting",
        "zmtp_ready",
    ]


def walk(buf: bytes, i: int, size: int) -> list[bytes]:
    """The run from ``buf[i]`` read frame by frame, as the general path reads it."""
    bodies = []
    while len(bodies) < MAX_RUN and i + 2 + size <= len(buf) and buf[i] == 0 and buf[i + 1] == size:
        bodies.append(buf[i + 2 : i + 2 + size])
        i += 2 + size
    return bodies


@fuzz(300)
@given(SIZES, st.integers(1, 200), st.binary(max_size=300), st.binary(max_size=8))
@example(64, 20, b"", b"")
@example(0, 200, b"", b"")
def test_a_run_ends_where_the_frames_stop_being_equal(size, count, tail, prefix):
    buf = prefix + frame(b"q" * size) * count + tail
    assert list(run_bodies(buf, len(prefix), len(buf), size)) == walk(buf, len(prefix), size)


def read(linktype: int, packet: bytes, fast: bool) -> object:
    try:
        return segment_reader(linktype, fast)(packet)
    except NotTcpError as error:
        return error.args


@fuzz(400)
@given(
    st.sampled_from(sorted(LINKS)),
    st.binary(max_size=40),
    st.lists(st.tuples(st.integers(0, 90), st.integers(0, 255)), max_size=4),
    st.integers(0, 100),
)
@example("ethernet", b"x", [(14, 0x46)], 100)  # IP options
@example("ethernet", b"x", [(20, 0x20)], 100)  # more fragments
@example("raw", b"x", [(9, 17)], 100)  # UDP
@example("sll2", b"x", [(32, 0x40)], 100)  # a TCP header longer than the packet says
@example("raw", b"", [(0, 0x47)], 40)  # IP options leave no room for TCP's header
def test_any_packet_reads_the_same_through_the_fast_header(link, payload, changes, keep):
    linktype, wrap = LINKS[link]
    packet = bytearray(wrap(tcp_packet(True, 77, 0x18, payload)))
    for place, value in changes:
        if place < len(packet):
            packet[place] = value
    data = bytes(packet[: max(keep, 1)])  # cut short, maybe
    assert read(linktype, data, True) == read(linktype, data, False)
