"""The sockets panel driven as a user would: create sockets, see them listed, close them,
and the context menus and models behind the list.

Endpoints, subscriptions and the layout have their own files (test_ui_socket_panel_*.py)."""

from __future__ import annotations

import zmq
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from socket_panel_helpers import choose_type, create, row_state, row_texts, type_endpoint
from ui_actions import WAIT_MS, click

from zinspect.core.sockets.socket_types import SOCKET_TYPES
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.sockets.new_socket_row import TypeNameRole
from zinspect.ui.sockets.socket_panel import SocketPanel

# -- creating sockets ------------------------------------------------------------------------


def test_create_sockets_with_default_names_selects_each_new_one(panel, session, qtbot):
    selected = []
    panel.socket_selected.connect(selected.append)
    choose_type(panel, "SUB")
    assert panel.name_edit.placeholderText() == "sub-1"
    # looking at the placeholder, switching types back and forth, never uses up a number
    choose_type(panel, "PUB")
    choose_type(panel, "SUB")
    assert panel.name_edit.placeholderText() == "sub-1"

    sub1 = create(panel, qtbot, "SUB")
    assert panel.name_edit.placeholderText() == "sub-2"
    sub2 = create(panel, qtbot, "SUB")
    pub1 = create(panel, qtbot, "PUB")

    assert [s.name for s in session.sockets] == ["sub-1", "sub-2", "pub-1"]
    assert selected == [sub1, sub2, pub1]
    assert panel.current_socket() is pub1
    assert panel.list_view.selectionModel().selectedRows()[0].row() == 2
    assert row_texts(panel)[0].startswith("sub-1 (SUB)")
    assert "pub-1" in panel.title_label.text()
    assert not panel.create_error_label.isVisibleTo(panel)


def test_enter_in_name_field_creates_socket_with_that_name(panel, session, qtbot):
    choose_type(panel, "DEALER")
    qtbot.keyClicks(panel.name_edit, "  client  ")
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert panel.current_socket().name == "client"
    assert panel.current_socket().type_name == "DEALER"
    assert panel.name_edit.text() == ""
    assert panel.name_edit.placeholderText() == "dealer-1"


def test_duplicate_name_shows_error_and_changes_nothing(panel, session, qtbot):
    first = create(panel, qtbot, "PUSH", "feed")
    create(panel, qtbot, "PULL", "feed")
    assert panel.create_error_label.isVisibleTo(panel)
    assert panel.create_error_label.text() == "A socket named 'feed' exists already"
    assert [s.name for s in session.sockets] == ["feed"]
    assert panel.name_edit.text() == "feed"  # kept so it can be corrected
    assert panel.current_socket() is first
    assert panel.model.rowCount() == 1
    # and it keeps working: correct the name, create
    qtbot.keyClicks(panel.name_edit, "-2")
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert [s.name for s in session.sockets] == ["feed", "feed-2"]
    assert not panel.create_error_label.isVisibleTo(panel)


def test_every_type_listed_and_drafts_disabled_with_the_reason(panel):
    model = panel.type_model
    listed = [model.item(row).data(TypeNameRole) for row in range(model.rowCount())]
    assert listed == list(SOCKET_TYPES)
    for row, name in enumerate(listed):
        info = SOCKET_TYPES[name]
        item = model.item(row)
        assert info.description in item.toolTip()
        assert info.peers_text in item.toolTip()
        if info.available:
            assert item.isEnabled()
        else:
            assert not item.isEnabled()
            assert info.unavailable_reason in item.toolTip()
    if not zmq.has("draft"):  # this machine's libzmq: the drafts cannot be made
        for name in ("CLIENT", "SERVER", "RADIO", "DISH", "SCATTER", "GATHER", "PEER", "CHANNEL"):
            assert not model.item(listed.index(name)).isEnabled()
            assert "draft" in model.item(listed.index(name)).toolTip()


def test_type_description_follows_the_choice(panel):
    choose_type(panel, "REQ")
    info = SOCKET_TYPES["REQ"]
    assert info.description in panel.type_help_label.text()
    assert "Talks to: REP, ROUTER" in panel.type_help_label.text()
    assert info.description in panel.type_combo.toolTip()
    choose_type(panel, "PULL")
    assert SOCKET_TYPES["PULL"].description in panel.type_help_label.text()


def test_sockets_made_elsewhere_appear_and_existing_ones_are_listed(session, qtbot):
    early = session.create_socket("PAIR")
    panel = SocketPanel(SessionBridge(session))
    qtbot.addWidget(panel)
    assert panel.current_socket() is early
    late = session.create_socket("ROUTER", "broker")
    assert panel.model.row_of(late) == 1
    assert panel.name_edit.placeholderText() == "pair-2"
    with qtbot.waitSignal(panel.socket_selected, timeout=WAIT_MS) as blocker:
        panel.select_socket(late)
    assert blocker.args == [late]
    assert "ROUTER" in panel.title_label.text()


