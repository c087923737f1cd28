"""benchmarks/history_bench.py --quick runs end to end and reports every history figure as
JSON on its last line (no thresholds here: timings belong to the benchmark)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "history_bench.py"
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
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(BENCH), "--quick"],
        capture_output=True,
        text=True,
        timeout=110,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == KEYS
    assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in figures.values())
    assert 64 < figures["history_disk_bytes_per_msg"] <= 64 + 32
