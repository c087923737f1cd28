"""An imported packet capture as data: each ZMTP connection's endpoints, version, mechanism
and socket types, the socket types as the handshakes say them while the file is read, and
the notes split into what the file holds (information) and what went wrong (problems)."""

from __future__ import annotations

import zmq
from pcap_fixtures import Chunk, exchange, packets_of, write

from zinspect.core.pcap.importer import PcapConnection, PcapImporter, import_rows


def _ask(client, server) -> None:
    for n in range(3):
        client.send(b"ask %d" % n)
        server.send(server.recv())
        assert client.recv() == b"ask %d" % n


def test_each_connection_is_described_as_data(tmp_path):
    write(tmp_path / "reqrep.pcap", packets_of(exchange(zmq.REQ, zmq.REP, _ask)))
    rows, result = import_rows(tmp_path / "reqrep.pcap")
    assert len(rows) == 6
    name = "10.0.0.1:40000 -> 10.0.0.2:5555"
    assert result.connection_info == [
        PcapConnection(
            name,
            "10.0.0.1:40000",
            "10.0.0.2:5555",
            "3.1",
            "NULL",
            False,
            "REQ",
            "REP",
            sent=3,
            received=3,
        )
    ]
    # the words are made from the data
    assert result.connections == [result.connection_info[0].describe()]
    assert result.connections == [f"{name}: ZMTP 3.1 NULL, REQ -> REP, 3 out, 3 in"]
    assert result.information == [] and result.problems == [] and result.notes == []


def test_a_routing_identity_is_kept_with_its_end(tmp_path):
    def send(client, server):
        client.send(b"hello")
        assert server.recv_multipart() == [b"worker-7", b"hello"]

    chunks = exchange(zmq.DEALER, zmq.ROUTER, send, client_routing_id=b"worker-7")
    write(tmp_path / "dealer.pcap", packets_of(chunks))
    _rows, result = import_rows(tmp_path / "dealer.pcap")
    [info] = result.connection_info
    assert (info.client_type, info.server_type) == ("DEALER", "ROUTER")
    assert (info.client_identity, info.server_identity) == (b"worker-7", b"")


def test_the_socket_types_come_as_the_handshakes_say_them(tmp_path):
    write(tmp_path / "reqrep.pcap", packets_of(exchange(zmq.REQ, zmq.REP, _ask)))
    importer = PcapImporter(tmp_path / "reqrep.pcap", keep_types=True)
    said: dict[str, tuple[str, str]] = {}
    with_first_rows = None
    while not importer.done:
        rows = importer.read_rows()
        types = importer.take_socket_types()
        if rows and with_first_rows is None:
            with_first_rows = types  # said in the slice that brings the first messages
        said.update(types)
    assert said == {"10.0.0.1:40000 -> 10.0.0.2:5555": ("REQ", "REP")}
    assert with_first_rows == said
    # not asked for: nothing is kept for it
    plain = PcapImporter(tmp_path / "reqrep.pcap")
    while not plain.done:
        plain.read_rows()
    assert plain.take_socket_types() == {}


def test_what_the_file_holds_is_information_and_what_went_wrong_a_problem(tmp_path):
    http = [  # a second connection (the ZeroMQ one below is the first)
        Chunk(1.0, 1, True, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        Chunk(2.0, 1, False, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    ]
    write(tmp_path / "http.pcap", packets_of(http))
    _rows, result = import_rows(tmp_path / "http.pcap")
    assert result.information == ["1 TCP connection is not ZMTP and was left out"]
    assert result.problems == [] and result.connection_info == []

    def push(client, server):
        for n in range(40):
            client.send(b"message %d" % n)
        assert [server.recv() for _ in range(40)][-1] == b"message 39"

    packets = packets_of(exchange(zmq.PUSH, zmq.PULL, push), mss=40)
    data = [i for i, p in enumerate(packets) if p.payload and p.from_client]
    del packets[data[len(data) // 2]]
    write(tmp_path / "gap.pcap", packets + packets_of(http))
    _rows, result = import_rows(tmp_path / "gap.pcap")
    assert len(result.problems) >= 1 and "gaps" in result.problems[0]
    assert result.information == ["1 TCP connection is not ZMTP and was left out"]
    assert sorted(result.notes) == sorted(result.problems + result.information)
