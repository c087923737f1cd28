"""An endpoint's tooltip says what zinspect did, not what it cannot know: a connect is
libzmq's to keep trying, so the list says "Connects to", never "Connected to" a port where
nothing listens (whether a peer answered is the socket's state line)."""

from __future__ import annotations

from socket_panel_helpers import create, type_endpoint
from ui_actions import click


def test_a_connect_nobody_answers_is_not_said_to_be_connected(panel, qtbot):
    create(panel, qtbot, "PULL")
    type_endpoint(panel, qtbot, "tcp://127.0.0.1:1")
    click(qtbot, panel.endpoint_editor.connect_button)
    editor = panel.endpoint_editor
    assert editor.model.rowCount() == 1
    assert editor.model.item(0).toolTip() == "Connects to tcp://127.0.0.1:1"
