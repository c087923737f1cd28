"""benchmarks/run.py --quick runs end to end and reports every figure (no thresholds here:
timings belong to the benchmark, and this machine is shared). The plot figures have their
own smoke test (test_plot_bench_smoke.py)."""

from __future__ import annotations

import pytest
from bench_helpers import quick_figures

KEYS = {
    "ingest_ratio_1f",
    "ingest_ratio_3f",
    "ceiling_ratio_1f",
    "big_1mib_ratio",
    "lag_p99_10_sockets_ms",
    "lag_p99_100_sockets_ms",
    "stall_many_frames_ms",
    "lag_p99_ms",
    "lag_max_ms",
    "overhead_bytes_per_msg",
    "rss_growth_after_cap",
    "filter_1m_s",
    "filter_max_stall_ms",
    "big_msg_max_stall_ms",
    "shutdown_s",
    "send_ratio",
    "decode_ingest_ratio",
    "decode_page_ms",
    "send_ratio_composer",  # for information: the composer's path, no target
    "ceiling_cpu_ratio_1f",  # for information: CPU per message, the ceiling's over zinspect's
    "big_1mib_full_ratio",  # for information: 1 MiB messages into a store already full
}


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.timeout(120)
def test_quick_benchmark_prints_all_figures_as_json_last():
    figures, lines = quick_figures(
        "run.py",
        "--quick",
        "--no-safety",
        "--no-plot",
        "--no-explore",
        "--no-history",
        timeout=110,
    )
    assert set(figures) == KEYS
    assert figures["ingest_ratio_1f"] > 0 and figures["send_ratio"] > 0
    assert any(line.startswith("machine:") for line in lines)  # the readable table came first
