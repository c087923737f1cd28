"""A Majordomo (MDP/0.1) broker after the ZeroMQ guide's pattern, bounded in time for tests.

    python mdp_broker.py ENDPOINT [--count N] [--heartbeat-ms MS] [--timeout S]

Binds a ROUTER, takes workers (MDPW01 READY) and clients (MDPC01 requests), hands each
request to a waiting worker, sends every worker a heartbeat each --heartbeat-ms and forgets
a worker silent for three heartbeats. Prints ``ready <endpoint>``, ``worker <id hex>`` per
READY, and at the end ``requests R replies P heartbeats-in H storm S`` (S: replies it never
asked for, which a worker that answers heartbeats sends). Exits 0 after N replies went back
to clients (0 when there was no storm), 1 on --timeout.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import deque

import zmq

CLIENT, WORKER = b"MDPC01", b"MDPW01"
READY, REQUEST, REPLY, HEARTBEAT, DISCONNECT = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("--count", type=int, default=0, help="exit after N replies (0: never)")
    parser.add_argument("--heartbeat-ms", type=int, default=250)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    beat = args.heartbeat_ms / 1000

    context = zmq.Context()
    router = context.socket(zmq.ROUTER)
    router.linger = 0
    router.bind(args.endpoint)
    print(f"ready {router.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)

    waiting: deque[bytes] = deque()  # idle workers
    expiry: dict[bytes, float] = {}
    requests: deque[list[bytes]] = deque()  # [client, body...] not handed out yet
    outstanding = 0  # requests a worker holds
    handed = replies = heartbeats_in = storm = 0
    next_beat = time.monotonic() + beat
    while args.count == 0 or replies < args.count:
        now = time.monotonic()
        if now >= deadline:
            print(f"timeout after {replies} replies", flush=True)
            break
        if router.poll(max(1, int((min(next_beat, deadline) - now) * 1000))):
            frames = router.recv_multipart()
            sender, header = frames[0], frames[2] if len(frames) > 2 else b""
            if header == CLIENT and len(frames) >= 5:
                requests.append([sender, *frames[4:]])
            elif header == WORKER and len(frames) >= 4:
                command = frames[3]
                expiry[sender] = time.monotonic() + 3 * beat
                if command == READY:
                    print(f"worker {sender.hex()}", flush=True)
                    waiting.append(sender)
                elif command == REPLY and len(frames) >= 7:
                    if outstanding == 0:
                        storm += 1
                    else:
                        outstanding -= 1
                        replies += 1
                        client = frames[4]
                        router.send_multipart([client, b"", CLIENT, b"echo", *frames[6:]])
                    if sender not in waiting:
                        waiting.append(sender)
                elif command == HEARTBEAT:
                    heartbeats_in += 1
                elif command == DISCONNECT:
                    expiry.pop(sender, None)
        while requests and waiting:
            worker = waiting.popleft()
            client, *body = requests.popleft()
            router.send_multipart([worker, b"", WORKER, REQUEST, client, b"", *body])
            outstanding += 1
            handed += 1
        now = time.monotonic()
        if now >= next_beat:
            for worker, until in list(expiry.items()):
                if until < now:  # silent: forget it
                    del expiry[worker]
                    if worker in waiting:
                        waiting.remove(worker)
                    print(f"expired {worker.hex()}", flush=True)
                    continue
                router.send_multipart([worker, b"", WORKER, HEARTBEAT])
            next_beat = now + beat
    print(
        f"requests {handed} replies {replies} heartbeats-in {heartbeats_in} storm {storm}",
        flush=True,
    )
    ok = args.count and replies >= args.count and storm == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
