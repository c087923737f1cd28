"""End to end: recordings of traffic with real peer processes (tests/peers) hold every message
in order with the right directions, and a recording process killed with SIGKILL leaves a file
whose complete lines all parse.

The command line (``--record FILE --autostop S``) is wired by the app; these tests drive the
same core objects it uses (Session, Recorder, Replayer)."""

from __future__ import annotations

import json
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from capture_helpers import as_tuples
from peerio import PeerOutput
from session_helpers import ANY_PORT, WAIT_MS, traffic

from zinspect.core.capture.capture import read_capture
from zinspect.core.capture.recorder import Recorder
from zinspect.core.capture.replay import FAST, Replayer
from zinspect.core.store import IN, OUT, Message

pytestmark = pytest.mark.e2e

KILL_SCRIPT = Path(__file__).parent / "capture_kill_script.py"


def last_flushed(out: PeerOutput) -> int:
    counts = [int(line.split()[1]) for line in out.poll() if line.startswith("flushed")]
    return counts[-1] if counts else 0


def test_a_recording_of_peer_traffic_holds_every_message_in_order(session, peer, qtbot, tmp_path):
    path = tmp_path / "peers.jsonl"
    recorder = Recorder(session.store, path, tick=0.05)
    recorder.start()

    # a pipeline: a PUSH peer process sends 2000 numbered messages to our PULL
    pull = session.create_socket("PULL", "sink")
    address = pull.bind(ANY_PORT).address
    pusher = PeerOutput(peer("push_worker.py", address, "2000", "w"))
    # request/reply: our REQ asks the hello-world server peer five times (lock-step replay)
    server = PeerOutput(peer("rep_server.py", ANY_PORT, "World", "--count", "5"))
    qtbot.waitUntil(lambda: server.has("ready"), timeout=WAIT_MS)
    req = session.create_socket("REQ", "client")
    req.connect(server.line("ready").split()[1])
    requests = [Message(0.0, "client", OUT, [b"Hello %d" % i]) for i in range(5)]
    replay = Replayer(requests, req, FAST)
    replay.start()

    qtbot.waitUntil(
        lambda: len(traffic(session, pull)) == 2000 and not replay.running, timeout=WAIT_MS
    )
    assert replay.state == "done"
    qtbot.waitUntil(lambda: recorder.pending == 0, timeout=WAIT_MS)
    assert recorder.stop() == ""
    assert pusher.has("sent 2000")

    recorded = read_capture(path)
    assert recorded.skipped == 0 and recorder.missed == 0
    assert as_tuples(recorded.messages) == as_tuples(session.store)  # every message, in order
    sink = [m for m in recorded.messages if m.socket == "sink"]
    assert [m.frames for m in sink] == [[b"w %d" % i] for i in range(2000)]
    assert {m.direction for m in sink} == {IN}
    client = [(m.direction, m.frames) for m in recorded.messages if m.socket == "client"]
    assert client == [
        item for i in range(5) for item in ((OUT, [b"Hello %d" % i]), (IN, [b"World"]))
    ]


def test_kill_9_during_a_recording_leaves_complete_lines_that_all_parse(tmp_path):
    path = tmp_path / "killed.jsonl"
    proc = subprocess.Popen(
        [sys.executable, str(KILL_SCRIPT), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out = PeerOutput(proc)
        out.wait_for("ready", timeout=20)
        # let it record a while more: until it reports 20,000 messages flushed to the file
        deadline = time.monotonic() + 20
        while (flushed := last_flushed(out)) < 20_000:
            assert not out.eof and time.monotonic() < deadline, out.lines[-3:]
            select.select([proc.stdout.fileno()], [], [], 1.0)  # wait for its next line
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()

    data = path.read_bytes()
    complete, _, tail = data.rpartition(b"\n")
    lines = complete.split(b"\n")
    for line in lines:  # every complete line is JSON
        json.loads(line)
    result = read_capture(path)
    assert len(result.messages) == len(lines) - 1 >= flushed  # nothing flushed was lost
    # the numbered messages are all there, in order, the PULL's copy after the PUSH's
    sent = [int(m.frames[0]) for m in result.messages if m.direction == OUT]
    assert sent == list(range(len(sent)))
    received = [int(m.frames[0]) for m in result.messages if m.direction == IN]
    assert received == list(range(len(received)))
    # at most the last line can be cut short, and then it is reported as such
    assert result.skipped == (1 if tail else 0)
    if tail:
        assert result.truncated_end and result.first_bad_lines == [len(lines) + 1]
