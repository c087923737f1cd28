"""The real main window, driven as a user: sockets, traffic, detail, composer, shortcuts,
layout memory, dialogs and a quick quit."""

from __future__ import annotations

import socket
import time

import zmq
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_actions import WAIT_MS, menu_action, open_boxes, the_box, trigger_menu
from window_driver import ANY_PORT, WindowDriver, settings_at

import zinspect
from zinspect.ui.main_window import MainWindow

IN_TEXT, OUT_TEXT = "← in", "→ out"


def xpub_and_sub(user: WindowDriver, topic: str = "news"):
    """An XPUB bound on a real port and a SUB connected to the address the list shows,
    subscribed to ``topic``; returns them once the XPUB has seen the subscription (a user
    sees that row), so a message sent now cannot be lost to the slow-joiner effect."""
    xpub = user.create("XPUB", "publisher")
    address = user.bind(ANY_PORT)
    assert address.startswith("tcp://127.0.0.1:") and int(address.rsplit(":", 1)[1]) > 0
    sub = user.create("SUB", "listener")
    user.connect(address)
    user.subscribe(topic)
    rows = user.wait_rows(1)
    assert rows[0].socket == "publisher" and rows[0].direction == IN_TEXT
    assert rows[0].frames == (b"\x01" + topic.encode(),)
    assert topic in rows[0].summary and "subscribe" in rows[0].summary
    return xpub, sub


# -- the whole loop: create, bind, connect, subscribe, send, see, inspect -------------------


def test_send_shows_out_and_in_rows_and_the_detail_pane_shows_each_frame(window, user, qtbot):
    xpub, sub = xpub_and_sub(user)
    assert user.socket_list()[0].startswith("publisher (XPUB)")
    assert user.socket_list()[1].startswith("listener (SUB)")

    user.select(xpub)
    assert window.composer.socket is xpub
    user.compose("news", "hello world")
    user.click_send()
    rows = user.wait_rows(3)
    assert [(r.socket, r.direction, r.frames) for r in rows[1:]] == [
        ("publisher", OUT_TEXT, (b"news", b"hello world")),
        ("listener", IN_TEXT, (b"news", b"hello world")),
    ]
    assert "news | hello world" in rows[2].summary
    qtbot.waitUntil(lambda: user.send_status.startswith("Sent 2 frames"), timeout=WAIT_MS)

    user.click_row(2)
    assert window.detail.message is not None
    assert user.detail_field("socket") == "listener (SUB)"
    assert user.detail_field("direction") == "in (received)"
    assert user.detail_field("frames") == "2 frames"
    assert user.detail_frames() == ["news", "hello world"]
    assert user.frame_viewer.toPlainText() == "news"  # frame 0 is shown at once
    assert user.show_frame(1) == "hello world"

    user.click_row(1)
    assert user.detail_field("socket") == "publisher (XPUB)"
    assert user.detail_field("direction") == "out (sent)"


def test_edit_and_resend_fills_the_composer_and_selects_the_sending_socket(window, user, qtbot):
    xpub, sub = xpub_and_sub(user)
    user.select(xpub)
    user.compose("news", "first")
    user.click_send()
    user.wait_rows(3)
    user.select(sub)  # the user has moved on to another socket
    assert window.composer.socket is sub

    user.click_row(1)  # the XPUB's outgoing message
    user.click(window.detail.findChild(type(window.composer.add_frame_button), "resend_button"))
    assert window.sockets.current_socket() is xpub
    assert window.composer.socket is xpub
    assert [row.text for row in user.frame_rows] == ["news", "first"]
    assert window.composer_dock.isVisible()

    user.compose("news", "second")  # edit, then send again
    user.click_send()
    rows = user.wait_rows(5)
    assert rows[-1].socket == "listener" and rows[-1].frames == (b"news", b"second")


# -- shortcuts --------------------------------------------------------------------------------


def test_ctrl_n_focuses_the_type_chooser_and_ctrl_w_closes_the_selected_socket(window, user, qtbot):
    user.activate()
    window.traffic.view.setFocus()
    user.shortcut(Qt.Key.Key_N)
    qtbot.waitUntil(window.sockets.type_combo.hasFocus, timeout=WAIT_MS)

    first = user.create("PUSH", "first")
    second = user.create("PULL", "second")
    assert window.sockets.current_socket() is second
    user.shortcut(Qt.Key.Key_W, target=window.traffic.view)
    assert second.closed and [s.name for s in window.session.sockets] == ["first"]
    assert window.sockets.current_socket() is first  # the neighbour takes over
    assert window.composer.socket is first
    user.shortcut(Qt.Key.Key_W, target=window.traffic.view)
    assert first.closed and window.session.sockets == []
    assert window.sockets.current_socket() is None
    user.shortcut(Qt.Key.Key_W, target=window.traffic.view)  # nothing left: nothing happens


