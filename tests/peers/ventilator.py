"""Task ventilator from the ZeroMQ guide's pipeline, bounded in time for tests.

    python ventilator.py ENDPOINT SINK N [--delay S] [--max-ms MS] [--timeout S]

Binds a PUSH socket at ENDPOINT for the workers and connects a second PUSH to the SINK; prints
``ready <resolved endpoint>``, waits --delay seconds for workers to connect (the guide waits
for Enter), sends "0" to the sink to start the batch, then N tasks, each a workload in
milliseconds (random 1..MS), and prints ``Total expected cost: X msec``. Exits 0 when all were
handed over (queued messages get until the deadline to leave), 1 on --timeout.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import zmq


def send(socket: zmq.Socket, data: bytes, deadline: float) -> bool:
    """Send, waiting for a peer at most until the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0 or not socket.poll(int(remaining * 1000) + 1, zmq.POLLOUT):
        return False
    socket.send(data)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("sink")
    parser.add_argument("count", type=int)
    parser.add_argument(
        "--delay",
        type=float,
        default=0.5,
        help="seconds to let workers connect before the batch starts",
    )
    parser.add_argument("--max-ms", type=int, default=100, help="largest workload in msec")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until giving up")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    sender = context.socket(zmq.PUSH)
    sender.linger = 0
    sender.bind(args.endpoint)
    sink = context.socket(zmq.PUSH)
    sink.linger = 0
    sink.connect(args.sink)
    print(f"ready {sender.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
    time.sleep(args.delay)  # stands in for the guide's "Press Enter when the workers are ready"

    status = 0
    print("Sending tasks to workers...", flush=True)
    if not send(sink, b"0", deadline):  # the first message is "0" and signals start of batch
        print("timeout: no sink", flush=True)
        status = 1
    total_msec = 0
    for task_nbr in range(args.count if status == 0 else 0):
        workload = random.randint(1, args.max_ms)
        total_msec += workload
        if not send(sender, str(workload).encode(), deadline):
            print(f"timeout after {task_nbr} tasks: no worker", flush=True)
            status = 1
            break
    print(f"Total expected cost: {total_msec} msec", flush=True)
    linger = max(0, int((deadline - time.monotonic()) * 1000))  # give 0MQ time to deliver
    sender.linger = sink.linger = linger
    sender.close()
    sink.close()
    context.term()
    return status


if __name__ == "__main__":
    sys.exit(main())
