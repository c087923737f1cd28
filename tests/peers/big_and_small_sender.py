"""A PUSH peer that sends small messages around one big two-frame message, then exits.

    python big_and_small_sender.py ENDPOINT SIZE [--small N] [--timeout S]

Connects a PUSH socket, prints ``ready ENDPOINT``, and sends N one-frame messages
"small 1" .. "small N", then the message ``[b"bulk", frame]`` whose frame is SIZE bytes: the
text "start of the big frame " and then the bytes 0..250 over and over, then N more
("small N+1" ..). Prints ``sent`` and lingers at most until the deadline so all leave.
"""

from __future__ import annotations

import argparse
import time

import zmq

HEAD = b"start of the big frame "


def big_frame(size: int) -> bytes:
    """The big frame: HEAD, then a byte pattern (so a piece out of place would show)."""
    body = bytes(range(251)) * ((size - len(HEAD)) // 251 + 1)
    return HEAD + body[: size - len(HEAD)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("size", type=int)
    parser.add_argument("--small", type=int, default=2, help="small messages before and after")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    socket = context.socket(zmq.PUSH)
    socket.linger = 0
    socket.connect(args.endpoint)
    print(f"ready {args.endpoint}", flush=True)
    for number in range(1, args.small + 1):
        socket.send(b"small %d" % number)
    socket.send_multipart([b"bulk", big_frame(args.size)], copy=False)
    for number in range(args.small + 1, 2 * args.small + 1):
        socket.send(b"small %d" % number)
    print("sent", flush=True)
    socket.linger = max(0, int((deadline - time.monotonic()) * 1000))
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
