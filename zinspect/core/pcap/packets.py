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
from typing import NamedTuple

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
_tcp = struct.Struct("!HHIIBB").unpack_from


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
    """The TCP segment in one captured packet; NotTcpError otherwise (or when cut too short)."""
    start = ip_offset(linktype, packet)
    if len(packet) < start + 20:
        raise NotTcpError("too short")
    version = packet[start] >> 4
    if version == 4:
        header = (packet[start] & 0x0F) * 4
        if packet[start + 9] != TCP:
            raise NotTcpError("not TCP")
        if _u16(packet, start + 6)[0] & 0x3FFF:  # more fragments, or an offset
            raise NotTcpError("an IP fragment")
        end = start + _u16(packet, start + 2)[0]
        src, dst = packet[start + 12 : start + 16], packet[start + 16 : start + 20]
        tcp = start + header
    elif version == 6:
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
    else:
        raise NotTcpError("not IP")
    if len(packet) < tcp + 20 or end < tcp + 20:
        raise NotTcpError("too short")
    sport, dport, seq, _ack, offset, flags = _tcp(packet, tcp)
    data = tcp + (offset >> 4) * 4
    if data > end:
        raise NotTcpError("a damaged TCP header")
    payload = packet[data:end]  # the IP length leaves out Ethernet's padding
    return Segment(src, sport, dst, dport, seq, flags, payload, end - data)


def address(raw: bytes, port: int) -> str:
    """``10.0.0.1:5555`` or ``[::1]:5555``."""
    if len(raw) == 4:
        return f"{socket.inet_ntop(socket.AF_INET, raw)}:{port}"
    return f"[{socket.inet_ntop(socket.AF_INET6, raw)}]:{port}"
