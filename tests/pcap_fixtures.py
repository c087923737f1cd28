"""Packet captures made by the tests themselves: a real pyzmq exchange through a TCP relay
that notes every chunk it forwards, written as pcap or pcapng with any link type, IPv4 or
IPv6, and segments reordered, retransmitted or cut to start mid-stream. No privileges."""

from __future__ import annotations

import select
import socket
import struct
import threading
from dataclasses import dataclass

import dpkt

LINKS = {"ethernet": 1, "sll": 113, "sll2": 276, "null": 0, "loop": 108, "raw": 101}


@dataclass
class Chunk:
    time: float
    connection: int
    from_client: bool
    data: bytes


class Relay:
    """Listens on a random port, connects each accepted client to ``target`` and forwards
    both ways, noting every chunk (a fake clock: 1 ms a chunk, so times are exact)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.chunks: list[Chunk] = []
        self._stop = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket, int]] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _run(self) -> None:
        while not self._stop.is_set():
            sockets = [self.listener] + [s for pair in self._pairs for s in pair[:2]]
            ready, _, _ = select.select(sockets, [], [], 0.05)
            for sock in ready:
                if sock is self.listener:
                    client, _ = self.listener.accept()
                    server = socket.create_connection(("127.0.0.1", self.target_port))
                    self._pairs.append((client, server, len(self._pairs)))
                    continue
                for client, server, number in self._pairs:
                    if sock in (client, server):
                        data = sock.recv(65536)
                        if not data:
                            continue
                        other = server if sock is client else client
                        other.sendall(data)
                        stamp = 1_700_000_000.0 + len(self.chunks) / 1000
                        self.chunks.append(Chunk(stamp, number, sock is client, data))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for client, server, _ in self._pairs:
            client.close()
            server.close()
        self.listener.close()


@dataclass
class Packet:
    time: float
    connection: int
    from_client: bool
    seq: int
    flags: int
    payload: bytes


def packets_of(chunks: list[Chunk], mss: int = 1400, handshake: bool = True) -> list[Packet]:
    """TCP segments for the chunks: a SYN handshake per connection, data cut at ``mss``,
    FINs at the end."""
    packets: list[Packet] = []
    seqs: dict[tuple[int, bool], int] = {}
    for chunk in chunks:
        for from_client in (True, False):
            key = (chunk.connection, from_client)
            if key not in seqs:
                isn = 4_294_967_000 if from_client else 1000 + chunk.connection  # wraps
                seqs[key] = (isn + 1) % (1 << 32)
                if handshake:
                    flags = dpkt.tcp.TH_SYN | (0 if from_client else dpkt.tcp.TH_ACK)
                    packets.append(
                        Packet(chunk.time, chunk.connection, from_client, isn, flags, b"")
                    )
        key = (chunk.connection, chunk.from_client)
        for start in range(0, len(chunk.data), mss):
            piece = chunk.data[start : start + mss]
            packets.append(
                Packet(chunk.time, chunk.connection, chunk.from_client, seqs[key], 0x18, piece)
            )
            seqs[key] = (seqs[key] + len(piece)) % (1 << 32)
    last = chunks[-1].time if chunks else 0.0
    for (connection, from_client), seq in seqs.items():
        packets.append(Packet(last + 0.5, connection, from_client, seq, 0x11, b""))
    return packets


def addresses(connection: int, from_client: bool, ipv6: bool) -> tuple[bytes, int, bytes, int]:
    if ipv6:
        client, server = (
            socket.inet_pton(socket.AF_INET6, "fd00::1"),
            socket.inet_pton(socket.AF_INET6, "fd00::2"),
        )
    else:
        client, server = socket.inet_aton("10.0.0.1"), socket.inet_aton("10.0.0.2")
    cport, sport = 40000 + connection, 5555
    if from_client:
        return client, cport, server, sport
    return server, sport, client, cport


def frame(packet: Packet, link: str, ipv6: bool) -> bytes:
    src, sport, dst, dport = addresses(packet.connection, packet.from_client, ipv6)
    tcp = dpkt.tcp.TCP(
        sport=sport, dport=dport, seq=packet.seq, flags=packet.flags, data=packet.payload
    )
    if ipv6:
        ip = dpkt.ip6.IP6(src=src, dst=dst, nxt=6, hlim=64, data=tcp, plen=len(bytes(tcp)))
        ethertype, family = 0x86DD, 30
    else:
        ip = dpkt.ip.IP(src=src, dst=dst, p=6, data=tcp)
        ethertype, family = 0x0800, 2
    raw = bytes(ip)
    if link == "ethernet":
        return b"\x02" * 6 + b"\x04" * 6 + struct.pack("!H", ethertype) + raw
    if link == "sll":
        return struct.pack("!HHH8sH", 0, 772, 6, b"\x00" * 8, ethertype) + raw
    if link == "sll2":
        return struct.pack("!HHIHBB8s", ethertype, 0, 1, 772, 0, 6, b"\x00" * 8) + raw
    if link == "null":
        return struct.pack("<I", family) + raw
    if link == "loop":
        return struct.pack("!I", family) + raw
    return raw


def write(
    path, packets: list[Packet], link: str = "ethernet", ipv6: bool = False, nano: bool = False
) -> None:
    """A .pcap (with nanosecond times if ``nano``), or a .pcapng when the path says so."""
    linktype = LINKS[link]
    with open(path, "wb") as file:
        if str(path).endswith(".pcapng"):
            writer = dpkt.pcapng.Writer(file, snaplen=65535, linktype=linktype)
        else:
            writer = dpkt.pcap.Writer(file, snaplen=65535, linktype=linktype, nano=nano)
        for packet in packets:
            writer.writepkt(frame(packet, link, ipv6), ts=packet.time)


def exchange(
    client_type: int, server_type: int, script, passwords: dict | None = None, **options
) -> list[Chunk]:
    """Run ``script(client, server)`` with a pyzmq client connected to a server through a
    Relay, and return the chunks the relay forwarded. ``options``: socket options for the
    client (``client_<name>``) and the server (``server_<name>``); ``passwords``: a PLAIN
    authenticator's users."""
    import zmq
    from zmq.auth.thread import ThreadAuthenticator

    context = zmq.Context()
    authenticator = None
    if passwords is not None:
        authenticator = ThreadAuthenticator(context)
        authenticator.start()
        authenticator.configure_plain(domain="*", passwords=passwords)
    server = context.socket(server_type)
    client = context.socket(client_type)
    for name, value in options.items():
        role, _, option = name.partition("_")
        setattr(server if role == "server" else client, option, value)
    for sock in (server, client):
        sock.linger = 1000
        sock.rcvtimeo = 10_000
    port = server.bind_to_random_port("tcp://127.0.0.1")
    relay = Relay(port)
    try:
        client.connect(relay.endpoint)
        script(client, server)
        client.close()
        server.close()
        if authenticator is not None:
            authenticator.stop()
        context.term()
    finally:
        relay.close()
    return relay.chunks
