"""One captured TCP segment of 64 KiB holding 30,000 empty messages (segmentation offload, or a
hostile file) is fed to the parser a piece at a time: a slice of the import stops part-way
through the packet and the next goes on, so the window repaints between them; every message
comes out once, in order, as when the packet is fed whole."""

from __future__ import annotations

import random

import pytest
from zmtp_streams import connection, frame, greeting, write_pcap

from zinspect.core.pcap import feed_pieces
from zinspect.core.pcap.feed_pieces import PIECE
from zinspect.core.pcap.importer import SLICE_ROWS, PcapImporter

EMPTY_MESSAGES = 32_000  # 64,000 bytes: two bytes each (flags, size 0)


def capture(path, out_of_order: bool) -> None:
    """A PUSH client's greeting, then one big segment of empty messages (and a last
    numbered message); with ``out_of_order`` the big segment arrives after the last one,
    so reassembly delivers it."""
    hello = greeting(b"PUSH")
    burst = frame(b"") * EMPTY_MESSAGES
    last = frame(b"last")
    client = [(0, hello), (len(hello), burst), (len(hello) + len(burst), last)]
    if out_of_order:
        client = [client[0], client[2], client[1]]
    packets = connection(client, [(0, greeting(b"PULL"))], random.Random(7))
    write_pcap(path, "ethernet", packets)


def import_all(path, budget: float) -> list[list]:
    importer = PcapImporter(path)
    slices = []
    while not importer.done:
        slices.append(importer.read_rows(budget))
    importer.close()
    return slices


@pytest.mark.parametrize("out_of_order", [False, True])
def test_a_packet_of_many_messages_is_read_over_several_slices(tmp_path, monkeypatch, out_of_order):
    path = tmp_path / "big.pcap"
    capture(path, out_of_order)
    whole = [row for rows in import_all(path, 10.0) for row in rows]
    assert len(whole) == EMPTY_MESSAGES + 1
    assert whole[-1][4:] == (b"last",) and all(row[4:] == (b"",) for row in whole[:-1])
    # a clock always past the deadline: every look between pieces ends the slice
    monkeypatch.setattr(feed_pieces, "now", lambda: float("inf"))
    slices = import_all(path, 10.0)
    assert max(map(len, slices)) <= PIECE // 2 + SLICE_ROWS  # one piece (and small packets)
    assert len(slices) > EMPTY_MESSAGES // (PIECE // 2)
    assert [row for rows in slices for row in rows] == whole  # each once, in order
