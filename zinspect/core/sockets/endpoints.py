"""Endpoint checks done before libzmq sees an endpoint, and libzmq's errors put in words.

libzmq's own messages ("Invalid argument") say little about *which* part is wrong, so the
common mistakes are caught here with a sentence that names the part.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import re

import zmq

KNOWN_TRANSPORTS = (
    "tcp",
    "ipc",
    "inproc",
    "pgm",
    "epgm",
    "tipc",
    "norm",
    "ws",
    "wss",
    "vmci",
    "udp",
)
ALWAYS_AVAILABLE = frozenset({"tcp", "inproc"})
IPC_PATH_MAX = 107  # sun_path is 108 bytes including the terminating NUL on Linux
HOST_MAX = 253  # a DNS name's longest text form (RFC 1035); interfaces are far shorter
LABEL_MAX = 63  # one dot-separated part of a DNS name
QUOTED_MAX = 40  # characters of a typed host repeated in a message, its middle elided
SUGGESTED_BIND = "tcp://127.0.0.1:*"
SUGGESTED_CONNECT = "tcp://127.0.0.1:5555"

_HOSTNAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$")
# "tcp//host:1", "tcp:/host:1", "tcp:host:1": a transport whose "://" was mistyped
_MISTYPED_SEPARATOR = re.compile(r"^([A-Za-z]+)(:/{0,2}|/{1,2})(.+)$")


class EndpointError(ValueError):
    """An endpoint that cannot work; the message is meant for the user."""


def transport_available(transport: str) -> bool:
    if transport in ALWAYS_AVAILABLE:
        return True
    if transport == "udp":  # only RADIO/DISH use it, and they are draft types
        return bool(zmq.has("draft"))
    return bool(zmq.has(transport))


def available_transports() -> list[str]:
    return [t for t in KNOWN_TRANSPORTS if transport_available(t)]


def validate_endpoint(endpoint: str, *, bind: bool) -> str:
    """Return the endpoint stripped of surrounding blanks, or raise EndpointError saying why."""
    endpoint = endpoint.strip()
    action = "bind" if bind else "connect"
    if not endpoint:
        example = SUGGESTED_BIND if bind else SUGGESTED_CONNECT
        raise EndpointError(f"Enter an endpoint to {action} to, for example {example}")
    try:
        endpoint.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate: libzmq could not be given it
        raise EndpointError(
            f"Character {error.start + 1} of the endpoint is half of a surrogate pair, not text"
        ) from None
    if "://" not in endpoint:
        mistyped = _MISTYPED_SEPARATOR.match(endpoint)
        if mistyped and mistyped.group(1).lower() in KNOWN_TRANSPORTS:
            transport, separator, rest = mistyped.groups()
            if transport.lower() == "ipc" and separator.startswith(":"):
                rest = endpoint.partition(":")[2]  # ipc:/tmp/x names the path /tmp/x
            fixed = shorten(f"{transport.lower()}://{rest}")
            raise EndpointError(f"'{shorten(endpoint)}': write '://' after the transport: {fixed}")
        raise EndpointError(
            f"'{shorten(endpoint)}' has no transport: write it as transport://address, "
            f"for example {shorten('tcp://' + endpoint)}"
            if endpoint[0].isalnum()
            else f"'{shorten(endpoint)}' is not an endpoint: write transport://address, "
            f"e.g. {SUGGESTED_CONNECT}"
        )
    transport, address = endpoint.split("://", 1)
    transport_lower = transport.lower()
    if transport_lower not in KNOWN_TRANSPORTS:
        raise EndpointError(
            f"Unknown transport '{transport}': use one of {', '.join(available_transports())}"
        )
    if transport != transport_lower:
        raise EndpointError(f"Write the transport in lower case: '{transport_lower}://'")
    if not transport_available(transport):
        raise EndpointError(
            f"This libzmq {zmq.zmq_version()} was built without {transport} support; "
            f"available: {', '.join(available_transports())}"
        )
    if not address:
        raise EndpointError(f"The {transport} endpoint has no address after '{transport}://'")
    if transport in ("tcp", "ws", "wss", "udp"):
        _check_tcp_address(address, transport=transport, bind=bind)
    elif transport == "ipc":
        if len(address.encode()) > IPC_PATH_MAX:
            raise EndpointError(
                f"ipc path is {len(address.encode())} bytes long; the system limit is "
                f"{IPC_PATH_MAX}: use a shorter path"
            )
        if address == "*" and not bind:
            raise EndpointError("ipc://* only works for bind; connect needs a path")
    return endpoint


def uses_ipv6(endpoint: str) -> bool:
    """Whether a (validated) endpoint names an IPv6 literal such as tcp://[::1]:5555.

    libzmq resolves only IPv4 unless the socket's IPV6 option is set, and then fails with a
    misleading "No such device"; the session sets the option for these endpoints.
    """
    transport, sep, address = endpoint.strip().partition("://")
    if not sep or transport not in ("tcp", "ws", "wss", "udp"):
        return False
    return any(part.startswith("[") for part in address.split(";"))


def _check_tcp_address(address: str, *, transport: str, bind: bool) -> None:
    if transport in ("ws", "wss"):
        address = address.split("/", 1)[0]  # the path after host:port is free-form
    # connect may name a source address first: tcp://source;destination
    if ";" in address:
        if bind:
            raise EndpointError("A source address (source;destination) only works for connect")
        source, address = address.split(";", 1)
        _check_host_port(source, transport=transport, bind=True, role="source ")
    _check_host_port(address, transport=transport, bind=bind, role="")


def _check_host_port(address: str, *, transport: str, bind: bool, role: str) -> None:
    if address.startswith("["):
        host, sep, rest = address[1:].partition("]")
        if not sep:
            raise EndpointError(f"The {role}IPv6 address is missing its closing ']'")
        if not rest.startswith(":"):
            raise EndpointError(f"Add a port after the {role}address: [{host}]:5555")
        port = rest[1:]
        try:
            ipaddress.IPv6Address(host.split("%")[0])
        except ValueError:
            raise EndpointError(f"'{host}' is not a valid IPv6 address") from None
    else:
        host, sep, port = address.rpartition(":")
        if not sep:
            raise EndpointError(
                f"The {role}address '{address}' has no port: write host:port, "
                f"e.g. {transport}://{address}:5555"
            )
        if not host:
            raise EndpointError(f"The {role}address has no host before ':{port}'")
        if ":" in host:
            raise EndpointError(
                f"Write an IPv6 address in brackets: {transport}://[{host}]:{port or 5555}"
            )
        if host != "*":
            _check_host_name(host, role)
        if host == "*" and not bind:
            raise EndpointError(
                "connect needs a host: '*' means every interface and only works for bind"
            )
    if port == "*" or port == "0":
        if not bind:
            raise EndpointError("connect needs a port number; '*' (any free port) is for bind")
        return
    if not port:
        raise EndpointError(f"The {role}address has no port after ':'")
    if not (port.isascii() and port.isdigit()):  # isdigit() alone takes "²" and "٥"
        raise EndpointError(f"Port '{port}' is not a number (use 1-65535, or * to bind any)")
    number = int(port)
    if not 1 <= number <= 65535:
        raise EndpointError(f"Port {number} is out of range: ports go from 1 to 65535")


def shorten(text: str, limit: int = QUOTED_MAX) -> str:
    """``text`` with its middle replaced by "…" past ``limit`` characters: a message quoting
    what was typed stays readable (and one line) whatever was typed."""
    if len(text) <= limit:
        return text
    head = (limit - 1) * 2 // 3
    return f"{text[:head]}…{text[len(text) - (limit - 1 - head) :]}"


def _check_host_name(host: str, role: str) -> None:
    """Refuse what cannot name a host: too long for DNS, a label too long, or a dotted
    number that is no IPv4 address (libzmq would take it for an interface name)."""
    if len(host) > HOST_MAX:
        raise EndpointError(
            f"The {role}host name is {len(host):,} characters long; a host name has at most "
            f"{HOST_MAX} ('{shorten(host)}')"
        )
    if not _HOSTNAME.match(host):
        raise EndpointError(f"'{shorten(host)}' is not a host name, IP address or interface")
    long_label = next((label for label in host.split(".") if len(label) > LABEL_MAX), None)
    if long_label is not None:
        raise EndpointError(
            f"'{shorten(long_label)}' in the {role}host name is {len(long_label)} characters "
            f"long; each part between dots has at most {LABEL_MAX}"
        )
    parts = host.split(".")
    if len(parts) == 4 and all(part.isascii() and part.isdigit() for part in parts):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise EndpointError(
                f"'{host}' is not an IPv4 address: each of its four numbers goes from 0 to 255"
            ) from None


def bind_error_words(number: int, endpoint: str) -> str:
    """A failed bind's errno in words naming the address. libzmq reports EAGAIN for an
    unknown interface or address when a monitor is attached (its event carries ENODEV)."""
    if number in (errno.EAGAIN, errno.ENODEV):
        address = endpoint.partition("://")[2] or endpoint
        host = address.rpartition(":")[0] or address
        return (
            f"No such interface or address on this machine: {shorten(host)} "
            "(bind to an address of this machine, a network interface name, or *)"
        )
    return ERRNO_WORDS.get(number, os.strerror(number))


def _build_errno_words() -> dict[int, str]:
    words = {
        errno.EADDRINUSE: "Address already in use: another socket or program is bound there",
        errno.EADDRNOTAVAIL: "That address does not belong to this machine",
        errno.EPROTONOSUPPORT: "Protocol not supported by this libzmq",
        errno.EINVAL: "libzmq rejected the endpoint as invalid",
        errno.ENODEV: "No such network interface",
        errno.ENOENT: "Not found: the endpoint is not bound or connected here, or the ipc "
        "directory does not exist",
        errno.EACCES: "Permission denied (ports below 1024 and some paths need privileges)",
        errno.ECONNREFUSED: "Connection refused: nothing is bound at that endpoint",
        errno.ENOTDIR: "A part of the ipc path is not a directory",
        errno.ENAMETOOLONG: "The ipc path is too long",
        errno.EHOSTUNREACH: "No route to that peer (unknown routing id)",
        errno.EAGAIN: "The operation would block",
    }
    words[zmq.EMTHREAD] = "libzmq has no I/O thread available"
    words[zmq.ENOCOMPATPROTO] = "This transport does not work with this socket type"
    words[zmq.ETERM] = "The ZeroMQ context is shutting down"
    words[zmq.ENOTSOCK] = "The socket is closed"
    words[zmq.EFSM] = "The socket is in the wrong state for that operation"
    return words


ERRNO_WORDS = _build_errno_words()


def describe_zmq_error(error: BaseException) -> str:
    """A sentence for a libzmq error, keeping libzmq's own text where it adds something."""
    number = getattr(error, "errno", None)
    words = ERRNO_WORDS.get(number) if number is not None else None
    # pyzmq appends " (addr='tcp://...')": the user typed that address, so drop it
    raw = re.sub(r"\s*\(addr='[^']*'\)$", "", str(error)).strip()
    if words:
        if raw and raw.lower() not in words.lower():
            return f"{words} ({raw})"
        return words
    return raw or type(error).__name__
