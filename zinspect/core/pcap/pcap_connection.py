"""One TCP connection of a packet capture as the import keeps it: its two directions, each
with its reassembly and its ZMTP parser, and what the connection said about itself as data
(core.pcap.pcap_result) once it is over."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from zinspect.core.pcap.pcap_result import PcapConnection
from zinspect.core.pcap.reassembly import Direction
from zinspect.core.pcap.zmtp import ZmtpParser


@dataclass
class Side:
    """One direction of a connection: its reassembly and its ZMTP parser."""

    address: str
    direction: str  # the rows' direction: OUT for the client's bytes
    reassembly: Direction
    parser: ZmtpParser
    feed_at: Callable[[bytes, int, int, float], None]  # the parser's, for in-order segments
    key: bytes = b""  # its packets' flow key (core.pcap.packets)
    fin: bool = False


@dataclass
class Connection:
    name: str
    client: Side
    server: Side

    def info(self) -> PcapConnection:
        """The connection as data (core.pcap.pcap_result)."""
        c, s = self.client.parser, self.server.parser
        return PcapConnection(
            self.name,
            self.client.address,
            self.server.address,
            c.shake.version or s.shake.version,
            c.shake.mechanism or s.shake.mechanism,
            c.shake.encrypted or s.shake.encrypted,
            c.shake.socket_type,
            s.shake.socket_type,
            c.shake.identity,
            s.shake.identity,
            c.shake.user,
            c.messages,
            s.messages,
            c.dropped + s.dropped,
        )

    def describe(self) -> str:
        """One line: versions, mechanisms, socket types, message counts."""
        if self.client.parser.not_zmtp or self.server.parser.not_zmtp:
            return f"{self.name}: not ZMTP"
        return self.info().describe()
