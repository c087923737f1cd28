"""The history on disk under load, through the real application (see app_bench.py).

    python history_bench.py [--quick] [--rounds 3]     # every figure, as JSON (last line)
    python history_bench.py child ingest_history COUNT ON
    python history_bench.py child history_big COUNT

The other benchmarks run with the history off (app_bench.py: their figures stay comparable
with those from before it existed); these children run with it on, as the app starts.

``history_ingest_ratio``: app_bench's 1-frame flood of 64-byte messages with the history on
(the default) divided by the same flood with it off (``store.set_history(None)``); rounds
alternate off and on, the figure is the median of the rounds' ratios.

``history_big`` stores COUNT messages (20 M; 64 B, an order feed where ``qty=42 `` is in
1 %) in batches of 20,000 a turn, with the default caps (the store keeps the newest 1 M in
RAM, the rest only in the history), the table visible and following. Then:
``history_rss_20m_mib`` (RSS after a garbage collection and ``malloc_trim``),
``history_disk_bytes_per_msg`` (the history's files ÷ COUNT) and its payload share,
``history_seek_ms`` (the table scrolled to its first row, message 1, and painted: the
first chunk read from disk, decoded and shown), and ``history_filter_20m_s`` /
``history_filter_max_stall_ms`` ("qty=42 " typed in the filter and Return pressed, until
the filter reports 100 %, and the 16 ms timer's largest lateness meanwhile).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import median, rss_bytes, run_child, trim_heap  # noqa: E402

BATCH = 20_000
FULL_COUNT = 20_000_000
QUICK_COUNT = 100_000


async def ingest_history(window: Any, probe: Any, count: int, on: int) -> dict:
    from app_bench import ingest

    store = window.session.store
    if not on:
        store.set_history(None)
    elif store.history is None:
        raise RuntimeError("the history is off: the preference should be on by default")
    result = await ingest(window, probe, count, 64, 1)
    result["history_on"] = on
    return result


def corpus(start: int, end: int) -> list[tuple]:
    """Rows ``start`` .. ``end`` of an order feed; 'qty=42 ' is in 1 % of them."""
    from zinspect.core.store import IN

    now = time.time()
    rows = []
    for index in range(start, end):
        text = b"order %09d side=%s qty=%d px=%d.%02d" % (
            index,
            b"buy" if index & 1 else b"sell",
            index % 100,
            index % 997,
            index % 89,
        )
        rows.append((now, "pull-1", IN, 64, text.ljust(64, b" ")))
    return rows


async def history_big(window: Any, probe: Any, count: int) -> dict:
    from app_bench import type_filter, wait_until

    store = window.session.store
    history = store.history
    if history is None:
        raise RuntimeError("the history is off: the preference should be on by default")
    panel = window.traffic
    model = panel.model
    started = time.perf_counter()
    for start in range(0, count, BATCH):
        rows = corpus(start, min(count, start + BATCH))
        store.extend_rows(rows, len(rows))
        await asyncio.sleep(0)
    store.flush_history()
    stored_s = time.perf_counter() - started
    await wait_until(lambda: model.rowCount() == count, 30, "the table to show every message")
    await asyncio.sleep(0.5)
    gc.collect()
    trim_heap()
    rss = rss_bytes()
    disk = sum(path.stat().st_size for path in history.folder.iterdir() if path.is_file())
    # scroll back to message 1 and paint it
    view = panel.view
    seek_started = time.perf_counter()
    view.scrollToTop()
    view.viewport().repaint()
    seek_ms = (time.perf_counter() - seek_started) * 1000
    first = model.message_at(0)
    if first is None or first.seq != 0:
        raise RuntimeError(f"row 0 is not message 1: {first}")
    # the filter over all of it
    probe.start()
    await asyncio.sleep(0.2)
    filter_started, filter_ended, keypress_ms = await type_filter(panel, "qty=42 ", 600)
    await asyncio.sleep(0.2)
    probe.stop()
    return {
        "messages": count,
        "in_ram": len(store),
        "store_s": stored_s,
        "rss_mib": rss / 2**20,
        "disk_bytes_per_msg": disk / count,
        "payload_bytes_per_msg": 64,
        "history_dropped": history.dropped,
        "seek_ms": seek_ms,
        "filter_s": filter_ended - filter_started,
        "filter_keypress_ms": keypress_ms,  # set_filter: the table's reset to the first matches
        "matches": model.rowCount(),
        "filter_max_stall_ms": probe.summary(filter_started, filter_ended)["lag_max_ms"],
    }


def measure(quick: bool = False, rounds: int = 3) -> dict[str, float]:
    script = str(Path(__file__).resolve())
    os.environ["ZINSPECT_BENCH_HISTORY"] = "1"  # app_bench keeps it off otherwise
    flood = 50_000 if quick else 1_000_000
    ratios = []
    for _ in range(1 if quick else rounds):
        off = run_child([script, "child", "ingest_history", str(flood), "0"], 150)
        on = run_child([script, "child", "ingest_history", str(flood), "1"], 150)
        ratios.append(on["rate"] / off["rate"])
        print(
            f"history ingest: off {off['rate']:,.0f}/s, on {on['rate']:,.0f}/s",
            file=sys.stderr,
        )
    count = QUICK_COUNT if quick else FULL_COUNT
    big = run_child([script, "child", "history_big", str(count)], 1800)
    print(f"history {count:,}: {json.dumps(big)}", file=sys.stderr)
    if big["matches"] != count // 100:
        raise RuntimeError(f"the filter found {big['matches']} of {count // 100}: {big}")
    return {
        "history_ingest_ratio": round(median(ratios), 3),
        "history_rss_20m_mib": round(big["rss_mib"], 1),
        "history_seek_ms": round(big["seek_ms"], 1),
        "history_filter_20m_s": round(big["filter_s"], 2),
        "history_filter_max_stall_ms": round(big["filter_max_stall_ms"], 1),
        "history_disk_bytes_per_msg": round(big["disk_bytes_per_msg"], 1),
    }


def child(argv: list[str]) -> int:
    import app_bench

    app_bench.SCENARIOS["ingest_history"] = ingest_history
    app_bench.SCENARIOS["history_big"] = history_big
    return app_bench.main(argv)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "child":
        return child(argv[1:])
    quick = "--quick" in argv
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 3
    print(json.dumps(measure(quick, rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
