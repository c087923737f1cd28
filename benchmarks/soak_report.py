"""The soak's measuring and reporting (benchmarks/soak.py): the UI timer probe, the load
average, and the summary of a run as text and as one JSON object."""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from app_bench import LagProbe
from common import percentile
from run import machine

if TYPE_CHECKING:
    from soak import Soak

MIB = 1024 * 1024


class BusyProbe(LagProbe):
    """app_bench's 16 ms lateness probe, plus the GUI thread's CPU time at each tick: the
    CPU time spent between two ticks is the loop's own work, apart from the time the OS
    gave other processes (this machine is shared; the load average is sampled too)."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []

    def _on_timer_timeout(self) -> None:
        super()._on_timer_timeout()
        self.cpu.append(time.thread_time())

    def busy_ms(self, start: int, end: int) -> list[float]:
        """GUI-thread CPU ms between consecutive ticks start..end (indexes into ticks)."""
        cpu = self.cpu[max(0, start - 1) : end]
        return [(b - a) * 1000 for a, b in zip(cpu, cpu[1:])]


def load_average() -> float:
    """The machine's 1-minute load average (0 where /proc does not exist): how much else
    wanted the two cores while the soak ran."""
    try:
        with open("/proc/loadavg") as avg:
            return float(avg.read().split()[0])
    except OSError:
        return 0.0


def summarize(
    soak: Soak, result: dict[str, Any], rss_trimmed: int, elapsed: float
) -> dict[str, Any]:
    """Everything the run measured, as one JSON-ready dict (the samples included); adds a
    failure when RSS went above what the caps allow."""
    samples = soak.samples
    late = [lateness for _stamp, lateness in soak.probe.ticks]
    busy = soak.probe.busy_ms(0, len(soak.probe.ticks))
    loads = [row["load"] for row in samples]
    rss = [row["rss_mib"] for row in samples]
    half = len(rss) // 2
    store = soak.store
    # what the caps allow: the store's bytes, ~200 B per stored message beyond its payload
    # (docs/performance.md: 138), the largest message twice while it is received (libzmq's
    # buffer and the copy), 64 MiB of slack for the allocator and Qt
    bound = (
        soak.rss_start
        + store.max_bytes
        + 200 * store.max_messages
        + 2 * soak.largest_message
        + 64 * MIB
    ) / MIB
    if max(rss) > bound:
        soak.failures.append(
            f"RSS reached {max(rss):.0f} MiB, above the {bound:.0f} MiB the caps allow"
        )
    peers = soak.peers
    return {
        "seconds": round(elapsed, 1),
        "profile": soak.profile.__dict__,
        "machine": machine(),
        "rss_mib": {
            "start": round(soak.rss_start / MIB, 1),
            "max": max(rss),
            "end": rss[-1],
            "end_trimmed": round(rss_trimmed / MIB, 1),
            "first_half_max": max(rss[:half] or rss),
            "second_half_max": max(rss[half:]),
            "caps_bound": round(bound),
            # about ten points, evenly spread, for the README
            "over_time": [
                (row["t"], row["rss_mib"]) for row in samples[:: max(1, len(samples) // 10)]
            ],
        },
        "gc": {
            f"gen{gen}": {"collections": count, "longest_ms": round(longest, 1)}
            for gen, (count, longest) in soak.gc_stats.items()
        },
        "lag_ms": {
            "p50": round(percentile(late, 0.5), 1),
            "p99": round(percentile(late, 0.99), 1),
            "max": round(max(late, default=0.0), 1),
            "ticks": len(late),
            "busy_max": round(max(busy, default=0.0), 1),
        },
        "load_average": {"mean": round(sum(loads) / len(loads), 2), "max": max(loads)},
        "totals": result["totals"],
        "store_bytes": soak.store.total_bytes,
        "store_max_bytes": soak.store.max_bytes,
        "store_max_messages": soak.store.max_messages,
        "equation_holds": result["equation"],
        "checks_passed": not soak.failures,
        "failures": soak.failures,
        "sockets": result["sockets"],
        "peers": {
            "started": len(peers),
            "killed": sum(run.killed for run in peers),
            "by_kind": dict(Counter(run.kind for run in peers)),
        },
        "errors_logged": soak.errors,
        "samples": samples,
    }


def report(summary: dict[str, Any]) -> str:
    """The summary in words, ending with the SUMMARY line tests/test_soak_smoke.py reads."""
    r, lag, t = summary["rss_mib"], summary["lag_ms"], summary["totals"]
    lines = [
        "",
        f"soak: {summary['seconds']:.0f} s on {summary['machine']}",
        f"RSS MiB: start {r['start']:.0f}, max {r['max']:.0f}, end {r['end']:.0f} "
        f"({r['end_trimmed']:.0f} after gc + malloc_trim); max in the first half "
        f"{r['first_half_max']:.0f}, in the second half {r['second_half_max']:.0f}; "
        f"the caps allow {r['caps_bound']:.0f}",
        "RSS over time: " + ", ".join(f"{t:.0f} s {mib:.0f}" for t, mib in r["over_time"]),
        f"UI timer lateness: p50 {lag['p50']:.1f} ms, p99 {lag['p99']:.0f} ms, "
        f"max {lag['max']:.0f} ms over {lag['ticks']:,} ticks; the GUI thread's own work "
        f"between two ticks {lag['busy_max']:.0f} ms at most (CPU time); machine load "
        f"average {summary['load_average']['mean']:.1f} (max {summary['load_average']['max']:.1f})",
        f"messages: in {t['in']:,}, out {t['out']:,}, stored {t['stored']:,}, "
        f"dropped {t['dropped']:,}; store {summary['store_bytes'] / MIB:.0f} MiB of "
        f"{summary['store_max_bytes'] / MIB:.0f} MiB, "
        f"{summary['store_max_messages']:,} messages at most",
        "garbage collections: "
        + ", ".join(
            f"{gen} {g['collections']:,} (longest {g['longest_ms']:.0f} ms CPU)"
            for gen, g in summary["gc"].items()
        ),
        f"peers: {summary['peers']['started']} started, {summary['peers']['killed']} killed "
        f"with SIGKILL ({', '.join(f'{k} {v}' for k, v in summary['peers']['by_kind'].items())})",
        f"{'socket':<8}{'received':>12}{'sent':>8}{'stored':>10}{'dropped':>12}  peers sent",
    ]
    for name, s in summary["sockets"].items():
        expected = s.get("expected")
        shown = (
            f"{expected:,}"
            if expected is not None
            else (
                f"{s['published']:,} published (PUB drops at its HWM)" if "published" in s else "?"
            )
        )
        lines.append(
            f"{name:<8}{s['received']:>12,}{s['sent']:>8,}{s['stored']:>10,}"
            f"{s['dropped']:>12,}  {shown}"
        )
    if summary["errors_logged"]:
        lines.append(
            f"zinspect logged {len(summary['errors_logged'])} warnings/errors: "
            + "; ".join(summary["errors_logged"][:5])
        )
    for failure in summary["failures"]:
        lines.append(f"FAILED: {failure}")
    verdict = "holds" if summary["equation_holds"] else "DOES NOT HOLD"
    lines.append(
        f"SUMMARY in + out = stored + dropped {verdict}: {t['in']:,} + {t['out']:,} "
        f"= {t['stored']:,} + {t['dropped']:,}; checks "
        f"{'passed' if summary['checks_passed'] else 'FAILED'}"
    )
    return "\n".join(lines)


class ProblemLog(logging.Handler):
    """Keeps zinspect's warnings and errors (and loop exceptions) for the summary."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}"[:300])
