"""Which bind a connect reaches, from the addresses alone.

libzmq tells nothing about who is connected to whom, so a connect whose destination a local
bind serves is taken as a link to it; this is the matching, without DNS (a lookup could
hang the UI on a bad resolver).
"""

from __future__ import annotations

import ipaddress
import os
import socket as pysocket
from functools import lru_cache

HOST_PORT_TRANSPORTS = frozenset({"tcp", "ws", "wss", "udp"})


@lru_cache(maxsize=1)
def _own_host_names() -> frozenset[str]:
    """This machine's own names (no DNS: a lookup could hang the UI on a bad resolver)."""
    name = pysocket.gethostname().lower()
    return frozenset({name, name.split(".")[0], "localhost"})


def _split_host_port(text: str) -> tuple[str, str, str] | None:
    """(host, port, path) of ``host:port[/path]``; IPv6 hosts lose their brackets; the
    destination of a ``source;destination`` connect is the part used."""
    text = text.rpartition(";")[2]
    text, slash, path = text.partition("/")
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or not rest.startswith(":"):
            return None
        port = rest[1:]
    else:
        host, sep, port = text.rpartition(":")
        if not sep:
            return None
    return host.lower(), port, slash + path


def _normal_host(host: str) -> str | ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IP address object (IPv4-mapped IPv6 turned into IPv4, zone dropped), or the name."""
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_local(host: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A destination known to be this machine without asking DNS."""
    if isinstance(host, str):
        return host in _own_host_names()
    return host.is_loopback or host.is_unspecified


def _hosts_match(bind_host: str, connect_host: str) -> bool:
    bound, target = _normal_host(bind_host), _normal_host(connect_host)
    if bound == "*":
        return _is_local(target)
    if isinstance(bound, ipaddress.IPv6Address) and bound.is_unspecified:
        return _is_local(target)  # [::] is dual-stack on Linux by default
    if isinstance(bound, ipaddress.IPv4Address) and bound.is_unspecified:
        return _is_local(target) and not isinstance(target, ipaddress.IPv6Address)
    if bound == target:
        return True
    loopbacks = (ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1"))
    if target == "localhost":
        return bound in loopbacks
    if bound == "localhost":  # an unresolved bind address
        return target in loopbacks or target == "localhost"
    if isinstance(target, ipaddress.IPv4Address) and target.is_unspecified:
        return bound == ipaddress.IPv4Address("127.0.0.1")  # Linux sends 0.0.0.0 to loopback
    return False


def endpoint_destination(address: str) -> str:
    """The address a connect reaches: ``tcp://src:0;host:port`` -> ``tcp://host:port``."""
    transport, sep, rest = address.partition("://")
    if sep and transport in HOST_PORT_TRANSPORTS and ";" in rest:
        return f"{transport}://{rest.rpartition(';')[2]}"
    return address


def match_key(address: str) -> tuple[str, object] | None:
    """What a bind and a connect must share for ``endpoints_match`` to hold (the transport,
    and the name, path or port), or None when the address matches nothing: a graph of
    1,000 sockets compares each connect with the binds of its key only, not all of them."""
    transport, sep, rest = address.strip().partition("://")
    if not sep:
        return None
    if transport == "ipc" and not rest.startswith("@"):
        return transport, os.path.normpath(rest)
    if transport not in HOST_PORT_TRANSPORTS:
        return transport, rest  # inproc, abstract ipc, pgm...: the same address
    parts = _split_host_port(rest)
    if parts is None or not parts[1].isdigit():
        return None
    return transport, int(parts[1])


def endpoints_match(bind_address: str, connect_address: str) -> bool:
    """Whether a connect to ``connect_address`` reaches a bind on ``bind_address``.

    Give the bind's *resolved* address (libzmq's LAST_ENDPOINT): a bind on port ``*`` only
    matches once its real port is known. inproc and ipc match on the same name or path;
    tcp, ws and udp on the same port and a compatible host: a bind on ``*``, ``0.0.0.0`` or
    ``[::]`` serves any local destination (loopback, ``localhost``, this machine's name;
    ``0.0.0.0`` no IPv6 one), ``localhost`` reaches a bind on 127.0.0.1 or [::1], equal
    hosts match. A connect's source part (``src;dst``) is ignored: the destination counts.
    """
    bind_transport, sep1, bind_rest = bind_address.strip().partition("://")
    connect_transport, sep2, connect_rest = connect_address.strip().partition("://")
    if not (sep1 and sep2) or bind_transport != connect_transport:
        return False
    if bind_transport == "inproc":
        return bind_rest == connect_rest
    if bind_transport == "ipc":
        if bind_rest.startswith("@") or connect_rest.startswith("@"):
            return bind_rest == connect_rest  # abstract namespace: a name, not a path
        return os.path.normpath(bind_rest) == os.path.normpath(connect_rest)
    if bind_transport not in HOST_PORT_TRANSPORTS:
        return bind_rest == connect_rest  # pgm, norm, tipc, vmci: the same address
    bound, target = _split_host_port(bind_rest), _split_host_port(connect_rest)
    if bound is None or target is None:
        return False
    if not (bound[1].isdigit() and target[1].isdigit()) or int(bound[1]) != int(target[1]):
        return False  # an unresolved bind port (* or 0) matches nothing
    if bound[2] != target[2]:  # ws path
        return False
    return _hosts_match(bound[0], target[0])


def same_host_text(bind_address: str, connect_address: str) -> bool:
    """Whether a bind and a connect name the same host: of two binds a connect matches on
    one port (a wildcard and an exact host), the exact one is the link."""
    bound = _split_host_port(bind_address.partition("://")[2])
    target = _split_host_port(connect_address.partition("://")[2])
    return (
        bound is not None
        and target is not None
        and _normal_host(bound[0]) == _normal_host(target[0])
    )
