"""What decoding costs: the flood with and without the table decoding its rows, and one page.

    python decode_bench.py ingest_raw COUNT SIZE FRAMES   # app_bench's ingest, table not decoding
    python decode_bench.py page                           # decode_page_ms, in this process

``decode_ingest_ratio`` is app_bench's 1-frame ingest (the window shown, the table following,
its Summary column decoding the painted rows) divided by the same flood with the Summary
column back to the raw summary it showed before decoding existed (``ingest_raw``): what
decoding costs the flood, which should be little since only the ~30 painted rows are decoded.

``decode_page_ms`` decodes a page of 50 rows as the table paints them (``TrafficModel.data``
for the Summary column, cache empty), of dict payloads like a telemetry message: msgpack with
a msgpack rule when that decoder exists, else JSON guessed. The median of 21 pages.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import emit, run_child

PAGE_ROWS = 50
PAGE_REPEATS = 21


def payload(index: int) -> dict[str, Any]:
    """A dict like a telemetry or RPC message: a few scalars, a list, a nested map."""
    return {
        "id": index,
        "topic": f"sensors/room-{index % 17}",
        "ok": True,
        "temperature": 21.5 + index % 10,
        "samples": [index, index + 1, index + 2, index + 3, index + 4],
        "meta": {"host": f"edge-{index % 5}", "seq": index * 3, "unit": "C"},
    }


def page_ms() -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from zinspect.core.decode.decoder import MessageDecoder
    from zinspect.core.decode.frame_decoders import DECODERS
    from zinspect.core.decode.model import DecodeRule
    from zinspect.core.store import IN, Message, MessageStore
    from zinspect.ui.traffic.columns import COL_SUMMARY
    from zinspect.ui.traffic.traffic_model import TrafficModel

    app = QApplication.instance() or QApplication([])
    decoder = MessageDecoder()
    if "msgpack" in DECODERS:
        import msgpack

        encoding = "msgpack"
        frames = [msgpack.packb(payload(i)) for i in range(PAGE_ROWS * PAGE_REPEATS)]
        decoder.set_rules("s", [DecodeRule("msgpack")])
    else:
        encoding = "json"
        frames = [json.dumps(payload(i)).encode() for i in range(PAGE_ROWS * PAGE_REPEATS)]
    store = MessageStore()
    store.extend(Message(time.time(), "s", IN, [frame]) for frame in frames)
    model = TrafficModel(store, decoder=decoder)
    model.refresh()
    times = []
    for page in range(PAGE_REPEATS):
        indexes = [model.index(page * PAGE_ROWS + row, COL_SUMMARY) for row in range(PAGE_ROWS)]
        started = time.perf_counter()
        texts = [model.data(index) for index in indexes]
        times.append((time.perf_counter() - started) * 1000)
        assert all(texts)
    del app
    return {
        "decode_page_ms": statistics.median(times),
        "page_max_ms": max(times),
        "encoding": encoding,
        "rows": PAGE_ROWS,
    }


def measure_page() -> dict[str, Any]:
    """decode_page_ms, in a fresh child process."""
    return run_child([__file__, "page"], timeout=60)


def measure_ingest_raw(count: int, size: int, frames: int) -> dict[str, Any]:
    """app_bench's ingest with the table's summaries raw, in a fresh child process."""
    return run_child([__file__, "ingest_raw", str(count), str(size), str(frames)], timeout=150)


def main(argv: list[str]) -> int:
    if argv[0] == "page":
        emit(page_ms())
        return 0
    if argv[0] == "ingest_raw":
        import app_bench

        from zinspect.core.codecs import message_summary
        from zinspect.ui.traffic import traffic_model

        def raw_summary(_decoder: Any, message: Any, socket_type: str, limit: int) -> str:
            return message_summary(message.frames, socket_type, limit)

        traffic_model.summary_text = raw_summary  # type: ignore[assignment]
        return app_bench.main(["ingest", *argv[1:]])
    raise SystemExit(f"unknown scenario {argv[0]!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
