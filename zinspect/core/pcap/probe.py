"""Endpoint probe: what answers at ``tcp://host:port``, told from a raw TCP connection.

The probe connects, sends a ZMTP 3.0 greeting (mechanism NULL) and reads what comes back:
the signature first, the rest only once the peer's greeting said NULL (a peer of another
mechanism closes on reading ours, and a reset could lose its greeting). It reports
the peer's ZMTP version and security mechanism, and for NULL the READY command's socket
type and identity. It sends nothing more (no READY of its own), so no message is ever
exchanged with the peer. A libzmq peer sends its greeting as soon as it accepts, so silence
means "not ZeroMQ"; the probe then half-closes and reads once more, which makes an HTTP
server answer (and be named). Asynchronous, so a window stays responsive while it waits.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass, field

from zinspect.core.pcap.zmtp import SOCKET_TYPES_V2
from zinspect.core.pcap.zmtp_handshake import read_properties
from zinspect.core.pcap.zmtp_sync import COMMAND, LONG
from zinspect.core.sockets.endpoints import EndpointError, validate_endpoint

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 3.0
ANSWER_TIMEOUT_S = 2.0  # for the greeting after connecting, and for READY after it
GREETING = b"\xff" + b"\x00" * 8 + b"\x7f" + b"\x03\x00" + b"NULL".ljust(20, b"\x00") + b"\x00" * 32
MAX_READ = 64 << 10


class ProbeError(ValueError):
    """The endpoint cannot be probed as written; the message says why."""


@dataclass
class ProbeResult:
    """What answered. ``zeromq`` False: ``text`` says what else (nothing, or not ZeroMQ)."""

    endpoint: str
    zeromq: bool = False
    listening: bool = False
    version: str = ""
    mechanism: str = ""
    as_server: bool = False
    socket_type: str = ""
    identity: bytes = b""
    properties: dict[str, str] = field(default_factory=dict)
    text: str = ""


def parse_probe_endpoint(endpoint: str) -> tuple[str, int]:
    """(host, port) of a ``tcp://host:port`` endpoint; ProbeError in words otherwise."""
    transport, sep, _rest = endpoint.strip().partition("://")
    if sep and transport != "tcp":
        raise ProbeError(f"The probe speaks TCP: write tcp://host:port, not {transport}://")
    try:
        endpoint = validate_endpoint(endpoint, bind=False)
    except EndpointError as error:
        raise ProbeError(str(error)) from None
    address = endpoint.partition("://")[2]
    if ";" in address:
        raise ProbeError("The probe takes no source address: write tcp://host:port")
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port)


async def probe(endpoint: str, timeout: float = CONNECT_TIMEOUT_S) -> ProbeResult:
    """Probe ``endpoint``; ProbeError if it is not a tcp:// endpoint. Never raises for what
    the network does: that is the result's ``text``."""
    host, port = parse_probe_endpoint(endpoint)
    result = ProbeResult(endpoint.strip())
    where = f"{host}:{port}"
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except ConnectionRefusedError:
        result.text = f"Nothing listening at {where} (the connection was refused)"
        return result
    except asyncio.TimeoutError:
        result.text = f"No answer from {where} within {timeout:g} s (nothing there, or a firewall)"
        return result
    except socket.gaierror as error:
        result.text = f"Unknown host {host!r}: {error.strerror or error}"
        return result
    except OSError as error:
        result.text = f"Cannot connect to {where}: {error.strerror or error}"
        return result
    result.listening = True
    try:
        writer.write(GREETING[:11])  # the signature and major version: the peer answers
        await _answer(reader, writer, result, where)
    except (OSError, asyncio.IncompleteReadError) as error:
        if not result.text:
            result.text = f"{where} closed the connection: {error}"
    finally:
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 1.0)
        except (OSError, asyncio.TimeoutError):
            pass
    return result


