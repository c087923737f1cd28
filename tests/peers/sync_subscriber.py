"""A subscriber that syncs with its publisher over REQ/REP, then counts updates (syncsub).

    python sync_subscriber.py PUB_ENDPOINT SYNC_ENDPOINT [--settle-ms MS] [--timeout S]

Connects a SUB (all topics) and, after --settle-ms for the subscription to reach the
publisher (the guide waits a second), sends one sync request on a REQ and waits for the
reply. Then counts updates until "END". Prints ``ready``, ``synced``, and ``received N``;
exits 0 after END, 1 on --timeout.
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
    parser.add_argument("--settle-ms", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    sub = context.socket(zmq.SUB)
    sub.linger = 0
    sub.rcvhwm = 0
    sub.subscribe(b"")
    sub.connect(args.pub_endpoint)
    sync = context.socket(zmq.REQ)
    sync.linger = 0
    sync.connect(args.sync_endpoint)
    print(f"ready {args.pub_endpoint}", flush=True)
    time.sleep(args.settle_ms / 1000)  # the guide's way to let the subscription arrive
    sync.send(b"")
    if not sync.poll(int((deadline - time.monotonic()) * 1000) + 1):
        print("timeout waiting for the sync reply", flush=True)
        return 1
    sync.recv()
    print("synced", flush=True)
    received = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not sub.poll(int(remaining * 1000) + 1):
            print(f"timeout after {received} updates", flush=True)
            return 1
        if sub.recv() == b"END":
            break
        received += 1
    print(f"received {received}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
