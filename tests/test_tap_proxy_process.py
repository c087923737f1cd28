"""The fast tap's helper process lives no longer than zinspect: ``zinspect tap`` without Qt.

``zinspect tap --pattern pipeline`` (through tests/peers/zinspect_noqt.py, PySide6 made
unimportable) forwards with libzmq's proxy in a helper process, as the window does. SIGTERM
stops it cleanly with every message recorded once, in order, client -> server, and the
helper gone; SIGKILL of zinspect takes the helper with it (it watches its stdin).
"""

from __future__ import annotations

import os
import re
import select
import signal

import pytest
from headless_helpers import WAIT_S, headless, stop, wait_text
from peerio import PeerOutput

from zinspect.core.capture.capture import read_capture
from zinspect.core.store import IN

pytestmark = [
    pytest.mark.e2e,
    # the helper is zinspect's child, not the test's: only a pidfd lets the test wait on it
    pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs Linux pidfds"),
]


def helper_pid(output: PeerOutput) -> int:
    """The helper's pid, from a status line ("libzmq proxy in a helper process, pid N")."""
    wait_text(output, "helper process, pid ")
    line = next(line for line in output.lines if "helper process, pid " in line)
    match = re.search(r"helper process, pid (\d+)", line)
    assert match is not None
    return int(match.group(1))


def ends(pid: int) -> bool:
    """Whether the process ``pid`` ends within WAIT_S (waits in select on its pidfd)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], WAIT_S)[0])
    finally:
        os.close(fd)


def start_tap(peer, tmp_path, count: int) -> tuple:
    sink = PeerOutput(peer("pull_sink.py", "tcp://127.0.0.1:*", count, "--quiet"))
    upstream = sink.wait_for("ready ", WAIT_S).split()[1]
    capture = tmp_path / "pipeline.jsonl"
    proc, output = headless(
        "tap", "--pattern", "pipeline", "--front", "tcp://127.0.0.1:*", "--upstream", upstream,
        "--record", str(capture), "--status-every", "0.2",
    )  # fmt: skip
    front = output.wait_for("front ", WAIT_S).split()[1]
    return sink, proc, output, front, capture


def push_through(peer, output: PeerOutput, front: str, sink: PeerOutput, count: int) -> int:
    """Send ``count`` messages through the tap to the sink; the helper's pid, once the tap's
    status counted them all."""
    pid = helper_pid(output)
    worker = peer("push_worker.py", front, count, "w")
    assert worker.wait(WAIT_S) == 0
    assert sink.wait_for("count ", WAIT_S) == f"count {count}"
    wait_text(output, f"{count} client -> server")
    return pid


def test_headless_pipeline_tap_records_everything_and_its_helper_stops(peer, tmp_path):
    sink, proc, output, front, capture = start_tap(peer, tmp_path, 500)
    try:
        pid = push_through(peer, output, front, sink, 500)
    finally:
        stop(proc, output)
    assert ends(pid)
    messages = read_capture(capture).messages
    assert [(m.direction, m.frames) for m in messages] == [
        (IN, [f"w {n}".encode()]) for n in range(500)
    ]
    assert {m.socket for m in messages} == {"tap"}
    # the last status line, after the stop, has the proxy's final count
    assert any("500 client -> server" in line for line in output.lines[-3:]), output.lines


def niceness(pid: int) -> dict[int, int]:
    """Each thread of ``pid``: its niceness (field 19 of /proc/PID/task/TID/stat)."""
    found = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat", encoding="ascii") as stat:
            found[int(tid)] = int(stat.read().rsplit(")", 1)[1].split()[16])
    return found


def test_the_helpers_copies_give_way_to_its_forwarding(peer, tmp_path):
    """When the CPU is contended the copies wait, not the traffic: the thread sending them
    to zinspect has the lowest priority, the proxy forwarding them (the main thread) keeps
    zinspect's."""
    sink, proc, output, front, _capture = start_tap(peer, tmp_path, 1)
    try:
        pid = push_through(peer, output, front, sink, 1)  # copied: the copies thread runs
        threads = niceness(pid)
        assert threads[pid] == os.getpriority(os.PRIO_PROCESS, 0)
        assert 19 in threads.values()
    finally:
        stop(proc, output)


def test_killing_zinspect_takes_the_helper_with_it(peer, tmp_path):
    _sink, proc, output, _front, _capture = start_tap(peer, tmp_path, 1)
    pid = helper_pid(output)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(WAIT_S) == -signal.SIGKILL
    assert ends(pid)
    assert proc.stdout is not None
    proc.stdout.close()


def test_the_engine_asked_for_a_pattern_it_cannot_forward_is_refused_in_words(tmp_path):
    capture = tmp_path / "never.jsonl"
    proc, output = headless(
        "tap", "--pattern", "reqrep", "--front", "tcp://127.0.0.1:*",
        "--upstream", "tcp://127.0.0.1:5999", "--record", str(capture), "--engine", "proxy",
    )  # fmt: skip
    assert proc.wait(WAIT_S) == 2
    assert output.wait_for("zinspect tap: libzmq's proxy forwards pipeline taps", WAIT_S)
    assert proc.stdout is not None
    proc.stdout.close()
    assert not capture.exists()
