"""What a received message costs the receiving thread, in CPU time: zinspect's drain and the
bare loops, on messages already queued, so neither the sender nor the scheduler is measured.

    python benchmarks/drain_cpu.py small [COUNT] [FRAMES]   # 64 B messages (default 200,000, 1)
    python benchmarks/drain_cpu.py big [COUNT]              # 1 MiB messages (default 200)

Rates measured while a sender floods (benchmarks/run.py) depend on where the scheduler puts
four busy threads on two cores; this does not. A PUSH in this process queues COUNT messages
(no high-water mark) on a tcp PULL of a core ``Session`` (no window: only the receive path)
and on a bare PULL; once they are queued, ``SocketHandle._drain`` takes the first into the
store and the bare loop the second, each timed with ``time.thread_time`` (its own thread's
CPU, waits excluded) and its minor page faults counted. Repeated in turns (``ROUNDS``); each
turn's store keeps what it received, as a flood fills it.

``small`` times the ceiling loop (``recv(copy=False)``, ``Frame.more``, ``Frame.bytes``, as
bare.py's ``ceiling``); ``big`` times ``recv_multipart`` (bare.py's ``recv``) and shows the
store's first turns, into fresh memory, apart from the later ones, when it is full at its
512 MiB and reuses what it drops. Prints one RESULT line (see common.emit).
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import zmq
from common import emit

ROUNDS = 6


def page_faults() -> int:
    return resource.getrusage(resource.RUSAGE_THREAD).ru_minflt


def ceiling(sock: zmq.Socket, count: int) -> None:
    recv = sock.recv
    for _ in range(count):
        frame = recv(copy=False)
        data = frame.bytes
        while frame.more:
            frame = recv(copy=False)
            data = frame.bytes
    del data


def multipart(sock: zmq.Socket, count: int) -> None:
    recv = sock.recv_multipart
    for _ in range(count):
        recv()


async def measure(kind: str, count: int, frames: int) -> dict[str, Any]:
    from zinspect.core.sockets.session import Session
    from zinspect.core.sockets.socket_receive import plain_frames

    size = 1 << 20 if kind == "big" else 64
    bare_loop: Callable[[zmq.Socket, int], None] = multipart if kind == "big" else ceiling
    session = Session()
    handle = session.create_socket("PULL")
    handle.socket.setsockopt(zmq.RCVHWM, 0)
    endpoint = handle.bind("tcp://127.0.0.1:*").address
    context = zmq.Context()
    bare = context.socket(zmq.PULL)
    bare.setsockopt(zmq.RCVHWM, 0)
    bare.bind("tcp://127.0.0.1:*")
    pushes = []
    for address in (endpoint, bare.getsockopt_string(zmq.LAST_ENDPOINT)):
        push = context.socket(zmq.PUSH)
        push.setsockopt(zmq.SNDHWM, 0)
        push.connect(address)
        pushes.append(push)
    await asyncio.sleep(0.3)
    # the drain is called here, not by the loop: the socket's FD is not watched
    assert handle._fd is not None
    handle._loop.remove_reader(handle._fd)
    handle._service_scheduled = True  # so nothing schedules a turn
    parts = [b"x" * size] if frames == 1 else [b"head"] * (frames - 1) + [b"x" * size]
    turns: dict[str, list[float]] = {"zinspect": [], "bare": [], "zinspect_faults": []}
    turns["bare_faults"] = []
    for _ in range(ROUNDS):
        for _ in range(count):
            for push in pushes:
                push.send_multipart(parts, copy=size < 65536)
        await asyncio.sleep(0.5 + count * size / 2e9 + count * 4e-6)  # all queued
        target = session.store.received + count
        faults, cpu = page_faults(), time.thread_time()
        while session.store.received < target:
            with plain_frames():  # as Session._service_ready drains
                handle._drain(time.monotonic() + 10)
            await asyncio.sleep(0)  # the store's eviction slices, as the loop runs them
        turns["zinspect"].append((time.thread_time() - cpu) / count * 1e6)
        turns["zinspect_faults"].append((page_faults() - faults) / count)
        faults, cpu = page_faults(), time.thread_time()
        bare_loop(bare, count)
        turns["bare"].append((time.thread_time() - cpu) / count * 1e6)
        turns["bare_faults"].append((page_faults() - faults) / count)
    session.close()
    context.destroy(linger=0)
    return {
        "kind": kind,
        "messages": count,
        "frames": frames,
        "zinspect_us_per_msg": statistics.median(turns["zinspect"]),
        "bare_us_per_msg": statistics.median(turns["bare"]),
        "turns": {key: [round(value, 3) for value in values] for key, values in turns.items()},
    }


def main(argv: list[str]) -> int:
    kind = argv[0] if argv else "small"
    if kind not in ("small", "big"):
        raise SystemExit(f"unknown kind {kind!r}\n{__doc__}")
    count = int(argv[1]) if len(argv) > 1 else (200 if kind == "big" else 200_000)
    frames = int(argv[2]) if len(argv) > 2 else 1
    emit(asyncio.run(measure(kind, count, frames)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
