"""pcap and pcapng import: real pyzmq exchanges through a relay, written as captures with
every supported link type, IPv4 and IPv6; the imported messages are the ones the peers
sent, with the connection as the socket and the client's sends as "out"."""

from __future__ import annotations

import pytest
import zmq
from pcap_fixtures import LINKS, exchange, packets_of, write

from zinspect.core.pcap.importer import PcapImporter, import_rows
from zinspect.core.store import IN, OUT

SENT = [[b"topic-%d" % i, b"x" * (i * 37)] for i in range(30)] + [[b"single"], [b""]]


def _push(client, server) -> None:
    for message in SENT:
        client.send_multipart(message)
    assert [server.recv_multipart() for _ in SENT] == SENT


@pytest.fixture(scope="module")
def push_chunks():
    return exchange(zmq.PUSH, zmq.PULL, _push)


def frames_of(rows):
    return [list(row[4:]) for row in rows]


@pytest.mark.parametrize("link", sorted(LINKS))
@pytest.mark.parametrize("suffix", [".pcap", ".pcapng"])
def test_every_link_type_and_format_gives_the_messages_sent(push_chunks, tmp_path, link, suffix):
    ipv6 = (link in ("sll", "null", "raw")) == (suffix == ".pcap")
    path = tmp_path / f"push{suffix}"
    write(path, packets_of(push_chunks, mss=90), link, ipv6)
    rows, result = import_rows(path)
    assert frames_of(rows) == SENT
    client, server = (
        ("[fd00::1]:40000", "[fd00::2]:5555") if ipv6 else ("10.0.0.1:40000", "10.0.0.2:5555")
    )
    assert {row[1] for row in rows} == {f"{client} -> {server}"}
    assert {row[2] for row in rows} == {OUT}
    assert rows[0][0] >= 1_700_000_000.0 and [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert result.connections == [
        f"{client} -> {server}: ZMTP 3.1 NULL, PUSH -> PULL, 32 out, 0 in"
    ]
    assert result.damage_report() == ""


def test_out_of_order_and_retransmitted_segments_are_put_back_in_order(push_chunks, tmp_path):
    packets = packets_of(push_chunks, mss=50)
    data = [i for i, p in enumerate(packets) if p.payload]
    for a, b in zip(data[::2], data[1::2]):  # every pair of data segments swapped
        packets[a], packets[b] = packets[b], packets[a]
    for i in reversed(data[::5]):  # and every fifth sent twice, once much later
        packets.insert(min(i + 7, len(packets)), packets[i])
    write(tmp_path / "shuffled.pcap", packets)
    rows, result = import_rows(tmp_path / "shuffled.pcap")
    assert frames_of(rows) == SENT
    assert result.damage_report() == ""


def test_a_lost_segment_is_a_gap_and_the_messages_around_it_survive(push_chunks, tmp_path):
    packets = packets_of(push_chunks, mss=40)
    data = [i for i, p in enumerate(packets) if p.payload and p.from_client]
    del packets[data[len(data) // 2]]
    write(tmp_path / "gap.pcap", packets)
    rows, result = import_rows(tmp_path / "gap.pcap")
    got = frames_of(rows)
    assert 20 < len(got) < len(SENT)
    assert all(message in SENT for message in got)
    assert got == [m for m in SENT if m in got]  # in order, none twice
    assert "gaps" in result.damage_report()


def test_a_capture_that_starts_mid_message_resynchronises_and_says_what_it_skipped(
    push_chunks, tmp_path
):
    packets = packets_of(push_chunks, mss=1000, handshake=False)
    stream = b"".join(p.payload for p in packets if p.from_client)
    # begin inside the body of message 10's second frame
    start = stream.index(b"topic-10") + 20
    kept, seen = [], 0
    for packet in packets:
        if not packet.from_client or not packet.payload:
            kept.append(packet)
            continue
        end = seen + len(packet.payload)
        if end > start:
            cut = max(0, start - seen)
            packet.payload, packet.seq = packet.payload[cut:], (packet.seq + cut) % (1 << 32)
            kept.append(packet)
        seen = end
    write(tmp_path / "mid.pcapng", [p for p in kept if p.from_client])
    rows, result = import_rows(tmp_path / "mid.pcapng")
    # message 11 follows the first frame boundary, but that boundary could as well have been
    # inside message 10: it is left out rather than shown as a whole message it may not be
    assert frames_of(rows) == SENT[12:]
    assert "joined mid-way" in result.damage_report()


def test_requests_replies_and_a_routing_identity_are_read_both_ways(tmp_path):
    def talk(client, server):
        for n in range(5):
            client.send_multipart([b"", b"request %d" % n])
            identity, *rest = server.recv_multipart()
            assert identity == b"me"
            server.send_multipart([identity, *rest, b"reply %d" % n])
            client.recv_multipart()

    chunks = exchange(zmq.DEALER, zmq.ROUTER, talk, client_routing_id=b"me")
    write(tmp_path / "router.pcap", packets_of(chunks))
    importer = PcapImporter(tmp_path / "router.pcap", keep_events=True)
    rows = []
    while not importer.done:
        rows.extend(importer.read_rows())
    assert [(r[2], list(r[4:])) for r in rows] == [
        item
        for n in range(5)
        for item in (
            (OUT, [b"", b"request %d" % n]),
            (IN, [b"", b"request %d" % n, b"reply %d" % n]),
        )
    ]
    (summary,) = importer.result([]).connections
    assert "DEALER (identity b'me') -> ROUTER" in summary
    details = [event.detail for event in importer.take_events()]
    assert any("socket type DEALER, identity b'me'" in d for d in details)


def test_subscriptions_show_as_messages_of_the_subscriber(tmp_path):
    def pubsub(client, server):
        client.subscribe(b"weather")
        while True:  # the subscription reaches the PUB asynchronously
            server.send_multipart([b"weather", b"sunny"])
            if client.poll(50):
                break
        client.recv_multipart()
        client.unsubscribe(b"weather")
        client.subscribe(b"news")
        while True:
            server.send_multipart([b"news", b"today"])
            if client.poll(50):
                break

    chunks = exchange(zmq.SUB, zmq.PUB, pubsub)
    write(tmp_path / "pubsub.pcap", packets_of(chunks))
    rows, result = import_rows(tmp_path / "pubsub.pcap")
    outs = [list(r[4:]) for r in rows if r[2] == OUT]
    assert outs == [[b"\x01weather"], [b"\x00weather"], [b"\x01news"]]
    assert [b"weather", b"sunny"] in [list(r[4:]) for r in rows if r[2] == IN]
    assert "SUB -> PUB" in result.connections[0]


def test_a_long_frame_in_many_segments_is_whole(tmp_path):
    big = bytes(range(256)) * 1200  # 300 KiB: an 8-byte size, 215 segments

    def send(client, server):
        client.send_multipart([b"head", big])
        assert server.recv_multipart() == [b"head", big]

    write(tmp_path / "big.pcap", packets_of(exchange(zmq.PUSH, zmq.PULL, send)))
    rows, _result = import_rows(tmp_path / "big.pcap")
    assert frames_of(rows) == [[b"head", big]]


def test_curve_traffic_shows_sizes_and_says_it_is_encrypted(tmp_path):
    server_public, server_secret = zmq.curve_keypair()
    client_public, client_secret = zmq.curve_keypair()

    def send(client, server):
        for n in range(4):
            client.send(b"secret %d" % n * (n + 1))
        assert [server.recv() for _ in range(4)] == [b"secret %d" % n * (n + 1) for n in range(4)]

    chunks = exchange(
        zmq.PUSH,
        zmq.PULL,
        send,
        server_curve_server=True,
        server_curve_secretkey=server_secret,
        client_curve_serverkey=server_public,
        client_curve_publickey=client_public,
        client_curve_secretkey=client_secret,
    )
    write(tmp_path / "curve.pcap", packets_of(chunks))
    rows, result = import_rows(tmp_path / "curve.pcap")
    assert len(rows) == 4
    # each is its encrypted box: the text is nowhere, the sizes grow with the messages
    assert all(b"secret" not in row[4] for row in rows)
    sizes = [row[3] for row in rows]
    assert sizes == sorted(sizes) and sizes[1] - sizes[0] == len(b"secret 0")
    assert "CURVE (encrypted: sizes only)" in result.connections[0]
    assert "encrypted" in result.damage_report()


def test_plain_shows_the_user_and_never_the_password(tmp_path):
    def send(client, server):
        client.send(b"hello")
        assert server.recv() == b"hello"

    chunks = exchange(
        zmq.PUSH,
        zmq.PULL,
        send,
        passwords={"admin": "hunter2-secret"},
        server_plain_server=True,
        client_plain_username=b"admin",
        client_plain_password=b"hunter2-secret",
    )
    write(tmp_path / "plain.pcap", packets_of(chunks))
    importer = PcapImporter(tmp_path / "plain.pcap", keep_events=True)
    rows = []
    while not importer.done:
        rows.extend(importer.read_rows())
    assert frames_of(rows) == [[b"hello"]]
    said = repr(importer.result([])) + repr(importer.take_events())
    assert "PLAIN user 'admin' (password masked)" in said
    assert "PLAIN, PUSH -> PULL" in importer.result([]).connections[0]
    assert "hunter2" not in said
