"""The sockets panel driven as a user would: create, bind, connect, subscribe, close."""

from __future__ import annotations

import pytest
import zmq
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from ui_actions import WAIT_MS, click

from zinspect.core.sockets.endpoints import EndpointError, validate_endpoint
from zinspect.core.sockets.socket_types import SOCKET_TYPES
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.sockets.new_socket_row import TypeNameRole
from zinspect.ui.sockets.socket_list_model import SocketListModel
from zinspect.ui.sockets.socket_panel import SocketPanel


@pytest.fixture
def panel(session, qtbot):
    panel = SocketPanel(SessionBridge(session))
    qtbot.addWidget(panel)
    panel.resize(380, 800)
    panel.show()
    return panel


def choose_type(panel: SocketPanel, type_name: str) -> None:
    index = panel.type_combo.findData(type_name, TypeNameRole)
    assert index >= 0, type_name
    panel.type_combo.setCurrentIndex(index)


def create(panel: SocketPanel, qtbot, type_name: str, name: str = ""):
    """Choose a type, type a name (or none), click Create; return the selected handle."""
    choose_type(panel, type_name)
    panel.name_edit.clear()
    if name:
        qtbot.keyClicks(panel.name_edit, name)
    qtbot.mouseClick(panel.create_button, Qt.MouseButton.LeftButton)
    return panel.current_socket()


def type_endpoint(panel: SocketPanel, qtbot, text: str) -> None:
    edit = panel.endpoint_editor.endpoint_edit
    edit.clear()
    qtbot.keyClicks(edit, text)


def row_texts(panel: SocketPanel) -> list[str]:
    model = panel.model
    return [model.data(model.index(row)) for row in range(model.rowCount())]


def row_state(panel: SocketPanel, handle) -> str:
    return panel.model.data(
        panel.model.index(panel.model.row_of(handle)), SocketListModel.StateRole
    )


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
    # the "Bound…" menu offers the PULL's real address
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


# -- subscriptions ----------------------------------------------------------------------------


def test_subscribe_text_and_hex_then_remove(panel, qtbot):
    sub = create(panel, qtbot, "SUB")
    editor = panel.subscription_editor
    assert panel.subscriptions_group.isVisibleTo(panel)
    assert editor.hint_label.isVisibleTo(panel)
    assert editor.hint_label.text() == sub.subscription_hint
    assert row_state(panel, sub) == "no subscription"
    assert "everything" in editor.prefix_edit.placeholderText()

    qtbot.keyClicks(editor.prefix_edit, "weather")
    qtbot.keyClick(editor.prefix_edit, Qt.Key.Key_Return)
    assert sub.subscriptions == [b"weather"]
    assert not editor.hint_label.isVisibleTo(panel)
    assert row_state(panel, sub) == ""
    assert editor.prefix_edit.text() == ""

    editor.format_combo.setCurrentText("hex")
    assert "hex" in editor.prefix_edit.placeholderText()
    qtbot.keyClicks(editor.prefix_edit, "01 ff")
    click(qtbot, editor.add_button)
    click(qtbot, editor.add_button)  # empty prefix: everything
    assert sub.subscriptions == [b"weather", b"\x01\xff", b""]
    assert editor.subscriptions_shown() == ["'weather'", "0x 01 ff", "(everything)"]

    editor._select_topic(b"\x01\xff")
    click(qtbot, editor.remove_button)
    assert sub.subscriptions == [b"weather", b""]
    assert editor.subscriptions_shown() == ["'weather'", "(everything)"]
    editor.list_view.setFocus()
    qtbot.keyClick(editor.list_view, Qt.Key.Key_Delete)  # the neighbour got selected
    editor._select_topic(b"weather")
    qtbot.keyClick(editor.list_view, Qt.Key.Key_Delete)
    assert sub.subscriptions == []
    assert editor.hint_label.isVisibleTo(panel)
    assert row_state(panel, sub) == "no subscription"


def test_invalid_hex_and_duplicate_prefix_show_errors(panel, qtbot):
    sub = create(panel, qtbot, "XSUB")
    editor = panel.subscription_editor
    assert not editor.hint_label.isVisibleTo(panel)  # the hint is SUB's, XSUB sends its own
    editor.format_combo.setCurrentText("hex")
    qtbot.keyClicks(editor.prefix_edit, "zz")
    click(qtbot, editor.add_button)
    assert editor.error_label.isVisibleTo(panel)
    assert editor.error_label.text() == "'z' is not a hex digit (use 0-9, a-f)"
    assert editor.prefix_edit.text() == "zz"
    assert sub.subscriptions == [] and editor.subscriptions_shown() == []
    editor.prefix_edit.setText("abc")
    click(qtbot, editor.add_button)
    assert editor.error_label.text() == "Hex needs an even number of digits; this has 3"
    assert sub.subscriptions == []

    editor.prefix_edit.setText("ab")
    click(qtbot, editor.add_button)
    assert sub.subscriptions == [b"\xab"]
    assert not editor.error_label.isVisibleTo(panel)
    editor.prefix_edit.setText("ab")
    click(qtbot, editor.add_button)
    assert editor.error_label.text() == "Already subscribed to that prefix"
    assert sub.subscriptions == [b"\xab"]


def test_prefix_carries_over_when_switching_text_and_hex(panel, qtbot):
    create(panel, qtbot, "SUB")
    editor = panel.subscription_editor
    qtbot.keyClicks(editor.prefix_edit, "ab")
    editor.format_combo.setCurrentText("hex")
    assert editor.prefix_edit.text() == "61 62"
    editor.format_combo.setCurrentText("text")
    assert editor.prefix_edit.text() == "ab"


