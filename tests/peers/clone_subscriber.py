"""A clone-pattern subscriber: key-value messages with an 8-byte big-endian sequence frame.

    python clone_subscriber.py ENDPOINT N [--timeout S]

Connects a SUB (all topics), prints ``ready``, and reads N messages of three frames
[key, sequence, body] as the guide's kvmsg sends them. Prints ``kv <key> <sequence>`` for
each, and ``done N in order`` when the sequences counted up by one; exits 0 then, 1 on a
malformed message, a gap or --timeout.
"""

from __future__ import annotations

import argparse
import struct
import sys
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("count", type=int)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    sub = context.socket(zmq.SUB)
    sub.linger = 0
    sub.subscribe(b"")
    sub.connect(args.endpoint)
    print(f"ready {args.endpoint}", flush=True)
    previous = None
    for _ in range(args.count):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not sub.poll(int(remaining * 1000) + 1):
            print("timeout", flush=True)
            return 1
        frames = sub.recv_multipart()
        if len(frames) != 3 or len(frames[1]) != 8:
            print(f"malformed {frames!r}", flush=True)
            return 1
        (sequence,) = struct.unpack(">q", frames[1])
        print(f"kv {frames[0].decode('utf-8', 'replace')} {sequence}", flush=True)
        if previous is not None and sequence != previous + 1:
            print(f"gap after {previous}", flush=True)
            return 1
        previous = sequence
    print(f"done {args.count} in order", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
