"""A workspace socket whose bind failed says so once in its state, in words ("error: bind
tcp://nosuchif0:5555: No such interface…"), not again as the connection event's
"bind failed nosuchif0:5555" beside it."""

from __future__ import annotations

import json

from ui_actions import WAIT_MS

from zinspect.ui.sockets.socket_list_model import socket_state


def test_a_failed_bind_is_said_once(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True  # the open logs the failed bind
    path = tmp_path / "iface.zinspect.json"
    path.write_text(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [{"name": "rep", "type": "REP", "bind": ["tcp://nosuchif0:5555"]}],
            }
        )
    )
    assert window.workspace_actions.open_path(path)
    qtbot.waitUntil(lambda: window.session.socket_named("rep") is not None, timeout=WAIT_MS)
    rep = window.session.socket_named("rep")
    # libzmq's event came too: the socket's connection state reads "bind failed ..."
    qtbot.waitUntil(lambda: rep.monitor.problem.startswith("bind failed"), timeout=WAIT_MS)
    state = socket_state(rep)
    assert state.startswith("error: bind tcp://nosuchif0:5555: No such interface")
    assert "bind failed" not in state
