"""The tap's cost: the extra hop's latency and throughput, against the direct connection.

    python benchmarks/tap_bench.py            # the measurement (about a minute)
    python benchmarks/tap_bench.py --quick    # a smoke test, not a measurement

``tap_rtt_p50_extra_ms``: a REQ/REP round trip through ``zinspect tap --pattern reqrep``
minus the same round trip direct, at the median (target <= 0.3 ms).
``tap_throughput_ratio``: 64 B PUSH -> PULL messages per second through the pipeline tap
over the direct rate (target >= 0.7), with the engine zinspect picks for a pipeline
(libzmq's proxy in a helper process); ``tap_throughput_ratio_relay`` the same through
zinspect's relay, measured in the same rounds (direct, relay, proxy, one after the other,
the order turned around every other round), so the two engines are compared under the
same load. ``tap_copies_kept_share``: the share of the proxy's messages the core tap had kept
as copies when the last one arrived (the copies give way to the forwarding when the CPU is
short: core.tap.proxy_copies).

Both are measured on the tap as the window runs it (core.tap on a loop in a child process,
copying into the store), and again, with the ``_recording`` suffix, on ``zinspect tap``
recording to a file as on a server (the recorder shares the loop). The server, the client
and the sender are bare pyzmq in child processes or here. Each figure is the
median over the rounds. Prints a table, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import zmq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# throughput rounds (direct, relay, proxy each) per mode: the rates of Python processes
# sharing two cores vary far more from run to run than the latency (direct 0.7-1.3 M/s)
RATE_ROUNDS = 7

REP_SERVER = """
import sys, zmq
s = zmq.Context().socket(zmq.REP); s.bind(sys.argv[1])
while True:
    s.send(s.recv())
"""
PUSH_SENDER = """
import sys, zmq
c = zmq.Context(); s = c.socket(zmq.PUSH); s.connect(sys.argv[1])
n = int(sys.argv[2]); data = b"x" * 64
for _ in range(n):
    s.send(data)
s.close(linger=-1); c.term()
"""

# The tap as the window runs it: the core on a loop, copies into the store, no recording.
CORE_TAP = """
import asyncio, signal, sys
from zinspect.core.sockets.session import Session
from zinspect.core.tap.engine import make_tap
from zinspect.core.tap.spec import make_spec

async def main():
    spec = make_spec("tap", sys.argv[1], sys.argv[2], sys.argv[3])
    session = Session()
    tap = make_tap(session, spec, sys.argv[4])
    tap.start()
    print("front", tap.front_address, flush=True)
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    await stopped.wait()
    print("kept", session.store.received, flush=True)

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def child(code: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code, *args])


