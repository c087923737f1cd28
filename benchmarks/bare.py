"""The yardsticks: bare pyzmq loops on the same floods zinspect gets, in a process that loads
neither Qt nor zinspect.

    python bare.py recv COUNT SIZE FRAMES [SOCKETS]
    python bare.py ceiling COUNT SIZE FRAMES
    python bare.py send COUNT SIZE

``recv`` binds SOCKETS PULL sockets (1: a blocking ``recv_multipart()`` loop; more: a
``zmq.Poller`` and a NOBLOCK drain of each ready socket), starts a ``peers.py push`` flood
and times from the first message to the COUNT-th. ``ceiling`` is the fastest a Python loop
receives while keeping message boundaries: ``recv(copy=False)``, ``Frame.more`` and
``Frame.bytes`` per frame (pyzmq's ``recv_multipart`` asks RCVMORE through an enum instead),
on one socket. ``send`` starts a ``peers.py sink`` and
times a ``send()`` loop of COUNT messages. Each prints one RESULT line (messages/s).
"""

from __future__ import annotations

import sys
import time

import zmq
from common import emit, spawn_peer, stop_process


def bare_recv(count: int, size: int, frames: int, sockets: int = 1) -> dict:
    context = zmq.Context()
    pulls = []
    endpoints = []
    for _ in range(sockets):
        sock = context.socket(zmq.PULL)
        sock.linger = 0
        sock.bind("tcp://127.0.0.1:*")
        pulls.append(sock)
        endpoints.append(sock.getsockopt_string(zmq.LAST_ENDPOINT))
    peer = spawn_peer("push", ",".join(endpoints), str(count), str(size), str(frames))
    try:
        if sockets == 1:
            recv = pulls[0].recv_multipart
            recv()
            started = time.perf_counter()
            for _ in range(count - 1):
                recv()
            elapsed = time.perf_counter() - started
            got = count - 1
        else:
            poller = zmq.Poller()
            for sock in pulls:
                poller.register(sock, zmq.POLLIN)
            got = 0
            started = 0.0
            noblock = zmq.NOBLOCK
            while got < count:
                for sock, _event in poller.poll():
                    recv = sock.recv_multipart
                    while True:
                        try:
                            recv(noblock)
                        except zmq.Again:
                            break
                        if not got:
                            started = time.perf_counter()
                        got += 1
            elapsed = time.perf_counter() - started
            got -= 1
    finally:
        stop_process(peer)
        for sock in pulls:
            sock.close()
        context.term()
    return {
        "rate": got / elapsed,
        "messages": count,
        "size": size,
        "frames": frames,
        "sockets": sockets,
    }


def bare_ceiling(count: int, size: int, frames: int) -> dict:
    context = zmq.Context()
    sock = context.socket(zmq.PULL)
    sock.linger = 0
    sock.bind("tcp://127.0.0.1:*")
    endpoint = sock.getsockopt_string(zmq.LAST_ENDPOINT)
    peer = spawn_peer("push", endpoint, str(count), str(size), str(frames))
    try:
        recv = sock.recv
        frame = recv(copy=False)
        while frame.more:
            frame = recv(copy=False)
        started = time.perf_counter()
        cpu = time.thread_time()
        for _ in range(count - 1):
            frame = recv(copy=False)
            data = frame.bytes
            while frame.more:
                frame = recv(copy=False)
                data = frame.bytes
        elapsed = time.perf_counter() - started
        cpu = time.thread_time() - cpu
    finally:
        stop_process(peer)
        sock.close()
        context.term()
    assert len(data) <= size
    return {
        "rate": (count - 1) / elapsed,
        "cpu_us_per_msg": cpu / (count - 1) * 1e6,  # the loop's own thread, waits excluded
        "messages": count,
        "size": size,
        "frames": frames,
    }


def bare_send(count: int, size: int) -> dict:
    sink = spawn_peer("sink", str(count + 1))
    try:
        assert sink.stdout is not None
        endpoint = sink.stdout.readline().split()[1]
        context = zmq.Context()
        sock = context.socket(zmq.PUSH)
        sock.linger = 0
        sock.connect(endpoint)
        data = b"s" * size
        send = sock.send
        send(data)  # blocks until connected
        started = time.perf_counter()
        for _ in range(count):
            send(data)
        elapsed = time.perf_counter() - started
        sock.close()
        context.term()
    finally:
        stop_process(sink)
    return {"rate": count / elapsed, "messages": count, "size": size}


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "recv":
        sockets = int(argv[4]) if len(argv) > 4 else 1
        emit(bare_recv(int(argv[1]), int(argv[2]), int(argv[3]), sockets))
    elif mode == "ceiling":
        emit(bare_ceiling(int(argv[1]), int(argv[2]), int(argv[3])))
    elif mode == "send":
        emit(bare_send(int(argv[1]), int(argv[2])))
    else:
        raise SystemExit(f"unknown mode {mode!r}\n{__doc__}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
