"""The sockets panel's endpoints driven as a user would: bind (the real port shown), connect,
disconnect, unbind, and a bad endpoint or a port in use said in words, changing nothing."""

from __future__ import annotations

import pytest
import zmq
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from socket_panel_helpers import create, row_texts, type_endpoint
from ui_actions import WAIT_MS, click

from zinspect.core.sockets.endpoints import EndpointError, validate_endpoint
from zinspect.ui.sockets.socket_list_model import SocketListModel

# -- endpoints ------------------------------------------------------------------------------


def test_bind_suggested_endpoint_shows_the_real_port(panel, qtbot):
    pub = create(panel, qtbot, "PUB")
    editor = panel.endpoint_editor
    assert editor.endpoint_edit.text() == "tcp://127.0.0.1:*"
    click(qtbot, editor.bind_button)
    assert len(pub.endpoints) == 1
    address = pub.endpoints[0].address
    port = int(address.rsplit(":", 1)[1])
    assert address == f"tcp://127.0.0.1:{port}" and port > 0
    assert editor.endpoints_shown() == [f"bind  {address}"]
    assert not editor.error_label.isVisibleTo(panel)
    assert f"bind {address}" in row_texts(panel)[0]
    # copy the real address for another program
    assert editor.selected_endpoint() is pub.endpoints[0]
    click(qtbot, editor.copy_button)
    assert QGuiApplication.clipboard().text() == address


def test_connect_then_disconnect_and_unbind_with_delete_key(panel, qtbot, aloop):
    pull = create(panel, qtbot, "PULL")
    click(qtbot, panel.endpoint_editor.bind_button)
    bound = pull.endpoints[0].address
    push = create(panel, qtbot, "PUSH")
    editor = panel.endpoint_editor
    # the "Connect to…" menu offers the PULL's real address
    editor.peers_menu.aboutToShow.emit()
    actions = [a for a in editor.peers_menu.actions() if a.isEnabled()]
    assert [a.text() for a in actions] == [f"pull-1 (PULL): {bound}"]
    actions[0].trigger()
    assert editor.endpoint_edit.text() == bound
    click(qtbot, editor.connect_button)
    assert [(e.kind, e.address) for e in push.endpoints] == [("connect", bound)]
    assert editor.endpoints_shown() == [f"connect  {bound}"]
    assert editor.remove_button.text() == "Disconnect"

    # traffic flows, and the list's counts follow on the timer
    task = aloop.create_task(push.send([b"job"]))
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    model = panel.model
    qtbot.waitUntil(
        lambda: (
            model.data(model.index(0), SocketListModel.CountsRole) == (1, 0)
            and model.data(model.index(1), SocketListModel.CountsRole) == (0, 1)
        ),
        timeout=WAIT_MS,
    )
    assert task.done() and task.exception() is None
    assert model.refresh_counts() == 0  # nothing changed: nothing repainted

    click(qtbot, editor.remove_button)
    assert push.endpoints == []
    assert editor.endpoints_shown() == []
    assert not editor.remove_button.isEnabled()

    panel.select_socket(pull)
    editor.select_endpoint(pull.endpoints[0])
    assert editor.remove_button.text() == "Unbind"
    editor.list_view.setFocus()
    qtbot.keyClick(editor.list_view, Qt.Key.Key_Delete)
    assert pull.endpoints == []
    assert "not bound or connected" in row_texts(panel)[0]


def bad_endpoint_message(text: str, *, bind: bool) -> str:
    with pytest.raises(EndpointError) as caught:
        validate_endpoint(text, bind=bind)
    return str(caught.value)


@pytest.mark.parametrize("text", ["", "tcp://", "tcp://127.0.0.1:99999", "foo://x"])
@pytest.mark.parametrize("bind", [True, False], ids=["bind", "connect"])
def test_bad_endpoint_shows_message_and_changes_nothing(panel, qtbot, text, bind):
    sock = create(panel, qtbot, "DEALER")
    editor = panel.endpoint_editor
    type_endpoint(panel, qtbot, text)
    rows_before = row_texts(panel)
    click(qtbot, editor.bind_button if bind else editor.connect_button)
    assert editor.error_label.isVisibleTo(panel)
    assert editor.error_label.text() == bad_endpoint_message(text, bind=bind)
    assert editor.endpoint_edit.text() == text
    assert sock.endpoints == [] and editor.endpoints_shown() == []
    assert row_texts(panel) == rows_before
    assert panel.current_socket() is sock
    # after the error everything still works, and the message goes
    type_endpoint(panel, qtbot, "tcp://127.0.0.1:*")
    click(qtbot, editor.bind_button)
    assert len(sock.endpoints) == 1
    assert not editor.error_label.isVisibleTo(panel)


def test_expected_messages_for_the_common_mistakes(panel, qtbot):
    create(panel, qtbot, "REP")
    editor = panel.endpoint_editor
    expected = {
        "": "Enter an endpoint to bind to",
        "tcp://": "has no address",
        "tcp://127.0.0.1:99999": "Port 99999 is out of range",
        "foo://x": "Unknown transport 'foo'",
    }
    for text, words in expected.items():
        type_endpoint(panel, qtbot, text)
        click(qtbot, editor.bind_button)
        assert words in editor.error_label.text()


def test_bind_to_a_port_in_use_says_so(panel, qtbot):
    context = zmq.Context()
    other = context.socket(zmq.PUB)
    try:
        port = other.bind_to_random_port("tcp://127.0.0.1")
        sock = create(panel, qtbot, "PUB")
        editor = panel.endpoint_editor
        type_endpoint(panel, qtbot, f"tcp://127.0.0.1:{port}")
        click(qtbot, editor.bind_button)
        assert editor.error_label.text().startswith("Address already in use")
        assert editor.endpoint_edit.text() == f"tcp://127.0.0.1:{port}"
        assert sock.endpoints == [] and editor.endpoints_shown() == []
    finally:
        other.close(linger=0)
        context.term()


def test_bind_to_a_port_another_zinspect_socket_holds(panel, qtbot):
    first = create(panel, qtbot, "PUB")
    click(qtbot, panel.endpoint_editor.bind_button)
    address = first.endpoints[0].address
    second = create(panel, qtbot, "PUB")
    type_endpoint(panel, qtbot, address)
    click(qtbot, panel.endpoint_editor.bind_button)
    assert "Address already in use" in panel.endpoint_editor.error_label.text()
    assert second.endpoints == []
    # switching sockets resets the field and forgets the old error
    panel.select_socket(first)
    assert not panel.endpoint_editor.error_label.isVisibleTo(panel)
    assert panel.endpoint_editor.endpoint_edit.text() == "tcp://127.0.0.1:*"
    assert panel.endpoint_editor.endpoints_shown() == [f"bind  {address}"]
