"""What a regular-expression filter costs per JSON row, and how long a catastrophic one holds
a slice of the table's scan before it gives up.

    python benchmarks/filter_regex_bench.py [ROWS]

Each expression runs three times over ROWS JSON messages of ~90 bytes, in slices as the
table's timer runs them; the best run is printed per row with the matches. Then
``(.|.)*Z`` over the same kind of rows with a z in them: each slice is given the table's
16 ms budget, and the time until the scan gives up (FilterTooSlowError) is printed, the
longest of five (``regex_giveup_ms``; the bound is 16 ms plus one 40 ms search, of CPU time).
Run at a commit before the bound (Python's ``re``), it prints the per-row costs only.
"""

from __future__ import annotations

import json
import sys
import time
from array import array

from zinspect.core import traffic_filter
from zinspect.core.traffic_filter import TrafficFilter

TEXTS = (r"temp\w+.*nor", r'"seq": 1\d*,', "north|south")
SLICE = 4096
BUDGET_S = 0.016  # the table's (ui/traffic/traffic_model.py SCAN_BUDGET_S)


def row(index: int, key: str) -> tuple:
    data = json.dumps(
        {"seq": index, "sensor": "temperature", key: "north", "value": 21.5, "ok": True}
    ).encode()
    return (float(index), "s", "in", len(data), data)


def main(count: int) -> None:
    rows = [row(index, "area") for index in range(count)]
    for text in TEXTS:
        best = float("inf")
        found = 0
        for _ in range(3):
            matcher = TrafficFilter(text=text, regex=True).compile()
            out = array("q")
            start = time.perf_counter()
            done = 0
            while done < count:
                done += matcher.scan_rows(done, rows[done : done + SLICE], out, float("inf"))
            best = min(best, time.perf_counter() - start)
            found = len(out)
        print(f"{text!r:18} matches={found:7d} {best / count * 1e6:6.2f} us/row")
    too_slow = getattr(traffic_filter, "FilterTooSlowError", None)
    if too_slow is None:  # re: the expression below would never come back
        return
    tripping = [row(index, "zone") for index in range(SLICE)]
    longest = 0.0
    for _ in range(5):
        matcher = TrafficFilter(text="(.|.)*Z", regex=True).compile()
        start = time.perf_counter()
        try:
            matcher.scan_rows(0, tripping, array("q"), start + BUDGET_S)
        except too_slow:
            pass
        longest = max(longest, time.perf_counter() - start)
    print(f"regex_giveup_ms {longest * 1000:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