async def _answer(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, result: ProbeResult, where: str
) -> None:
    data = await _read_some(reader, b"", 11)
    if not data:
        writer.write_eof() if writer.can_write_eof() else None
        data = await _read_some(reader, b"", 1)
        result.text = f"Not ZeroMQ: {where} accepted the connection but sent no ZMTP greeting"
        if data:
            result.text = f"Not ZeroMQ: {where} answered {_describe(data)}"
        return
    if data[0] != 0xFF or (len(data) >= 10 and data[9] != 0x7F):
        result.text = f"Not ZeroMQ: {where} answered {_describe(data)}"
        return
    if len(data) < 11:
        result.text = f"{where} sent part of a ZMTP signature and stopped"
        return
    result.zeromq = True
    if data[10] == 1:  # ZMTP 2.0 (libzmq 3.x): the socket type is in the greeting
        data = await _read_some(reader, data, 12)
        result.version, result.mechanism = "2.0", "NULL"
        if len(data) >= 12 and data[11] < len(SOCKET_TYPES_V2):
            result.socket_type = SOCKET_TYPES_V2[data[11]]
        result.text = _summary(result, where)
        return
    data = await _read_some(reader, data, 64)
    if len(data) < 64:
        result.version = f"{data[10]}.x"
        result.text = f"{where} speaks ZMTP {data[10]} but sent only part of its greeting"
        return
    result.version = f"{data[10]}.{data[11]}"
    result.mechanism = bytes(data[12:32]).rstrip(b"\x00").decode("ascii", "replace") or "?"
    result.as_server = data[32] == 1
    if result.mechanism == "NULL":
        # the rest of ours only now: a peer of another mechanism closes on reading it
        writer.write(GREETING[11:])
        await _ready(reader, data[64:], result)
    result.text = _summary(result, where)


async def _ready(reader: asyncio.StreamReader, data: bytes, result: ProbeResult) -> None:
    """Read the NULL handshake's READY command; its socket type and identity."""
    while True:
        if len(data) >= 2:
            size, start = (data[1], 2) if not data[0] & LONG else (0, 9)
            if data[0] & LONG and len(data) >= 9:
                size = int.from_bytes(data[1:9], "big")
            if start + size <= len(data) and (start == 2 or len(data) >= 9):
                body = data[start : start + size]
                if data[0] & COMMAND and body[:6] == b"\x05READY":
                    properties = read_properties(body[6:])
                    result.socket_type = properties.get("Socket-Type", b"").decode(
                        "ascii", "replace"
                    )
                    result.identity = properties.get("Identity", b"")
                    result.properties = {
                        k: v.decode("utf-8", "replace")[:200] for k, v in properties.items()
                    }
                return
            if size > MAX_READ:
                return
        more = await _read_some(reader, data, len(data) + 1)
        if len(more) == len(data):
            return
        data = more


async def _read_some(reader: asyncio.StreamReader, data: bytes, want: int) -> bytes:
    """``data`` and what comes until it is ``want`` bytes long, the peer stops sending for
    ANSWER_TIMEOUT_S, or it closes."""
    while len(data) < want:
        try:
            more = await asyncio.wait_for(reader.read(MAX_READ), ANSWER_TIMEOUT_S)
        except (asyncio.TimeoutError, OSError):
            return data
        if not more:
            return data
        data += more
        if len(data) > MAX_READ:
            return data
    return data


def _describe(data: bytes) -> str:
    """The start of a non-ZMTP answer in words: an HTTP status line, text, or bytes."""
    line = data.split(b"\n", 1)[0].strip()
    if line.startswith(b"HTTP/"):
        return f"as an HTTP server ({line[:80].decode('latin-1')})"
    if line.lower().startswith((b"<!doctype html", b"<html")):
        return "as a web server (an HTML page)"
    if line and all(32 <= byte < 127 for byte in line[:60]):
        return f"with text ({line[:60].decode('ascii')!r})"
    return f"with {len(data)} bytes that are no ZMTP greeting ({data[:12].hex(' ')}…)"


def _summary(result: ProbeResult, where: str) -> str:
    text = f"ZeroMQ at {where}: ZMTP {result.version}, mechanism {result.mechanism}"
    if result.mechanism == "CURVE":
        return text + " (encrypted: the socket type is not shown before the handshake)"
    if result.mechanism not in ("NULL",) and result.version != "2.0":
        return text + " (the socket type is not shown without credentials)"
    if result.socket_type:
        text += f", socket type {result.socket_type}"
    if result.identity:
        text += f", identity {result.identity!r}"
    return text


def run_probe(endpoint: str, timeout: float = CONNECT_TIMEOUT_S) -> ProbeResult:
    """``probe`` for scripts and the command line (its own event loop)."""
    return asyncio.run(probe(endpoint, timeout))
