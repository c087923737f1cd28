"""zinspect's soak: minutes of mixed traffic through the real application, watched.

    python benchmarks/soak.py                  # 10 minutes, default caps (README figures)
    python benchmarks/soak.py --minutes 30     # longer
    python benchmarks/soak.py --quick          # about a minute, smaller floods and caps
    python benchmarks/soak.py --seconds 10     # a smoke run (tests/test_soak_smoke.py)
    python benchmarks/soak.py --json           # also one JSON object as the last line

Not part of CI. zinspect starts as in app_bench.py (``zinspect.app.main``, the main window
shown, on Qt's offscreen platform unless DISPLAY is set, e.g. under Xvfb), binds seven
sockets and lets peer processes (soak_peers.py, peers.py) at them:

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
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from typing import Any

if os.environ.get("DISPLAY") and "QT_QPA_PLATFORM" not in os.environ:
    os.environ["QT_QPA_PLATFORM"] = "xcb"  # a real (or Xvfb) display; offscreen otherwise

from common import HERE, percentile, rss_bytes, spawn_peer, trim_heap
from soak_checks import check
from soak_report import (
    MIB,
    BusyProbe,
    ProblemLog,
    load_average,
    report,
    summarize,
)

DRAIN_TIMEOUT_S = 120.0  # after the run: every peer gone and every socket drained


@dataclass(frozen=True)
class Profile:
    """How much of each kind of traffic, and when."""

    seconds: float
    sample_s: float
    max_messages: int  # the store's caps (0: zinspect's defaults)
    max_bytes: int
    stream_rate: float  # stream "a": 64 B in 1 frame, messages a second
    stream_b_rate: float  # stream "b": ~1 KiB in 3 frames
    feed_rate: float  # the PUB feed, 64 B
    flood_count: int  # messages in each flood (PUSH and PUB floods alternate)
    flood_first: float
    flood_every: float
    burst_count: int
    burst_every: float
    big_sizes: tuple[int, int]  # a large message every big_every s, size in this range
    big_every: float
    huge_sizes: tuple[int, int]
    huge_first: float
    huge_every: float
    storm_at: float  # soak time of a storm of storm_count huge messages, one a second,
    storm_count: int  # enough to take the store past its byte cap
    churn_every: float
    churn_rates: tuple[int, int]
    churn_seconds: tuple[float, float]
    kill_fraction: float  # of the churn peers, killed with SIGKILL before they finish
    ask_rate: float  # the peer REQ's requests a second (zinspect's REP echoes them)
    req_interval_ms: int  # zinspect's REQ send automation


FULL = Profile(
    seconds=600,
    sample_s=5,
    max_messages=0,
    max_bytes=0,
    stream_rate=1000,
    stream_b_rate=100,
    feed_rate=500,
    flood_count=2_500_000,
    flood_first=30,
    flood_every=100,
    burst_count=20_000,
    burst_every=8,
    big_sizes=(1 * MIB, 8 * MIB),
    big_every=10,
    huge_sizes=(50 * MIB, 100 * MIB),
    huge_first=60,
    huge_every=120,
    storm_at=0.6 * 600,
    storm_count=8,
    churn_every=2,
    churn_rates=(100, 3000),
    churn_seconds=(1, 6),
    kill_fraction=1 / 3,
    ask_rate=100,
    req_interval_ms=20,
)


def quick_profile(seconds: float) -> Profile:
    """A short run: smaller floods and caps (so the caps still drop), everything sooner."""
    return replace(
        FULL,
        seconds=seconds,
        sample_s=1 if seconds < 30 else 2,
        max_messages=100_000,
        max_bytes=64 * MIB,
        flood_count=300_000,
        flood_first=0.1 * seconds,
        flood_every=seconds / 4,
        burst_count=10_000,
        burst_every=4,
        big_sizes=(256 * 1024, 4 * MIB),
        big_every=3,
        huge_sizes=(20 * MIB, 40 * MIB),
        huge_first=0.3 * seconds,
        huge_every=seconds,
        storm_at=0.6 * seconds,
        storm_count=3,
        churn_every=1.5,
        churn_seconds=(0.5, 3),
    )


@dataclass
class PeerRun:
    """One peer process and what it said."""

    kind: str  # stream, burst, flood, pubflood, feed, big, churn, ask, answer
    socket: str  # the zinspect socket it talks to
    name: str  # the name in its numbered messages ("" when not numbered)
    proc: subprocess.Popen
    lossless: bool  # a PUSH (or REQ/REP): every message it sent must arrive
    kill_at: float | None = None  # soak time at which it gets SIGKILL
    killed: bool = False
    returncode: int | None = None
    output: str = ""
    sent: int | None = None  # from its "sent N" line (None: killed, or not said)

    def said(self, word: str) -> int | None:
        """The number after ``word`` in the peer's output ("sent 12" -> 12)."""
        parts = self.output.split()
        for index, part in enumerate(parts[:-1]):
            if part == word and parts[index + 1].isdigit():
                return int(parts[index + 1])
        return None


