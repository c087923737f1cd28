"""Taps in a workspace: read with each mistake at its place, written back, saved from a live
session (without their sockets as sockets) and started again when the workspace opens."""

from __future__ import annotations

import json

from session_helpers import ANY_PORT, run, traffic
from ui_actions import WAIT_MS

from zinspect.core.tap.spec import TapSpec
from zinspect.core.tap.tap import running_taps
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.parse import parse_workspace
from zinspect.core.workspace.snapshot import snapshot

GOOD = {
    "name": "t",
    "pattern": "reqrep",
    "front": "tcp://*:5555",
    "upstream": "tcp://127.0.0.1:5556",
}


def test_each_mistake_is_named_at_its_place_and_the_good_tap_loads():
    text = json.dumps(
        {
            "zinspect": 1,
            "sockets": [{"name": "sink", "type": "PULL"}],
            "taps": [
                GOOD,
                {**GOOD, "name": "u", "front": "localhost:5555"},
                {**GOOD, "name": "v", "pattern": "fanout"},
                {**GOOD, "name": "sink"},
                {**GOOD, "name": "w", "pattern": "custom"},
                "tap",
            ],
        }
    )
    workspace = parse_workspace(text)
    assert workspace.taps == [TapSpec("t", "reqrep", "tcp://*:5555", "tcp://127.0.0.1:5556")]
    places = {error.path: error.message for error in workspace.invalid}
    assert "no transport" in places["taps[1].front"]
    assert "unknown pattern" in places["taps[2].pattern"]
    assert "sockets[0]" in places["taps[3].name"]
    assert "both types" in places["taps[4].front_type"]
    assert "expected a tap object" in places["taps[5]"]
    # written back: the good tap as it is, the others where they were, as they were
    again = parse_workspace(dump_workspace(workspace))
    assert again.taps == workspace.taps
    assert [e.path for e in again.invalid] == [e.path for e in workspace.invalid]


def test_a_workspace_without_taps_is_written_as_before():
    assert "taps" not in dump_workspace(parse_workspace('{"zinspect": 1, "sockets": []}'))


def test_saved_from_a_session_and_started_again(aloop, session, qtbot):
    sink = session.create_socket("PULL", "sink")
    upstream = sink.bind(ANY_PORT).address
    tap_json = {"name": "t", "pattern": "pipeline", "front": ANY_PORT, "upstream": upstream}
    workspace = parse_workspace(json.dumps({"zinspect": 1, "taps": [tap_json]}))
    assert apply_workspace(workspace, session) == []
    [tap] = running_taps(session)
    saved = snapshot(session)
    assert [s.name for s in saved.sockets] == ["sink"]  # the tap's own sockets are the tap's
    assert saved.taps == [tap.spec]
    assert parse_workspace(dump_workspace(saved)).taps == [tap.spec]
    client = session.create_socket("PUSH", "client")
    assert tap.front is not None
    client.connect(tap.front_address)
    run(aloop, qtbot, client.send([b"through"]))
    qtbot.waitUntil(lambda: sink.received == 1, timeout=WAIT_MS)
    assert traffic(session, sink) == [[b"through"]]
    # the copy comes from the tap's helper process on its own way: it may land after the
    # message itself
    qtbot.waitUntil(lambda: traffic(session, tap.front) == [[b"through"]], timeout=WAIT_MS)
    tap.stop()
    assert running_taps(session) == []
