"""A PUSH peer that sends one frame of SIZE bytes, then the text "after", and exits.

    python big_frame_sender.py ENDPOINT SIZE [--timeout S]

Connects a PUSH socket, prints ``ready ENDPOINT``, sends the big frame and then "after"
(both queued at once), prints ``sent``, and lingers at most until the deadline so they
leave. Against a receiver whose MAXMSGSIZE is below SIZE, libzmq drops the connection when
the big frame's header arrives: neither message is delivered on that connection.
"""

from __future__ import annotations

import argparse
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("size", type=int)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    socket = context.socket(zmq.PUSH)
    socket.linger = 0
    socket.reconnect_ivl = 60_000  # one try: a dropped connection is not retried at once
    socket.connect(args.endpoint)
    print(f"ready {args.endpoint}", flush=True)
    socket.send(b"x" * args.size)
    socket.send(b"after")
    print("sent", flush=True)
    socket.linger = max(0, int((deadline - time.monotonic()) * 1000))
    socket.close()
    context.term()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