class Soak:
    """Runs the traffic, samples, and checks the counts at the end."""

    def __init__(self, window: Any, profile: Profile, seed: int, emit_row: Any = None) -> None:
        self.window = window
        self.session = window.session
        self.store = window.session.store
        self.profile = profile
        self.rng = random.Random(seed)
        self.emit_row = emit_row or (lambda text: print(text, flush=True))
        self.peers: list[PeerRun] = []
        self.live: list[PeerRun] = []
        self.samples: list[dict[str, Any]] = []
        self.probe = BusyProbe()
        self.endpoints: dict[str, str] = {}
        self.handles: dict[str, Any] = {}
        self.failures: list[str] = []
        self.started = 0.0
        self._tick_index = 0
        self._last_sample = (0.0, 0)
        self.feed_received_at_restart = 0
        self.rss_start = 0
        self.errors: list[str] = []  # zinspect's warnings and errors, loop exceptions
        # the churn peers' last message number seen arriving, and gaps seen (see on_received)
        self.churn_last: dict[bytes, int] = {}
        self.churn_gaps = 0
        self.feed2_arrived = False  # a message of the PUB that replaced the killed one came
        # Python's garbage collector: (collections, longest in CPU ms) per generation
        self.gc_stats = {0: [0, 0.0], 1: [0, 0.0], 2: [0, 0.0]}
        self._gc_started = 0.0
        self.largest_message = 0

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.thread_time()  # CPU time: not the OS's other processes
            return
        stats = self.gc_stats[info["generation"]]
        stats[0] += 1
        stats[1] = max(stats[1], (time.thread_time() - self._gc_started) * 1000)

    # -- set-up ------------------------------------------------------------------------------
    def create_sockets(self) -> None:
        from zinspect.core.automation.automation import AutomationSpec, ReplySpec, SendSpec
        from zinspect.core.automation.automation_runner import attach_automation

        if self.profile.max_messages:
            self.store.set_caps(self.profile.max_messages, self.profile.max_bytes)
        for name, type_name in (
            ("stream", "PULL"),
            ("flood", "PULL"),
            ("big", "PULL"),
            ("churn", "PULL"),
            ("feed", "SUB"),
            ("rep", "REP"),
            ("req", "REQ"),
        ):
            handle = self.session.create_socket(type_name, name)
            self.endpoints[name] = handle.bind("tcp://127.0.0.1:*").address
            self.handles[name] = handle
        self.handles["feed"].subscribe(b"")
        self.session.on_received.append(self.on_received)
        attach_automation(self.handles["rep"], AutomationSpec(reply=ReplySpec(echo=True)))
        attach_automation(
            self.handles["req"],
            AutomationSpec(
                send=SendSpec(
                    frames=["ask {seq}"],
                    interval_ms=self.profile.req_interval_ms,
                    timeout_ms=10_000,
                )
            ),
        )

    def on_received(self, handle: Any, count: int) -> None:
        """Follow the churn peers' numbers as they arrive (a few thousand a second at most),
        so a peer killed with SIGKILL still has an exact count: its last number + 1; and
        note the first message of the PUB that replaced the killed one."""
        if handle is self.handles["feed"]:
            if self.feed_received_at_restart and not self.feed2_arrived:
                _first, rows = self.store.rows(self.store.end_seq - count, self.store.end_seq)
                self.feed2_arrived = any(row[4].startswith(b"feed2 ") for row in rows)
            return
        if handle is not self.handles["churn"]:
            return
        _first, rows = self.store.rows(self.store.end_seq - count, self.store.end_seq)
        last = self.churn_last
        for row in rows:
            name, _, number = row[4].split(b"|", 1)[0].rpartition(b" ")
            seq = int(number)
            if seq != last.get(name, -1) + 1:
                self.churn_gaps += 1
            last[name] = seq

    def schedule(self) -> list[tuple[float, str, dict[str, Any]]]:
        """(soak time, kind, arguments) of every peer start, drawn from the seed."""
        p, rng = self.profile, self.rng
        end = p.seconds
        events: list[tuple[float, str, dict[str, Any]]] = [
            (0.0, "stream", {"name": "a", "rate": p.stream_rate, "size": 64, "frames": 1}),
            (0.0, "stream", {"name": "b", "rate": p.stream_b_rate, "size": 1024, "frames": 3}),
            (0.0, "feed", {"name": "feed1"}),
            (0.0, "ask", {}),
            (0.0, "answer", {}),
            (end / 2, "feed", {"name": "feed2", "restart": True}),
        ]

        def periodic(first: float, every: float, last: float):
            t = first
            while t < last:
                yield t
                t += every * rng.uniform(0.5, 1.5)

        for number, t in enumerate(periodic(p.flood_first, p.flood_every, 0.8 * end)):
            events.append((t, "pubflood" if number % 2 else "flood", {"n": number}))
        for number, t in enumerate(periodic(p.burst_every / 2, p.burst_every, end - 2)):
            events.append((t, "burst", {"n": number}))
        for t in periodic(p.big_every / 2, p.big_every, end - 2):
            events.append((t, "big", {"size": rng.randint(*p.big_sizes)}))
        for t in periodic(p.huge_first, p.huge_every, end - 5):
            events.append((t, "big", {"size": rng.randint(*p.huge_sizes)}))
        for number in range(p.storm_count):
            events.append((p.storm_at + number, "big", {"size": rng.randint(*p.huge_sizes)}))
        for number, t in enumerate(periodic(p.churn_every / 2, p.churn_every, end - 1)):
            seconds = min(rng.uniform(*p.churn_seconds), end - t)
            kill = rng.random() < p.kill_fraction
            events.append(
                (
                    t,
                    "churn",
                    {
                        "n": number,
                        "rate": rng.randint(*p.churn_rates),
                        "seconds": seconds,
                        "kill_after": rng.uniform(0.2, 0.9) * seconds if kill else None,
                    },
                )
            )
        return sorted(events, key=lambda event: event[0])

    # -- peers -------------------------------------------------------------------------------
    def start_peer(self, now: float, kind: str, args: dict[str, Any]) -> None:
        p = self.profile
        ep = self.endpoints
        remaining = max(0.5, p.seconds - now)

        def soak_peer(*argv: object) -> subprocess.Popen:
            return subprocess.Popen(
                [sys.executable, str(HERE / "soak_peers.py"), *map(str, argv)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )

        if kind == "stream":
            proc = soak_peer(
                "push",
                ep["stream"],
                args["name"],
                "--rate",
                args["rate"],
                "--seconds",
                remaining,
                "--size",
                args["size"],
                "--frames",
                args["frames"],
            )
            run = PeerRun(kind, "stream", args["name"], proc, lossless=True)
        elif kind == "burst":
            name = f"burst{args['n']}"
            proc = soak_peer("push", ep["stream"], name, "--count", p.burst_count, "--size", 256)
            run = PeerRun(kind, "stream", name, proc, lossless=True)
        elif kind in ("flood", "pubflood"):
            name = f"{kind}{args['n']}"
            pub = kind == "pubflood"
            proc = soak_peer(
                "push",
                ep["feed" if pub else "flood"],
                name,
                "--count",
                p.flood_count,
                "--size",
                64,
                *(["--pub"] * pub),
            )
            run = PeerRun(kind, "feed" if pub else "flood", name, proc, lossless=not pub)
        elif kind == "feed":
            if args.get("restart"):
                self.feed_received_at_restart = self.handles["feed"].received or 1
                for old in self.live:
                    if old.kind == "feed":
                        old.proc.send_signal(signal.SIGKILL)
                        old.killed = True
            proc = soak_peer(
                "push",
                ep["feed"],
                args["name"],
                "--rate",
                p.feed_rate,
                "--seconds",
                remaining,
                "--size",
                64,
                "--pub",
            )
            run = PeerRun(kind, "feed", args["name"], proc, lossless=False)
        elif kind == "big":
            self.largest_message = max(self.largest_message, args["size"])
            run = PeerRun(
                kind, "big", "", spawn_peer("big", ep["big"], str(args["size"])), lossless=True
            )
        elif kind == "churn":
            name = f"churn{args['n']}"
            proc = soak_peer(
                "push",
                ep["churn"],
                name,
                "--rate",
                args["rate"],
                "--seconds",
                args["seconds"],
                "--size",
                128,
            )
            kill_after = args["kill_after"]
            run = PeerRun(
                kind,
                "churn",
                name,
                proc,
                lossless=True,
                kill_at=None if kill_after is None else now + kill_after,
            )
        elif kind == "ask":
            proc = soak_peer("req", ep["rep"], "ask", "--seconds", remaining, "--rate", p.ask_rate)
            run = PeerRun(kind, "rep", "", proc, lossless=True)
        elif kind == "answer":
            proc = soak_peer("rep", ep["req"], "--seconds", p.seconds + DRAIN_TIMEOUT_S)
            run = PeerRun(kind, "req", "", proc, lossless=True)
        else:
            raise ValueError(kind)
        self.peers.append(run)
        self.live.append(run)

    def poll_peers(self) -> None:
        """SIGKILL the peers whose time has come; collect the output of those that ended."""
        now = self.now()
        for run in list(self.live):
            if (
                run.kill_at is not None
                and now >= run.kill_at
                and not run.killed
                and run.proc.poll() is None
            ):
                run.proc.send_signal(signal.SIGKILL)
                run.killed = True
            if run.proc.poll() is None:
                continue
            out, err = run.proc.communicate()
            run.returncode = run.proc.returncode
            run.output = out
            run.sent = run.said("sent")
            self.live.remove(run)
            if not run.killed and run.returncode != 0:
                self.failures.append(
                    f"peer {run.kind} {run.name} exited with "
                    f"{run.returncode}: {(out + err).strip()[-300:]}"
                )

    # -- the run -----------------------------------------------------------------------------
    def now(self) -> float:
        return time.monotonic() - self.started

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
        await self.wait(lambda: model.rowCount() == len(self.store), 10, "the table")

    async def wait(self, predicate: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.failures.append(f"timed out waiting for {what}")
                for run in self.live:  # nothing must outlive the soak
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
