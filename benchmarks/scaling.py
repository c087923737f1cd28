"""How zinspect's ingest scales with message size and with the number of sockets.

    python benchmarks/scaling.py [--rounds N] [--quick]

For each case a bare pyzmq loop and the real application (app_bench.py ingest, the same
window and table as benchmarks/run.py) take the same flood from a ``peers.py push``
process: 64 B, 1 KiB, 64 KiB and 1 MiB single-frame messages into one PULL socket, then
64 B messages spread round-robin over 1, 10 and 100 PULL sockets. Prints a table of
messages/s and MB/s (medians over the rounds), how busy zinspect's main thread was, the
16 ms timer's p99 lateness, and its CPU twin: the p99 of the main thread's own CPU time
between two ticks, less the tick (stalls.py's probe). A lateness far above its CPU twin
is the process waiting for a core, not zinspect's work. docs/performance.md says what
limits each case.

    python benchmarks/scaling.py child ingest COUNT SIZE FRAMES CAP SOCKETS   # one app run
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import HERE, median, percentile, run_child

# (label, message size, messages in the flood, sockets)
CASES = [
    ("64 B", 64, 500_000, 1),
    ("1 KiB", 1024, 300_000, 1),
    ("64 KiB", 64 * 1024, 20_000, 1),
    ("1 MiB", 1024 * 1024, 2_000, 1),
    ("64 B, 10 sockets", 64, 500_000, 10),
    ("64 B, 100 sockets", 64, 500_000, 100),
]


def measure(size: int, count: int, sockets: int) -> tuple[dict, dict]:
    bare = run_child(
        [str(HERE / "bare.py"), "recv", str(count), str(size), "1", str(sockets)], timeout=180
    )
    app = run_child(
        [
            str(HERE / "scaling.py"),
            "child",
            "ingest",
            str(count),
            str(size),
            "1",
            "0",
            str(sockets),
        ],
        timeout=180,
    )
    return bare, app


def child(argv: list[str]) -> int:
    """app_bench's scenario with a probe that also notes the CPU twin of each tick."""
    import app_bench
    import stalls

    base = stalls.cpu_probe(app_bench.LagProbe)

    class CpuTwinProbe(base):  # type: ignore[misc, valid-type]
        def summary(self, start: float, end: float) -> dict[str, float]:
            result = super().summary(start, end)
            cpu = [spent for stamp, spent in self.cpu if start <= stamp <= end + 0.1]
            result["cpu_p99_ms"] = percentile(cpu, 0.99)
            return result

    app_bench.LagProbe = CpuTwinProbe
    return app_bench.main(argv)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a tenth of each flood")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows = []
    for label, size, count, sockets in CASES:
        if args.quick:
            count = max(200, count // 10)
        bares, apps, busy, lags, cpus = [], [], [], [], []
        for _ in range(args.rounds):
            print(f"[{time.monotonic() - started:6.1f} s] {label}", file=sys.stderr, flush=True)
            bare, app = measure(size, count, sockets)
            bares.append(bare["rate"])
            apps.append(app["rate"])
            busy.append(app["main_thread_busy"])
            lags.append(app["lag_p99_ms"])
            cpus.append(app["cpu_p99_ms"])
        rows.append(
            (label, size, median(bares), median(apps), median(busy), median(lags), median(cpus))
        )
    print(
        f"{'case':<20}{'bare msg/s':>12}{'zinspect msg/s':>16}{'ratio':>7}"
        f"{'zinspect MB/s':>15}{'main thread':>13}{'lag p99':>9}{'CPU p99':>9}"
    )
    for label, size, bare, app, busy, lag, cpu in rows:
        print(
            f"{label:<20}{bare:>12,.0f}{app:>16,.0f}{app / bare:>7.2f}"
            f"{app * size / 1e6:>15,.1f}{busy:>12.0%}{lag:>7.0f}ms{cpu:>7.0f}ms"
        )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.exit(child(sys.argv[2:]))
    sys.exit(main())
