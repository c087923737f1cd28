"""Everything that explores the traffic, open at once, under a flood (see app_bench.py).

    python explore_bench.py                      # both figures, as JSON
    python explore_bench.py --quick              # smaller: a smoke test, not a measurement
    python explore_bench.py child explore_ingest COUNT SIZE FRAMES OPEN
                                   (OPEN 0: closed, 1: all open, 2: all but the columns)

``explore_ingest_ratio``: app_bench's 1-frame ``ingest`` flood with the Topics view on screen
(its tab in front), a plot of a field of every message open in the Plot dock, and the
table's optional Topic, Δ prev and Peer columns shown, divided by the same flood with the
Topics and Plot docks closed and the default columns; rounds alternate closed and open, the
figure is the median of the rounds' ratios (``explore_ingest_ratio_cpu``, for information, is
the same counted per second of the main thread's CPU, which other processes on a busy
machine disturb far less). ``explore_lag_p99_ms``: the 99th percentile of
the 16 ms UI probe timer's lateness during the open floods (the median over the rounds).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import median, run_child  # noqa: E402

CHILD_TIMEOUT_S = 150
FULL_MESSAGES, QUICK_MESSAGES = 1_000_000, 100_000
COLUMNS = ("Topic", "Δ prev", "Peer")


def open_everything(window: Any, columns_too: bool = True) -> None:
    """The Topics tab in front, a plot of frame 1 of any message, three optional columns."""
    from PySide6.QtCore import Qt
    from topics_bench import show_topics

    from zinspect.core.explore.fields import FieldPath

    show_topics(window)
    window.plots.plot(None, None, FieldPath.parse("f1"))
    if not columns_too:
        return
    model = window.traffic.model
    columns = window.traffic.columns
    titles = {model.headerData(c, Qt.Orientation.Horizontal): c for c in range(model.columnCount())}
    for title in COLUMNS:
        columns.set_shown(titles[title], True)
    if any(window.traffic.view.isColumnHidden(titles[title]) for title in COLUMNS):
        raise RuntimeError("the optional columns did not show")


async def explore_ingest(window: Any, probe: Any, count: int, size: int, frames: int, open_: int):
    from app_bench import ingest, wait_until

    if open_:
        open_everything(window, columns_too=open_ == 1)
        await wait_until(lambda: window.topics.showing, 5, "the Topics view")
    else:
        window.topics_dock.hide()
        window.plots.dock.hide()
    result = await ingest(window, probe, count, size, frames)
    result["explore_open"] = open_
    result["series"] = len(window.plots.panel.series())
    view = window.traffic.view
    result["columns"] = sum(not view.isColumnHidden(c) for c in range(view.model().columnCount()))
    return result


def measure(quick: bool = False, rounds: int = 5) -> dict[str, float]:
    script = str(Path(__file__).resolve())
    count = str(QUICK_MESSAGES if quick else FULL_MESSAGES)
    ratios = []
    cpu_ratios = []  # messages per second of the main thread's CPU: steadier on a busy machine
    lags = []
    for _ in range(1 if quick else rounds):
        closed = run_child([script, "child", "explore_ingest", count, "64", "1", "0"], 150)
        opened = run_child([script, "child", "explore_ingest", count, "64", "1", "1"], 150)
        if opened["series"] != 1:
            raise RuntimeError(f"the plot was not open during the flood: {opened}")
        ratios.append(opened["rate"] / closed["rate"])
        cpu_ratios.append(closed["main_thread_busy"] / opened["main_thread_busy"] * ratios[-1])
        lags.append(opened["lag_p99_ms"])
        print(
            f"explore ingest: closed {closed['rate']:,.0f}/s, open {opened['rate']:,.0f}/s, "
            f"lag p99 open {opened['lag_p99_ms']:.1f} ms (closed {closed['lag_p99_ms']:.1f}); "
            f"ratio {ratios[-1]:.3f}, per CPU second {cpu_ratios[-1]:.3f}",
            file=sys.stderr,
            flush=True,
        )
    return {
        "explore_ingest_ratio": round(median(ratios), 3),
        "explore_ingest_ratio_cpu": round(median(cpu_ratios), 3),  # information, no target
        "explore_lag_p99_ms": round(median(lags), 1),
    }


def child(argv: list[str]) -> int:
    import app_bench

    app_bench.SCENARIOS["explore_ingest"] = explore_ingest
    return app_bench.main(argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.exit(child(sys.argv[2:]))
    print(json.dumps(measure(quick="--quick" in sys.argv)))
