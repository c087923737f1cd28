"""Weather update PUB server from the ZeroMQ guide, bounded in time and paced for tests.

    python pub_weather.py ENDPOINT [--rate HZ] [--every K] [--count N] [--connect] [--timeout S]

Binds a PUB socket (connects with --connect, e.g. to an XSUB proxy) and publishes
"zipcode temperature humidity" like the guide, with zipcode 10001 (New York, the guide
subscriber's default) every K-th update so a filtered subscriber sees some quickly. Prints
``ready <resolved endpoint>`` first and ``sent N`` at the end. Exits after --count updates
(0: no limit) or --timeout seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from random import randrange

import zmq

NEW_YORK = 10001


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("--rate", type=float, default=200.0, help="updates per second")
    parser.add_argument("--every", type=int, default=5, help="every K-th update is for 10001")
    parser.add_argument("--count", type=int, default=0, help="stop after N updates (0: no limit)")
    parser.add_argument("--connect", action="store_true", help="connect instead of bind")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until exit")
    args = parser.parse_args()
    start = time.monotonic()
    deadline = start + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.PUB)
    socket.linger = 0
    if args.connect:
        socket.connect(args.endpoint)
        endpoint = args.endpoint
    else:
        socket.bind(args.endpoint)
        endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
    print(f"ready {endpoint}", flush=True)

    sent = 0
    while args.count == 0 or sent < args.count:
        now = time.monotonic()
        if now >= deadline:
            break
        due = start + sent / args.rate
        if due > now:
            time.sleep(min(due - now, deadline - now))  # pacing, not synchronisation
            continue
        if args.every and sent % args.every == 0:
            zipcode = NEW_YORK
        else:
            zipcode = randrange(1, 100000)
        temperature = randrange(-80, 135)
        relhumidity = randrange(10, 60)
        socket.send_string(f"{zipcode} {temperature} {relhumidity}")
        sent += 1
    print(f"sent {sent}", flush=True)
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
