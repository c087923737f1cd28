"""What the text filter costs per guessed msgpack row (no rule, no protocol).

    python benchmarks/filter_msgpack_bench.py [ROWS]

Each filter text runs three times over ROWS six-field msgpack maps; the best run is printed
per row, with the matches (which must not change from one version to the next).
"""

from __future__ import annotations

import sys
import time
from array import array
from typing import Any

import msgpack

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.search_text import DecodedSearch
from zinspect.core.traffic_filter import TrafficFilter

TEXTS = ("true", "zzzz", "edge-3", 'room-16", "ok": false', "21.5")


def payload(index: int) -> dict[str, Any]:
    return {
        "id": index,
        "topic": f"sensors/room-{index % 17}",
        "ok": index % 3 != 0,
        "temperature": 21.5 + index % 10,
        "samples": [index, index + 1, index + 2],
        "meta": {"host": f"edge-{index % 5}", "seq": index * 3, "unit": "C"},
    }


def main(count: int) -> None:
    rows = []
    for index in range(count):
        data = msgpack.packb(payload(index))
        rows.append((float(index), "s", "in", len(data), data))
    for text in TEXTS:
        best = float("inf")
        found = 0
        for _ in range(3):
            matcher = TrafficFilter(text=text).compile()
            matcher.set_decoded(DecodedSearch(MessageDecoder(), {}))
            out = array("q")
            start = time.perf_counter()
            done = 0
            while done < count:  # slices, as the table's timer runs it
                done += matcher.scan_rows(done, rows[done : done + 4096], out, float("inf"))
            best = min(best, time.perf_counter() - start)
            found = len(out)
        print(f"{text!r:28} matches={found:7d} {best / count * 1e6:6.2f} us/row")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
