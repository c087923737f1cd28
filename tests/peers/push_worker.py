"""A PUSH peer that sends N messages "NAME 0" ... "NAME N-1" and exits.

    python push_worker.py ENDPOINT N NAME [--bind] [--timeout S]

Connects a PUSH socket (binds with --bind), prints ``ready``, sends the N messages and prints
``sent N``. Sends block while no PULL peer is there; everything is bounded by --timeout.
Before closing, the socket lingers at most until the deadline so queued messages still reach
the peer (linger 0 would drop them), then exits 0; 1 when the deadline passed first.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("count", type=int)
    parser.add_argument("name")
    parser.add_argument("--bind", action="store_true", help="bind instead of connect")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.PUSH)
    socket.linger = 0
    socket.sndhwm = 100_000  # a flood queues up instead of waiting for the peer message by message
    if args.bind:
        socket.bind(args.endpoint)
        endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
    else:
        socket.connect(args.endpoint)
        endpoint = args.endpoint
    print(f"ready {endpoint}", flush=True)

    status = 0
    sent = 0
    while sent < args.count:
        try:
            socket.send_string(f"{args.name} {sent}", zmq.NOBLOCK)
            sent += 1
            continue
        except zmq.Again:
            pass
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1, zmq.POLLOUT):
            print(f"timeout after {sent} messages", flush=True)
            status = 1
            break
    print(f"sent {sent}", flush=True)
    # Let queued messages leave, but never past the deadline.
    socket.linger = max(0, int((deadline - time.monotonic()) * 1000))
    socket.close()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
