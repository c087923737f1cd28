"""Hello-world REP server from the ZeroMQ guide, bounded in time for tests.

    python rep_server.py ENDPOINT [REPLY] [--connect] [--work-ms MS] [--count N] [--timeout S]

Binds a REP socket (or connects it with --connect, e.g. to a DEALER/ROUTER broker), answers
every request with REPLY ("World" by default) and prints each request. ENDPOINT may use a
wildcard port (tcp://127.0.0.1:*); the first line printed is ``ready <resolved endpoint>``.
Exits 0 after --count requests, or when --timeout seconds have passed since start.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq


def show(frames: list[bytes]) -> str:
    return " | ".join(frame.decode("utf-8", "backslashreplace") for frame in frames)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("reply", nargs="?", default="World")
    parser.add_argument("--connect", action="store_true", help="connect instead of bind")
    parser.add_argument(
        "--work-ms",
        type=float,
        default=0.0,
        help="time to 'work' on each request (the guide sleeps 1000)",
    )
    parser.add_argument("--count", type=int, default=0, help="exit after N requests (0: no limit)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until exit")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.REP)
    socket.linger = 0
    if args.connect:
        socket.connect(args.endpoint)
        endpoint = args.endpoint
    else:
        socket.bind(args.endpoint)
        endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
    print(f"ready {endpoint}", flush=True)

    answered = 0
    while args.count == 0 or answered < args.count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1):
            print(f"timeout after {answered} requests", flush=True)
            break
        frames = socket.recv_multipart()
        print(f"Received request: {show(frames)}", flush=True)
        if args.work_ms:
            time.sleep(args.work_ms / 1000)  # the guide's "work"
        socket.send_string(args.reply)
        answered += 1
    print(f"answered {answered}", flush=True)
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