def test_subscriptions_hidden_for_types_that_do_not_subscribe(panel, qtbot):
    for type_name in ("PUB", "REQ", "ROUTER", "PUSH", "PAIR"):
        create(panel, qtbot, type_name)
        assert not panel.subscriptions_group.isVisibleTo(panel), type_name
    xpub = create(panel, qtbot, "XPUB")
    assert not panel.subscriptions_group.isVisibleTo(panel)
    assert panel.note_label.isVisibleTo(panel)
    assert "subscribe" in panel.note_label.text() and "traffic" in panel.note_label.text()
    create(panel, qtbot, "SUB")
    assert panel.subscriptions_group.isVisibleTo(panel)
    assert not panel.note_label.isVisibleTo(panel)
    panel.select_socket(xpub)
    assert not panel.subscriptions_group.isVisibleTo(panel)


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
    assert panel.state_label.text() == "REQ: waiting for reply"
    qtbot.waitUntil(lambda: row_state(panel, rep) == "REP: reply due", timeout=WAIT_MS)
    assert task.done()


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


def test_focus_new_socket_puts_focus_on_the_type_chooser(panel, qtbot):
    panel.activateWindow()
    panel.name_edit.setFocus()
    panel.focus_new_socket()
    qtbot.waitUntil(lambda: panel.type_combo.hasFocus(), timeout=WAIT_MS)


def test_every_control_has_a_tooltip_and_an_accessible_name(panel, qtbot):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QListView

    create(panel, qtbot, "SUB")

    def inside_a_compound(widget) -> bool:  # a combo's popup list, a line edit's clear button
        parent = widget.parent()
        while parent is not None and parent is not panel:
            if isinstance(parent, (QComboBox, QLineEdit)):
                return True
            parent = parent.parent()
        return False

    controls = [
        w
        for cls in (QAbstractButton, QComboBox, QLineEdit, QListView)
        for w in panel.findChildren(cls)
        if not inside_a_compound(w)
    ]
    assert len(controls) > 12
    for widget in controls:
        assert widget.accessibleName(), widget
        assert widget.toolTip(), widget.accessibleName()


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
    [close] = menu.actions()
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


# -- found in the acceptance audit ------------------------------------------------------------


def test_no_socket_page_has_no_scroll_bar_and_a_new_socket_starts_at_its_top(panel, session, qtbot):
    panel.resize(380, 560)
    bar = panel.details_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: panel.empty_label.isVisible(), timeout=WAIT_MS)
    assert not bar.isVisible()  # the hidden settings page no longer sizes the empty page
    sub = create(panel, qtbot, "SUB")
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT_MS)  # SUB settings are long
    bar.setValue(bar.maximum())
    create(panel, qtbot, "ROUTER")
    assert bar.value() == 0  # the title of the socket just selected is in sight
    bar.setValue(bar.maximum())
    panel.select_socket(sub)
    assert bar.value() == 0
    panel.close_current_socket()
    panel.close_current_socket()
    qtbot.waitUntil(lambda: panel.empty_label.isVisible(), timeout=WAIT_MS)
    assert not bar.isVisible()


def test_clear_buttons_of_the_fields_are_named(panel, qtbot):
    from PySide6.QtWidgets import QToolButton

    create(panel, qtbot, "SUB")
    edits = {
        "name": panel.name_edit,
        "endpoint": panel.endpoint_editor.endpoint_edit,
        "prefix": panel.subscription_editor.prefix_edit,
    }
    for field, edit in edits.items():
        edit.setText("x")
        buttons = [b for b in edit.findChildren(QToolButton) if b.isVisible()]
        assert buttons, field
        for button in buttons:
            assert button.accessibleName() == f"Clear {field}"
            assert button.toolTip() == f"Clear the {field} field"


def test_a_state_coming_and_going_does_not_move_the_buttons(panel, qtbot, aloop):
    # The REQ's "waiting for reply" used to push the endpoint field and Bind/Connect down
    # by a line just as the user reached for them.
    rep = create(panel, qtbot, "REP")
    click(qtbot, panel.endpoint_editor.bind_button)
    req = create(panel, qtbot, "REQ")
    type_endpoint(panel, qtbot, rep.endpoints[0].address)
    click(qtbot, panel.endpoint_editor.connect_button)
    connect_button = panel.endpoint_editor.connect_button
    qtbot.wait(50)  # let the layout settle after the connect
    before = connect_button.mapTo(panel, connect_button.rect().topLeft())
    aloop.create_task(req.send([b"ping"]))
    qtbot.waitUntil(lambda: panel.state_label.text() == "REQ: waiting for reply", timeout=WAIT_MS)
    qtbot.wait(50)  # let the layout settle
    assert panel.state_label.isVisible()
    assert connect_button.mapTo(panel, connect_button.rect().topLeft()) == before


def test_settings_fit_the_narrowest_dock_without_scrolling_sideways(panel, qtbot):
    # "Unbind/Disconnect" (nothing selected) made the endpoint buttons wider than the
    # panel's own minimum width, so a narrow dock scrolled the settings sideways.
    create(panel, qtbot, "SUB")
    panel.resize(panel.minimumSizeHint().width(), 600)
    qtbot.waitUntil(lambda: panel.width() == panel.minimumSizeHint().width(), timeout=WAIT_MS)
    qtbot.wait(50)
    assert panel.endpoint_editor.remove_button.text() == "Remove"
    assert panel.details_scroll.horizontalScrollBar().maximum() == 0
