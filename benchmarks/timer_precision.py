"""How precise automation delays are on Qt's loop: 20 delays of 250 ms, measured.

    QT_QPA_PLATFORM=offscreen python benchmarks/timer_precision.py [--count 20] [--ms 250]

Runs on a qasync loop, as the application does, and measures each delay with the monotonic
clock: first through ``core.automation.timing`` (what reply/forward delays, intervals and
conditions use), then through the loop's plain ``call_later`` (a coarse Qt timer) for
comparison. Prints min, mean and max of each, and exits 1 when a precise delay fell outside
245-265 ms (for 250 ms: -2 % to +6 %). A benchmark, not a test: on a loaded machine a
late wake-up is the scheduler's, not the timer's, and the test suite never asserts a timing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

import qasync
from PySide6.QtWidgets import QApplication

from zinspect.core.automation.timing import precise_sleep


async def measure(count: int, seconds: float, precise: bool) -> list[float]:
    loop = asyncio.get_running_loop()
    samples = []
    for _ in range(count):
        start = time.monotonic()
        if precise:
            await precise_sleep(seconds)
        else:
            future = loop.create_future()
            loop.call_later(seconds, future.set_result, None)
            await future
        samples.append((time.monotonic() - start) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--ms", type=float, default=250.0)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(["timer_precision"])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    low, high = args.ms * 0.98, args.ms * 1.06
    ok = True
    with loop:
        for name, precise in (("precise (core.automation.timing)", True), ("call_later", False)):
            samples = loop.run_until_complete(measure(args.count, args.ms / 1000, precise))
            print(
                f"{name:34} min {min(samples):7.1f}  mean {statistics.mean(samples):7.1f}  "
                f"max {max(samples):7.1f} ms"
            )
            if precise:
                ok = all(low <= sample <= high for sample in samples)
    print(f"precise delays within {low:.0f}-{high:.0f} ms: {'yes' if ok else 'no'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
