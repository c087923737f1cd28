"""A flood's segments read at once: the import reads a segment as long as the last one its
parser split whole (the same number of equal one-frame messages) with one struct call, and
keeps the rows only when every header is the expected one; a segment of one one-frame
message becomes its row in the import's loop too. Segments of that very length
that hold something else (other sizes adding up the same, a multipart message, a command, a
frame cut across two segments, bytes lost before them) must give exactly what the general
path gives, and without losses the messages sent."""

from __future__ import annotations

import random

from fuzz_support import fuzz
from hypothesis import example, given
from hypothesis import strategies as st
from test_pcap_fast_paths import same_both_ways
from zmtp_streams import command, connection, frame, greeting, write_pcap

SIZE, COUNT = 64, 20  # the flood: twenty 64 B messages a segment
KINDS = ("flood", "sizes", "multipart", "continued", "command", "shifted", "other shape")
# a segment of one frame: a message, the first frame of a multipart one, a command
SINGLES = ("single", "single more", "single command")
Frame = tuple[int, bytes]  # flags (MORE, or COMMAND for a SUBSCRIBE), body


def segment(kind: str, tag: int) -> list[Frame]:
    """The frames of a segment: COUNT * (SIZE + 2) bytes but for "other shape"."""
    body = bytes([tag % 256]) * SIZE
    if kind == "sizes":  # two frames of 63 and 65 bytes in place of two of 64
        return [(0, body[:63]), (0, body + b"+")] + [(0, body)] * (COUNT - 2)
    if kind == "multipart":  # the same sizes, one header with MORE
        return [(1, body)] + [(0, body)] * (COUNT - 1)
    if kind == "continued":  # the last message goes on in the next segment
        return [(0, body)] * (COUNT - 1) + [(1, body)]
    if kind == "command":  # a SUBSCRIBE as long as a message frame
        return [(4, b"\x09SUBSCRIBE" + b"t" * (SIZE - 10))] + [(0, body)] * (COUNT - 1)
    if kind == "other shape":
        return [(0, body[:10])] * 7
    if kind.startswith("single"):
        flags = {"single": 0, "single more": 1, "single command": 4}[kind]
        return [(flags, b"\x09SUBSCRIBE" + body[10:] if flags == 4 else body[: 10 + tag % 50])]
    return [(0, body)] * COUNT


def wire(frames: list[Frame]) -> bytes:
    return b"".join(
        command(body[1:10], body[10:]) if flags == 4 else frame(body, flags)
        for flags, body in frames
    )


def messages(frames: list[Frame]) -> list[list[bytes]]:
    """What a reader gets from the frames, in order (a message still open is left out)."""
    done: list[list[bytes]] = []
    held: list[bytes] = []
    for flags, body in frames:
        if flags == 4:
            done.append([b"\x01" + body[10:]])
            continue
        held.append(body)
        if not flags:
            done.append(held)
            held = []
    return done


def flood(kinds: list[str]) -> tuple[list[tuple[int, bytes]], list[list[bytes]]]:
    """The client's segments (offset, bytes), its greeting first, and the messages sent; a
    "shifted" segment moves the cut before the next one by a byte."""
    head = greeting(b"PUSH")
    segments, sent, offset, shift = [(0, head)], [], len(head), False
    for tag, kind in enumerate(kinds):
        if kind == "shifted":
            shift = True
            continue
        frames = segment(kind, tag)
        sent += frames
        data = wire(frames)
        if shift and len(segments) > 1:  # the last segment gives its last byte to this one
            last_offset, last = segments.pop()
            segments.append((last_offset, last[:-1]))
            data, offset, shift = last[-1:] + data, offset - 1, False
        segments.append((offset, data))
        offset += len(data)
    return segments, messages(sent)


@fuzz(60)
@given(st.lists(st.sampled_from(KINDS + SINGLES), max_size=30), st.integers(0, 30))
@example(["flood"] * 5 + ["sizes", "flood", "multipart", "flood", "command", "flood"], 99)
@example(["flood"] * 3 + ["continued", "flood", "flood"], 99)
@example(["single", "single more", "single", "single command", "single", "flood"], 99)
@example(["flood"] * 3 + ["shifted", "flood", "flood", "flood"], 99)
def test_segments_as_long_as_the_floods_give_what_the_general_path_gives(
    tmp_path_factory, kinds, lost
):
    segments, sent = flood(kinds)
    server = [(0, greeting(b"PULL"))]
    lose = lost < len(segments) - 1
    if lose:  # a segment of the flood lost: a gap, then a search
        del segments[1 + lost]
    path = tmp_path_factory.mktemp("flood") / "flood.pcap"
    write_pcap(path, "ethernet", connection(segments, server, random.Random(len(kinds))))
    rows, _events, notes, _summaries, _counts = same_both_ways(path)
    if not lose:
        assert [list(row[4:]) for row in rows] == sent
        assert notes == []
