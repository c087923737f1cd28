"""A lazy-pirate server that drops every K-th request (the guide's lpserver, made exact).

    python lp_server.py ENDPOINT [--drop-every K] [--count N] [--timeout S]

Binds a ROUTER (so it can leave a REQ's request unanswered), prints ``ready <endpoint>`` and
``request <text>`` for each request, answers it with the same text, except every K-th one
(``dropped <text>``). Exits 0 after N answers, 1 on --timeout.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("--drop-every", type=int, default=3)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    router = context.socket(zmq.ROUTER)
    router.linger = 0
    router.bind(args.endpoint)
    print(f"ready {router.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
    seen = answered = 0
    while args.count == 0 or answered < args.count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not router.poll(int(remaining * 1000) + 1):
            print(f"timeout after {answered} answers", flush=True)
            return 1
        client, empty, request = router.recv_multipart()
        seen += 1
        text = request.decode("utf-8", "backslashreplace")
        if seen % args.drop_every == 0:
            print(f"dropped {text}", flush=True)
            continue
        print(f"request {text}", flush=True)
        router.send_multipart([client, empty, request])
        answered += 1
    print(f"done {answered}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
