"""A ROUTER boss that deals N tasks to the REQ workers that ask, then END to each (rtreq).

    python rt_boss.py ENDPOINT TASKS WORKERS [--timeout S]

Binds a ROUTER, prints ``ready <endpoint>``, answers each "Hi Boss" with ``task I`` until
TASKS are out, then answers each worker's next request with END. Prints ``done tasks T ends
E`` and exits 0 once WORKERS workers got END, 1 on --timeout.
"""

from __future__ import annotations

import argparse
import sys
import time

import zmq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("tasks", type=int)
    parser.add_argument("workers", type=int)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    context = zmq.Context()
    router = context.socket(zmq.ROUTER)
    router.linger = 0
    router.bind(args.endpoint)
    print(f"ready {router.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
    dealt = 0
    ended: set[bytes] = set()
    while len(ended) < args.workers:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not router.poll(int(remaining * 1000) + 1):
            print(f"timeout: tasks {dealt} ends {len(ended)}", flush=True)
            return 1
        worker, _empty, _request = router.recv_multipart()
        if dealt < args.tasks:
            router.send_multipart([worker, b"", f"task {dealt}".encode()])
            dealt += 1
        else:
            router.send_multipart([worker, b"", b"END"])
            ended.add(worker)
    print(f"done tasks {dealt} ends {len(ended)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