def test_ctrl_f_focuses_the_filter_ctrl_p_pauses_ctrl_l_clears(window, user, qtbot):
    xpub, sub = xpub_and_sub(user)
    user.activate()
    traffic = window.traffic
    traffic.view.setFocus()
    user.shortcut(Qt.Key.Key_F)
    qtbot.waitUntil(traffic.filter_edit.hasFocus, timeout=WAIT_MS)

    user.shortcut(Qt.Key.Key_P, target=traffic.view)
    assert traffic.pause_action.isChecked()
    user.select(xpub)
    user.compose("news", "while paused")
    user.click_send()
    qtbot.waitUntil(lambda: len(window.session.store) == 3, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: traffic.paused_label.text() == "Paused — 2 new", timeout=WAIT_MS)
    assert traffic.paused_label.isVisible()
    assert traffic.model.rowCount() == 1  # frozen
    user.shortcut(Qt.Key.Key_P, target=traffic.view)
    assert not traffic.pause_action.isChecked()
    user.wait_rows(3)
    assert not traffic.paused_label.isVisible()

    user.click_row(2)
    user.shortcut(Qt.Key.Key_L, target=traffic.view)
    assert traffic.model.rowCount() == 0 and len(window.session.store) == 0
    assert window.detail.message is None
    assert traffic.count_label.text() == "0 messages"


def test_ctrl_enter_sends_from_the_frame_editor(window, user, qtbot):
    xpub, sub = xpub_and_sub(user)
    user.activate()
    user.select(xpub)
    user.compose("news", "by keyboard")
    user.ctrl_enter()
    rows = user.wait_rows(3)
    assert rows[2].frames == (b"news", b"by keyboard")
    assert [row.text for row in user.frame_rows] == ["news", "by keyboard"]  # no newline typed


def test_f1_lists_the_shortcuts_in_a_box_that_leaves_the_window_usable(window, user, qtbot):
    user.activate()
    user.shortcut(Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier, target=window.traffic.view)
    box = the_box(window, qtbot)
    assert box.windowTitle() == "Keyboard shortcuts"
    assert box.windowModality() == Qt.WindowModality.NonModal
    text = box.text()
    for keys, what in (
        ("Ctrl+N", "New socket"),
        ("Ctrl+W", "Close socket"),
        ("Ctrl+F", "Filter traffic"),
        ("Ctrl+P", "Pause view"),
        ("Ctrl+L", "Clear"),
        ("Ctrl+Return", "Send"),
        ("Ctrl+Enter", "Send"),
        ("Ctrl+Q", "Quit"),
        ("F1", "Keyboard shortcuts"),
    ):
        line = next((line for line in text.splitlines() if keys in line), "")
        assert what in line, (keys, text)
    # the window still takes input while the box is open
    user.create("PUSH")
    user.click(box.button(QMessageBox.StandardButton.Close))
    qtbot.waitUntil(lambda: not open_boxes(window), timeout=WAIT_MS)
    # F1 again, twice: the same box comes back, no second copy stacks up
    user.activate()
    for _ in range(2):
        user.shortcut(Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier, target=window.traffic.view)
        qtbot.waitUntil(lambda: open_boxes(window) == [box], timeout=WAIT_MS)
        user.activate()
    assert window.findChildren(QMessageBox) == [box]


def test_ctrl_q_closes_the_window_and_says_so(window, user, qtbot):
    user.activate()
    with qtbot.waitSignal(window.window_closed, timeout=WAIT_MS):
        user.shortcut(Qt.Key.Key_Q, target=window.traffic.view)
    assert not window.isVisible()


def test_about_box_shows_the_versions(window, qtbot):
    trigger_menu(window, "About zinspect")
    box = the_box(window, qtbot)
    text = box.text()
    assert f"zinspect {zinspect.__version__}" in text
    assert f"pyzmq    {zmq.__version__}" in text
    assert f"libzmq   {zmq.zmq_version()}" in text
    assert "Qt " in text and "PySide6 6." in text
    box.close()


# -- status bar --------------------------------------------------------------------------------


def test_status_bar_counts_messages_in_and_out(window, user, qtbot):
    assert window.status.text().startswith("session: in 0 ")
    xpub, sub = xpub_and_sub(user)
    user.select(xpub)
    for number in range(3):
        user.compose("news", f"n{number}")
        user.click_send()
        user.wait_rows(1 + 2 * (number + 1))
    # in: the subscription and three deliveries; out: three sends
    qtbot.waitUntil(
        lambda: (
            window.status.text().startswith("session: in 4 ") and " out 3 " in window.status.text()
        ),
        timeout=WAIT_MS,
    )
    assert "stored 7" in window.status.text()


# -- layout memory -------------------------------------------------------------------------------


