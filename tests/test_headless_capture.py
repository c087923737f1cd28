"""Headless capture: ``zinspect tap`` and ``zinspect record`` with PySide6 made unimportable.

Each runs in a subprocess through tests/peers/zinspect_noqt.py (a meta-path finder refuses
PySide6, shiboken6 and qasync), between real peer processes; SIGTERM stops it, the exit is
clean and the capture it wrote opens with every message, in order, with its direction.
"""

from __future__ import annotations

import json
import socket

import pytest
from headless_helpers import WAIT_S, headless, stop, wait_text
from peerio import PeerOutput

from zinspect.core.capture.capture import read_capture
from zinspect.core.store import IN, OUT

pytestmark = pytest.mark.e2e


def test_tap_reqrep_without_qt_records_both_directions(peer, tmp_path):
    server = peer("router_by_id.py", "tcp://127.0.0.1:*", 6)
    served = PeerOutput(server)
    upstream = served.wait_for("ready ").split()[1]
    capture = tmp_path / "tap.jsonl"
    proc, output = headless(
        "tap", "--pattern", "reqrep", "--front", "tcp://127.0.0.1:*", "--upstream", upstream,
        "--record", str(capture), "--status-every", "0.2",
    )  # fmt: skip
    try:
        wait_text(output, "front ")
        front = output.wait_for("front ", WAIT_S).split()[1]
        clients = [
            peer("dealer_client.py", front, 3, "--identity", name) for name in ("alice", "bob")
        ]
        for client in clients:
            assert PeerOutput(client).wait_for("done ", WAIT_S) == "done 3"
        served.wait_for("done 6", WAIT_S)
        assert output.wait_for("[", WAIT_S)  # a status line came
    finally:
        stop(proc, output)
    # the server saw the clients' own identities, each request once and in order
    for name in ("alice", "bob"):
        assert [line for line in served.lines if line.startswith(f"from {name} ")] == [
            f"from {name} Hello {n}" for n in range(3)
        ]
    messages = read_capture(capture).messages
    for name in (b"alice", b"bob"):
        ins = [m.frames for m in messages if m.direction == IN and m.frames[0] == name]
        outs = [m.frames for m in messages if m.direction == OUT and m.frames[0] == name]
        assert ins == [[name, f"Hello {n}".encode()] for n in range(3)]
        assert outs == [[name, f"Hello {n}".encode(), b"for " + name] for n in range(3)]
    assert {m.socket for m in messages} == {"tap"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_record_workspace_without_qt(peer, tmp_path):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    workspace = tmp_path / "sink.zinspect.json"
    workspace.write_text(
        json.dumps(
            {"zinspect": 1, "sockets": [{"name": "sink", "type": "PULL", "bind": [endpoint]}]}
        )
    )
    capture = tmp_path / "sink.jsonl"
    proc, output = headless(
        "record", str(workspace), "--record", str(capture), "--status-every", "0.2"
    )
    try:
        output.wait_for("zinspect record: recording", WAIT_S)
        pusher = peer("push_worker.py", endpoint, 20, "w")
        assert pusher.wait(WAIT_S) == 0
        wait_text(output, "20 received")
    finally:
        stop(proc, output)
    frames = [m.frames for m in read_capture(capture).messages]
    assert frames == [[f"w {n}".encode()] for n in range(20)]


def test_bad_input_is_said_in_words_and_no_capture_is_made(tmp_path):
    capture = tmp_path / "never.jsonl"
    proc, output = headless(
        "tap", "--pattern", "pipeline", "--front", "localhost:5555",
        "--upstream", "tcp://127.0.0.1:5556", "--record", str(capture),
    )  # fmt: skip
    assert proc.wait(WAIT_S) == 2
    assert output.wait_for("zinspect tap: Front: 'localhost:5555' has no transport", WAIT_S)
    assert proc.stdout is not None
    proc.stdout.close()
    assert not capture.exists()
    workspace = tmp_path / "broken.zinspect.json"
    workspace.write_text("{not json")
    proc, output = headless("record", str(workspace), "--record", str(capture))
    assert proc.wait(WAIT_S) == 2
    assert output.wait_for("zinspect record: Not a workspace", WAIT_S)
    assert proc.stdout is not None
    proc.stdout.close()
    assert not capture.exists()
