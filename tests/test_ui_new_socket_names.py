"""A new socket never takes the name of a socket whose traffic the table still holds (an
earlier workspace's, kept when another opened, or a closed socket's): the table labels rows
by name only, so the two would mix. The new-socket row refuses in words under the name
field and names a free one; nothing is created."""

from __future__ import annotations

from ui_actions import WAIT_MS


def leave_traffic_of(window, user, qtbot, name: str) -> None:
    """A socket ``name`` that sent a message and is gone; its row stays in the table."""
    user.create("PUB", name)
    user.bind()
    user.compose("from the earlier socket")
    user.click_send()
    qtbot.waitUntil(lambda: len(window.session.store) == 1, timeout=WAIT_MS)
    window.sockets.close_current_socket()
    qtbot.waitUntil(lambda: window.session.socket_named(name) is None, timeout=WAIT_MS)
    assert [m.socket for m in window.session.store] == [name]


def test_a_name_the_kept_traffic_has_is_refused_with_a_free_one(window, user, qtbot):
    leave_traffic_of(window, user, qtbot, "alerts")
    panel = window.sockets
    panel.name_edit.clear()
    qtbot.keyClicks(panel.name_edit, "alerts")
    user.click(panel.create_button)
    error = panel.create_error_label
    assert error.isVisibleTo(window)
    assert "earlier socket named 'alerts'" in error.text()
    assert "such as 'alerts-2'" in error.text()
    assert window.session.sockets == []  # nothing created
    assert panel.name_edit.text() == "alerts"  # what was typed stays, to be edited
    # the free name works, and the message goes
    panel.name_edit.clear()
    qtbot.keyClicks(panel.name_edit, "alerts-2")
    user.click(panel.create_button)
    assert [s.name for s in window.session.sockets] == ["alerts-2"]
    assert not error.isVisibleTo(window)


def test_the_default_name_is_refused_too_and_the_next_free_default_named(window, user, qtbot):
    leave_traffic_of(window, user, qtbot, "pub-1")  # as an earlier workspace named it
    panel = window.sockets
    panel.type_combo.setCurrentIndex(panel.type_combo.findText("PUB"))
    assert panel.name_edit.placeholderText() == "pub-1"
    panel.name_edit.clear()
    user.click(panel.create_button)
    assert "earlier socket named 'pub-1'" in panel.create_error_label.text()
    assert "such as 'pub-2'" in panel.create_error_label.text()
    assert window.session.sockets == []


def test_after_clearing_the_traffic_the_name_is_free(window, user, qtbot):
    leave_traffic_of(window, user, qtbot, "alerts")
    window.traffic.clear_action.trigger()
    qtbot.waitUntil(lambda: len(window.session.store) == 0, timeout=WAIT_MS)
    assert user.create("PUB", "alerts").name == "alerts"
