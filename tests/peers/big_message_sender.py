"""A PUSH peer that sends COUNT messages of FRAMES frames of SIZE bytes each, then exits.

    python big_message_sender.py ENDPOINT COUNT FRAMES SIZE [--interval S] [--timeout S]
        [--stay]

Connects a PUSH socket, prints ``ready ENDPOINT``, and sends the messages ``--interval``
seconds apart. Frame i is its index (one byte) then SIZE - 1 bytes of "x"; every message
reuses the same buffers (zero-copy sends), so this process needs about FRAMES x SIZE bytes
whatever COUNT is. Prints ``sent`` and lingers at most until the deadline so they all leave;
with ``--stay`` it stays connected until the deadline (or until it is killed) instead.
"""

from __future__ import annotations

import argparse
import time

import zmq


def frames_of(frames: int, size: int) -> list[bytes]:
    return [bytes([index % 256]) + b"x" * (size - 1) for index in range(frames)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("count", type=int)
    parser.add_argument("frames", type=int)
    parser.add_argument("size", type=int)
    parser.add_argument("--interval", type=float, default=0.0, help="seconds between messages")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds until giving up")
    parser.add_argument("--stay", action="store_true", help="stay connected until the deadline")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    socket = context.socket(zmq.PUSH)
    socket.linger = 0
    socket.connect(args.endpoint)
    print(f"ready {args.endpoint}", flush=True)
    message = frames_of(args.frames, args.size)
    for number in range(args.count):
        socket.send_multipart(message, copy=False)
        if args.interval and number + 1 < args.count:
            time.sleep(args.interval)
    print("sent", flush=True)
    while args.stay and time.monotonic() < deadline:  # a peer that stays connected
        time.sleep(0.1)
    socket.linger = max(0, int((deadline - time.monotonic()) * 1000))
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