def start_tap(
    pattern: str, front: str, upstream: str, record: str, engine: str = "auto"
) -> subprocess.Popen[str]:
    """``zinspect tap`` in a child (``record`` "": the core tap without a recording, as the
    window runs it); returns once its front is bound."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = (
        [sys.executable, "-m", "zinspect", "tap", "--pattern", pattern, "--front", front,
         "--upstream", upstream, "--record", record, "--status-every", "60",
         "--engine", engine]
        if record
        else [sys.executable, "-c", CORE_TAP, pattern, front, upstream, engine]
    )  # fmt: skip
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("front "):
        proc.kill()
        raise RuntimeError(f"zinspect tap did not start: {line!r}")
    return proc


def stop(proc: subprocess.Popen[str] | subprocess.Popen[bytes]) -> int | None:
    """Stop a child; for the core tap, how many copies it kept by then (None otherwise)."""
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if isinstance(proc.stdout, io.TextIOBase):
        for line in proc.stdout.read().splitlines():
            if line.startswith("kept "):
                return int(line.split()[1])
    return None


def round_trips(endpoint: str, count: int) -> list[float]:
    """``count`` REQ/REP round trips after a warm-up; each in milliseconds."""
    context = zmq.Context()
    req = context.socket(zmq.REQ)
    req.linger = 0
    req.connect(endpoint)
    payload = b"x" * 64
    for _ in range(200):  # connections made, caches warm
        req.send(payload)
        req.recv()
    clock = time.perf_counter
    times = []
    for _ in range(count):
        start = clock()
        req.send(payload)
        req.recv()
        times.append((clock() - start) * 1000)
    req.close()
    context.term()
    return times


def rtt_round(count: int, record: str) -> tuple[float, float]:
    """(p50 direct, p50 through the tap), in ms."""
    server_endpoint = f"tcp://127.0.0.1:{free_port()}"
    front = f"tcp://127.0.0.1:{free_port()}"
    server = child(REP_SERVER, server_endpoint)
    tap = start_tap("reqrep", front, server_endpoint, record)
    try:
        direct = statistics.median(round_trips(server_endpoint, count))
        tapped = statistics.median(round_trips(front, count))
    finally:
        stop(tap)
        stop(server)
    return direct, tapped


def pull_rate(endpoint: str, count: int, sender_endpoint: str) -> float:
    """Messages per second a PULL bound at ``endpoint`` receives from a PUSH sender."""
    context = zmq.Context()
    pull = context.socket(zmq.PULL)
    pull.linger = 0
    pull.bind(endpoint)
    sender = child(PUSH_SENDER, sender_endpoint, str(count))
    try:
        pull.recv()
        start = time.perf_counter()
        for _ in range(count - 1):
            pull.recv()
        elapsed = time.perf_counter() - start
    finally:
        sender.wait(60)
        pull.close()
        context.term()
    return (count - 1) / elapsed


def tapped_rate(count: int, record: str, engine: str) -> tuple[float, float | None]:
    """Messages per second through a pipeline tap forwarded by ``engine``, and the share of
    them the core tap had kept as copies when the last one arrived (None recording)."""
    sink = f"tcp://127.0.0.1:{free_port()}"
    front = f"tcp://127.0.0.1:{free_port()}"
    tap = start_tap("pipeline", front, sink, record, engine)
    kept = None
    try:
        rate = pull_rate(sink, count, front)
    finally:
        kept = stop(tap)
    return rate, None if kept is None else kept / count


def throughput_round(
    count: int, record: str, turned: bool
) -> tuple[float, float, float, float | None]:
    """(direct rate, through the relay, through the proxy) in messages per second, measured
    one right after the other so the three share the machine's state of that moment (the
    order turns around from one round to the next, ``turned``, so none always goes first),
    and the share of the proxy's messages kept as copies."""
    sink = f"tcp://127.0.0.1:{free_port()}"
    order = [
        ("direct", lambda: (pull_rate(sink, count, sink), None)),
        ("relay", lambda: tapped_rate(count, record, "relay")),
        ("proxy", lambda: tapped_rate(count, record, "auto")),
    ]
    rates = {name: measure() for name, measure in (reversed(order) if turned else order)}
    return rates["direct"][0], rates["relay"][0], rates["proxy"][0], rates["proxy"][1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small runs: a smoke test")
    args = parser.parse_args()
    rounds, trips, flood = (1, 300, 20_000) if args.quick else (3, 3000, 300_000)
    rate_rounds = 1 if args.quick else RATE_ROUNDS
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as workdir:
        for suffix, record in (("", ""), ("_recording", os.path.join(workdir, "run.jsonl"))):
            extra: list[float] = []
            ratios: list[float] = []
            relay_ratios: list[float] = []
            kept_shares: list[float] = []
            for number in range(rounds):
                direct, tapped = rtt_round(trips, record)
                extra.append(tapped - direct)
                label = f"round {number + 1}{suffix or ' (window)'}"
                print(
                    f"{label}: rtt p50 direct {direct:.3f} ms, tapped {tapped:.3f} ms",
                    flush=True,
                )
            for number in range(rate_rounds):
                rate, relay, proxy, kept = throughput_round(flood, record, bool(number & 1))
                ratios.append(proxy / rate)
                relay_ratios.append(relay / rate)
                if kept is not None:
                    kept_shares.append(kept)
                label = f"rates {number + 1}{suffix or ' (window)'}"
                print(
                    f"{label}: 64 B direct {rate:,.0f}/s, relay {relay:,.0f}/s "
                    f"({relay / rate:.2f}), proxy {proxy:,.0f}/s ({proxy / rate:.2f})"
                    + ("" if kept is None else f", {kept:.0%} of it kept as copies"),
                    flush=True,
                )
            figures[f"tap_rtt_p50_extra_ms{suffix}"] = round(statistics.median(extra), 3)
            figures[f"tap_throughput_ratio{suffix}"] = round(statistics.median(ratios), 3)
            figures[f"tap_throughput_ratio_relay{suffix}"] = round(
                statistics.median(relay_ratios), 3
            )
            if kept_shares:  # (information: copies give way to forwarding, core.tap)
                figures[f"tap_copies_kept_share{suffix}"] = round(statistics.median(kept_shares), 3)
    print(f"{'figure':36} {'value':>8}  target")
    for name, value in figures.items():
        target = (
            ""
            if name.endswith(("_recording", "_relay")) or "kept" in name
            else ("<= 0.3" if "rtt" in name else ">= 0.7")
        )
        print(f"{name:36} {value:8.3f}  {target}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
