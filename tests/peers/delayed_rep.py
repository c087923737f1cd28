"""A REP server that answers every request exactly DELAY_MS after it arrived.

    python delayed_rep.py ENDPOINT DELAY_MS [--count N] [--timeout S]

Binds a REP socket (ENDPOINT may use a wildcard port: the first line printed is
``ready <resolved endpoint>``) and replies "done N" to request N once DELAY_MS have passed
since it was received: it sleeps until a millisecond before the deadline and then waits out
the rest on the clock, so the delay is precise to a few tens of microseconds, not a sleep's
overshoot. Exits 0 after --count requests, or --timeout seconds after start.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq

SPIN_S = 0.001  # the last millisecond is waited on the clock


def wait_until(deadline: float) -> None:
    remaining = deadline - time.perf_counter()
    if remaining > SPIN_S:
        time.sleep(remaining - SPIN_S)
    while time.perf_counter() < deadline:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("delay_ms", type=float)
    parser.add_argument("--count", type=int, default=0, help="exit after N requests (0: never)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds until exit")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    socket = context.socket(zmq.REP)
    socket.linger = 1000
    socket.bind(args.endpoint)
    print(f"ready {socket.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
    answered = 0
    while args.count == 0 or answered < args.count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1):
            print(f"timeout after {answered} requests", flush=True)
            break
        socket.recv_multipart()
        received = time.perf_counter()
        wait_until(received + args.delay_ms / 1000)
        socket.send_string(f"done {answered}")
        answered += 1
        print(f"answered {answered}", flush=True)
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
