"""benchmarks/topics_bench.py runs its scenarios through the real application (small sizes:
no timing is asserted, the benchmark measures that)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.timeout(120)
def test_the_topics_scenarios_count_every_message_and_show_every_topic():
    sys.path.insert(0, str(BENCH))
    try:
        from common import run_child
    finally:
        sys.path.remove(str(BENCH))
    script = str(BENCH / "topics_bench.py")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    tree = run_child([script, "child", "topics_10k", "500", "2000"], 100, env)
    assert tree["topics"] == 500 and tree["topics_under_site"] == 500
    assert tree["stall_ms"] >= 0
    flood = run_child([script, "child", "topics_ingest", "20000", "64", "1", "1"], 100, env)
    assert flood["topics_counted"] == 20000 and flood["rate"] > 0
