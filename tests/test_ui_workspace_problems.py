"""Workspaces through the window when something is wrong: problems found while loading are
listed and the valid sockets work, a bind that fails shows the socket with its error, a file
refused whole changes nothing, and a failed save keeps the old file; each says why."""

from __future__ import annotations

import json
import os
import socket as pysocket

import pytest
from PySide6.QtCore import Qt
from ui_actions import WAIT_MS, click_box, open_boxes, the_box
from workspace_helpers import IN_TEXT, PAIR_WORKSPACE, read, title, write

from zinspect.core.workspace.parse import parse_workspace

# -- problems while loading -----------------------------------------------------------------------


def test_problems_are_listed_valid_sockets_work_and_saving_over_keeps_them(
    window, user, qtbot, tmp_path, caplog
):
    caplog.expected_warnings = True
    document = {
        "zinspect": 1,
        "sockets": [
            {"name": "weather", "type": "SUB", "options": {"RCVHWM": "lots"}},
            {"name": "left", "type": "PAIR", "bind": ["inproc://ui-problems"]},
            {"name": "right", "type": "PAIR", "connect": ["inproc://ui-problems"]},
            {"name": "ghost", "type": "GHOST"},
        ],
    }
    path = write(tmp_path / "bad.zinspect.json", document)
    assert window.workspace_actions.open_path(path)
    dialog = window.workspace_actions.problems_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert not dialog.isModal()
    assert dialog.problems() == [
        'sockets[0].options.RCVHWM: expected an integer, got "lots"',
        "sockets[3].type: unknown socket type 'GHOST'; choose one of PAIR, PUB, SUB, REQ, "
        "REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB, STREAM, CLIENT, SERVER, RADIO, DISH, "
        "SCATTER, GATHER, PEER, CHANNEL",
    ]
    button = window.workspace_actions.problems_button
    assert button.isVisible() and button.text() == "⚠ 2 problems in bad.zinspect.json"
    assert "2 problems" in window.statusBar().currentMessage()
    logged = [
        r.getMessage()
        for r in caplog.records
        if r.name == "zinspect.core.workspace.apply" and r.levelname == "WARNING"
    ]
    assert logged == dialog.problems()

    # the valid sockets were created and work
    assert [s.name for s in window.session.sockets] == ["left", "right"]
    user.select(window.session.socket_named("left"))
    user.compose("still works")
    user.click_send()
    assert user.wait_rows(2)[1].direction == IN_TEXT

    dialog.close()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # brings the list back
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    dialog.close()

    # saving over the file loses nothing: the entries left out are written back as they were
    assert not window.workspace_actions.update_modified()
    window.workspace_actions.save()
    qtbot.wait(50)
    assert open_boxes(window) == []
    saved = parse_workspace(read(path))
    assert [s.name for s in saved.sockets] == ["left", "right"]
    assert [str(e) for e in saved.invalid] == dialog.problems()
    assert [entry.value for entry in saved.left_out] == [
        document["sockets"][0],
        document["sockets"][3],
    ]
    assert button.isVisible()  # they are still in the file, still to be fixed


def test_a_bind_that_fails_shows_the_socket_with_its_error(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    with pysocket.socket() as squatter:  # another program holds the port
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = f"tcp://127.0.0.1:{squatter.getsockname()[1]}"
        path = write(
            tmp_path / "busy.zinspect.json",
            {
                "zinspect": 1,
                "sockets": [{"name": "pub", "type": "PUB", "bind": ["inproc://fine", taken]}],
            },
        )
        assert window.workspace_actions.open_path(path)
        # a taken port is tried again for a moment: the open ends while it is held
        qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=WAIT_MS)
    pub = window.session.socket_named("pub")
    assert [e.address for e in pub.endpoints] == ["inproc://fine"]
    assert pub.last_error.startswith(f"bind {taken}: Address already in use")
    problems = window.workspace_actions.problems_dialog.problems()
    assert problems == [f"sockets[0].bind[1]: {pub.last_error}"]


@pytest.mark.parametrize(
    "content, reason",
    [
        ("not json {", "the file is not valid JSON"),
        ('{"zinspect": 7}', "written by a newer zinspect (format version 7)"),
    ],
)
def test_a_file_refused_whole_changes_nothing_and_says_why(
    window, user, qtbot, tmp_path, caplog, content, reason
):
    caplog.expected_warnings = True
    user.create("PUB", "kept")
    path = tmp_path / "broken.zinspect.json"
    path.write_text(content)
    assert not window.workspace_actions.open_path(path)
    box = the_box(window, qtbot)
    assert box.windowTitle() == "Cannot open workspace" and reason in box.text()
    assert [s.name for s in window.session.sockets] == ["kept"]
    assert title(window).startswith("Untitled")
    click_box(window, qtbot, "Close")


def test_a_failed_save_keeps_the_old_file_and_says_why(window, user, qtbot, tmp_path, monkeypatch):
    path = write(tmp_path / "p.zinspect.json", PAIR_WORKSPACE)
    window.workspace_actions.open_path(path)
    user.create("PUB", "extra")

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    window.workspace_actions.save()
    box = the_box(window, qtbot)
    assert box.windowTitle() == "Workspace not saved"
    assert "No space left on device" in box.text()
    assert json.loads(read(path)) == PAIR_WORKSPACE
    assert window.workspace_actions.update_modified()  # still unsaved
    click_box(window, qtbot, "Close")
