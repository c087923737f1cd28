"""A TCP client that is not a ZeroMQ peer: it sends garbage, or nothing at all.

    python raw_tcp_client.py ENDPOINT MODE [--bytes N] [--timeout S]

Connects a plain TCP socket to ENDPOINT (``tcp://HOST:PORT``, a bound ZeroMQ socket) and
prints ``ready ENDPOINT``. MODE says what it does next:

- ``junk``: 0xFF, eight zero bytes, a zero byte, then N (default 65536) bytes of seeded
  pseudo-random junk: to libzmq, an unversioned (ZMTP 1.0) peer announcing a frame of
  length 0, which is a protocol error: it hangs up at once;
- ``zmtp1``: N bytes of seeded pseudo-random junk whose first byte is 0x10: libzmq takes
  any peer whose first byte is not 0xFF for a ZMTP 1.0 peer (no greeting) and reads the
  junk as 1.0 frames, until a length it cannot accept (see ``zmtp1_junk``);
- ``http``: an HTTP GET request, after which it waits for an answer like a browser: to
  libzmq, the start of a ZMTP 1.0 frame of 0x47 ("G") bytes that never completes;
- ``bad-mechanism``: a valid ZMTP 3.0 signature and version, then a greeting whose
  mechanism is "BOGUS";
- ``silent``: nothing at all (a port scanner, a client that hangs).

It prints ``sent N bytes`` after sending. Then it waits for the other side to close the
connection and prints ``closed by the peer``, or gives up at --timeout and prints
``timeout``; either way it exits 0 (whether ZeroMQ should drop it is for the test to say).
What the other side sends meanwhile is read and thrown away, so it never stalls on a full
buffer.
"""

from __future__ import annotations

import argparse
import random
import select
import socket
import sys
import time

SIGNATURE = b"\xff" + b"\x00" * 8 + b"\x7f"


def seeded(count: int) -> bytes:
    return random.Random(7).randbytes(count)


def zmtp1_junk(count: int) -> bytes:
    """Junk that libzmq reads as ZMTP 1.0 frames: it must not start with 0xFF."""
    return b"\x10" + seeded(count)[1:]


def payload(mode: str, count: int) -> bytes:
    if mode == "junk":
        return b"\xff" + b"\x00" * 9 + seeded(count)
    if mode == "zmtp1":
        return zmtp1_junk(count)
    if mode == "http":
        return b"GET / HTTP/1.1\r\nHost: zinspect\r\nAccept: */*\r\n\r\n"
    if mode == "bad-mechanism":
        return SIGNATURE + b"\x03\x00" + b"BOGUS".ljust(20, b"\x00") + b"\x00" * 32
    return b""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint", help="tcp://HOST:PORT of a bound ZeroMQ socket")
    parser.add_argument("mode", choices=("junk", "zmtp1", "http", "bad-mechanism", "silent"))
    parser.add_argument("--bytes", type=int, default=65536, help="junk bytes to send")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    host, _, port = args.endpoint.removeprefix("tcp://").rpartition(":")

    sock = socket.create_connection((host.strip("[]"), int(port)), timeout=args.timeout)
    print(f"ready {args.endpoint}", flush=True)
    data = payload(args.mode, args.bytes)
    if data:
        try:
            sock.sendall(data)
            print(f"sent {len(data)} bytes", flush=True)
        except OSError as error:  # ZeroMQ may hang up before all of it is written
            print(f"send failed: {error}", flush=True)
    while (remaining := deadline - time.monotonic()) > 0:
        if not select.select([sock], [], [], remaining)[0]:
            continue
        try:
            if sock.recv(65536):
                continue
        except OSError:
            pass
        print("closed by the peer", flush=True)
        sock.close()
        return 0
    print("timeout", flush=True)
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
