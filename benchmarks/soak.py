"""zinspect's soak: minutes of mixed traffic through the real application, watched.

    python benchmarks/soak.py                  # 10 minutes, default caps (README figures)
    python benchmarks/soak.py --minutes 30     # longer
    python benchmarks/soak.py --quick          # about a minute, smaller floods and caps
    python benchmarks/soak.py --seconds 10     # a smoke run (tests/test_soak_smoke.py)
    python benchmarks/soak.py --json           # also one JSON object as the last line

Not part of CI. zinspect starts as in app_bench.py (``zinspect.app.main``, the main window
shown, on Qt's offscreen platform unless DISPLAY is set, e.g. under Xvfb), binds seven
sockets and lets peer processes (soak_peers.py, peers.py) at them, as soak_traffic.py
schedules them:

- ``stream`` PULL: two steady streams (64 B, and 3 frames of ~1 KiB) for the whole run,
  and bursts of tens of thousands of messages at once from short-lived peers;
- ``flood`` PULL: floods far beyond the caps (2.5 M messages, flat out);
- ``big`` PULL: a message of 1-8 MiB every few seconds, sometimes one of 50-100 MiB, and
  at 60 % of the run a storm of eight of those, one a second, past the 512 MiB byte cap;
- ``churn`` PULL: peers that connect, send for a few seconds and go; a third of them are
  killed with SIGKILL mid-stream;
- ``feed`` SUB: a PUB feed (killed with SIGKILL half-way and replaced), and PUB floods
  that PUB itself drops from at its high-water mark;
- ``rep`` REP with an echo automation, asked by a peer REQ; ``req`` REQ with a send
  automation (every 20 ms) answered by a peer REP.

Every few seconds it prints a row: RSS, the lateness of a 16 ms UI timer (p50/p99/max over
the interval), messages in/out/stored/dropped, the store's bytes against its cap, the peers
alive, the most GUI-thread CPU time between two timer ticks ("busy": the loop's own work,
as opposed to time the OS gave other processes), the load average, and whether in + out =
stored + dropped right then. The user "clicks" the newest row at each sample, so the detail
pane renders too. At the end, once every peer has stopped and the sockets are drained, it
checks exactly (soak_checks.py):

- the store: in + out = stored + dropped, in = the sockets' received, out = their sent;
- per socket, against what the peers say they sent: the lossless sockets (PUSH peers)
  received every message; of each numbered peer the store holds exactly its newest
  messages, gap-free; the REQ/REP pairs' counts agree on both sides;
- the table shows every stored message and the status bar the same counts;
- RSS never went above what the caps allow (soak_report.summarize).

The store counts both directions (a REP's replies are stored too), so "received = stored +
dropped" reads in + out = stored + dropped; per socket, dropped = received + sent - stored.
The exit status is 0 only when every check passed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import sys
import tempfile
import time
from dataclasses import replace
from typing import Any

if os.environ.get("DISPLAY") and "QT_QPA_PLATFORM" not in os.environ:
    os.environ["QT_QPA_PLATFORM"] = "xcb"  # a real (or Xvfb) display; offscreen otherwise

from common import percentile, rss_bytes, trim_heap
from soak_checks import check
from soak_report import (
    MIB,
    BusyProbe,
    ProblemLog,
    load_average,
    report,
    summarize,
)
from soak_traffic import DRAIN_TIMEOUT_S, FULL, Profile, SoakTraffic, quick_profile


class Soak(SoakTraffic):
    """Runs the traffic, samples, and checks the counts at the end."""

    def __init__(self, window: Any, profile: Profile, seed: int, emit_row: Any = None) -> None:
        super().__init__(window, profile, seed)
        self.emit_row = emit_row or (lambda text: print(text, flush=True))
        self.samples: list[dict[str, Any]] = []
        self.probe = BusyProbe()
        self._tick_index = 0
        self._last_sample = (0.0, 0)
        self.rss_start = 0
        self.errors: list[str] = []  # zinspect's warnings and errors, loop exceptions
        # Python's garbage collector: (collections, longest in CPU ms) per generation
        self.gc_stats = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
        self._gc_started = 0.0

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.thread_time()  # CPU time: not the OS's other processes
            return
        stats = self.gc_stats[info["generation"]]
        stats[0] += 1
        stats[1] = max(stats[1], (time.thread_time() - self._gc_started) * 1000)

    # -- the run -----------------------------------------------------------------------------
    async def run(self) -> dict[str, Any]:
        self.create_sockets()
        await asyncio.sleep(0.5)
        self.rss_start = rss_bytes()
        events = self.schedule()
        self.emit_row(self.header())
        self.started = time.monotonic()
        self.probe.start()
        gc.callbacks.append(self._on_gc)
        self._last_sample = (time.monotonic(), 0)
        next_sample = self.profile.sample_s
        while self.now() < self.profile.seconds:
            while events and events[0][0] <= self.now():
                _t, kind, args = events.pop(0)
                self.start_peer(self.now(), kind, args)
            self.poll_peers()
            if self.now() >= next_sample:
                self.sample()
                next_sample += self.profile.sample_s
            await asyncio.sleep(0.05)
        await self.wind_down()
        self.probe.stop()
        gc.callbacks.remove(self._on_gc)
        self.sample()
        return check(self)

    async def wind_down(self) -> None:
        """Stop zinspect's REQ automation and its peer, let every peer finish, wait until
        no socket receives anything more."""
        req = self.handles["req"]
        req.automation_runner.stop()
        await self.wait(lambda: not req.awaiting_reply, 15, "the REQ's last reply")
        await req.send([b"STOP"])
        await self.wait(lambda: not req.awaiting_reply, 15, "the answering peer's bye")

        def peers_gone() -> bool:
            self.poll_peers()
            return not self.live

        await self.wait(peers_gone, DRAIN_TIMEOUT_S, "every peer to finish")
        last: list[Any] = [None, time.monotonic()]

        def quiet() -> bool:
            counts = [(h.received, h.sent) for h in self.handles.values()]
            if counts != last[0]:
                last[0], last[1] = counts, time.monotonic()
            return time.monotonic() - last[1] > 1.0

        await self.wait(quiet, 30, "the sockets to drain")
        model = self.window.traffic.model
        kept = self.store.end_seq - self.store.oldest_seq  # in memory and in the history
        await self.wait(lambda: model.rowCount() == kept, 10, "the table")

    async def wait(self, predicate: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.failures.append(f"timed out waiting for {what}")
                for run in self.live:  # nothing must outlive the soak
                    if run.proc.poll() is None:  # one that ended by itself was not killed
                        run.proc.kill()
                        run.killed = True
                return
            await asyncio.sleep(0.1)

    # -- sampling ----------------------------------------------------------------------------
    def header(self) -> str:
        return (
            f"{'t s':>6} {'RSS MiB':>8} {'lag p50':>8} {'p99':>6} {'max ms':>7} "
            f"{'in':>11} {'out':>8} {'stored':>9} {'store MiB':>13} {'dropped':>11} "
            f"{'in/s':>8} {'peers':>5} {'busy':>5} {'load':>5}  in+out=stored+dropped"
        )

    def sample(self) -> None:
        store = self.store
        now = time.monotonic()
        ticks = self.probe.ticks[self._tick_index :]
        busy = self.probe.busy_ms(self._tick_index, len(self.probe.ticks))
        self._tick_index = len(self.probe.ticks)
        late = [lateness for _stamp, lateness in ticks]
        then, received_then = self._last_sample
        self._last_sample = (now, store.received)
        row = {
            "t": round(self.now(), 1),
            "rss_mib": round(rss_bytes() / MIB, 1),
            "lag_p50_ms": round(percentile(late, 0.5), 1),
            "lag_p99_ms": round(percentile(late, 0.99), 1),
            "lag_max_ms": round(max(late, default=0.0), 1),
            "ticks": len(late),
            "busy_max_ms": round(max(busy, default=0.0), 1),
            "load": load_average(),
            "in": store.received,
            "out": store.sent,
            "stored": len(store),
            "dropped": store.dropped,
            "store_bytes": store.total_bytes,
            "in_rate": round((store.received - received_then) / max(1e-6, now - then)),
            "peers": len(self.live),
            "sockets": {name: [h.received, h.sent] for name, h in self.handles.items()},
        }
        row["equation"] = row["in"] + row["out"] == row["stored"] + row["dropped"]
        self.samples.append(row)
        self.emit_row(
            f"{row['t']:>6.0f} {row['rss_mib']:>8.0f} {row['lag_p50_ms']:>8.1f} "
            f"{row['lag_p99_ms']:>6.0f} {row['lag_max_ms']:>7.0f} {row['in']:>11,} "
            f"{row['out']:>8,} {row['stored']:>9,} "
            f"{f'{store.total_bytes / MIB:.0f}/{store.max_bytes / MIB:.0f}':>13} "
            f"{row['dropped']:>11,} {row['in_rate']:>8,} {row['peers']:>5} "
            f"{row['busy_max_ms']:>5.0f} {row['load']:>5.1f}  "
            f"{'yes' if row['equation'] else 'NO'}"
        )
        # a user clicks the newest message: the detail pane renders it
        model = self.window.traffic.model
        if model.rowCount():
            self.window.traffic.view.selectRow(model.rowCount() - 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10, help="how long (default 10)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about a minute, with smaller floods and caps (a smoke run)",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        help="how long, in seconds, with --quick's sizes (for a smoke test)",
    )
    parser.add_argument("--seed", type=int, default=7, help="the traffic schedule's seed")
    parser.add_argument(
        "--json", action="store_true", help="print the summary as one JSON object on the last line"
    )
    args = parser.parse_args(argv)
    if args.seconds:
        profile = quick_profile(args.seconds)
    elif args.quick:
        profile = quick_profile(60)
    else:
        profile = replace(FULL, seconds=args.minutes * 60, storm_at=0.6 * args.minutes * 60)

    problems = ProblemLog()
    logging.getLogger("zinspect").addHandler(problems)
    outcome: dict[str, Any] = {}

    import zinspect.app
    import zinspect.ui.main_window as main_window

    class SoakWindow(main_window.MainWindow):
        """The real main window, plus the soak as a task once it is shown."""

        def __init__(self, *a: Any, **kw: Any) -> None:
            super().__init__(*a, **kw)
            self.soak_task = asyncio.ensure_future(self._run())
            self.soak_task.add_done_callback(self._on_soak_task_done)

        async def _run(self) -> None:
            loop = asyncio.get_running_loop()

            def on_loop_exception(the_loop: Any, context: dict) -> None:
                problems.messages.append(
                    f"loop: {context.get('message')} {context.get('exception')!r}"[:300]
                )
                the_loop.default_exception_handler(context)

            loop.set_exception_handler(on_loop_exception)
            while not self.isVisible():
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)
            started = time.monotonic()
            soak = Soak(self, profile, args.seed)
            soak.errors = problems.messages
            result = await soak.run()
            elapsed = time.monotonic() - started
            gc.collect()
            trim_heap()
            outcome["summary"] = summarize(soak, result, rss_bytes(), elapsed)
            self.close_guard = None
            self.close()

        def _on_soak_task_done(self, task: asyncio.Task) -> None:
            if not task.cancelled() and task.exception() is not None:
                import traceback

                traceback.print_exception(task.exception())
                self.close_guard = None
                self.close()

    main_window.MainWindow = SoakWindow  # zinspect.app imports it when the GUI starts
    with tempfile.TemporaryDirectory(prefix="zinspect-soak-") as folder:
        code = zinspect.app.main(["--settings", os.path.join(folder, "settings.ini")])
    summary = outcome.get("summary")
    if summary is None:
        print("the soak did not finish", file=sys.stderr)
        return 1
    print(report(summary), flush=True)
    if args.json:
        print(json.dumps(summary), flush=True)
    return code if summary["checks_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
