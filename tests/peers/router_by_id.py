"""A ROUTER server that routes by identity: every reply goes to the routing id it came from.

    python router_by_id.py ENDPOINT N [--timeout S]

Binds a ROUTER (wildcard port allowed), prints ``ready <endpoint>``, then for each message
prints ``from <routing id> <last frame>`` and answers the same routing id with the message's
frames and ``for <routing id>`` appended. Exits 0 after N messages, 1 on --timeout.
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
    parser.add_argument("--timeout", type=float, default=20.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    socket = context.socket(zmq.ROUTER)
    socket.linger = 0
    socket.bind(args.endpoint)
    print(f"ready {socket.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
    status = 0
    for _ in range(args.count):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1):
            print("timeout", flush=True)
            status = 1
            break
        identity, *rest = socket.recv_multipart()
        print(
            f"from {identity.decode('utf-8', 'backslashreplace')} {rest[-1].decode()}", flush=True
        )
        socket.send_multipart([identity, *rest, b"for " + identity])
    else:
        print(f"done {args.count}", flush=True)
    socket.close()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
