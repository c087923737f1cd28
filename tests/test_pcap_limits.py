"""pcap import at its edges: caps that leave things out say so, a connection that is not
ZeroMQ is left out, a file cut short keeps what came before, a capture cut by its snap
length is a gap, and ZMTP 2.0 (libzmq 3.x) is read from hand-made bytes."""

from __future__ import annotations

import struct

import zmq
from pcap_fixtures import Chunk, exchange, packets_of, write

from zinspect.core.pcap import importer as importer_module
from zinspect.core.pcap import zmtp
from zinspect.core.pcap.importer import import_rows
from zinspect.core.pcap.zmtp import ZmtpParser


def frames_of(rows):
    return [list(row[4:]) for row in rows]


def test_a_message_over_the_cap_is_left_out_and_said(tmp_path, monkeypatch):
    big = b"B" * 300_000

    def send(client, server):
        for message in ([b"before"], [b"head", big], [b"after"]):
            client.send_multipart(message)
        assert [server.recv_multipart() for _ in range(3)][2] == [b"after"]

    write(tmp_path / "big.pcap", packets_of(exchange(zmq.PUSH, zmq.PULL, send)))
    monkeypatch.setattr(zmtp, "MAX_MESSAGE_BYTES", 100_000)
    rows, result = import_rows(tmp_path / "big.pcap")
    assert frames_of(rows) == [[b"before"], [b"after"]]
    assert "1 message too big to import was left out" in result.damage_report()


def test_connections_past_the_cap_are_left_out_and_counted(tmp_path, monkeypatch):
    chunks = []
    for number in range(3):
        for chunk in exchange(zmq.PUSH, zmq.PULL, lambda c, s: (c.send(b"x"), s.recv())):
            chunks.append(Chunk(chunk.time, number, chunk.from_client, chunk.data))
    write(tmp_path / "three.pcap", packets_of(chunks))
    assert len(import_rows(tmp_path / "three.pcap")[0]) == 3
    monkeypatch.setattr(importer_module, "MAX_CONNECTIONS", 1)
    rows, result = import_rows(tmp_path / "three.pcap")
    assert len({row[1] for row in rows}) < 3
    assert "connections past the 1 open at once were left out" in result.damage_report()


def test_a_connection_that_is_not_zeromq_is_left_out(tmp_path):
    chunks = [
        Chunk(1.0, 0, True, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        Chunk(2.0, 0, False, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    ]
    write(tmp_path / "http.pcap", packets_of(chunks))
    rows, result = import_rows(tmp_path / "http.pcap")
    assert rows == [] and result.connections == []
    assert "1 TCP connection is not ZMTP and was left out" in result.damage_report()


def test_a_file_cut_in_a_record_keeps_what_came_before(tmp_path):
    def send(client, server):
        for n in range(10):
            client.send(b"%d" % n)
        assert [server.recv() for _ in range(10)][-1] == b"9"

    path = tmp_path / "cut.pcap"
    write(path, packets_of(exchange(zmq.PUSH, zmq.PULL, send), mss=3))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 60])  # into the header of the last record (a FIN)
    rows, result = import_rows(path)
    assert frames_of(rows) == [[b"%d" % n] for n in range(10)]
    assert "the file ends in the middle of a packet record" in result.damage_report()


def test_a_snap_length_that_cuts_payloads_is_a_gap(tmp_path):
    def send(client, server):
        for message in ([b"short"], [b"L" * 3000], [b"tail"]):
            client.send_multipart(message)
        assert [server.recv_multipart() for _ in range(3)][2] == [b"tail"]

    packets = packets_of(exchange(zmq.PUSH, zmq.PULL, send), mss=1400)
    path = tmp_path / "snap.pcap"
    write(path, packets)
    raw = path.read_bytes()
    # rewrite every record cut at 200 bytes, its original length kept (tcpdump -s 200)
    out, at = bytearray(raw[:24]), 24
    while at < len(raw):
        sec, usec, caplen, length = struct.unpack_from("<IIII", raw, at)
        body = raw[at + 16 : at + 16 + caplen]
        out += struct.pack("<IIII", sec, usec, min(caplen, 200), length) + body[:200]
        at += 16 + caplen
    path.write_bytes(bytes(out))
    rows, result = import_rows(path)
    assert [b"short"] in frames_of(rows) and [b"L" * 3000] not in frames_of(rows)
    assert "gaps" in result.damage_report()


