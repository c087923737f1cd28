"""benchmarks/soak.py in a 10-second smoke run: the real app under mixed traffic (floods
past the caps, bursts, large messages, peers killed with SIGKILL, REQ/REP automations)
finishes, and every count adds up (in + out = stored + dropped, each lossless socket got
every message its peers sent, the kept messages of each peer are its newest, gap-free).

No timing thresholds here: the soak's figures belong to its 10-minute run (README)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SOAK = Path(__file__).resolve().parent.parent / "benchmarks" / "soak.py"


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.timeout(60)
def test_a_short_soak_accounts_for_every_message():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(SOAK), "--seconds", "10", "--json"],
        capture_output=True,
        text=True,
        timeout=55,
        env=env,
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, "\n".join(lines[-20:]) + result.stderr[-3000:]
    summary = json.loads(lines[-1])
    assert summary["equation_holds"] and summary["checks_passed"], summary["failures"]
    totals = summary["totals"]
    assert totals["in"] + totals["out"] == totals["stored"] + totals["dropped"]
    assert totals["dropped"] > 0  # the floods went far past the caps
    assert summary["peers"]["killed"] > 0
    assert summary["errors_logged"] == []
    sockets = summary["sockets"]
    for name in ("stream", "flood", "big", "churn", "rep", "req"):
        assert sockets[name]["received"] == sockets[name]["expected"] > 0, name
    assert any(line.startswith("SUMMARY in + out = stored + dropped holds") for line in lines)
