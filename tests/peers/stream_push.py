"""A PUSH peer that sends numbered messages "NAME 0", "NAME 1", ... at a steady rate until it
is killed, or until --count.

    python stream_push.py ENDPOINT NAME [--bind] [--rate HZ] [--count N] [--timeout S]

Binds (with --bind; connects otherwise) a PUSH socket, prints ``ready ENDPOINT`` and sends
about RATE messages a second (default 2000), each numbered from 0 with no gap, printing
``sent N`` after every hundredth. Made to be killed mid-stream: what its peer received must
then be "NAME 0" ... "NAME n-1" for some n, whatever the last ``sent`` line said (the
messages queued when it died are lost with it). With --count it prints ``sent N`` at the
end, lingers until the deadline at most so the queue drains, and exits 0 (1 at --timeout).
A bound PUSH with no peer sends nothing (the messages wait in the process), so none is
lost before the peer connects.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("name")
    parser.add_argument("--bind", action="store_true", help="bind instead of connect")
    parser.add_argument("--rate", type=float, default=2000.0, help="messages per second")
    parser.add_argument("--count", type=int, default=0, help="stop after N (0: never)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.PUSH)
    socket.linger = 0
    if args.bind:
        socket.bind(args.endpoint)
        endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
    else:
        socket.connect(args.endpoint)
        endpoint = args.endpoint
    print(f"ready {endpoint}", flush=True)

    status = 0
    sent = 0
    start = time.monotonic()
    while not args.count or sent < args.count:
        now = time.monotonic()
        if now >= deadline:
            print(f"timeout after {sent} messages", flush=True)
            status = 1
            break
        due = start + sent / args.rate  # a steady pace...
        if due > now:
            time.sleep(min(due - now, deadline - now))
            continue
        if due < now - 0.1:  # ... with no burst after a stall (waiting for a peer)
            start = now - sent / args.rate
        if not socket.poll(int((deadline - now) * 1000) + 1, zmq.POLLOUT):
            continue  # no peer yet (or its queue is full): the loop checks the deadline
        try:
            socket.send_string(f"{args.name} {sent}", zmq.NOBLOCK)
        except zmq.Again:
            continue
        sent += 1
        if sent % 100 == 0:
            print(f"sent {sent}", flush=True)
    if args.count:
        print(f"sent {sent}", flush=True)
    socket.linger = max(0, int((deadline - time.monotonic()) * 1000))
    socket.close()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
