"""A Majordomo (MDP/0.1) client after the ZeroMQ guide's pattern: N requests, one at a time.

    python mdp_client.py ENDPOINT N [--service NAME] [--timeout S]

Connects a REQ to the broker, prints ``ready``, sends ``[MDPC01, service, "request I"]`` and
waits for ``[MDPC01, service, "request I"]`` back (an echo worker) before the next. Prints
``done N`` and exits 0 when every reply came back right, 1 on a wrong reply or --timeout.
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
    parser.add_argument("--service", default="echo")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    req = context.socket(zmq.REQ)
    req.linger = 0
    req.connect(args.endpoint)
    print(f"ready {args.endpoint}", flush=True)
    service = args.service.encode()
    for index in range(args.count):
        body = f"request {index}".encode()
        req.send_multipart([b"MDPC01", service, body])
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not req.poll(int(remaining * 1000) + 1):
            print(f"timeout after {index} replies", flush=True)
            return 1
        reply = req.recv_multipart()
        if reply != [b"MDPC01", service, body]:
            print(f"wrong reply {reply!r} to {body!r}", flush=True)
            return 1
    print(f"done {args.count}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
