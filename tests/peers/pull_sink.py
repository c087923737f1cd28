"""Task sink from the ZeroMQ guide's pipeline: a PULL socket that collects N messages.

    python pull_sink.py ENDPOINT N [--connect] [--quiet] [--timeout S]

Binds a PULL socket (connects with --connect), prints ``ready <resolved endpoint>``, then each
message as ``received <frames joined by ' | '>`` (unless --quiet), and finally the guide's
``Total elapsed time: ... msec`` and ``count N``. Exits 0 after N messages, 1 when --timeout
seconds pass first.
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
    parser.add_argument("--connect", action="store_true", help="connect instead of bind")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.PULL)
    socket.linger = 0
    if args.connect:
        socket.connect(args.endpoint)
        endpoint = args.endpoint
    else:
        socket.bind(args.endpoint)
        endpoint = socket.getsockopt_string(zmq.LAST_ENDPOINT)
    print(f"ready {endpoint}", flush=True)

    status = 0
    received = 0
    start = None
    out = sys.stdout
    while received < args.count:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1):
            print(f"timeout after {received} messages", flush=True)
            status = 1
            break
        while received < args.count:  # drain what is there without polling each time
            try:
                frames = socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            if start is None:
                start = time.monotonic()
            received += 1
            if not args.quiet:
                text = " | ".join(frame.decode("utf-8", "backslashreplace") for frame in frames)
                out.write(f"received {text}\n")
        out.flush()
    if start is not None:
        print(f"Total elapsed time: {(time.monotonic() - start) * 1000:.0f} msec", flush=True)
    print(f"count {received}", flush=True)
    socket.close()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
