"""The composer: build frames, send them on real core sockets, and read why a send is refused."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QWidget,
)
from ui_actions import WAIT_MS

from zinspect.core.store import IN, OUT
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.compose.composer import CANCELLED_TEXT, NO_SOCKET_TEXT, WAITING_TEXT, Composer


@pytest.fixture
def composer(session, qtbot):
    widget = Composer(SessionBridge(session))
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def push_pull(session):
    """A PUSH the composer sends on, and a PULL that receives (inproc, connected)."""
    push = session.create_socket("PUSH")
    pull = session.create_socket("PULL")
    push.bind("inproc://composer-push")
    pull.connect("inproc://composer-push")
    return push, pull


def frames_of(session, socket_name: str, direction: str) -> list[list[bytes]]:
    return [m.frames for m in session.store if m.socket == socket_name and m.direction == direction]


def type_into(qtbot, row, text: str) -> None:
    """Type ``text`` at the cursor; QTest types ASCII only, so other characters are pasted."""
    row.text_edit.setFocus()
    for char in text:
        if char.isascii():
            qtbot.keyClick(row.text_edit, char) if char != "\n" else qtbot.keyClick(
                row.text_edit, Qt.Key.Key_Return
            )
        else:
            row.text_edit.insertPlainText(char)


def choose_encoding(row, encoding: str) -> None:
    row.encoding_combo.setCurrentIndex(row.encoding_combo.findData(encoding))


def click_send(qtbot, composer: Composer) -> None:
    qtbot.mouseClick(composer.send_button, Qt.MouseButton.LeftButton)


def test_typed_multi_frame_message_goes_out_and_arrives(composer, session, push_pull, qtbot):
    push, pull = push_pull
    composer.set_socket(push)
    editor = composer.frame_editor
    type_into(qtbot, editor.rows[0], "hello")
    assert editor.rows[0].size_label.text() == "5 B"  # live as you type
    qtbot.mouseClick(composer.add_frame_button, Qt.MouseButton.LeftButton)
    type_into(qtbot, editor.rows[1], "wörld")
    assert editor.rows[1].size_label.text() == "6 B"
    assert composer.frames_label.text() == "2 frames · 11 B"

    with qtbot.waitSignal(composer.message_sent, timeout=WAIT_MS) as sent:
        click_send(qtbot, composer)
    assert sent.args == [[b"hello", "wörld".encode()]]
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    assert frames_of(session, push.name, OUT) == [[b"hello", "wörld".encode()]]
    assert frames_of(session, pull.name, IN) == [[b"hello", "wörld".encode()]]
    assert composer.status_label.text().startswith("Sent 2 frames, 11 B")


def test_each_encoding_sends_exact_bytes(composer, session, push_pull, qtbot):
    push, pull = push_pull
    composer.set_socket(push)
    editor = composer.frame_editor
    for _ in range(4):
        editor.add_frame()
    contents = [
        ("hex", "0xDE AD:be ef"),
        ("base64", "AAEC/w=="),
        ("json", '{ "a" : [1, 2],\n  "b": "é" }'),
        ("empty", ""),
        ("text", "plain"),
    ]
    for row, (encoding, text) in zip(editor.rows, contents):
        choose_encoding(row, encoding)
        type_into(qtbot, row, text)
    expected = [
        b"\xde\xad\xbe\xef",
        b"\x00\x01\x02\xff",
        '{"a":[1,2],"b":"é"}'.encode(),
        b"",
        b"plain",
    ]
    assert [row.size_label.text() for row in editor.rows] == [
        f"{len(frame)} B" for frame in expected
    ]
    assert not editor.rows[3].text_edit.isEnabled()  # nothing to type for an empty frame
    click_send(qtbot, composer)
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    assert frames_of(session, pull.name, IN) == [expected]


@pytest.mark.parametrize(
    "encoding, text, words",
    [
        ("hex", "abc", "Hex needs an even number of digits; this has 3"),
        ("hex", "12 zz", "'z' is not a hex digit"),
        ("json", '{"a": 1,\n "b": }', "Invalid JSON at line 2, column 7"),
    ],
)
def test_invalid_frame_shows_why_and_sends_nothing(
    composer, session, push_pull, qtbot, encoding, text, words
):
    push, pull = push_pull
    composer.set_socket(push)
    editor = composer.frame_editor
    type_into(qtbot, editor.rows[0], "fine")
    bad = editor.add_frame()
    choose_encoding(bad, encoding)
    type_into(qtbot, bad, text)
    assert bad.error_label.isVisible()
    assert words in bad.error_label.text()
    assert bad.size_label.text() == "—"
    assert not editor.rows[0].error_label.isVisible()

    click_send(qtbot, composer)
    status = composer.status_label.text()
    assert status.startswith("Not sent: frame 2 does not encode") and words in status
    assert bad.text_edit.hasFocus()  # the cursor goes to the frame to fix
    qtbot.wait(50)  # give a wrongly started send the chance to run
    assert len(session.store) == 0 and push.sent == 0
    assert editor.rows[1].text == text  # nothing else changed

    # fixing the frame clears the refusal and sends
    bad.set_content("text", "ok")
    assert composer.status_label.text() == ""
    click_send(qtbot, composer)
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)


def test_no_socket_disables_with_the_reason(composer):
    assert composer.state_label.text() == NO_SOCKET_TEXT
    assert composer.state_label.isVisible()
    assert not composer.send_action.isEnabled()
    assert not composer.frame_editor.isEnabled()


@pytest.mark.parametrize(
    "type_name, reason",
    [
        ("SUB", "A SUB socket only receives"),
        ("PULL", "A PULL socket only receives"),
    ],
)
def test_receive_only_types_are_disabled_with_the_reason(composer, session, type_name, reason):
    handle = session.create_socket(type_name)
    composer.set_socket(handle)
    assert reason in composer.state_label.text()
    assert composer.state_label.isVisible() and composer.state_label.isEnabled()
    assert not composer.send_action.isEnabled()
    assert not composer.send_button.isEnabled()
    assert not composer.frame_editor.isEnabled()
    assert not composer.add_frame_button.isEnabled()


def test_req_waits_for_reply_and_refuses_a_second_send(composer, session, qtbot, aloop):
    rep = session.create_socket("REP")
    req = session.create_socket("REQ")
    req.connect(rep.bind("tcp://127.0.0.1:*").address)

    composer.set_socket(rep)
    assert "REP must receive a request before it can send a reply" in composer.state_label.text()

    composer.set_socket(req)
    assert "ready to send a request" in composer.state_label.text()
    type_into(qtbot, composer.frame_editor.rows[0], "ping")
    click_send(qtbot, composer)
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "waiting for the reply" in composer.state_label.text(), timeout=WAIT_MS)

    stored = len(session.store)
    click_send(qtbot, composer)
    status = composer.status_label.text()
    assert status.startswith("Not sent: REQ is waiting for the reply")
    assert "EFSM" not in status and "state" not in status.lower()
    qtbot.wait(50)
    assert len(session.store) == stored and req.sent == 1

    aloop.create_task(rep.send([b"pong"]))
    qtbot.waitUntil(lambda: req.received == 1, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: "ready to send a request" in composer.state_label.text(), timeout=WAIT_MS
    )
    assert composer.status_label.text() == ""  # the refusal no longer holds: it goes
    with qtbot.waitSignal(composer.message_sent, timeout=WAIT_MS):
        click_send(qtbot, composer)
    qtbot.waitUntil(lambda: rep.received == 2, timeout=WAIT_MS)
    assert frames_of(session, req.name, OUT) == [[b"ping"], [b"ping"]]


def test_push_without_peer_waits_can_cancel_and_completes_when_a_peer_comes(
    composer, session, qtbot
):
    push = session.create_socket("PUSH")
    push.bind("inproc://composer-later")
    composer.set_socket(push)
    type_into(qtbot, composer.frame_editor.rows[0], "job")

    click_send(qtbot, composer)
    qtbot.waitUntil(composer.cancel_button.isVisible, timeout=WAIT_MS)
    assert composer.status_label.text() == WAITING_TEXT
    assert push.send_waiting
    # the window is not frozen: the editor still takes typing
    type_into(qtbot, composer.frame_editor.rows[0], "s")
    qtbot.mouseClick(composer.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: composer.status_label.text() == CANCELLED_TEXT, timeout=WAIT_MS)
    assert not composer.cancel_button.isVisible()
    assert len(session.store) == 0 and composer.history_model.rowCount() == 0

    click_send(qtbot, composer)
    qtbot.waitUntil(composer.cancel_button.isVisible, timeout=WAIT_MS)
    pull = session.create_socket("PULL")
    pull.connect("inproc://composer-later")
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: composer.status_label.text().startswith("Sent 1 frame"), timeout=WAIT_MS
    )
    assert not composer.cancel_button.isVisible()
    assert frames_of(session, pull.name, IN) == [[b"jobs"]]
    assert "ready" in composer.state_label.text()


def test_router_peer_chooser_replies_to_the_dealer(composer, session, qtbot, aloop):
    router = session.create_socket("ROUTER")
    dealer = session.create_socket("DEALER")
    dealer.connect(router.bind("tcp://127.0.0.1:*").address)
    composer.set_socket(router)
    assert composer.peer_combo.isVisible()
    assert composer.peer_combo.count() == 0
    assert "no peer has sent anything yet" in composer.state_label.text()

    aloop.create_task(dealer.send([b"hello"]))
    qtbot.waitUntil(lambda: composer.peer_combo.count() == 1, timeout=WAIT_MS)
    (routing_id,) = router.routing_ids
    assert routing_id.hex(" ")[:8] in composer.peer_combo.itemText(0)

    composer.peer_combo.setFocus()
    qtbot.keyClick(composer.peer_combo, Qt.Key.Key_Down)  # the user picks the peer
    editor = composer.frame_editor
    assert editor.rows[0].data == routing_id
    assert len(editor.rows) == 2 and editor.rows[1].text_edit.hasFocus()
    qtbot.keyClicks(editor.rows[1].text_edit, "welcome")
    click_send(qtbot, composer)
    qtbot.waitUntil(lambda: dealer.received == 1, timeout=WAIT_MS)
    assert frames_of(session, dealer.name, IN) == [[b"welcome"]]

    # choosing again replaces the routing id frame rather than stacking another one
    qtbot.keyClick(composer.peer_combo, Qt.Key.Key_Up)
    qtbot.keyClick(composer.peer_combo, Qt.Key.Key_Down)
    assert [row.data for row in editor.rows] == [routing_id, b"welcome"]


def test_dealer_delimiter_button_talks_to_rep(composer, session, qtbot):
    rep = session.create_socket("REP")
    dealer = session.create_socket("DEALER")
    dealer.connect(rep.bind("tcp://127.0.0.1:*").address)
    composer.set_socket(dealer)
    assert composer.delimiter_button.isVisible()
    editor = composer.frame_editor
    type_into(qtbot, editor.rows[0], "request")
    qtbot.mouseClick(composer.delimiter_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(composer.delimiter_button, Qt.MouseButton.LeftButton)  # no second one
    assert [(row.encoding, row.data) for row in editor.rows] == [
        ("empty", b""),
        ("text", b"request"),
    ]
    assert "already" in composer.status_label.text()
    click_send(qtbot, composer)
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)
    assert frames_of(session, rep.name, IN) == [[b"request"]]

    composer.set_socket(session.create_socket("PUSH"))
    assert not composer.delimiter_button.isVisible()
    assert not composer.peer_combo.isVisible()


def test_frames_can_be_added_moved_and_removed(composer, session, qtbot):
    composer.set_socket(session.create_socket("PUSH"))
    editor = composer.frame_editor
    assert not editor.rows[0].remove_button.isEnabled()  # a message keeps one frame
    for text in ("a", "b", "c"):
        if editor.rows[-1].text:
            qtbot.mouseClick(composer.add_frame_button, Qt.MouseButton.LeftButton)
        type_into(qtbot, editor.rows[-1], text)
    qtbot.mouseClick(editor.rows[2].up_button, Qt.MouseButton.LeftButton)
    assert editor.encoded() == ([b"a", b"c", b"b"], [])
    qtbot.mouseClick(editor.rows[0].down_button, Qt.MouseButton.LeftButton)
    assert editor.encoded() == ([b"c", b"a", b"b"], [])
    assert [row.number_label.text() for row in editor.rows] == ["Frame 1", "Frame 2", "Frame 3"]
    assert editor.rows[1].text_edit.accessibleName() == "Frame 2 content"
    assert not editor.rows[0].up_button.isEnabled() and not editor.rows[2].down_button.isEnabled()
    qtbot.mouseClick(editor.rows[1].remove_button, Qt.MouseButton.LeftButton)
    assert editor.encoded() == ([b"c", b"b"], [])
    assert composer.frames_label.text() == "2 frames · 2 B"


def test_many_frames_stay_usable_in_a_scroll_area(composer, session, push_pull, qtbot):
    push, pull = push_pull
    composer.set_socket(push)
    frames = [b"frame %d" % n for n in range(90)]
    composer.load_frames(frames)
    editor = composer.frame_editor
    # rows of a long message are built a chunk per event-loop turn; it counts and sends whole
    assert composer.frames_label.text().startswith("90 frames")
    click_send(qtbot, composer)
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    assert frames_of(session, pull.name, IN) == [frames]
    qtbot.waitUntil(lambda: not editor.loading, timeout=WAIT_MS)
    assert len(editor.rows) == 90 and editor.rows[-1].number_label.text() == "Frame 90"
    assert not editor.rows[-1].down_button.isEnabled() and editor.rows[-2].down_button.isEnabled()
    qtbot.waitUntil(lambda: editor.verticalScrollBar().maximum() > 0, timeout=WAIT_MS)
    assert composer.height() <= 400
    assert editor.encoded() == (frames, [])


def test_history_resend_double_click_and_load(composer, session, push_pull, qtbot, qtmodeltester):
    push, pull = push_pull
    composer.set_socket(push)
    for text in ("first", "second"):
        composer.load_frames([text.encode(), b"\x00\x01"])
        with qtbot.waitSignal(composer.message_sent, timeout=WAIT_MS):
            click_send(qtbot, composer)
    model = composer.history_model
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    newest = model.index(0, 0).data()
    assert push.name in newest and "second | 0x 00 01" in newest
    assert not composer.resend_button.isEnabled()  # nothing selected yet

    view = composer.history_view
    view.setCurrentIndex(model.index(1, 0))
    assert composer.resend_button.isEnabled() and composer.load_button.isEnabled()
    qtbot.mouseClick(composer.resend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pull.received == 3, timeout=WAIT_MS)
    assert model.rowCount() == 3 and "first" in model.index(0, 0).data()

    center = view.visualRect(model.index(2, 0)).center()
    # a double-click is a press, a release, then the double-click event
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.waitUntil(lambda: pull.received == 4, timeout=WAIT_MS)
    assert frames_of(session, pull.name, IN)[2:] == [[b"first", b"\x00\x01"]] * 2

    assert [entry.frames[0] for entry in model.entries] == [b"first", b"first", b"second", b"first"]
    view.setCurrentIndex(model.index(2, 0))
    qtbot.mouseClick(composer.load_button, Qt.MouseButton.LeftButton)
    assert composer.frame_editor.encoded() == ([b"second", b"\x00\x01"], [])
    qtbot.mouseClick(composer.clear_history_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0 and not composer.clear_history_button.isEnabled()


def test_load_frames_round_trips_binary_exactly(composer, session, push_pull, qtbot):
    push, pull = push_pull
    frames = [
        b"",
        b"plain",
        bytes(range(256)),
        b"\xff\xfe\x00",
        "héllo ✓".encode(),
        b'{"a": 1}',
        b"tab\tand\nnewline\r\n",
        b" ",
        b"\x7f",
        b"00",
        "no\u00a0break".encode(),
        "line\u2028sep".encode(),
        b"\r",
    ]
    composer.load_frames(frames)
    assert composer.frame_editor.encoded() == (frames, [])
    composer.set_socket(push)
    click_send(qtbot, composer)
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    assert frames_of(session, pull.name, IN) == [frames]


def test_ctrl_enter_sends_from_the_main_window(session, push_pull, qtbot):
    push, pull = push_pull
    window = QMainWindow()
    qtbot.addWidget(window)
    composer = Composer(SessionBridge(session))
    window.setCentralWidget(composer)
    window.addAction(composer.send_action)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    composer.set_socket(push)
    row = composer.frame_editor.rows[0]
    type_into(qtbot, row, '{"n": 1}')
    qtbot.keyClick(row.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    assert row.text == '{"n": 1}'  # Ctrl+Enter sent; it did not type a newline
    qtbot.keyClick(
        composer.history_view,
        Qt.Key.Key_Enter,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier,
    )
    qtbot.waitUntil(lambda: pull.received == 2, timeout=WAIT_MS)


def test_removed_socket_resets_the_composer(composer, session):
    push = session.create_socket("PUSH")
    composer.set_socket(push)
    assert composer.send_action.isEnabled()
    push.close()
    assert composer.socket is None
    assert composer.state_label.text() == NO_SOCKET_TEXT
    assert not composer.send_action.isEnabled()


def test_every_control_has_a_tooltip_and_an_accessible_name(composer, session):
    composer.set_socket(session.create_socket("ROUTER"))
    composer.frame_editor.add_frame()
    kinds = (QAbstractButton, QComboBox, QPlainTextEdit, QAbstractItemView, QLabel)
    controls = [
        w for w in composer.findChildren(QWidget) if isinstance(w, kinds) and not _inside_combo(w)
    ]
    assert len(controls) > 20
    missing = [w for w in controls if not w.toolTip() or not w.accessibleName()]
    assert missing == [], [
        (type(w).__name__, w.text() if hasattr(w, "text") else "") for w in missing
    ]


def _inside_combo(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox) or parent.inherits("QComboBoxPrivateContainer"):
            return True
        parent = parent.parentWidget()
    return False


# -- found in the acceptance audit ------------------------------------------------------------


def test_peer_hint_follows_the_router_shown(composer, session, qtbot, aloop):
    router = session.create_socket("ROUTER")
    dealer = session.create_socket("DEALER")
    dealer.connect(router.bind("tcp://127.0.0.1:*").address)
    lonely = session.create_socket("ROUTER")
    composer.set_socket(router)
    assert composer.peer_combo.placeholderText() == "No peer has sent anything yet"
    aloop.create_task(dealer.send([b"hello"]))
    qtbot.waitUntil(lambda: composer.peer_combo.count() == 1, timeout=WAIT_MS)
    assert composer.peer_combo.placeholderText() == "Choose a peer…"
    # a ROUTER nobody has talked to must not invite the user to choose from nothing
    composer.set_socket(lonely)
    assert composer.peer_combo.count() == 0
    assert composer.peer_combo.placeholderText() == "No peer has sent anything yet"


def test_long_sent_messages_are_elided_not_scrolled_sideways(composer, session, push_pull, qtbot):
    push, _pull = push_pull
    composer.set_socket(push)
    composer.load_frames([b"a long frame " * 20, b"and another one " * 20])
    with qtbot.waitSignal(composer.message_sent, timeout=WAIT_MS):
        click_send(qtbot, composer)
    view = composer.history_view
    qtbot.waitUntil(lambda: composer.history_model.rowCount() == 1, timeout=WAIT_MS)
    assert view.horizontalScrollBar().maximum() == 0
    assert view.visualRect(composer.history_model.index(0, 0)).width() <= view.viewport().width()
    assert "a long frame" in composer.history_model.index(0, 0).data(
        Qt.ItemDataRole.ToolTipRole
    )  # the whole message is one hover away
