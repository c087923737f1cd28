"""The pcap import's fast paths (IPv4 headers read inline, in-order segments straight to the
parser, runs of equal one-frame messages split at once) give exactly what the general paths
give: the same rows, notes, events and report, on generated captures with runs of every
size, segments cut at every byte, reordered, retransmitted and lost. Without losses, the
rows are the messages sent."""

from __future__ import annotations

import random

import pytest
from zmtp_streams import connection, cut, damage, greeting, messages, tcp_packet, write_pcap

from zinspect.core.pcap.importer import PcapImporter
from zinspect.core.store import IN, OUT


def run(path, fast: bool):
    importer = PcapImporter(path, keep_events=True, fast=fast)
    rows, events = [], []
    while not importer.done:
        rows += importer.read_rows(0.05)
        events += importer.take_events()
    importer.close()
    counts = (importer.packets, importer.ignored, importer.fragments, importer.messages_read)
    return rows, events, importer.notes(), importer.summaries, counts


def capture(tmp_path, seed: int, how: str, link: str = "ethernet", **damages: bool):
    """A PUSH client's messages and a PULL server's greeting, cut ``how``; returns the
    file and the messages the client sent."""
    rng = random.Random(seed)
    wire, sent = messages(rng, 40, 1000) if how == "bytes" else messages(rng, 400)
    client = damage(rng, cut(rng, greeting(b"PUSH") + wire, how), **damages)
    server = damage(rng, cut(rng, greeting(b"PULL"), how), **damages)
    lost = any(not covered(segments) for segments in (client, server))
    path = tmp_path / f"{seed}-{how}-{link}{'-lost' if lost else ''}.pcap"
    write_pcap(path, link, connection(client, server, rng))
    return path, sent


def covered(segments: list[tuple[int, bytes]]) -> bool:
    """Whether the segments hold every byte up to the last one."""
    end = 0
    for offset, data in sorted(segments):
        if offset > end:
            return False
        end = max(end, offset + len(data))
    return True


def same_both_ways(path):
    fast, general = run(path, True), run(path, False)
    assert fast == general
    return fast


@pytest.mark.parametrize("how", ["bytes", "mss", "random"])
@pytest.mark.parametrize("seed", range(6))
def test_in_order_segments_give_the_messages_sent(tmp_path, seed, how):
    path, sent = capture(tmp_path, seed, how, reorder=False, repeat=False, lose=False)
    rows, _events, notes, summaries, _ = same_both_ways(path)
    assert [list(row[4:]) for row in rows] == sent
    assert {row[2] for row in rows} == {OUT} and notes == []
    assert summaries == [
        f"10.0.0.1:40000 -> 10.0.0.2:5555: ZMTP 3.1 NULL, PUSH -> PULL, {len(sent):,} out, 0 in"
    ]


@pytest.mark.parametrize("link", ["ethernet", "sll2", "null", "raw"])
@pytest.mark.parametrize("seed", range(6))
def test_reordered_and_retransmitted_segments_give_the_messages_sent(tmp_path, seed, link):
    path, sent = capture(
        tmp_path, 100 + seed, "random", link, reorder=True, repeat=True, lose=False
    )
    rows, *_ = same_both_ways(path)
    assert [list(row[4:]) for row in rows] == sent


@pytest.mark.parametrize("how", ["bytes", "mss", "random"])
@pytest.mark.parametrize("seed", range(8))
def test_lost_segments_give_the_same_rows_and_notes_either_way(tmp_path, seed, how):
    path, sent = capture(tmp_path, 200 + seed, how, reorder=True, repeat=True, lose=True)
    rows, _events, notes, _summaries, _ = same_both_ways(path)
    if path.stem.endswith("lost"):
        assert any("gaps" in note for note in notes)
    else:  # what was lost was sent again
        assert [list(row[4:]) for row in rows] == sent


def test_packets_the_inline_header_reader_passes_on_are_read_the_same(tmp_path):
    """IP options, fragments, UDP and a truncated packet leave the inline reader for
    tcp_segment; a capture of them imports the same either way."""
    rng = random.Random(7)
    wire, sent = messages(rng, 50)
    data = greeting(b"PUSH") + wire
    packets = [tcp_packet(True, 99, 0x02, b""), tcp_packet(False, 5, 0x12, b"")]
    for offset, piece in cut(rng, data, "random"):
        options = b"\x01\x01\x01\x00" if rng.random() < 0.3 else b""
        packets.append(tcp_packet(True, 100 + offset, 0x18, piece, options))
        if rng.random() < 0.2:
            packets.append(tcp_packet(True, 100 + offset, 0x18, piece, proto=17))  # UDP
            packets.append(tcp_packet(True, 100 + offset, 0x18, piece)[:30])  # cut short
    write_pcap(tmp_path / "mixed.pcap", "ethernet", packets)
    rows, _events, _notes, _summaries, counts = same_both_ways(tmp_path / "mixed.pcap")
    assert [list(row[4:]) for row in rows] == sent
    assert counts[1] > 0  # the UDP and cut packets were counted as not TCP


def test_both_directions_stay_apart(tmp_path):
    rng = random.Random(11)
    wire, sent = messages(rng, 200)
    back, replies = messages(rng, 200)
    client = cut(rng, greeting(b"DEALER") + wire, "mss")
    server = cut(rng, greeting(b"ROUTER") + back, "random")
    write_pcap(tmp_path / "both.pcap", "ethernet", connection(client, server, rng))
    rows, *_ = same_both_ways(tmp_path / "both.pcap")
    assert [list(row[4:]) for row in rows if row[2] == OUT] == sent
    assert [list(row[4:]) for row in rows if row[2] == IN] == replies
