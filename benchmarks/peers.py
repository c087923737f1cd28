"""The other side of a benchmark: plain pyzmq processes that flood, send one big message, or
sink what they are sent. No zinspect, no Qt: they must never be the bottleneck.

    python peers.py push ENDPOINT[,ENDPOINT...] COUNT SIZE FRAMES
    python peers.py big ENDPOINT SIZE
    python peers.py frames ENDPOINT FRAMES SIZE
    python peers.py sink COUNT

``push`` connects one PUSH socket per endpoint and sends COUNT messages of SIZE bytes in
FRAMES frames, round-robin over its sockets, as fast as libzmq takes them (blocking sends, so
the receiver's pace sets the rate). ``big`` sends one single-frame message of SIZE bytes;
``frames`` one complete message of FRAMES frames of SIZE bytes each (then a one-frame
``after``).
``sink`` binds a PULL on a random loopback port, prints ``ready ENDPOINT`` and drains COUNT
messages. Every mode prints ``ready ...`` first and exits by itself (30 s at most).
"""

from __future__ import annotations

import sys
import time

import zmq

DEADLINE_S = 30.0


def payload_frames(size: int, frames: int) -> list[bytes]:
    """FRAMES frames that add up to SIZE bytes: a short topic and header, then the body."""
    if frames == 1:
        return [(b"flood " + b"x" * size)[:size]]
    head = max(1, size // (2 * (frames - 1)) if frames > 1 else size)
    parts = [(b"part%d" % index + b"-" * head)[:head] for index in range(frames - 1)]
    parts.append(b"b" * max(0, size - head * (frames - 1)))
    return parts


def push(endpoints: list[str], count: int, size: int, frames: int) -> int:
    context = zmq.Context()
    sockets = []
    for endpoint in endpoints:
        sock = context.socket(zmq.PUSH)
        sock.linger = int(DEADLINE_S * 1000)
        sock.connect(endpoint)
        sockets.append(sock)
    print("ready", flush=True)
    parts = payload_frames(size, frames)
    more = zmq.SNDMORE
    if len(sockets) == 1 and frames == 1:
        send = sockets[0].send
        data = parts[0]
        for _ in range(count):
            send(data)
    else:
        head, last = parts[:-1], parts[-1]
        for index in range(count):
            sock = sockets[index % len(sockets)]
            for part in head:
                sock.send(part, more)
            sock.send(last)
    print(f"sent {count}", flush=True)
    for sock in sockets:
        sock.close()
    context.term()
    return 0


def big(endpoint: str, size: int) -> int:
    context = zmq.Context()
    sock = context.socket(zmq.PUSH)
    sock.linger = int(DEADLINE_S * 1000)
    sock.connect(endpoint)
    data = b'{"blob": "' + b"x" * max(0, size - 12) + b'"}'
    print("ready", flush=True)
    time.sleep(0.3)  # let the connection settle so the receiver's idle timer is in steady state
    sock.send(data, copy=False)
    print("sent 1", flush=True)
    sock.close()
    context.term()
    return 0


def many_frames(endpoint: str, frames: int, size: int) -> int:
    context = zmq.Context()
    sock = context.socket(zmq.PUSH)
    sock.linger = int(DEADLINE_S * 1000)
    sock.sndhwm = 0  # the whole message goes out at once, whatever the receiver does
    sock.connect(endpoint)
    print("ready", flush=True)
    time.sleep(0.3)
    data = b"f" * size
    sock.send_multipart([data] * frames)
    sock.send(b"after")
    print("sent 2", flush=True)
    sock.close()
    context.term()
    return 0


def sink(count: int) -> int:
    context = zmq.Context()
    sock = context.socket(zmq.PULL)
    sock.linger = 0
    sock.bind("tcp://127.0.0.1:*")
    print(f"ready {sock.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
    recv = sock.recv
    got = 0
    sock.rcvtimeo = int(DEADLINE_S * 1000)
    try:
        while got < count:
            recv()
            got += 1
    except zmq.Again:
        pass
    print(f"received {got}", flush=True)
    sock.close()
    context.term()
    return 0


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "push":
        return push(argv[1].split(","), int(argv[2]), int(argv[3]), int(argv[4]))
    if mode == "big":
        return big(argv[1], int(argv[2]))
    if mode == "frames":
        return many_frames(argv[1], int(argv[2]), int(argv[3]))
    if mode == "sink":
        return sink(int(argv[1]))
    raise SystemExit(f"unknown mode {mode!r}\n{__doc__}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
