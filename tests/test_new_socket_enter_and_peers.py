"""Two small things a new user tripped on: "Connect to…" offered a PULL the addresses of a
REP and a ROUTER (which cannot talk to it), and Enter on the chosen type did nothing. Now the
menu lists only the types the socket talks to (the table in core.sockets.socket_types) and
Enter in the type chooser creates the socket, as Create does."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from session_helpers import ANY_PORT
from ui_actions import WAIT_MS

from zinspect.core.sockets.socket_types import talks_to
from zinspect.ui.sockets.new_socket_row import TypeNameRole


def open_peers_menu(window, qtbot):
    editor = window.sockets.endpoint_editor
    menu = editor.peers_menu
    menu.popup(editor.peers_button.mapToGlobal(QPoint(0, editor.peers_button.height())))
    qtbot.waitUntil(menu.isVisible, timeout=WAIT_MS)
    return menu


def test_connect_to_offers_only_compatible_peers(window, user, session, qtbot):
    addresses = {}
    for type_name in ("REP", "ROUTER", "PUSH", "PUB"):
        sock = session.create_socket(type_name, f"my-{type_name.lower()}")
        addresses[type_name] = sock.bind(ANY_PORT).address
    user.create("PULL")
    menu = open_peers_menu(window, qtbot)
    offered = [action.text() for action in menu.actions()]
    assert offered == [f"my-push (PUSH): {addresses['PUSH']}"]
    action = menu.actions()[0]
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=WAIT_MS)
    assert window.sockets.endpoint_editor.endpoint_edit.text() == addresses["PUSH"]
    # a type nothing bound talks to says so, naming the types it would take
    user.create("PAIR")
    menu = open_peers_menu(window, qtbot)
    (only,) = menu.actions()
    assert not only.isEnabled()
    assert only.text() == "No socket that talks to this one (PAIR) is bound"
    menu.close()


def test_the_compatibility_table():
    assert talks_to("PULL", "PUSH") and not talks_to("PULL", "REP")
    assert talks_to("REQ", "ROUTER") and talks_to("DEALER", "REP")
    assert not talks_to("SUB", "SUB")
    assert talks_to("STREAM", "REP") and talks_to("REQ", "STREAM")  # raw TCP either way


def test_enter_in_the_type_chooser_creates_the_socket(window, qtbot):
    panel = window.sockets
    combo = panel.type_combo
    combo.setCurrentIndex(combo.findData("DEALER", TypeNameRole))
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    handle = panel.current_socket()
    assert handle is not None and handle.type_name == "DEALER"
    assert [s.type_name for s in window.session.sockets] == ["DEALER"]
    qtbot.keyClick(combo, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert [s.type_name for s in window.session.sockets] == ["DEALER", "DEALER"]


def test_enter_in_the_open_type_list_only_chooses(window, qtbot):
    panel = window.sockets
    combo = panel.type_combo
    combo.setCurrentIndex(combo.findData("PUB", TypeNameRole))
    combo.setFocus()
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=WAIT_MS)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=WAIT_MS)
    QApplication.processEvents()
    assert combo.currentData(TypeNameRole) != "PUB"
    assert window.session.sockets == []
