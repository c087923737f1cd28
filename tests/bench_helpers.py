"""Running a benchmark script as its smoke tests do: ``--quick``-style arguments, the
offscreen platform, and the figures of the JSON object on its last line checked finite."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def quick_figures(script: str, *args: str, timeout: float) -> tuple[dict, list[str]]:
    """Run benchmarks/``script`` with ``args``; return its figures (every one a finite number)
    and its stdout lines."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    assert all(
        isinstance(value, (int, float)) and math.isfinite(value) for value in figures.values()
    ), figures
    return figures, lines
