"""Task worker from the ZeroMQ guide's pipeline, bounded in time for tests.

    python task_worker.py VENTILATOR SINK [--count N] [--idle S] [--timeout S]

Connects a PULL socket to the VENTILATOR and a PUSH socket to the SINK, prints ``ready``, then
for each task (a workload in milliseconds) prints ``task <workload>``, sleeps that long and
sends an empty result frame to the sink. Exits 0 after --count tasks (0: no limit), after
--idle seconds without a task, or at --timeout; prints ``done <tasks>`` at the end.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ventilator")
    parser.add_argument("sink")
    parser.add_argument("--count", type=int, default=0, help="exit after N tasks (0: no limit)")
    parser.add_argument(
        "--idle",
        type=float,
        default=0.0,
        help="exit after S seconds without a task (0: only at --timeout)",
    )
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until exit")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    receiver = context.socket(zmq.PULL)
    receiver.linger = 0
    receiver.connect(args.ventilator)
    sender = context.socket(zmq.PUSH)
    sender.linger = 0
    sender.connect(args.sink)
    print(f"ready {args.ventilator} {args.sink}", flush=True)

    done = 0
    while args.count == 0 or done < args.count:
        wait = deadline - time.monotonic()
        if args.idle:
            wait = min(wait, args.idle)
        if wait <= 0 or not receiver.poll(int(wait * 1000) + 1):
            break
        workload = receiver.recv()
        print(f"task {workload.decode('utf-8', 'backslashreplace')}", flush=True)
        try:
            time.sleep(int(workload) * 0.001)  # do the work
        except ValueError:
            pass  # not a number: no work, still report a result
        wait = deadline - time.monotonic()
        if wait <= 0 or not sender.poll(int(wait * 1000) + 1, zmq.POLLOUT):
            break  # the sink is gone and the queue is full: give up at the deadline
        sender.send(b"")
        done += 1
    print(f"done {done}", flush=True)
    sender.linger = max(0, int((deadline - time.monotonic()) * 1000))  # let results leave
    sender.close()
    receiver.close()
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
