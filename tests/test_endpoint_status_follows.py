"""A socket's status follows its endpoints as they are now. A new user disconnected a PULL
from a name that never resolves: libzmq went on retrying it, and the list and the heading
read "retrying tcp://…" for ever, still naming it after a connect elsewhere. A bind to an
interface that does not exist said "The operation would block" (libzmq's EAGAIN when a
monitor is attached), and a failed bind's heading kept an earlier failure in place of the
latest."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from session_helpers import ANY_PORT
from ui_actions import WAIT_MS

from zinspect.core.sockets.socket_base import SocketError

NOWHERE = "tcp://nowhere.invalid:5555"  # ".invalid" never resolves (RFC 6761)
ELSEWHERE = "tcp://elsewhere.invalid:5556"


def row_state(window, handle) -> str:
    model = window.sockets.model
    return model.data(model.index(model.row_of(handle)), model.StateRole)


def shown_state(window, handle) -> str:
    """The row's state and the heading's, as a user reads both."""
    return row_state(window, handle) + " | " + window.sockets.state_label.text()


def click_connect(user, text: str) -> None:
    user.type_endpoint(text)
    user.click(user.window.sockets.endpoint_editor.connect_button)


def click_bind(user, text: str) -> str:
    user.type_endpoint(text)
    editor = user.window.sockets.endpoint_editor
    user.click(editor.bind_button)
    return editor.error_label.text() if editor.error_label.isVisible() else ""


def test_disconnect_clears_retrying_and_a_new_connect_replaces_it(window, user, session, qtbot):
    pull = user.create("PULL")
    click_connect(user, NOWHERE)
    qtbot.waitUntil(
        lambda: shown_state(window, pull).count("retrying tcp://nowhere") == 2, timeout=WAIT_MS
    )
    editor = window.sockets.endpoint_editor
    editor.select_endpoint(pull.endpoints[0])
    assert editor.remove_button.text() == "Disconnect"
    user.click(editor.remove_button)
    assert editor.endpoints_shown() == []
    qtbot.waitUntil(lambda: "nowhere" not in shown_state(window, pull), timeout=WAIT_MS)
    click_connect(user, ELSEWHERE)
    qtbot.waitUntil(
        lambda: shown_state(window, pull).count("retrying tcp://elsewhere") == 2, timeout=WAIT_MS
    )
    assert "nowhere" not in shown_state(window, pull)


def test_a_late_retry_of_a_disconnected_endpoint_sets_no_state(session):
    """libzmq may go on retrying a name it never reached after the disconnect (plain pyzmq
    shows "connect retried" events on it for as long as one watches): such an event, read
    after the disconnect, is the timeline's, not the socket's state."""
    pull = session.create_socket("PULL")
    entry = pull.connect(NOWHERE)
    pull.detach(entry)
    pull.monitor._note("connect_retried", NOWHERE, 100)  # as the monitor reads one
    assert pull.monitor.problem == ""
    assert any(e.name == "connect_retried" and e.endpoint == NOWHERE for e in session.events)
    pull.connect(NOWHERE)  # followed again once connected again
    pull.monitor._note("connect_retried", NOWHERE, 100)
    assert pull.monitor.problem == f"retrying {NOWHERE}"


def test_a_bind_to_a_missing_interface_says_so(window, user):
    user.create("REP")
    message = click_bind(user, "tcp://eth99:5555")
    assert message.startswith("No such interface or address on this machine: eth99")
    assert "would block" not in message
    message = click_bind(user, "tcp://256.1.1.1:5")
    assert "'256.1.1.1' is not an IPv4 address" in message
    assert window.sockets.endpoint_editor.endpoints_shown() == []


def test_a_bind_to_a_missing_interface_says_so_in_core(session):
    rep = session.create_socket("REP")
    for endpoint in ("tcp://eth99:5555", "tcp://nosuchif0:*"):
        with pytest.raises(SocketError, match="No such interface or address on this machine"):
            rep.bind(endpoint)
    assert rep.endpoints == []


def test_the_heading_names_the_latest_failed_bind(window, user, session, qtbot):
    taken = session.create_socket("PUB").bind(ANY_PORT).address  # a port in use
    rep = user.create("REP")
    assert "Address already in use" in click_bind(user, taken)
    port_failed = f"bind failed {taken.removeprefix('tcp://')}"
    qtbot.waitUntil(lambda: shown_state(window, rep).count(port_failed) == 2, timeout=WAIT_MS)
    click_bind(user, "tcp://eth99:5555")
    qtbot.waitUntil(
        lambda: shown_state(window, rep).count("bind failed eth99:5555") == 2, timeout=WAIT_MS
    )
    assert port_failed not in shown_state(window, rep)
    assert click_bind(user, ANY_PORT) == ""
    qtbot.waitUntil(lambda: "bind failed" not in shown_state(window, rep), timeout=WAIT_MS)
    row = window.sockets.model.index(window.sockets.model.row_of(rep))
    assert "bind failed" not in row.data(Qt.ItemDataRole.ToolTipRole)
