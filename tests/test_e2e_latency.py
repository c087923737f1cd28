"""End to end: zinspect's REQ against a REP peer process that answers 50 ms after each
request; the latency zinspect measures has its median between 45 and 80 ms, live and from
the recorded capture with ``zinspect stats``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from peerio import start_peer
from session_helpers import send
from ui_actions import WAIT_MS

from zinspect.core.capture.capture import write_capture
from zinspect.core.explore.latency import LatencyTracker
from zinspect.core.store import IN

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
ANY_PORT = "tcp://127.0.0.1:*"
REQUESTS = 30
DELAY_MS = 50


def test_a_rep_peer_that_waits_50_ms_gives_a_median_between_45_and_80_ms(
    session, peer, qtbot, aloop, tmp_path
):
    out = start_peer(peer, qtbot, "delayed_rep.py", ANY_PORT, DELAY_MS, "--count", REQUESTS)
    req = session.create_socket("REQ", "req-1")
    req.connect(out.line("ready").split()[1])
    store = session.store
    for number in range(REQUESTS):
        send(aloop, qtbot, req, b"request %d" % number)
        qtbot.waitUntil(lambda n=number: store.received == n + 1, timeout=WAIT_MS)

    tracker = LatencyTracker(session.decoder, lambda name: "REQ")
    first, rows = store.rows(store.first_seq, store.end_seq)
    tracker.feed(first, rows)
    (figures,) = tracker.figures()
    assert (figures.socket, figures.count, figures.unanswered, figures.waiting) == (
        "req-1",
        REQUESTS,
        0,
        0,
    )
    assert 0.045 <= figures.p50 <= 0.080, figures

    # the same traffic recorded, summed up by the command line
    capture = tmp_path / "run.jsonl"
    write_capture(capture, list(store))
    done = subprocess.run(
        [sys.executable, "-m", "zinspect", "stats", str(capture), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    (latency,) = json.loads(done.stdout)["latency"]
    assert (latency["socket"], latency["count"], latency["unanswered"]) == ("req-1", REQUESTS, 0)
    assert 45 <= latency["p50_ms"] <= 80
    assert sum(1 for m in store if m.direction == IN) == REQUESTS
