"""A PUSH peer written by hand over a plain TCP socket (no libzmq): ZMTP 3.0, NULL mechanism.

    python zmtp_raw_push.py ENDPOINT FRAMES [--frame-size B] [--complete] [--after TEXT]
                            [--hold] [--timeout S]

Connects to ENDPOINT (``tcp://HOST:PORT``, a bound PULL), writes the ZMTP greeting and a
READY command (Socket-Type PUSH) by hand (RFC 23), reads the peer's, prints ``ready
ENDPOINT``, then sends FRAMES frames of B bytes (default 65536; frame n starts with its
number, 8 bytes big-endian, then a fill byte n % 251) in ONE message: with the MORE flag set
on every frame, so the message never ends, unless --complete clears it on the last frame.
With --after TEXT a complete one-frame message TEXT follows. Prints ``sent N frames B
bytes`` and, with --hold, keeps the connection open (the message still unfinished) until
the peer closes it or --timeout passes; exits 0, or 1 when the handshake failed or the
deadline passed before everything was sent.

libzmq cannot produce this stream: its sockets only send whole messages. That is the point:
it shows what zinspect does with a peer that starts a message and never finishes it.
"""

from __future__ import annotations

import argparse
import select
import socket
import struct
import sys
import time

SIGNATURE = b"\xff" + b"\x00" * 8 + b"\x7f"
MORE, LONG, COMMAND = 0x01, 0x02, 0x04
CHUNK = 1 << 20  # bytes written to the socket at a time


def greeting() -> bytes:
    """Signature, version 3.0, mechanism NULL (padded to 20), as-server 0, 31 bytes filler."""
    return SIGNATURE + b"\x03\x00" + b"NULL".ljust(20, b"\x00") + b"\x00" + b"\x00" * 31


def command(name: bytes, body: bytes) -> bytes:
    data = bytes([len(name)]) + name + body
    if len(data) <= 255:
        return bytes([COMMAND, len(data)]) + data
    return bytes([COMMAND | LONG]) + struct.pack(">Q", len(data)) + data


def ready_command(socket_type: bytes) -> bytes:
    name = b"Socket-Type"
    return command(
        b"READY", bytes([len(name)]) + name + struct.pack(">I", len(socket_type)) + socket_type
    )


def frame_header(size: int, more: bool) -> bytes:
    flags = MORE if more else 0
    if size <= 255:
        return bytes([flags, size])
    return bytes([flags | LONG]) + struct.pack(">Q", size)


def read_exactly(sock: socket.socket, count: int, deadline: float) -> bytes:
    data = b""
    while len(data) < count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([sock], [], [], remaining)[0]:
            raise TimeoutError("no answer from the peer")
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("the peer closed the connection during the handshake")
        data += chunk
    return data


def read_command(sock: socket.socket, deadline: float) -> bytes:
    flags = read_exactly(sock, 1, deadline)[0]
    if not flags & COMMAND:
        raise ConnectionError(f"expected a command, got flags {flags:#x}")
    if flags & LONG:
        size = struct.unpack(">Q", read_exactly(sock, 8, deadline))[0]
    else:
        size = read_exactly(sock, 1, deadline)[0]
    body = read_exactly(sock, size, deadline)
    return body[1 : 1 + body[0]]  # the command's name


def frame(number: int, size: int) -> bytes:
    head = struct.pack(">Q", number)[:size]
    return head + bytes([number % 251]) * (size - len(head))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint", help="tcp://HOST:PORT of a bound PULL")
    parser.add_argument("frames", type=int, help="frames in the one message")
    parser.add_argument("--frame-size", type=int, default=65536)
    parser.add_argument(
        "--complete", action="store_true", help="end the message (no MORE on the last frame)"
    )
    parser.add_argument("--after", default="", help="then send this one-frame message")
    parser.add_argument(
        "--hold",
        action="store_true",
        help="keep the connection open after sending, until the peer closes it or the timeout",
    )
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    host, _, port = args.endpoint.removeprefix("tcp://").rpartition(":")

    sock = socket.create_connection((host.strip("[]"), int(port)), timeout=args.timeout)
    sock.settimeout(None)
    try:
        sock.sendall(greeting())
        theirs = read_exactly(sock, 64, deadline)
        if theirs[0] != 0xFF or theirs[9] != 0x7F or theirs[10] < 3:
            print(f"not a ZMTP 3 peer: {theirs[:12].hex()}", flush=True)
            return 1
        sock.sendall(ready_command(b"PUSH"))
        name = read_command(sock, deadline)
        if name != b"READY":
            print(f"handshake failed: the peer sent {name!r}", flush=True)
            return 1
    except (OSError, TimeoutError, ConnectionError) as error:
        print(f"handshake failed: {error}", flush=True)
        return 1
    print(f"ready {args.endpoint}", flush=True)

    sent = size = 0
    buffer = bytearray()  # frames go out in chunks: a write per tiny frame would crawl
    try:
        for number in range(args.frames):
            more = number < args.frames - 1 or not args.complete
            data = frame(number, args.frame_size)
            buffer += frame_header(len(data), more)
            buffer += data
            sent += 1
            size += len(data)
            if len(buffer) >= CHUNK:
                if time.monotonic() > deadline:
                    print(f"timeout after {sent} frames", flush=True)
                    return 1
                sock.sendall(buffer)
                buffer.clear()
        if args.after:
            text = args.after.encode()
            buffer += frame_header(len(text), False) + text
        sock.sendall(buffer)
    except OSError as error:
        print(f"sent {sent} frames {size} bytes; then {error}", flush=True)
        return 1
    print(f"sent {sent} frames {size} bytes", flush=True)

    if args.hold:  # the message stays unfinished; wait for the peer to hang up
        while (remaining := deadline - time.monotonic()) > 0:
            if select.select([sock], [], [], remaining)[0]:
                try:
                    if not sock.recv(65536):
                        print("closed by the peer", flush=True)
                        break
                except OSError:
                    print("closed by the peer", flush=True)
                    break
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
