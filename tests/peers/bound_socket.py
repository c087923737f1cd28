"""A socket of any type that binds and waits, for the endpoint probe to look at.

    python bound_socket.py ENDPOINT TYPE [--routing-id ID] [--curve] [--timeout S]

TYPE is a socket type name (REP, PUB, ROUTER, ...). With --curve it is a CURVE server (a
key pair made at start). Prints ``ready <resolved endpoint>``, then sits until --timeout
seconds have passed (default 20) and exits 0.
"""

from __future__ import annotations

import argparse
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("type")
    parser.add_argument("--routing-id", default="")
    parser.add_argument("--curve", action="store_true")
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    context = zmq.Context()
    sock = context.socket(getattr(zmq, args.type))
    sock.linger = 0
    if args.routing_id:
        sock.routing_id = args.routing_id.encode()
    if args.curve:
        _public, secret = zmq.curve_keypair()
        sock.curve_server = True
        sock.curve_secretkey = secret
    sock.bind(args.endpoint)
    print("ready", sock.last_endpoint.decode(), flush=True)
    poller = zmq.Poller()
    deadline = time.monotonic() + args.timeout
    if args.type not in ("PUB", "PUSH"):
        poller.register(sock, zmq.POLLIN)
    while time.monotonic() < deadline:
        poller.poll(100)  # nothing is expected: the probe sends no message
    sock.close()
    context.term()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
