"""An asynchronous DEALER client: sends N requests at once, then collects N replies.

    python dealer_client.py ENDPOINT N [--identity ID] [--envelope] [--request TEXT]
                            [--bind] [--timeout S]

Connects a DEALER socket (binds with --bind), optionally with a fixed routing id so a ROUTER
peer sees a readable name, prints ``ready``, sends "Hello 0" ... "Hello N-1" without waiting
and prints every reply as ``reply <frames joined by ' | '>``. With --envelope each request
starts with the empty delimiter frame, which a REP peer needs (and which a REP reply carries).
Exits 0 when N replies arrived (right after sending with --no-wait), 1 on --timeout.
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
    parser.add_argument("--identity", default="", help="routing id the ROUTER peer sees")
    parser.add_argument(
        "--envelope",
        action="store_true",
        help="prefix each request with an empty frame (to talk to REP)",
    )
    parser.add_argument("--request", default="Hello", help="request text before the number")
    parser.add_argument("--no-wait", action="store_true", help="exit after sending")
    parser.add_argument("--bind", action="store_true", help="bind instead of connect")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    if args.identity:
        socket.setsockopt(zmq.ROUTING_ID, args.identity.encode())
    if args.bind:
        socket.bind(args.endpoint)
        endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
    else:
        socket.connect(args.endpoint)
        endpoint = args.endpoint
    print(f"ready {endpoint}", flush=True)

    envelope = [b""] if args.envelope else []
    status = 0
    sent = 0
    while sent < args.count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1, zmq.POLLOUT):
            print(f"timeout after sending {sent}", flush=True)
            status = 1
            break
        socket.send_multipart(envelope + [f"{args.request} {sent}".encode()])
        sent += 1
    print(f"sent {sent}", flush=True)

    replies = 0
    while status == 0 and not args.no_wait and replies < args.count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1):
            print(f"timeout after {replies} replies", flush=True)
            status = 1
            break
        frames = socket.recv_multipart()
        replies += 1
        text = " | ".join(frame.decode("utf-8", "backslashreplace") for frame in frames)
        print(f"reply {text}", flush=True)
    if status == 0 and not args.no_wait:
        print(f"done {replies}", flush=True)
    if args.no_wait:
        socket.linger = max(0, int((deadline - time.monotonic()) * 1000))
    socket.close()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