def test_zmtp_2_gives_the_socket_type_identity_and_messages():
    messages, notes = [], []
    parser = ZmtpParser(lambda t, f: messages.append(f), lambda t, k, x: notes.append(x))
    wire = b"\xff" + b"\x00" * 7 + b"\x01\x7f" + b"\x01" + bytes([8])  # revision 1, PUSH
    wire += b"\x00\x02w1"  # the identity, a final short frame
    wire += b"\x01\x03abc" + b"\x00\x00" + b"\x02" + struct.pack("!Q", 300) + b"z" * 300
    for at in range(0, len(wire), 7):
        parser.feed(wire[at : at + 7], 1.0)
    assert messages == [[b"abc", b""], [b"z" * 300]]
    assert parser.shake.version == "2.0" and parser.shake.socket_type == "PUSH"
    assert parser.shake.identity == b"w1"
    assert "ZMTP 2.0, socket type PUSH" in notes


def test_a_fifo_is_never_opened_to_sniff_its_format(tmp_path):
    import os

    from zinspect.core.pcap.pcap_file import PacketFile, PcapError, is_pcap_path

    fifo = tmp_path / "traffic.capture"
    os.mkfifo(fifo)
    assert not is_pcap_path(fifo)  # it would wait for a writer: it is not opened at all
    named = tmp_path / "traffic.pcap"
    os.mkfifo(named)
    try:
        PacketFile(named)
    except PcapError as error:
        assert str(error) == f"{named} is not a regular file"
    else:
        raise AssertionError("a FIFO was opened")


def test_packets_full_of_empty_messages_are_read_in_slices(tmp_path):
    from zinspect.core.pcap.importer import PcapImporter

    greeting = b"\xff" + b"\x00" * 8 + b"\x7f\x03\x01" + b"NULL".ljust(20, b"\x00") + b"\x00" * 32
    flood = b"\x00\x00" * 30_000  # 30,000 empty messages in one 60 kB segment
    chunks = [Chunk(1.0, 0, True, greeting)] + [Chunk(2.0 + n, 0, True, flood) for n in range(10)]
    write(tmp_path / "flood.pcap", packets_of(chunks, mss=60_000))
    importer = PcapImporter(tmp_path / "flood.pcap")
    slices = []
    while not importer.done:
        slices.append(len(importer.read_rows(0.001)))
    assert sum(slices) == 300_000
    assert max(slices) < 300_000 and len([n for n in slices if n]) > 1  # never all at once


def test_a_nanosecond_pcap_gives_float_times(tmp_path):
    def send(client, server):
        client.send(b"ns")
        assert server.recv() == b"ns"

    chunks = exchange(zmq.PUSH, zmq.PULL, send)
    write(tmp_path / "nano.pcap", packets_of(chunks), nano=True)
    rows, _result = import_rows(tmp_path / "nano.pcap")
    assert frames_of(rows) == [[b"ns"]]
    assert type(rows[0][0]) is float and abs(rows[0][0] - chunks[-1].time) < 1.0


def test_data_the_capture_lost_at_the_end_is_a_gap_by_the_fin(tmp_path):
    """tcpdump under a flood drops packets: when the last ones before the FIN are gone, the
    FIN's sequence number still says how much is missing."""

    def send(client, server):
        for n in range(5):
            client.send_multipart([b"%d" % n, b"y" * 500])
        assert len([server.recv_multipart() for _ in range(5)]) == 5

    packets = packets_of(exchange(zmq.PUSH, zmq.PULL, send), mss=300)
    last = max(i for i, p in enumerate(packets) if p.payload and p.from_client)
    del packets[last]
    write(tmp_path / "lost.pcap", packets)
    rows, result = import_rows(tmp_path / "lost.pcap")
    assert frames_of(rows) == [[b"%d" % n, b"y" * 500] for n in range(4)]
    assert "bytes were missing from the capture in 1 place (gaps)" in result.damage_report()
