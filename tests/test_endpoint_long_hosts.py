"""A new user connected a REP to a 5000-character host: it was accepted, and its "retrying
tcp://aaa…" line, one word that cannot wrap, made the Sockets dock (never narrower than its
settings) as wide as Qt allows, pushing everything else off screen. A host name is at most
253 characters (63 between dots) and is refused past that, in words; an endpoint that is
accepted, however long (an inproc name has no limit), shows cut in its middle everywhere,
whole in its tooltip, and never widens the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_actions import WAIT_MS

from zinspect.core.sockets.endpoints import EndpointError, validate_endpoint

# 250 characters in labels of at most 63; ".invalid" never resolves (RFC 6761)
HOST_250 = ".".join(["a" * 60, "b" * 60, "c" * 60, "d" * 59, "invalid"])
LONG_INPROC = "inproc://" + "x" * 5000


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def click_connect(user, text: str) -> None:
    editor = user.window.sockets.endpoint_editor
    user.type_endpoint(text)
    user.click(editor.connect_button)


def test_the_host_limits_are_enforced_in_words():
    assert len(HOST_250) == 250
    assert validate_endpoint(f"tcp://{HOST_250}:5555", bind=False)
    with pytest.raises(EndpointError, match="5,000 characters long; a host name has at most 253"):
        validate_endpoint("tcp://" + "a" * 5000 + ":5555", bind=False)
    with pytest.raises(EndpointError, match="254 characters long"):
        validate_endpoint(f"tcp://{HOST_250}.abc:5555", bind=False)
    with pytest.raises(EndpointError, match="64 characters long; each part between dots has"):
        validate_endpoint("tcp://" + "a" * 64 + ".example.com:5555", bind=False)
    with pytest.raises(EndpointError, match="at most 253") as refused:
        validate_endpoint("tcp://" + "s" * 300 + ":0;127.0.0.1:1", bind=False)
    assert "source host" in str(refused.value)
    # the message quotes the host cut short, not 5000 characters of it
    with pytest.raises(EndpointError) as refused:
        validate_endpoint("ws://" + "a" * 5000 + ":80/path", bind=False)
    assert len(str(refused.value)) < 200


def test_a_5000_character_host_is_refused_next_to_the_field(window, user):
    width = window.width()
    user.create("REP")
    editor = window.sockets.endpoint_editor
    click_connect(user, "tcp://" + "a" * 5000 + ":5555")
    assert editor.error_label.isVisible()
    message = editor.error_label.text()
    assert "5,000 characters long; a host name has at most 253" in message
    assert len(message) < 200  # not the host echoed back
    assert editor.endpoints_shown() == []
    settle()
    assert window.width() == width


def test_a_250_character_host_never_widens_the_window(window, user, qtbot):
    width = window.width()
    panel = window.sockets
    rep = user.create("REP")
    click_connect(user, f"tcp://{HOST_250}:5555")
    assert not panel.endpoint_editor.error_label.isVisible()
    # libzmq cannot resolve it: the socket's state names the endpoint, cut in its middle
    qtbot.waitUntil(lambda: "tcp://aaa" in panel.state_label.text(), timeout=WAIT_MS)
    settle()
    assert window.width() == width
    shown = panel.state_label.text()
    assert "…" in shown and shown.endswith(".invalid:5555")
    assert HOST_250 in panel.state_label.toolTip()  # whole in its tooltip
    # the socket list's row and tooltip
    row = panel.model.index(panel.model.row_of(rep))
    assert HOST_250 in row.data(Qt.ItemDataRole.ToolTipRole)
    # the endpoint list cuts the middle, and its tooltip has the whole address
    editor = panel.endpoint_editor
    assert editor.list_view.textElideMode() == Qt.TextElideMode.ElideMiddle
    row_rect = editor.list_view.visualRect(editor.model.index(0, 0))
    assert 0 < row_rect.width() <= editor.list_view.viewport().width()  # no sideways scroll
    assert HOST_250 in editor.model.item(0).toolTip()
    # another socket, then this one again (what blew the window up again after a reset)
    other = user.create("REQ")
    user.select(other)
    user.select(rep)
    settle()
    assert window.width() == width
    assert window.sockets_dock.width() < width // 2


def test_a_very_long_inproc_endpoint_never_widens_the_window(window, user, qtbot):
    width = window.width()
    panel = window.sockets
    user.create("PAIR")
    user.type_endpoint(LONG_INPROC)
    user.click(panel.endpoint_editor.bind_button)
    assert not panel.endpoint_editor.error_label.isVisible(), (
        panel.endpoint_editor.error_label.text()
    )
    assert panel.endpoint_editor.endpoints_shown() == [f"bind  {LONG_INPROC}"]
    peer = user.create("PAIR")
    user.type_endpoint(LONG_INPROC)
    user.click(panel.endpoint_editor.connect_button)
    assert not panel.endpoint_editor.error_label.isVisible()
    # "Connect to…" offers it cut short, the whole address in the entry's tooltip
    menu = panel.endpoint_editor.peers_menu
    menu.aboutToShow.emit()
    (action,) = menu.actions()
    assert len(action.text()) < 120 and LONG_INPROC in action.toolTip()
    user.select(peer)
    settle()
    assert window.width() == width
    assert window.sockets_dock.width() < width // 2
