"""N REQ workers that ask a ROUTER boss for work until it says END (the guide's rtreq worker).

    python rt_workers.py ENDPOINT N [--timeout S]

Connects N REQ sockets to the boss, prints ``ready``, then each sends "Hi Boss" and takes
what comes back: a task (counted) or "END" (that worker stops). Prints ``worker I tasks K``
per worker when it ends, and ``done tasks T ends E`` at the end. Exits 0 when every worker
got END, 1 on --timeout.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("workers", type=int)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    poller = zmq.Poller()
    sockets = []
    for index in range(args.workers):
        req = context.socket(zmq.REQ)
        req.linger = 0
        req.routing_id = f"worker-{index}".encode()
        req.connect(args.endpoint)
        poller.register(req, zmq.POLLIN)
        sockets.append(req)
    print(f"ready {args.endpoint}", flush=True)
    for req in sockets:
        req.send(b"Hi Boss")
    tasks = dict.fromkeys(range(args.workers), 0)
    ends = 0
    while ends < args.workers:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            print(f"timeout: tasks {sum(tasks.values())} ends {ends}", flush=True)
            return 1
        for sock, _ in poller.poll(int(remaining * 1000) + 1):
            index = sockets.index(sock)
            reply = sock.recv()
            if reply == b"END":
                ends += 1
                poller.unregister(sock)
                print(f"worker {index} tasks {tasks[index]}", flush=True)
            else:
                tasks[index] += 1
                sock.send(b"Hi Boss")
    print(f"done tasks {sum(tasks.values())} ends {ends}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
