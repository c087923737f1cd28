"""benchmarks/plot_bench.py --quick runs end to end and reports the plot figures (no
thresholds here: timings belong to the benchmark, and this machine is shared)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "plot_bench.py"


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.timeout(240)
def test_quick_plot_benchmark_prints_its_figures():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=230,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == {"plot_ingest_ratio", "plot_ingest_ratio_cpu", "plot_100k_frame_ms"}
    assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in figures.values())
    assert figures["plot_ingest_ratio"] > 0
