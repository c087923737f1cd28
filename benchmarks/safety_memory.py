"""Memory and stalls under hostile peers: many tiny frames, a subscription flood, one message
of millions of frames. Each figure is taken in a fresh child process running zinspect's core
Session on an asyncio loop, against a real peer process (plain pyzmq, the ``peer`` modes).

    python safety_memory.py [--quick]            # the three figures, one JSON line
    python safety_memory.py child SCENARIO ...   # one zinspect child (prints a RESULT line)
    python safety_memory.py peer MODE ...        # one hostile peer (prints "ready" first)

Figures (default caps: 1,000,000 messages and 512 MiB in the store, 100,000 subscriptions
and 64 MiB (estimated) of libzmq subscription tries per XPUB):

- ``rss_many_frames_mib``: RSS after 60 s (10 s with --quick) of a peer sending messages of
  100,000 frames of 2 bytes; the bound is the caps + 300 MiB.
- ``rss_xpub_subs_mib``: the highest RSS (sampled every 50 ms) while a peer sends 300,000
  random 100-byte subscriptions to a bound XPUB, and again each time zinspect re-creates the
  XPUB (the peer's XSUB resends them all on reconnecting), for 30 s (5 s with --quick) and
  while topics are published; same bound. ``stall_xpub_subs_ms``: the longest lateness of a
  16 ms timer meanwhile (informational; the aim is 100 ms).
- ``stall_huge_multipart_ms``: the longest lateness of a 16 ms repeating timer while one
  message of 5,000,000 empty frames is received (median of three children); the bound is
  100 ms.

The tests (tests/test_safety_memory.py) run the same children with small caps.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TICK_S = 0.016
PEER_START_S = 15.0
MIB = 1024 * 1024


# -- the hostile peers (plain pyzmq: no zinspect in this process) ---------------------------
def random_topics(count: int, length: int, seed: int = 7) -> list[bytes]:
    """The peer's subscriptions, reproducible so the zinspect side knows them too; no topic
    starts with 0, so HELD_TOPIC (below) comes first in libzmq's resend order."""
    rng = random.Random(seed)
    return [bytes([rng.randrange(1, 256)]) + rng.randbytes(length - 1) for _ in range(count)]


HELD_TOPIC = b"\x00held"
LEGIT_TOPIC = b"legit"  # a well-behaved SUB's subscription (the "sub" peer)


def peer(mode: str, endpoint: str, *args: str) -> int:
    import zmq

    context = zmq.Context()
    if mode == "frames":  # FRAMES SIZE SECONDS: messages of FRAMES frames of SIZE bytes
        frames, size, seconds = int(args[0]), int(args[1]), float(args[2])
        sock = context.socket(zmq.PUSH)
        sock.linger = 0
        sock.sndtimeo = 1000
        sock.connect(endpoint)
        print("ready", flush=True)
        message = [b"x" * size] * frames
        end = time.monotonic() + seconds
        sent = 0
        while time.monotonic() < end:
            try:
                sock.send_multipart(message)
                sent += 1
            except zmq.Again:
                continue
        print(f"sent {sent}", flush=True)
    elif mode == "subs":  # COUNT LENGTH SECONDS: subscribe HELD_TOPIC, then COUNT random ones
        count, length, seconds = int(args[0]), int(args[1]), float(args[2])
        sock = context.socket(zmq.XSUB)
        sock.linger = 0
        sock.sndhwm = 0  # queue every subscription: none is dropped at the high-water mark
        sock.connect(endpoint)
        print("ready", flush=True)
        sock.send(b"\x01" + HELD_TOPIC)
        for topic in random_topics(count, length):
            sock.send(b"\x01" + topic)
        print(f"sent {count}", flush=True)
        end = time.monotonic() + seconds
        seen: set[bytes] = set()
        while time.monotonic() < end:  # say which published topics reached it
            if sock.poll(100):
                topic = sock.recv().split(b" ", 1)[0]
                if topic not in seen:
                    seen.add(topic)
                    print("got " + topic.hex(), flush=True)
    elif mode == "sub":  # TOPIC_HEX SECONDS: a plain SUB holding one topic
        topic, seconds = bytes.fromhex(args[0]), float(args[1])
        sock = context.socket(zmq.SUB)
        sock.linger = 0
        sock.subscribe(topic)
        sock.connect(endpoint)
        print("ready", flush=True)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if sock.poll(100):
                got = sock.recv().split(b" ", 1)[0]
                print("got " + got.hex(), flush=True)
    elif mode == "huge":  # FRAMES: one message of FRAMES empty frames, then "after"
        frames = int(args[0])
        sock = context.socket(zmq.PUSH)
        sock.linger = 30_000
        sock.connect(endpoint)
        print("ready", flush=True)
        sock.send_multipart([b""] * frames)
        sock.send(b"after")
        print("sent", flush=True)
    else:
        print(f"unknown peer mode {mode}", file=sys.stderr)
        return 2
    context.destroy(linger=5000 if mode == "huge" else 0)
    return 0


