"""Link, IP and TCP headers of one captured packet, read with struct rather than dpkt's
classes: this runs per packet, and building dpkt objects would cost more than reading the
file does (the import must keep up with the reader, docs/pcap.md).

Link types: Ethernet (with VLAN tags), Linux cooked (SLL and SLL2), BSD loopback (NULL and
LOOP) and raw IP; IPv4 and IPv6 (its common extension headers skipped). Fragments are not
reassembled: they are counted and left out.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from typing import Any, NamedTuple

DLT_NULL = 0
DLT_EN10MB = 1
DLT_RAW_BSD = 12
DLT_RAW_OPENBSD = 14
DLT_RAW = 101
DLT_LOOP = 108
DLT_LINUX_SLL = 113
DLT_IPV4 = 228
DLT_IPV6 = 229
DLT_LINUX_SLL2 = 276

LINK_NAMES = {
    DLT_NULL: "BSD loopback",
    DLT_EN10MB: "Ethernet",
    DLT_RAW_BSD: "raw IP",
    DLT_RAW_OPENBSD: "raw IP",
    DLT_RAW: "raw IP",
    DLT_LOOP: "OpenBSD loopback",
    DLT_LINUX_SLL: "Linux cooked (SLL)",
    DLT_IPV4: "raw IPv4",
    DLT_IPV6: "raw IPv6",
    DLT_LINUX_SLL2: "Linux cooked (SLL2)",
}

ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
_VLAN = (0x8100, 0x88A8, 0x9100)
_BSD_INET6 = (24, 28, 30)  # AF_INET6 on the BSDs, macOS and Linux differ
_IPV6_SKIPPED = (0, 43, 60)  # hop-by-hop, routing, destination options
TCP = 6
FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10

_u16 = struct.Struct("!H").unpack_from
_tcp = struct.Struct("!HHI4xBB").unpack_from
_ip4 = struct.Struct("!2xH2xHxB2x4s4s").unpack_from  # length, fragment, protocol, addresses


class Segment(NamedTuple):
    """One TCP segment: addresses as raw bytes, its payload (as captured) and how many
    payload bytes the packet really had (more when the capture cut it short)."""

    src: bytes
    sport: int
    dst: bytes
    dport: int
    seq: int
    flags: int
    payload: bytes
    length: int


class NotTcpError(Exception):
    """The packet is no TCP segment zinspect reads; the message says what it is."""


def supported(linktype: int) -> bool:
    return linktype in LINK_NAMES


def link_name(linktype: int) -> str:
    return LINK_NAMES.get(linktype, f"link type {linktype}")


def ip_offset(linktype: int, packet: bytes) -> int:
    """Where the IP header starts in ``packet``; NotTcpError when it carries no IP."""
    if linktype == DLT_EN10MB:
        offset, kind = 14, _u16(packet, 12)[0] if len(packet) >= 14 else 0
        while kind in _VLAN and len(packet) >= offset + 4:
            kind = _u16(packet, offset + 2)[0]
            offset += 4
        if kind not in (ETH_IPV4, ETH_IPV6):
            raise NotTcpError("not IP")
        return offset
    if linktype == DLT_LINUX_SLL:
        if len(packet) < 16 or _u16(packet, 14)[0] not in (ETH_IPV4, ETH_IPV6):
            raise NotTcpError("not IP")
        return 16
    if linktype == DLT_LINUX_SLL2:
        if len(packet) < 20 or _u16(packet, 0)[0] not in (ETH_IPV4, ETH_IPV6):
            raise NotTcpError("not IP")
        return 20
    if linktype in (DLT_NULL, DLT_LOOP):
        if len(packet) < 4:
            raise NotTcpError("not IP")
        family = int.from_bytes(packet[:4], "big" if linktype == DLT_LOOP else "little")
        if family not in (2, *_BSD_INET6):  # a capture from the other byte order
            family = int.from_bytes(packet[:4], "little" if linktype == DLT_LOOP else "big")
        if family != 2 and family not in _BSD_INET6:
            raise NotTcpError("not IP")
        return 4
    return 0  # raw IP


def tcp_segment(linktype: int, packet: bytes) -> Segment:
    """The TCP segment in one captured packet; NotTcpError otherwise (or when cut too short).
    IPv4 without options, the usual case, takes one struct call for the IP header."""
    start = ip_offset(linktype, packet)
    if len(packet) < start + 40:
        raise NotTcpError("too short")
    first = packet[start]
    if first == 0x45:
        total, fragment, proto, src, dst = _ip4(packet, start)
        if proto != TCP:
            raise NotTcpError("not TCP")
        if fragment & 0x3FFF:  # more fragments, or an offset
            raise NotTcpError("an IP fragment")
        end, tcp = start + total, start + 20
    else:
        end, tcp, src, dst = _ip_header(packet, start, first >> 4)
    sport, dport, seq, offset, flags = _tcp(packet, tcp)
    data = tcp + (offset >> 4) * 4
    if data > end or end < tcp + 20:
        raise NotTcpError("a damaged TCP header")
    # the IP length leaves out Ethernet's padding; a capture may have cut the payload short
    return Segment(src, sport, dst, dport, seq, flags, packet[data:end], end - data)


def _ip_header(packet: bytes, start: int, version: int) -> tuple[int, int, bytes, bytes]:
    """(end of the IP packet, start of TCP, source, destination) of IPv4 with options or
    IPv6 with extension headers; NotTcpError for anything else."""
    if version == 4:
        header = (packet[start] & 0x0F) * 4
        total, fragment, proto, src, dst = _ip4(packet, start)
        if proto != TCP:
            raise NotTcpError("not TCP")
        if fragment & 0x3FFF:
            raise NotTcpError("an IP fragment")
        if header < 20:
            raise NotTcpError("a damaged IP header")
        if len(packet) < start + header + 20:  # options leave no room for TCP's header
            raise NotTcpError("too short")
        return start + total, start + header, src, dst
    if version != 6:
        raise NotTcpError("not IP")
    if len(packet) < start + 40:
        raise NotTcpError("too short")
    kind = packet[start + 6]
    end = start + 40 + _u16(packet, start + 4)[0]
    src, dst = packet[start + 8 : start + 24], packet[start + 24 : start + 40]
    tcp = start + 40
    while kind in _IPV6_SKIPPED and len(packet) >= tcp + 8:
        kind, tcp = packet[tcp], tcp + (packet[tcp + 1] + 1) * 8
    if kind == 44:
        raise NotTcpError("an IP fragment")
    if kind != TCP:
        raise NotTcpError("not TCP")
    if len(packet) < tcp + 20:
        raise NotTcpError("too short")
    return end, tcp, src, dst


def address(raw: bytes, port: int) -> str:
    """``10.0.0.1:5555`` or ``[::1]:5555``."""
    if len(raw) == 4:
        return f"{socket.inet_ntop(socket.AF_INET, raw)}:{port}"
    return f"[{socket.inet_ntop(socket.AF_INET6, raw)}]:{port}"


Packet = tuple[bytes, int, int, bytes, int]  # flow key, seq, flags, payload, its length
# The link header's type field, then IPv4 (no options) and TCP, read by one struct call:
# (format of the type field, the values it may have, where IP starts). Raw IP has no type
# field: "0s" reads b"" there, so every link gives the same nine values.
_FAST_LINKS: dict[int, tuple[str, tuple[object, ...], int]] = {
    DLT_EN10MB: ("12xH", (ETH_IPV4,), 14),
    DLT_LINUX_SLL: ("14xH", (ETH_IPV4,), 16),
    DLT_LINUX_SLL2: ("H18x", (ETH_IPV4,), 20),
    DLT_NULL: ("4s", (b"\x02\x00\x00\x00", b"\x00\x00\x00\x02"), 4),
    DLT_LOOP: ("4s", (b"\x00\x00\x00\x02",), 4),
    DLT_RAW: ("0s", (b"",), 0),
    DLT_RAW_BSD: ("0s", (b"",), 0),
    DLT_RAW_OPENBSD: ("0s", (b"",), 0),
    DLT_IPV4: ("0s", (b"",), 0),
}


class FastHeader(NamedTuple):
    """How to read a link type's common packet, IPv4 without options, in one struct call:
    ``unpack(packet)`` gives (link type field, IP version byte, IP length, fragment field,
    protocol, flow key, TCP seq, TCP data offset, TCP flags) when ``len(packet) >= size``;
    it is that packet when the type field is in ``tags``, the version byte 0x45, the
    protocol TCP and no fragment bits are set; IP starts at ``start``. The flow key is the
    addresses and ports as they lie in the headers (``flow_key``). The import inlines it
    (per packet)."""

    unpack: Callable[[bytes], tuple[Any, ...]]
    size: int
    start: int
    tags: tuple[object, ...]


def fast_header(linktype: int) -> FastHeader | None:
    """The FastHeader of a link type (None: it has none, ``tcp_segment`` reads it)."""
    if linktype not in _FAST_LINKS:
        return None
    kind, tags, start = _FAST_LINKS[linktype]
    # to the end of the TCP header (6x: window, checksum, urgent pointer): a packet cut
    # before it is too short for tcp_segment too
    header = struct.Struct("!" + kind + "BxH2xHxB2x12sI4xBB6x")
    return FastHeader(header.unpack_from, header.size, start, tags)


_ports = struct.Struct("!HH")


def flow_key(src: bytes, sport: int, dst: bytes, dport: int) -> bytes:
    """One direction of a connection as bytes: source, destination, ports (IPv4's header
    holds them in this order, so the fast path slices the key out of the packet)."""
    return src + dst + _ports.pack(sport, dport)


def key_parts(key: bytes) -> tuple[bytes, int, bytes, int]:
    """(source, its port, destination, its port) of a flow key."""
    size = (len(key) - 4) // 2
    sport, dport = _ports.unpack_from(key, 2 * size)
    return key[:size], sport, key[size : 2 * size], dport


def reverse_key(key: bytes) -> bytes:
    src, sport, dst, dport = key_parts(key)
    return flow_key(dst, dport, src, sport)


def segment_reader(linktype: int, fast: bool = True) -> Callable[[bytes], Packet]:
    """``tcp_segment`` for one link type as (flow key, seq, flags, payload, length), through
    the FastHeader when the packet is IPv4 without options (the key is then one slice of the
    packet). ``fast=False``: tcp_segment only (tests compare the two)."""

    def slow(packet: bytes) -> Packet:
        segment = tcp_segment(linktype, packet)
        key = flow_key(segment.src, segment.sport, segment.dst, segment.dport)
        return key, segment.seq, segment.flags, segment.payload, segment.length

    head = fast_header(linktype) if fast else None
    if head is None:
        return slow
    unpack, size, start, tags = head
    tcp = start + 20

    def read(packet: bytes) -> Packet:
        if len(packet) >= size:
            tag, first, total, fragment, proto, key, seq, offset, flags = unpack(packet)
            if tag in tags and first == 0x45 and proto == TCP and not fragment & 0x3FFF:
                data, end = tcp + (offset >> 4) * 4, start + total
                if tcp + 20 <= data <= end:
                    return key, seq, flags, packet[data:end], end - data
        return slow(packet)

    return read
