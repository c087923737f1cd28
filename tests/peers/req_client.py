"""Hello-world REQ client from the ZeroMQ guide, bounded in time for tests.

    python req_client.py ENDPOINT N [--request TEXT] [--bind] [--timeout S]

Connects a REQ socket (binds with --bind), sends "Hello 0" ... "Hello N-1" one at a time and
prints each reply as ``Received reply i [ text ]``. Exits 0 when all N replies arrived, 1 when
--timeout seconds pass first.
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
    parser.add_argument("--request", default="Hello", help="request text before the number")
    parser.add_argument("--bind", action="store_true", help="bind instead of connect")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.REQ)
    socket.linger = 0
    if args.bind:
        socket.bind(args.endpoint)
        endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
    else:
        print("Connecting to hello world server...", flush=True)
        socket.connect(args.endpoint)
        endpoint = args.endpoint
    print(f"ready {endpoint}", flush=True)

    status = 0
    for request in range(args.count):
        remaining = deadline - time.monotonic()  # a bound REQ has no peer to send to yet
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1, zmq.POLLOUT):
            print(f"timeout sending request {request}: no server", flush=True)
            status = 1
            break
        socket.send_string(f"{args.request} {request}")
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1):
            print(f"timeout waiting for reply {request}", flush=True)
            status = 1
            break
        reply = socket.recv().decode("utf-8", "backslashreplace")
        print(f"Received reply {request} [ {reply} ]", flush=True)
    else:
        print(f"done {args.count}", flush=True)
    socket.close()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
