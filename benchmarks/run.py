"""zinspect's benchmark: the real application against bare pyzmq loops, in one run.

    python benchmarks/run.py            # the full benchmark (its rounds alone: 5-8 minutes)
    python benchmarks/run.py --quick    # a smaller version: a smoke test, not a measurement

Every measurement runs in a fresh child process (bare.py for the pyzmq yardsticks,
app_bench.py for zinspect on Qt's offscreen platform), so one scenario's memory never
colours the next. Each figure is the median over the rounds (3 in the full run); the
receive ratios (``ingest_ratio_*``, ``ceiling_ratio_1f``, ``big_1mib_ratio`` and
``big_1mib_full_ratio``, the same into a store already full, ``decode_ingest_ratio``) are
the median over every pair of every round, 2 interleaved pairs
of bare loop and app a round, in turned order: on two shared cores the rate of the same
loop moves by a half with where the scheduler puts it, and a ratio of two rates measured
seconds apart is steadier than either rate.

Prints a readable table, then as its last line one JSON object with the receive, lag,
filter, send and decode figures, and the figures of the other benchmark modules, each of
which an option leaves out: the hostile-input ones (``rss_*``, ``stall_*``,
``shutdown_1m_*``, ``pcap_import_*``: safety_*.py, pcap_import.py; ``--no-safety``, or
``--only-safety`` for them alone), the Plot dock's (``plot_*``; ``--no-plot``), the Topics
view's and everything exploring at once (``topics_*``, ``explore_*``; ``--no-explore``),
the history's (``history_*``: 20 M messages on disk; ``--no-history``) and the stalls of
heavy operations with their ``*_cpu_ms`` twins (stalls.py; ``--no-stalls``).
docs/performance.md explains each figure and what limits it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import decode_bench
import stalls
from common import HERE, median, run_child

MIB = 1024 * 1024


@dataclass(frozen=True)
class Plan:
    """How big each scenario is."""

    rounds: int
    ingest_1f: int  # messages in the 1-frame flood (the overhead figure is taken there too)
    ingest_3f: int
    cap_flood: int
    cap: int
    filter_messages: int
    big_size: int
    shutdown_queued: int
    send_messages: int
    big_count: int  # 1 MiB messages in the big-message flood (big_1mib_ratio)
    sockets_flood: int  # 64 B messages spread over 10 and over 100 sockets
    many_frames: int  # frames of the one complete message (stall_many_frames_ms)
    pairs: int  # interleaved bare/zinspect pairs per round for the receive ratios


FULL = Plan(
    rounds=3,
    ingest_1f=1_000_000,
    ingest_3f=500_000,
    cap_flood=1_000_000,
    cap=300_000,
    filter_messages=1_000_000,
    big_size=100 * 1024 * 1024,
    shutdown_queued=100_000,
    send_messages=300_000,
    big_count=1_500,
    sockets_flood=300_000,
    many_frames=200_000,
    pairs=2,
)
QUICK = Plan(
    rounds=1,
    ingest_1f=100_000,
    ingest_3f=50_000,
    cap_flood=100_000,
    cap=30_000,
    filter_messages=100_000,
    big_size=10 * 1024 * 1024,
    shutdown_queued=10_000,
    send_messages=30_000,
    big_count=150,
    sockets_flood=30_000,
    many_frames=200_000,
    pairs=1,
)

# name, target, "min" (figure must be >= target) or "max" (<= target), unit, format
TARGETS: list[tuple[str, float, str, str]] = [
    ("ingest_ratio_1f", 0.9, "min", "x bare"),
    ("ingest_ratio_3f", 0.9, "min", "x bare"),
    ("ceiling_ratio_1f", 0.7, "min", "x ceiling"),
    ("big_1mib_ratio", 0.8, "min", "x bare"),
    ("lag_p99_10_sockets_ms", 50, "max", "ms"),
    ("lag_p99_100_sockets_ms", 50, "max", "ms"),
    ("stall_many_frames_ms", 100, "max", "ms"),
    ("lag_p99_ms", 50, "max", "ms"),
    ("lag_max_ms", 250, "max", "ms"),
    ("overhead_bytes_per_msg", 200, "max", "B/msg"),
    ("rss_growth_after_cap", 0.05, "max", "of RSS"),
    ("filter_1m_s", 1.0, "max", "s"),
    ("filter_max_stall_ms", 100, "max", "ms"),
    ("big_msg_max_stall_ms", 200, "max", "ms"),
    ("shutdown_s", 1.0, "max", "s"),
    ("send_ratio", 0.5, "min", "x bare"),
    ("decode_ingest_ratio", 0.9, "min", "x raw"),
    ("decode_page_ms", 5, "max", "ms"),
]
KEYS = [name for name, *_ in TARGETS]
# Hostile-input figures (docs/reliability.md): one measurement each, from the safety_*
# modules, every one in a fresh child process. 812 MiB = the store's default byte cap
# (512 MiB) + the 300 MiB margin the memory bound promises.
# pcap import (docs/pcap.md): its rate over dpkt's merely reading the file, 64 B messages
PCAP_TARGETS: list[tuple[str, float, str, str]] = [
    ("pcap_import_ratio", 0.5, "min", "x read"),
    ("pcap_import_ratio_batched", 0.5, "min", "x read"),
]
SAFETY_TARGETS: list[tuple[str, float, str, str]] = [
    ("rss_many_frames_mib", 812, "max", "MiB"),
    ("rss_xpub_subs_mib", 812, "max", "MiB"),
    ("rss_big_record_mib", 1400, "max", "MiB"),
    ("stall_huge_multipart_ms", 100, "max", "ms"),
    ("stall_open_capture_mixed_ms", 100, "max", "ms"),
    ("stall_open_capture_names_ms", 100, "max", "ms"),
    ("stall_automation_frames_ms", 100, "max", "ms"),
    ("stall_resend_many_frames_ms", 100, "max", "ms"),
    ("shutdown_1m_stored_s", 1.0, "max", "s"),
    ("shutdown_1m_behind_s", 1.0, "max", "s"),
]
SAFETY_KEYS = [name for name, *_ in SAFETY_TARGETS]
# The Plot dock (plot_bench.py): ingest with a plot open over ingest without, and one frame
# of a plot of 100,000 points.
PLOT_TARGETS: list[tuple[str, float, str, str]] = [
    ("plot_ingest_ratio", 0.85, "min", "x closed"),
    ("plot_100k_frame_ms", 50, "max", "ms"),
]
# The exploring views under load (topics_bench.py): ingest with the Topics view open ÷ closed,
# and the longest stall while it builds and refreshes a tree of 10,000 topics.
EXPLORE_TARGETS: list[tuple[str, float, str, str]] = [
    ("topics_ingest_ratio", 0.85, "min", "x closed"),
    ("topics_10k_refresh_max_ms", 100, "max", "ms"),
    # (explore_bench.py) the Topics view, a plot and three optional table columns at once
    ("explore_ingest_ratio", 0.85, "min", "x closed"),
    ("explore_lag_p99_ms", 50, "max", "ms"),
]
# The history on disk (history_bench.py, docs/performance.md): ingest with it on ÷ off, and
# 20 M messages of 64 B with the default caps: memory, scrolling back to message 1, a filter
# over all of it, and disk bytes per message (a 64-byte payload + 32 at most).
HISTORY_TARGETS: list[tuple[str, float, str, str]] = [
    ("history_ingest_ratio", 0.8, "min", "x off"),
    ("history_rss_20m_mib", 1200, "max", "MiB"),
    ("history_seek_ms", 50, "max", "ms"),
    ("history_filter_20m_s", 20, "max", "s"),
    ("history_filter_max_stall_ms", 100, "max", "ms"),
    ("history_disk_bytes_per_msg", 96, "max", "B/msg"),
]
# Figures shown for information, with no target: the composer's path (await
# SocketHandle.send per message), which the first send_ratio measured before the send
# automation existed; the ceiling's CPU time per message over zinspect's main thread's;
# big_1mib_ratio into a store already full, whose memory the new messages reuse
# (big_1mib_ratio starts empty and pays the system for 512 MiB of fresh pages as the store
# fills: docs/performance.md).
EXTRA = ["send_ratio_composer", "ceiling_cpu_ratio_1f", "big_1mib_full_ratio"]
FILL_1MIB = 600  # 1 MiB messages that fill the store's default 512 MiB before the measure


def bare(*args: Any) -> dict:
    return run_child([str(HERE / "bare.py"), *map(str, args)], timeout=120)


def app(*args: Any) -> dict:
    return run_child([str(HERE / "app_bench.py"), *map(str, args)], timeout=150)


def receive_pairs(plan: Plan, log: Callable[[str], None]) -> dict[str, Any]:
    """The receive ratios from ``plan.pairs`` interleaved pairs: each zinspect run is divided
    by the bare runs right next to it, so a pair shares the machine's state of that moment,
    and the order turns around from one pair to the next so that neither side always goes
    first. Returns the raw runs (lists, one entry per pair) and the ratios of each pair."""
    raw: dict[str, list[dict]] = {}
    ratios: dict[str, list[float]] = {}

    def add(key: str, result: dict) -> None:
        raw.setdefault(key, []).append(result)

    def rate(key: str) -> float:
        return float(raw[key][-1]["rate"])

    for pair in range(plan.pairs):
        turned = bool(pair & 1)
        log(f"ingest, 1 frame (pair {pair + 1} of {plan.pairs})")
        trio = [
            ("bare_1f", lambda: bare("recv", plan.ingest_1f, 64, 1)),
            ("app_1f", lambda: app("ingest", plan.ingest_1f, 64, 1)),
            ("ceiling_1f", lambda: bare("ceiling", plan.ingest_1f, 64, 1)),
            ("app_1f_raw", lambda: decode_bench.measure_ingest_raw(plan.ingest_1f, 64, 1)),
        ]
        for key, measure in reversed(trio) if turned else trio:
            add(key, measure())
        ratios.setdefault("ingest_ratio_1f", []).append(rate("app_1f") / rate("bare_1f"))
        ratios.setdefault("ceiling_ratio_1f", []).append(rate("app_1f") / rate("ceiling_1f"))
        # the same per CPU second of each receiving thread (information: how much more a
        # message costs zinspect's main thread, whichever process got the cores)
        app_cpu = raw["app_1f"][-1]["main_thread_busy"] / rate("app_1f") * 1e6
        ceiling_cpu = raw["ceiling_1f"][-1]["cpu_us_per_msg"]
        ratios.setdefault("ceiling_cpu_ratio_1f", []).append(ceiling_cpu / app_cpu)
        ratios.setdefault("decode_ingest_ratio", []).append(rate("app_1f") / rate("app_1f_raw"))
        log(f"ingest, 3 frames (pair {pair + 1} of {plan.pairs})")
        duo = [
            ("bare_3f", lambda: bare("recv", plan.ingest_3f, 64, 3)),
            ("app_3f", lambda: app("ingest", plan.ingest_3f, 64, 3)),
        ]
        for key, measure in reversed(duo) if turned else duo:
            add(key, measure())
        ratios.setdefault("ingest_ratio_3f", []).append(rate("app_3f") / rate("bare_3f"))
        log(f"1 MiB messages (pair {pair + 1} of {plan.pairs})")
        trio = [
            ("bare_1mib", lambda: bare("recv", plan.big_count, MIB, 1)),
            ("app_1mib", lambda: app("ingest", plan.big_count, MIB, 1)),
            # the same into a store already full (a long session): its memory is reused
            ("app_1mib_full", lambda: app("ingest", plan.big_count, MIB, 1, 0, 1, FILL_1MIB)),
        ]
        for key, measure in reversed(trio) if turned else trio:
            add(key, measure())
        ratios.setdefault("big_1mib_ratio", []).append(rate("app_1mib") / rate("bare_1mib"))
        ratios.setdefault("big_1mib_full_ratio", []).append(
            rate("app_1mib_full") / rate("bare_1mib")
        )
    return {"raw": raw, "ratios": ratios}


def one_round(plan: Plan, log: Callable[[str], None]) -> dict[str, Any]:
    """Every scenario once (the receive ratios in interleaved pairs); returns the figures,
    the ratios of each pair and the raw measurements behind them."""
    pairs = receive_pairs(plan, log)
    # one run of each receive scenario stands for the round where one is wanted (the
    # lateness and memory of the 1-frame flood, the rates table): its median-rate pair
    raw: dict[str, Any] = {key: middle(runs) for key, runs in pairs["raw"].items()}
    log("64 B over 10 and 100 sockets")
    raw["app_10_sockets"] = app("ingest", plan.sockets_flood, 64, 1, 0, 10)
    raw["app_100_sockets"] = app("ingest", plan.sockets_flood, 64, 1, 0, 100)
    log("one message of many frames")
    raw["many_frames"] = app("many_frames", plan.many_frames, 8)
    log("flood past the caps")
    raw["cap"] = app("ingest", plan.cap_flood, 64, 1, plan.cap)
    log("filter")
    raw["filter"] = app("filter", plan.filter_messages)
    log("big message")
    raw["big"] = app("big", plan.big_size)
    log("shutdown")
    raw["shutdown"] = app("shutdown", plan.shutdown_queued)
    log("send")
    raw["bare_send"] = bare("send", plan.send_messages, 64)
    raw["app_send"] = app("send", plan.send_messages, 64)
    raw["app_send_composer"] = app("send_composer", plan.send_messages, 64)
    log("decode a page")
    raw["decode_page"] = decode_bench.measure_page()
    # The filter figure is per million messages, so a quick run scales its time.
    scale = 1_000_000 / plan.filter_messages
    figures = {
        **{name: median(values) for name, values in pairs["ratios"].items()},
        "lag_p99_10_sockets_ms": raw["app_10_sockets"]["lag_p99_ms"],
        "lag_p99_100_sockets_ms": raw["app_100_sockets"]["lag_p99_ms"],
        "stall_many_frames_ms": raw["many_frames"]["stall_many_frames_ms"],
        "lag_p99_ms": raw["app_1f"]["lag_p99_ms"],
        "lag_max_ms": raw["app_1f"]["lag_max_ms"],
        "overhead_bytes_per_msg": raw["app_1f"]["overhead_bytes_per_msg"],
        "rss_growth_after_cap": raw["cap"]["rss_growth_after_cap"],
        "filter_1m_s": raw["filter"]["filter_s"] * scale,
        "filter_max_stall_ms": raw["filter"]["filter_max_stall_ms"],
        "big_msg_max_stall_ms": raw["big"]["big_msg_max_stall_ms"],
        "shutdown_s": raw["shutdown"]["exit_time"] - raw["shutdown"]["close_requested"],
        "send_ratio": raw["app_send"]["rate"] / raw["bare_send"]["rate"],
        "send_ratio_composer": raw["app_send_composer"]["rate"] / raw["bare_send"]["rate"],
        "decode_page_ms": raw["decode_page"]["decode_page_ms"],
    }
    return {"figures": figures, "pairs": pairs["ratios"], "raw": raw, "pair_runs": pairs["raw"]}


def middle(runs: list[dict]) -> dict:
    """The run of median rate among ``runs`` (the lower middle one of an even count)."""
    return sorted(runs, key=lambda run: float(run["rate"]))[(len(runs) - 1) // 2]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import zmq

    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, pyzmq {zmq.__version__}, "
        f"libzmq {zmq.zmq_version()}"
    )


def met(value: float, target: float, kind: str) -> bool:
    return value >= target if kind == "min" else value <= target


def table(rounds: list[dict[str, Any]], figures: dict[str, float]) -> str:
    lines = [f"{'figure':<24}{'median':>12}  {'rounds (or pairs)':>38}   target", "-" * 96]

    def runs_of(name: str) -> str:
        """Each round's figure, or each pair's for the receive ratios."""
        if name in rounds[0]["pairs"]:
            return ", ".join(f"{value:.2f}" for r in rounds for value in r["pairs"][name])
        return ", ".join(f"{r['figures'][name]:.3g}" for r in rounds)

    for name, target, kind, unit in TARGETS if rounds else []:
        runs = runs_of(name)
        sign = ">=" if kind == "min" else "<="
        verdict = "met" if met(figures[name], target, kind) else "MISSED"
        head = f"{name:<24}{figures[name]:>12.3f}  {runs:>38}"
        lines.append(f"{head}   {sign} {target:<6g} {unit:<10}{verdict}")
    for name in EXTRA if rounds else []:
        runs = runs_of(name)
        lines.append(f"{name:<24}{figures[name]:>12.3f}  {runs:>38}   (information)")
    for name in stalls.KEYS:
        if name in figures:
            verdict = "met" if figures[name] <= stalls.TARGET_MS else "MISSED"
            lines.append(
                f"{name:<30}{figures[name]:>10.1f}{'(one run)':>26}   <= {stalls.TARGET_MS:<6g} "
                f"ms     {verdict}"
            )
    for name, target, kind, unit in PCAP_TARGETS:
        if name in figures:
            sign = ">=" if kind == "min" else "<="
            verdict = "met" if met(figures[name], target, kind) else "MISSED"
            lines.append(
                f"{name:<30}{figures[name]:>10.3f}{'(best of 3)':>26}   {sign} {target:<6g} "
                f"{unit:<7}{verdict}"
            )
    for name, target, kind, unit in SAFETY_TARGETS + EXPLORE_TARGETS + HISTORY_TARGETS:
        if name in figures:
            verdict = "met" if met(figures[name], target, kind) else "MISSED"
            sign = ">=" if kind == "min" else "<="
            lines.append(
                f"{name:<30}{figures[name]:>10.3g}{'':>26}   {sign} {target:<6g} {unit:<7}{verdict}"
            )
    for name, target, kind, unit in PLOT_TARGETS:
        if name in figures:
            verdict = "met" if met(figures[name], target, kind) else "MISSED"
            sign = ">=" if kind == "min" else "<="
            lines.append(
                f"{name:<30}{figures[name]:>10.3g}{'(median)':>26}   {sign} {target:<6g} "
                f"{unit:<7}{verdict}"
            )
    rates = [
        ("bare recv_multipart, 1 frame", "bare_1f"),
        ("bare recv(copy=False) ceiling, 1 frame", "ceiling_1f"),
        ("zinspect, 1 frame", "app_1f"),
        ("zinspect, 1 frame, raw summaries", "app_1f_raw"),
        ("bare recv_multipart, 3 frames", "bare_3f"),
        ("zinspect, 3 frames", "app_3f"),
        ("bare recv_multipart, 1 MiB", "bare_1mib"),
        ("zinspect, 1 MiB", "app_1mib"),
        ("zinspect, 1 MiB into a full store", "app_1mib_full"),
        ("zinspect, 64 B over 10 sockets", "app_10_sockets"),
        ("zinspect, 64 B over 100 sockets", "app_100_sockets"),
        ("bare send", "bare_send"),
        ("zinspect send automation", "app_send"),
        ("zinspect SocketHandle.send", "app_send_composer"),
    ]
    if not rounds:
        return "\n".join(lines)
    lines.append("")
    lines.append("rates (messages/s, median of rounds):")
    for label, key in rates:
        lines.append(f"  {label:<40}{median([r['raw'][key]['rate'] for r in rounds]):>12,.0f}")
    return "\n".join(lines)


def pcap_figures(quick: bool, log: Callable[[str], None]) -> dict[str, float]:
    """pcap_import.py's figures, measured in a child process of their own."""
    import subprocess

    log("pcap_import")
    args = [sys.executable, os.path.join(HERE, "pcap_import.py")] + (["--quick"] if quick else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=1800, check=True)
    sys.stderr.write(done.stderr)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def safety_figures(quick: bool, log: Callable[[str], None]) -> dict[str, float]:
    """The hostile-input figures of safety_memory, safety_capture and safety_ui."""
    import safety_capture
    import safety_memory
    import safety_shutdown
    import safety_ui

    figures: dict[str, float] = {}
    for module in (safety_memory, safety_capture, safety_ui, safety_shutdown):
        log(f"{module.__name__}")
        figures.update(module.measure(quick=quick))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smaller, single-round version for a smoke test (timings from it mean little)",
    )
    parser.add_argument("--rounds", type=int, help="override the number of rounds")
    for flag, what in (
        ("--no-safety", "leave out the hostile-input figures (memory bound, stalls)"),
        ("--no-explore", "leave out the exploring views' figures (the Topics view under load)"),
        ("--no-history", "leave out the history's figures (history_bench.py: 20 M messages)"),
        ("--no-stalls", "leave out the stall figures of stalls.py (evict, send flood, ...)"),
        ("--only-safety", "measure only the hostile-input figures"),
    ):
        parser.add_argument(flag, action="store_true", help=what)
    parser.add_argument("--no-plot", action="store_true", help="leave out the Plot dock's figures")
    parser.add_argument(
        "--details", metavar="FILE", help="also write every raw measurement to this JSON file"
    )
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    rounds_wanted = args.rounds or plan.rounds
    started = time.monotonic()

    def log(text: str) -> None:
        print(f"[{time.monotonic() - started:6.1f} s] {text}", file=sys.stderr, flush=True)

    rounds: list[dict[str, Any]] = []
    for number in range(0 if args.only_safety else rounds_wanted):
        log(f"round {number + 1} of {rounds_wanted}")
        rounds.append(one_round(plan, log))
    figures = {
        name: median([r["figures"][name] for r in rounds]) for name in KEYS + EXTRA if rounds
    }
    # the receive ratios: the median of every pair of every round
    for name in rounds[0]["pairs"] if rounds else []:
        figures[name] = median([value for r in rounds for value in r["pairs"][name]])
    if not args.only_safety and not args.no_explore:
        import topics_bench

        log("topics_bench")
        figures.update(topics_bench.measure(args.quick, rounds_wanted))
        import explore_bench

        log("explore_bench")
        figures.update(explore_bench.measure(args.quick, rounds_wanted))
    if not args.only_safety and not args.no_history:
        import history_bench

        log("history_bench")
        figures.update(history_bench.measure(args.quick, rounds_wanted))
    if not args.no_safety:
        figures.update(safety_figures(args.quick, log))
        figures.update(pcap_figures(args.quick, log))
    if not args.no_plot and not args.only_safety:
        import plot_bench

        log("plot_bench")
        figures.update(plot_bench.measure(quick=args.quick))
    if not (args.no_stalls or args.no_safety):
        figures.update(stalls.measure(args.quick, log))
    print(
        f"zinspect benchmark ({'quick' if args.quick else 'full'}, {rounds_wanted} "
        f"round{'s' if rounds_wanted != 1 else ''}, {time.monotonic() - started:.0f} s)"
    )
    print(f"machine: {machine()}")
    print()
    print(table(rounds, figures))
    if args.details:
        with open(args.details, "w") as out:
            json.dump(
                {"machine": machine(), "plan": plan.__dict__, "rounds": rounds, "figures": figures},
                out,
                indent=1,
            )
    print(json.dumps({name: round(value, 4) for name, value in figures.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
