"""The soak's traffic (benchmarks/soak.py): how much of each kind and when (Profile, the
10-minute FULL one and the short ones), zinspect's seven sockets and automations, the
schedule of peer starts drawn from the seed, and the peer processes (soak_peers.py, peers.py)
started, killed with SIGKILL and collected.

SoakTraffic holds what the checks at the end read (soak_checks.py): the peers and what they
said, the sockets, the churn peers' numbers as they arrived; soak.Soak adds the run, the
sampling and the wind-down on top of it.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from typing import Any

from common import HERE, spawn_peer
from soak_report import MIB

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


class SoakTraffic:
    """zinspect's sockets under the soak's traffic: sets them up, starts the peers on
    schedule, kills and collects them, and follows the churn peers' numbers."""

    def __init__(self, window: Any, profile: Profile, seed: int) -> None:
        self.window = window
        self.session = window.session
        self.store = window.session.store
        self.profile = profile
        self.rng = random.Random(seed)
        self.peers: list[PeerRun] = []
        self.live: list[PeerRun] = []
        self.endpoints: dict[str, str] = {}
        self.handles: dict[str, Any] = {}
        self.failures: list[str] = []
        self.started = 0.0
        self.feed_received_at_restart = 0
        # the churn peers' last message number seen arriving, and gaps seen (see on_received)
        self.churn_last: dict[bytes, int] = {}
        self.churn_gaps = 0
        self.feed2_arrived = False  # a message of the PUB that replaced the killed one came
        self.largest_message = 0

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

    # -- the clock ---------------------------------------------------------------------------
    def now(self) -> float:
        return time.monotonic() - self.started
