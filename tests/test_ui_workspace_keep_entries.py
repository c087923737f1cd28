"""A workspace opened with entries zinspect could not load (a bad secret key, a typo) loses
none of them by being saved: they are written back as they were, at their places, and stay
listed as problems; a file that holds a secret that way is readable only by its owner. Only
what cannot be written back (a bind that failed) is asked about before saving over, and a
secret key written without "save_secrets" is saved again instead of being dropped."""

from __future__ import annotations

import json
import os
import socket as pysocket
import stat

import zmq
from ui_actions import WAIT_MS, click_box, open_boxes, the_box
from workspace_helpers import read, write

from zinspect.core.workspace.parse import parse_workspace

PUBLIC, SECRET = (key.decode() for key in zmq.curve_keypair())


def bad_key_workspace() -> dict:
    return {
        "zinspect": 1,
        "sockets": [
            {"name": "fine", "type": "PUB", "bind": ["inproc://keep-entries"]},
            {
                "name": "server",
                "type": "PUB",
                "security": {
                    "mechanism": "CURVE",
                    "server": True,
                    "public_key": PUBLIC,
                    "secret_key": "not-a-key",
                    "save_secrets": True,
                },
            },
            {"name": "typo", "type": "SUB", "options": {"RCVHWM": "lots"}},
        ],
        "messages": [{"name": "broken", "frames": [{"hex": "zz"}]}],
    }


def test_saving_over_writes_back_the_entries_that_did_not_load(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    document = bad_key_workspace()
    path = write(tmp_path / "keys.zinspect.json", document)
    actions = window.workspace_actions
    assert actions.open_path(path)
    problems = actions.problems_dialog.problems()
    assert len(problems) == 3 and "sockets[1].security.secret_key" in problems[0]
    assert [s.name for s in window.session.sockets] == ["fine"]
    assert not actions.update_modified()  # opened: nothing changed yet
    actions.problems_dialog.close()

    window.session.socket_named("fine").bind("inproc://added-later")  # a real change
    assert actions.update_modified()
    actions.save()
    qtbot.wait(50)
    assert open_boxes(window) == []  # nothing would be lost: nothing to ask
    saved = parse_workspace(read(path))
    assert [s.name for s in saved.sockets] == ["fine"]
    assert saved.sockets[0].bind == ["inproc://keep-entries", "inproc://added-later"]
    assert [(e.section, e.index, e.value) for e in saved.left_out] == [
        ("sockets", 1, document["sockets"][1]),
        ("sockets", 2, document["sockets"][2]),
        ("messages", 0, document["messages"][0]),
    ]
    assert [str(e) for e in saved.invalid] == problems  # the same problems, same places
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # it holds a (bad) secret key
    assert actions.problems_button.isVisible()  # still in the file, still to be fixed
    assert not actions.update_modified()


def test_only_what_cannot_be_written_back_is_asked_about(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    with pysocket.socket() as squatter:  # another program holds the port
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = f"tcp://127.0.0.1:{squatter.getsockname()[1]}"
        document = {
            "zinspect": 1,
            "sockets": [
                {"name": "pub", "type": "PUB", "bind": ["inproc://fine-bind", taken]},
                {"name": "typo", "type": "SUB", "options": {"RCVHWM": "lots"}},
            ],
        }
        path = write(tmp_path / "busy.zinspect.json", document)
        actions = window.workspace_actions
        assert actions.open_path(path)
        # a taken port is tried again for a moment: the open ends while it is held
        qtbot.waitUntil(lambda: not actions.switch.running, timeout=WAIT_MS)
    actions.problems_dialog.close()
    original = read(path)
    actions.save()
    box = the_box(window, qtbot)
    assert "had 1 entry zinspect could not use" in box.text()
    assert f"sockets[0].bind[1]: bind {taken}" in box.text()
    assert "RCVHWM" not in box.text()  # that entry is written back: not lost
    click_box(window, qtbot, "Cancel")
    assert read(path) == original
    actions.save()
    click_box(window, qtbot, "Save anyway")
    qtbot.waitUntil(lambda: read(path) != original, timeout=5000)
    saved = parse_workspace(read(path))
    assert saved.sockets[0].bind == ["inproc://fine-bind"]
    assert [e.value for e in saved.left_out] == [document["sockets"][1]]


def test_a_secret_key_written_without_save_secrets_is_saved_again(window, qtbot, tmp_path):
    document = {
        "zinspect": 1,
        "sockets": [
            {
                "name": "server",
                "type": "PUB",
                "security": {
                    "mechanism": "CURVE",
                    "server": True,
                    "public_key": PUBLIC,
                    "secret_key": SECRET,
                },
            }
        ],
    }
    path = write(tmp_path / "handwritten.zinspect.json", document)
    actions = window.workspace_actions
    assert actions.open_path(path)
    assert actions.load_problems.problems == []
    actions.save()
    again = parse_workspace(read(path))
    assert again.invalid == []  # before, the key was dropped and the socket left out
    security = again.sockets[0].security
    assert security is not None and security.secret_key == SECRET
    assert json.loads(read(path))["sockets"][0]["security"]["save_secrets"] is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