# -- the zinspect child ---------------------------------------------------------------------
def vm_kib(field: str) -> int:
    """A field of /proc/self/status in KiB (VmRSS now, VmHWM the peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class PeerProcess:
    """A peer child whose output lines are read without blocking the loop."""

    def __init__(self, *args: str) -> None:
        import subprocess

        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "peer", *args],
            stdout=subprocess.PIPE,
            text=False,
        )
        assert self.proc.stdout is not None
        os.set_blocking(self.proc.stdout.fileno(), False)
        self._buffer = b""
        self.lines: list[str] = []

    def poll(self) -> list[str]:
        assert self.proc.stdout is not None
        while True:
            try:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            self._buffer += chunk
        *done, self._buffer = self._buffer.split(b"\n")
        self.lines.extend(line.decode() for line in done)
        return self.lines

    def has(self, prefix: str) -> bool:
        return any(line.startswith(prefix) for line in self.poll())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


async def wait_for(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def wait_quiet(count, timeout: float, quiet: float = 1.0) -> None:
    """Until ``count()`` has not changed for ``quiet`` seconds (or ``timeout``)."""
    end = time.monotonic() + timeout
    last, since = count(), time.monotonic()
    while time.monotonic() < end and time.monotonic() - since < quiet:
        await asyncio.sleep(0.05)
        if count() != last:
            last, since = count(), time.monotonic()


class Lateness:
    """A 16 ms repeating loop callback; the longest it came late, in ms."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._loop = asyncio.get_running_loop()
        self._due = time.perf_counter() + TICK_S
        self._handle = self._loop.call_later(TICK_S, self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, (now - self._due) * 1000)
        self._due = now + TICK_S
        self._handle = self._loop.call_later(TICK_S, self._tick)

    def stop(self) -> None:
        self._handle.cancel()


async def many_frames(seconds: float, frames: int, size: int, max_bytes: int) -> dict:
    from zinspect.core.sockets.session import Session
    from zinspect.core.store import MessageStore, row_costs

    session = Session(MessageStore(max_bytes=max_bytes))
    start = vm_kib("VmRSS") / 1024
    pull = session.create_socket("PULL", "target")
    endpoint = pull.bind("tcp://127.0.0.1:*").address
    peer_process = PeerProcess("frames", endpoint, str(frames), str(size), str(seconds))
    try:
        await wait_for(lambda: peer_process.has("ready"), PEER_START_S, "the peer")
        await wait_for(lambda: peer_process.has("sent"), seconds + 30, "the peer's end")
        store = session.store
        rows = store.rows(store.first_seq, store.end_seq)[1]
        result = {
            "rss_start_mib": start,
            "rss_mib": vm_kib("VmRSS") / 1024,
            "rss_peak_mib": vm_kib("VmHWM") / 1024,
            "store_bytes": store.total_bytes,
            "max_bytes": store.max_bytes,
            "counted_bytes": sum(row_costs(rows)),
            "payload_bytes": sum(r[3] for r in rows),
            "stored": len(store),
            "received": pull.received,
            "dropped": store.dropped,
        }
    finally:
        peer_process.stop()
        session.close()
    return result


async def xpub_subs(
    count: int, length: int, cap: int, seconds: float, max_bytes: int, budget: int, observe: float
) -> dict:
    """A hostile peer floods a bound XPUB with subscriptions while a legitimate SUB holds
    LEGIT_TOPIC; RSS is sampled all along. When the budget makes zinspect re-create the XPUB,
    the hostile peer reconnects and floods again (XSUB resends all it holds), so the child
    watches for ``observe`` seconds (otherwise until the traffic is quiet) before publishing."""
    from zinspect.core.sockets.session import Session
    from zinspect.core.store import MessageStore

    topics = random_topics(count, length)  # before the clock: it takes a while
    session = Session(MessageStore(max_bytes=max_bytes))
    lateness = Lateness()
    start = vm_kib("VmRSS") / 1024
    session.xpub_subscription_cap = cap
    session.xpub_subscription_budget = budget
    xpub = session.create_socket("XPUB", "target")
    endpoint = xpub.bind("tcp://127.0.0.1:*").address
    legit = PeerProcess("sub", endpoint, LEGIT_TOPIC.hex(), str(seconds + observe))
    peer_process = PeerProcess("subs", endpoint, str(count), str(length), str(seconds + observe))
    refused_topic = topics[-1]
    guard = xpub.xpub_guard
    rss_max = 0.0

    async def sample() -> None:
        nonlocal rss_max
        while True:
            rss_max = max(rss_max, vm_kib("VmRSS") / 1024)
            await asyncio.sleep(0.05)

    sampler = asyncio.ensure_future(sample())
    try:
        await wait_for(
            lambda: peer_process.has("ready") and legit.has("ready"), PEER_START_S, "the peers"
        )
        await wait_for(lambda: peer_process.has("sent"), seconds, "the peer's subscriptions")
        await wait_for(
            lambda: xpub.received >= min(count, cap) or guard.recreated, seconds, "subscriptions"
        )
        if guard.recreated:  # the peer floods again after each re-create: watch it all along
            await asyncio.sleep(observe)
        else:
            await wait_quiet(lambda: xpub.received, observe)
        recreated_before = guard.recreated
        # publish on the held topics and a refused one until the held ones are seen
        end = time.monotonic() + seconds / 2
        got = f"got {HELD_TOPIC.hex()}"
        got_legit = f"got {LEGIT_TOPIC.hex()}"
        while time.monotonic() < end and not (peer_process.has(got) and legit.has(got_legit)):
            for topic in (HELD_TOPIC, LEGIT_TOPIC, refused_topic):
                try:
                    xpub.send_now([topic + b" hello"])
                except Exception:  # no room at this moment: next round
                    pass
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # let the refused one arrive, if it wrongly could
        lateness.stop()
        result = {
            "rss_start_mib": start,
            "rss_mib": vm_kib("VmRSS") / 1024,
            "rss_max_mib": rss_max,
            "rss_peak_mib": vm_kib("VmHWM") / 1024,
            "refused": guard.refused,
            "held": len(guard.held),
            "recreated": guard.recreated,
            "recreated_before_publishing": recreated_before,
            "problem": guard.problem,
            "received": xpub.received,
            "held_delivered": peer_process.has(got),
            "legit_delivered": legit.has(got_legit),
            "refused_delivered": peer_process.has(f"got {refused_topic.hex()}"),
            "store_max_bytes": session.store.max_bytes,
            "stall_ms": lateness.worst,
            "store_bytes": session.store.total_bytes,
        }
    finally:
        sampler.cancel()
        peer_process.stop()
        legit.stop()
        session.close()
    return result


