"""A publisher that waits for its subscribers to sync over REQ/REP, then publishes (syncpub).

    python sync_publisher.py PUB_ENDPOINT SYNC_ENDPOINT SUBSCRIBERS N [--timeout S]

Binds a PUB and a REP, prints ``ready <pub endpoint> <sync endpoint>``, answers SUBSCRIBERS
sync requests with an empty frame, then publishes "Rhubarb" N times and "END". Prints
``published N`` and exits 0; 1 when the subscribers did not sync before --timeout.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pub_endpoint")
    parser.add_argument("sync_endpoint")
    parser.add_argument("subscribers", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    pub = context.socket(zmq.PUB)
    pub.linger = 2000
    pub.sndhwm = 0
    pub.bind(args.pub_endpoint)
    sync = context.socket(zmq.REP)
    sync.linger = 0
    sync.bind(args.sync_endpoint)
    pub_at = pub.getsockopt_string(zmq.LAST_ENDPOINT)
    print(f"ready {pub_at} {sync.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
    for synced in range(args.subscribers):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not sync.poll(int(remaining * 1000) + 1):
            print(f"timeout after {synced} subscribers", flush=True)
            return 1
        sync.recv()
        sync.send(b"")
        print(f"synced {synced + 1}", flush=True)
    for _ in range(args.count):
        pub.send(b"Rhubarb")
    pub.send(b"END")
    print(f"published {args.count}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
