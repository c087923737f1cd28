"""Playing the primer's weather client: a new user first bound the SUB by mistake to a port
in use, read "Address already in use" under the field, then connected to the publisher. The
SUB received every update, yet its row in the list and its heading went on reading "bind
failed *:5555" in warning colours. A bind or connect that works now mends it (the Events
panel keeps the failure)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from session_helpers import ANY_PORT, WAIT_MS
from socket_panel_helpers import editor_of, row_state, shown_panel, type_endpoint


def test_a_working_connect_mends_an_earlier_failed_bind(aloop, session, qtbot):
    panel = shown_panel(session, qtbot, 300, 700)
    publisher = session.create_socket("PUB")
    taken = publisher.bind(ANY_PORT).address  # the port the user's bind runs into
    sub = session.create_socket("SUB")
    editor_of(panel, sub)
    endpoints = panel.endpoint_editor
    type_endpoint(panel, qtbot, taken)
    qtbot.mouseClick(endpoints.bind_button, Qt.MouseButton.LeftButton)
    assert "Address already in use" in endpoints.error_label.text()
    qtbot.waitUntil(lambda: "bind failed" in row_state(panel, sub), timeout=WAIT_MS)
    type_endpoint(panel, qtbot, taken)
    qtbot.mouseClick(endpoints.connect_button, Qt.MouseButton.LeftButton)
    assert not endpoints.error_label.isVisible()
    qtbot.waitUntil(lambda: sub.monitor.peers == 1, timeout=WAIT_MS)
    assert "bind failed" not in row_state(panel, sub)