async def huge_multipart(frames: int) -> dict:
    from zinspect.core.sockets.session import Session

    session = Session()
    pull = session.create_socket("PULL", "target")
    endpoint = pull.bind("tcp://127.0.0.1:*").address
    peer_process = PeerProcess("huge", endpoint, str(frames))
    try:
        await wait_for(lambda: peer_process.has("ready"), PEER_START_S, "the peer")
        lateness = Lateness()
        await wait_for(lambda: pull.received >= 2, 120, "the huge message and 'after'")
        lateness.stop()
        rows = session.store.rows(session.store.first_seq, session.store.end_seq)[1]
        result = {
            "stall_ms": lateness.worst,
            "cut_messages": pull.cut_messages,
            "kept_frames": [len(row) - 4 for row in rows],
        }
    finally:
        peer_process.stop()
        session.close()
    return result


def child(scenario: str, *args: str) -> int:
    sys.path.insert(0, str(ROOT))
    from common import emit

    if scenario == "many-frames":
        coro = many_frames(float(args[0]), int(args[1]), int(args[2]), int(args[3]))
    elif scenario == "xpub":
        coro = xpub_subs(
            int(args[0]),
            int(args[1]),
            int(args[2]),
            float(args[3]),
            int(args[4]),
            int(args[5]),
            float(args[6]),
        )
    elif scenario == "huge":
        coro = huge_multipart(int(args[0]))
    else:
        print(f"unknown scenario {scenario}", file=sys.stderr)
        return 2
    emit(asyncio.run(coro))
    return 0


# -- the figures ----------------------------------------------------------------------------
def run_scenario(*args: str, timeout: float) -> dict:
    from common import run_child

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return run_child([str(Path(__file__).resolve()), "child", *args], timeout, env)


def measure(quick: bool = False) -> dict[str, float]:
    from zinspect.core.sockets.xpub_guard import (
        DEFAULT_SUBSCRIPTION_BUDGET,
        DEFAULT_SUBSCRIPTION_CAP,
    )
    from zinspect.core.store import DEFAULT_MAX_BYTES

    seconds = 10 if quick else 60
    frames = run_scenario(
        "many-frames", str(seconds), "100000", "2", str(DEFAULT_MAX_BYTES), timeout=seconds + 120
    )
    subs = run_scenario(
        "xpub",
        "300000",
        "100",
        str(DEFAULT_SUBSCRIPTION_CAP),
        "120",
        str(DEFAULT_MAX_BYTES),
        str(DEFAULT_SUBSCRIPTION_BUDGET),
        str(seconds // 2),
        timeout=400,
    )
    # the stall is the median of three children: on a shared machine one run can be late
    # for reasons of its own (another process on the core)
    stalls = sorted(
        run_scenario("huge", "5000000", timeout=300)["stall_ms"] for _ in range(1 if quick else 3)
    )
    return {
        "rss_many_frames_mib": round(frames["rss_mib"], 1),
        "rss_xpub_subs_mib": round(subs["rss_max_mib"], 1),
        "stall_xpub_subs_ms": round(subs["stall_ms"], 1),
        "stall_huge_multipart_ms": round(stalls[len(stalls) // 2], 1),
    }


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    if len(sys.argv) > 1 and sys.argv[1] == "peer":
        sys.exit(peer(*sys.argv[2:]))
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        sys.exit(child(*sys.argv[2:]))
    sys.path.insert(0, str(ROOT))
    print(json.dumps(measure(quick="--quick" in sys.argv)))
