"""The workspace Problems window says what happened to a socket with one bad endpoint: the
whole socket was left out (its good endpoints too), not just the endpoint the line names."""

from __future__ import annotations

import json

from ui_actions import WAIT_MS


def test_a_socket_with_one_bad_endpoint_is_said_to_be_left_out_whole(
    window, qtbot, tmp_path, caplog
):
    caplog.expected_warnings = True  # the open logs its problem
    path = tmp_path / "bad.zinspect.json"
    host = "h" * 300
    path.write_text(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [
                    {"name": "fine", "type": "PUB", "bind": ["inproc://fine"]},
                    {
                        "name": "ok",
                        "type": "SUB",
                        "connect": [f"tcp://{host}:5555", "tcp://127.0.0.1:1"],
                    },
                ],
            }
        )
    )
    actions = window.workspace_actions
    assert actions.open_path(path)
    qtbot.waitUntil(lambda: [s.name for s in window.session.sockets] == ["fine"], timeout=WAIT_MS)
    dialog = actions.show_problems()
    assert dialog is not None
    problems = dialog.problems()
    assert len(problems) == 1 and problems[0].startswith("sockets[1].connect[0]")
    assert "left out whole" in dialog.intro.text()
    assert "not created at all" in dialog.intro.text()
    assert host not in dialog.intro.text() + problems[0]  # not echoed whole