# -- state and closing --------------------------------------------------------------------


def test_req_state_shows_waiting_for_reply(panel, qtbot, aloop):
    rep = create(panel, qtbot, "REP")
    click(qtbot, panel.endpoint_editor.bind_button)
    req = create(panel, qtbot, "REQ")
    type_endpoint(panel, qtbot, rep.endpoints[0].address)
    click(qtbot, panel.endpoint_editor.connect_button)
    assert row_state(panel, req) == ""
    task = aloop.create_task(req.send([b"ping"]))
    qtbot.waitUntil(lambda: row_state(panel, req) == "REQ: waiting for reply", timeout=WAIT_MS)
    # the panel's own label follows the list on its next update, not in the same turn
    qtbot.waitUntil(lambda: panel.state_label.text() == "REQ: waiting for reply", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: row_state(panel, rep) == "REP: reply due", timeout=WAIT_MS)
    qtbot.waitUntil(task.done, timeout=WAIT_MS)


def test_close_socket_moves_selection_sensibly(panel, session, qtbot):
    a = create(panel, qtbot, "PAIR", "a")
    b = create(panel, qtbot, "PAIR", "b")
    c = create(panel, qtbot, "PAIR", "c")
    panel.select_socket(b)
    selected = []
    panel.socket_selected.connect(selected.append)
    click(qtbot, panel.close_button)
    assert b.closed and session.sockets == [a, c]
    assert panel.current_socket() is c  # the one below takes its place
    assert selected == [c]
    panel.close_current_socket()  # the last one: the one above is next
    assert panel.current_socket() is a
    panel.close_current_socket()
    assert panel.current_socket() is None
    assert selected == [c, a, None]
    assert panel.model.rowCount() == 0
    assert panel.details_stack.currentIndex() == 0
    assert not panel.close_button.isEnabled()
    panel.close_current_socket()  # nothing selected: nothing happens
    # and creating still works afterwards
    assert create(panel, qtbot, "PAIR").name == "pair-1"


def test_closing_an_unselected_socket_keeps_the_selection(panel, session, qtbot):
    a = create(panel, qtbot, "PUSH")
    b = create(panel, qtbot, "PULL")
    selected = []
    panel.socket_selected.connect(selected.append)
    a.close()
    assert panel.current_socket() is b and selected == []
    assert panel.model.handles() == [b]


# -- models ---------------------------------------------------------------------------------


def test_models_pass_the_model_tester(panel, session, qtbot, qtmodeltester):
    sub = create(panel, qtbot, "SUB")
    click(qtbot, panel.endpoint_editor.bind_button)
    click(qtbot, panel.subscription_editor.add_button)
    create(panel, qtbot, "PUB")
    create(panel, qtbot, "ROUTER")
    qtmodeltester.check(panel.model)
    panel.select_socket(sub)
    qtmodeltester.check(panel.endpoint_editor.model)
    qtmodeltester.check(panel.subscription_editor.model)
    qtmodeltester.check(panel.type_model)
    sub.close()
    qtmodeltester.check(panel.model)


def test_context_menus_close_a_socket_and_copy_an_endpoint(panel, session, qtbot):
    from PySide6.QtWidgets import QMenu

    first = create(panel, qtbot, "PUB")
    click(qtbot, panel.endpoint_editor.bind_button)
    address = first.endpoints[0].address
    second = create(panel, qtbot, "SUB")
    # right-click the first socket: it gets selected, and the menu copies its endpoint
    panel.select_socket(first)
    editor = panel.endpoint_editor
    pos = editor.list_view.visualRect(editor.model.index(0, 0)).center()
    editor._on_list_context_menu_requested(pos)
    menu = editor.findChildren(QMenu)[-1]
    copy = next(a for a in menu.actions() if a.text().startswith("Copy"))
    copy.trigger()
    assert QGuiApplication.clipboard().text() == address
    menu.close()
    # the socket list's menu closes the socket under the pointer
    pos = panel.list_view.visualRect(panel.model.index(1)).center()
    panel._on_list_context_menu_requested(pos)
    assert panel.current_socket() is second
    menu = [m for m in panel.findChildren(QMenu) if m.parent() is panel][-1]
    close = menu.actions()[-1]
    assert close.text() == "Close sub-1"
    close.trigger()
    assert second.closed and session.sockets == [first]
    assert panel.current_socket() is first


def test_peek_name_does_not_consume_a_number(session):
    assert session.peek_name("SUB") == session.peek_name("sub") == "sub-1"
    assert session.suggest_name("SUB") == "sub-1"
    session.create_socket("SUB", "sub-2")  # a name taken by hand is skipped
    assert session.peek_name("SUB") == "sub-3"
    assert session.create_socket("SUB").name == "sub-3"
