"""Where the GUI thread's CPU went in the worst ticks of a stalls.py scenario.

    python benchmarks/tick_profile.py SCENARIO ARGS...   # e.g. send_flood 300000 64

Runs one scenario of benchmarks/stalls.py in this process (the real application, Qt's
offscreen platform) with a sampler thread that notes the main thread's Python stack and its
CPU clock every half millisecond. At the end it prints, for the five ticks that used the
most CPU, the functions the CPU was spent in (inclusive, weighted by the CPU time between
samples). No py-spy needed. A sample taken while the main thread runs Qt's C++ code without
Python on top shows the last Python frame that called into it (often the event loop itself:
Qt painting or its own timers).
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections import Counter
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import stalls  # noqa: E402

PERIOD_S = 0.0005
TOP_TICKS = 5
TOP_FUNCTIONS = 22


class Sampler(threading.Thread):
    """Samples the main thread's stack and CPU clock until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.main = threading.main_thread().ident or 0
        self.clock = time.pthread_getcpuclockid(self.main)
        self.samples: list[tuple[float, float, tuple[str, ...]]] = []
        self.running = True
        self.collections: list[tuple[float, float, int]] = []  # (end, ms, generation)
        self._gc_started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._gc_started = now
        elif threading.get_ident() == self.main:
            spent = (now - self._gc_started) * 1000
            self.collections.append((now, spent, info["generation"]))

    def run(self) -> None:
        while self.running:
            frame = sys._current_frames().get(self.main)
            cpu = time.clock_gettime(self.clock)
            stack: list[str] = []
            while frame is not None:
                code = frame.f_code
                name = os.path.basename(code.co_filename)
                stack.append(f"{name}:{code.co_name}")
                frame = frame.f_back
            self.samples.append((time.perf_counter(), cpu, tuple(reversed(stack))))
            time.sleep(PERIOD_S)


def report(sampler: Sampler, cpu_ticks: list[tuple[float, float]]) -> None:
    """Print what the CPU went to in the ticks that used the most of it."""
    worst = sorted(enumerate(cpu_ticks), key=lambda item: -item[1][1])[:TOP_TICKS]
    for index, (end, spent) in worst:
        start = cpu_ticks[index - 1][0] if index > 0 else end - 0.2
        inside = [s for s in sampler.samples if start <= s[0] <= end]
        weights: Counter[str] = Counter()
        leaves: Counter[str] = Counter()
        total = 0.0
        for (_, cpu_before, _), (_, cpu, stack) in zip(inside, inside[1:], strict=False):
            weight = (cpu - cpu_before) * 1000
            total += weight
            for name in set(stack):
                weights[name] += weight
            leaves[" > ".join(stack[-4:])] += weight
        print(f"\n== tick at {end:.3f}: {spent:.1f} ms CPU beyond the tick, sampled {total:.1f} ms")
        collected = [(ms, gen) for stamp, ms, gen in sampler.collections if start <= stamp <= end]
        if collected:
            print(
                "  garbage collections (ms, generation): "
                + ", ".join(f"{ms:.1f} ({gen})" for ms, gen in collected if ms >= 0.5 or gen == 2)
            )
        for name, weight in weights.most_common(TOP_FUNCTIONS):
            print(f"  {weight:7.1f} ms  {name}")
        print("  leaves:")
        for name, weight in leaves.most_common(8):
            print(f"  {weight:7.1f} ms  {name}")


def main(argv: list[str]) -> int:
    import app_bench

    sys.setswitchinterval(PERIOD_S / 2)  # the sampler gets the GIL often enough
    sampler = Sampler()
    probe_class = stalls.cpu_probe(app_bench.LagProbe)

    class ProfiledProbe(probe_class):  # type: ignore[misc, valid-type]
        def start(self) -> None:
            sampler.start()
            super().start()

        def stop(self) -> None:
            super().stop()
            sampler.running = False
            report(sampler, self.cpu)

    def child(args: list[str]) -> int:
        app_bench.LagProbe = ProfiledProbe
        app_bench.SCENARIOS.update(stalls.SCENARIOS)
        return app_bench.main(args)

    result: Any = child(argv)
    return int(result)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
