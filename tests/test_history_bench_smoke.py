"""benchmarks/history_bench.py --quick runs end to end and reports every history figure as
JSON on its last line (no thresholds here: timings belong to the benchmark)."""

from __future__ import annotations

import pytest
from bench_helpers import quick_figures

KEYS = {
    "history_ingest_ratio",
    "history_rss_20m_mib",
    "history_seek_ms",
    "history_filter_20m_s",
    "history_filter_max_stall_ms",
    "history_disk_bytes_per_msg",
}


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.timeout(120)
def test_quick_history_benchmark_prints_every_figure():
    figures, _ = quick_figures("history_bench.py", "--quick", timeout=110)
    assert set(figures) == KEYS
    assert 64 < figures["history_disk_bytes_per_msg"] <= 64 + 32
