"""The endpoint field starts on what the socket's type usually does: a bind address for the
stable side (PUB, REP, ROUTER, PULL, XPUB), a connect address for the other, and Enter in the
field does that same thing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from socket_panel_helpers import create, type_endpoint

from zinspect.core.sockets.socket_types import SOCKET_TYPES


@pytest.mark.parametrize(
    ("type_name", "action"),
    [
        ("PUB", "bind"),
        ("REP", "bind"),
        ("ROUTER", "bind"),
        ("PULL", "bind"),
        ("XPUB", "bind"),
        ("SUB", "connect"),
        ("REQ", "connect"),
        ("DEALER", "connect"),
        ("PUSH", "connect"),
        ("XSUB", "connect"),
        ("PAIR", "connect"),
    ],
)
def test_each_type_has_its_usual_role(type_name, action):
    assert SOCKET_TYPES[type_name].usual_action == action


def test_field_suggests_bind_for_a_server_and_connect_for_a_client(panel, qtbot):
    create(panel, qtbot, "REP")
    assert panel.endpoint_editor.endpoint_edit.text() == "tcp://127.0.0.1:*"
    create(panel, qtbot, "REQ")
    assert panel.endpoint_editor.endpoint_edit.text() == "tcp://127.0.0.1:5555"


def test_enter_binds_a_pull_and_connects_a_push(panel, qtbot):
    pull = create(panel, qtbot, "PULL")
    editor = panel.endpoint_editor
    assert editor.endpoint_edit.toolTip().endswith("Enter: Bind")
    qtbot.keyClick(editor.endpoint_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(pull.endpoints) == 1, timeout=5000)
    assert pull.endpoints[0].bound
    address = pull.endpoints[0].address
    push = create(panel, qtbot, "PUSH")
    assert editor.endpoint_edit.toolTip().endswith("Enter: Connect")
    type_endpoint(panel, qtbot, address)
    qtbot.keyClick(editor.endpoint_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(push.endpoints) == 1, timeout=5000)
    assert not push.endpoints[0].bound
    assert editor.endpoints_shown() == [f"connect  {address}"]


def test_connect_to_button_says_what_it_does_at_any_width(panel, qtbot):
    create(panel, qtbot, "PUSH")
    button = panel.endpoint_editor.peers_button
    assert button.text() == "Connect to…"
    for width in (200, 380, 900):
        panel.resize(width, 800)
        qtbot.waitUntil(lambda w=width: panel.width() >= min(w, panel.minimumSizeHint().width()))
        text_width = button.fontMetrics().horizontalAdvance(button.text())
        assert button.width() >= text_width
