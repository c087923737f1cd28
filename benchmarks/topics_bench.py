"""The Topics view under load, through the real application (see app_bench.py).

    python topics_bench.py                          # both figures, as JSON
    python topics_bench.py child topics_ingest COUNT SIZE FRAMES OPEN
    python topics_bench.py child topics_10k TOPICS MESSAGES

``topics_ingest_ratio``: the 1-frame flood of app_bench's ``ingest`` with the Topics view on
screen (its tab in front) divided by the same flood with its dock closed; rounds alternate
closed and open, the figure is the median of the rounds' ratios. The view counts a few
milliseconds per tick while messages wait, so the sockets keep the loop.

``topics_10k_refresh_max_ms``: MESSAGES messages on TOPICS distinct topics (three levels,
``site/N/temp``) arrive in batches of 5,000 while the view is on screen; then the big level
is expanded (its first page of 1,000 rows and a "… 9,000 more topics" row), the separator
changes to none and back (each rebuilds the tree) and the figures refresh for a second. The
figure is the 16 ms probe timer's largest lateness from the first batch to the end.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import median, run_child  # noqa: E402

CHILD_TIMEOUT_S = 150
BATCH = 5_000


def show_topics(window: Any) -> None:
    """The Topics tab in front (as a click on it does), or its dock closed."""
    dock = window.topics_dock
    dock.show()
    dock.raise_()


async def topics_ingest(window: Any, probe: Any, count: int, size: int, frames: int, open_: int):
    from app_bench import ingest, wait_until

    if open_:
        show_topics(window)
        await wait_until(lambda: window.topics.showing, 5, "the Topics view")
    else:
        window.topics_dock.hide()
    result = await ingest(window, probe, count, size, frames)
    follower = window.topics.follower
    if open_:
        await wait_until(lambda: not follower.behind, 60, "the topics to catch up")
    result["topics_counted"] = sum(follower.tree.flat.count)
    result["topics_open"] = open_
    return result


async def topics_10k(window: Any, probe: Any, topics: int, messages: int) -> dict:
    from app_bench import wait_until

    from zinspect.core.store import IN

    show_topics(window)
    view = window.topics
    await wait_until(lambda: view.showing, 5, "the Topics view")
    store = window.session.store
    probe.start()
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    for start in range(0, messages, BATCH):
        now = time.time()
        rows = [
            (now, "sensors", IN, 12, b"site/%d/temp" % (index % topics), b"%d" % index)
            for index in range(start, min(messages, start + BATCH))
        ]
        store.extend_rows(rows, len(rows))
        await asyncio.sleep(0.01)
    model = view.model
    await wait_until(lambda: not view.follower.behind, 60, "the topics to be counted")
    counted = time.perf_counter()
    site = model.find("sensors", "site")
    view.view.expand(site)
    await asyncio.sleep(0.5)
    combo = view.separator_combo
    for label in ("none", "/"):
        combo.setCurrentIndex(combo.findText(label))
        await wait_until(lambda: not model.tree.rebuilding, 30, "the tree to be rebuilt")
        await asyncio.sleep(0.3)
    view.view.expand(model.find("sensors", "site"))
    await asyncio.sleep(1.0)
    ended = time.perf_counter()
    probe.stop()
    summary = probe.summary(started, ended)
    return {
        "stall_ms": summary["lag_max_ms"],
        "lag_p99_ms": summary["lag_p99_ms"],
        "count_s": counted - started,
        "topics": len(model.tree.topics),
        "nodes": model.tree.node_count,
        "rows_under_site": model.rowCount(model.find("sensors", "site")),
        "topics_under_site": len(
            model.tree.children_of(model.find("sensors", "site").internalId())
        ),
    }


def measure(quick: bool = False, rounds: int = 3) -> dict[str, float]:
    script = str(Path(__file__).resolve())
    count = 100_000 if quick else 1_000_000
    ratios = []
    raw: list[dict] = []
    for _ in range(1 if quick else rounds):
        closed = run_child([script, "child", "topics_ingest", str(count), "64", "1", "0"], 150)
        opened = run_child([script, "child", "topics_ingest", str(count), "64", "1", "1"], 150)
        ratios.append(opened["rate"] / closed["rate"])
        raw.append({"closed": closed, "open": opened})
        print(
            f"topics ingest: closed {closed['rate']:,.0f}/s, open {opened['rate']:,.0f}/s",
            file=sys.stderr,
        )
    big = run_child([script, "child", "topics_10k", "10000", "100000"], CHILD_TIMEOUT_S)
    print(f"topics 10k: {json.dumps(big)}", file=sys.stderr)
    if big["topics"] != 10_000 or big["topics_under_site"] != 10_000:
        raise RuntimeError(f"the Topics view did not show 10,000 topics: {big}")
    return {
        "topics_ingest_ratio": round(median(ratios), 3),
        "topics_10k_refresh_max_ms": round(big["stall_ms"], 1),
    }


def child(argv: list[str]) -> int:
    import app_bench

    app_bench.SCENARIOS["topics_ingest"] = topics_ingest
    app_bench.SCENARIOS["topics_10k"] = topics_10k
    return app_bench.main(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.exit(child(sys.argv[2:]))
    print(json.dumps(measure(quick="--quick" in sys.argv)))
