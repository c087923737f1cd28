"""A PUSH peer that sends the messages an inspector is most likely to mangle, then exits.

    python odd_messages.py ENDPOINT [--big-mib N] [--timeout S]

Connects a PUSH socket, prints ``ready ENDPOINT`` and sends, in this order:

- ``big``: one frame of N MiB (default 100): the bytes 0..255 repeated;
- ``thousand``: 1,000 frames, frame i being the decimal digits of i;
- ``empty``: a single empty frame;
- ``empty-frames``: "", "middle", "";
- ``nul``: "\\0", "a\\0b\\0", 32 NUL bytes;
- ``invalid-utf8``: "caf\\xe9", "\\xff\\xfe\\xfd\\xfc", "ok \\xc3\\x28 bad" (not UTF-8).

For each it prints ``sent NAME FRAMES BYTES SHA256``, where SHA256 is the digest of every
frame's length (8 bytes, big-endian) followed by its bytes: a receiver that computes the same
over what it kept has every frame byte for byte. Then it prints ``done``, lingers at most
until the deadline so the queue drains, and exits 0 (1 when the deadline passed first).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time

import zmq


def messages(big_mib: int) -> list[tuple[str, list[bytes]]]:
    return [
        ("big", [bytes(range(256)) * (4096 * big_mib)]),
        ("thousand", [b"%d" % i for i in range(1000)]),
        ("empty", [b""]),
        ("empty-frames", [b"", b"middle", b""]),
        ("nul", [b"\x00", b"a\x00b\x00", b"\x00" * 32]),
        ("invalid-utf8", [b"caf\xe9", b"\xff\xfe\xfd\xfc", b"ok \xc3\x28 bad"]),
    ]


def digest(frames: list[bytes]) -> str:
    hasher = hashlib.sha256()
    for frame in frames:
        hasher.update(len(frame).to_bytes(8, "big"))
        hasher.update(frame)
    return hasher.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("--big-mib", type=int, default=100, help="size of the big frame")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.PUSH)
    socket.linger = 0
    socket.connect(args.endpoint)
    print(f"ready {args.endpoint}", flush=True)
    for name, frames in messages(args.big_mib):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1, zmq.POLLOUT):
            print(f"timeout before {name}", flush=True)
            return 1
        socket.send_multipart(frames, copy=False)
        print(f"sent {name} {len(frames)} {sum(map(len, frames))} {digest(frames)}", flush=True)
        del frames
    print("done", flush=True)
    socket.linger = max(0, int((deadline - time.monotonic()) * 1000))
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