def test_layout_is_remembered_and_reset_layout_brings_panels_back(window, qtbot, tmp_path):
    window.detail_dock.hide()
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.composer_dock)
    # (the offscreen screen is 800x800 and clamps restored widths, so only the height,
    # within the screen, is checked)
    window.resize(window.width(), 700)
    window.close()  # saves the layout

    again = MainWindow(settings=settings_at(tmp_path / "s.ini"))
    qtbot.addWidget(again)
    try:
        again.show()
        qtbot.waitExposed(again)
        assert again.detail_dock.isHidden()
        assert again.dockWidgetArea(again.composer_dock) == Qt.DockWidgetArea.RightDockWidgetArea
        assert again.height() == 700
        assert not menu_action(again, "Message").isChecked()  # View menu follows

        trigger_menu(again, "Reset layout")
        for dock in (again.sockets_dock, again.detail_dock, again.composer_dock):
            assert dock.isVisible() and not dock.isFloating(), dock.objectName()
        assert again.dockWidgetArea(again.composer_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
        assert again.dockWidgetArea(again.detail_dock) == Qt.DockWidgetArea.RightDockWidgetArea
        assert again.dockWidgetArea(again.sockets_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    finally:
        again.close()
        again.shutdown()


def test_view_menu_hides_and_shows_panels(window, qtbot):
    toggle = menu_action(window, "Message")
    toggle.trigger()
    assert window.detail_dock.isHidden()
    toggle.trigger()
    assert window.detail_dock.isVisible()


# -- quitting ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_quitting_with_thousands_of_undelivered_messages_is_quick(window, user, qtbot, aloop):
    push = user.create("PUSH", "nobody-listens")
    user.connect(f"tcp://127.0.0.1:{free_port()}")  # a connect queues even without a peer
    user.compose("first of many")
    user.click_send()  # the first through the composer...
    qtbot.waitUntil(lambda: push.sent == 1, timeout=WAIT_MS)

    async def flood() -> None:
        # ...the next ones as fast as the socket takes them, until the high-water mark is
        # reached (core's non-blocking send: a thousand clicks would be slow to watch)
        while push._try_send([b"y" * 10_000]):
            pass

    task = aloop.create_task(flood())
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert push.sent >= 1000  # the high-water mark is full: nothing more can be queued
    user.click_send()  # this one waits for room, with Cancel
    qtbot.waitUntil(window.composer.cancel_button.isVisible, timeout=WAIT_MS)

    started = time.perf_counter()
    window.close()
    window.shutdown()
    QApplication.processEvents()
    elapsed = time.perf_counter() - started
    # waiting for the queued messages to go would wait forever (nobody reads them)
    assert elapsed < 5.0, f"quitting took {elapsed:.2f} s"
    assert push.closed and window.session.closed


def test_every_panel_and_action_is_named_and_explained(window):
    for dock in (window.sockets_dock, window.detail_dock, window.composer_dock):
        assert dock.accessibleName() and dock.toggleViewAction().toolTip(), dock.objectName()
    menus = [a.menu() for a in window.menuBar().actions()]
    assert [m.title().replace("&", "") for m in menus] == [
        "File",
        "Edit",
        "Socket",
        "View",
        "Capture",
        "Demos",
        "Help",
    ]
    actions = [a for menu in menus for a in menu.actions() if not a.isSeparator()]
    assert len(actions) >= 12
    for action in actions:
        assert action.toolTip(), action.text()


def test_an_old_libzmq_warning_stays_in_the_status_bar(session, qtbot, tmp_path, monkeypatch):
    import zinspect.ui.main_window as main_window

    warning = "libzmq 4.3.2 is older than 4.3.3 and has known security flaws"
    monkeypatch.setattr(main_window, "libzmq_warning", lambda: warning)
    main = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=session)
    qtbot.addWidget(main)
    main.show()
    try:
        label = main.libzmq_warning_label
        assert label is not None and label.text() == warning and label.isVisible()
        main.statusBar().showMessage("a menu's status tip")  # what hovering a menu does
        assert label.isVisible()
    finally:
        main.close()
        main.shutdown()


def test_a_current_libzmq_shows_no_warning(window):
    from zinspect.core.security.libzmq_check import libzmq_warning

    assert (window.libzmq_warning_label is None) == (libzmq_warning() == "")


def test_first_start_fits_the_screen_and_a_broken_settings_file_is_ignored(
    session, qtbot, tmp_path
):
    path = tmp_path / "broken.ini"
    path.write_text("[window]\ngeometry=@ByteArray(not a geometry)\nstate=12\n")
    main = MainWindow(settings=settings_at(path), session=session)
    qtbot.addWidget(main)
    main.show()
    try:
        available = main.screen().availableGeometry()
        assert main.height() <= available.height()  # (offscreen: an 800x800 screen)
        for dock in (main.sockets_dock, main.detail_dock, main.composer_dock):
            assert dock.isVisible() and not dock.isFloating()
    finally:
        main.close()
        main.shutdown()
