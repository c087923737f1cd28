"""benchmarks/plot_bench.py --quick runs end to end and reports the plot figures (no
thresholds here: timings belong to the benchmark, and this machine is shared)."""

from __future__ import annotations

import pytest
from bench_helpers import quick_figures


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.timeout(240)
def test_quick_plot_benchmark_prints_its_figures():
    figures, _ = quick_figures("plot_bench.py", "--quick", timeout=230)
    assert set(figures) == {"plot_ingest_ratio", "plot_ingest_ratio_cpu", "plot_100k_frame_ms"}
    assert figures["plot_ingest_ratio"] > 0
