"""A window made smaller keeps room for the traffic table: a first-time user shrank the
window from 1600 to 1024 px and the docks kept their desktop widths, leaving the table a
quarter of the window (neither number nor time shown); Reset layout did not give it back;
selecting a message widened the Message pane to fit its title and two buttons on one row."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from ui_actions import WAIT_MS

from zinspect.core.store import IN, Message


def resize_to(window, qtbot, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=WAIT_MS)
    QApplication.processEvents()


def table_share(window) -> float:
    return window.traffic.width() / window.width()


def desktop_layout(window, qtbot) -> None:
    resize_to(window, qtbot, 1600, 1000)
    window._size_docks(1600)  # the docks' widths of a first start on a desktop
    QApplication.processEvents()


def test_a_window_made_small_keeps_room_for_the_table(window, qtbot):
    desktop_layout(window, qtbot)
    before = window.sockets_dock.width(), window.detail_dock.width()
    resize_to(window, qtbot, 1024, 700)
    qtbot.waitUntil(lambda: table_share(window) > 0.4, timeout=WAIT_MS)
    assert window.sockets_dock.width() <= before[0] and window.detail_dock.width() <= before[1]
    header = window.traffic.view.horizontalHeader()
    shown = [header.model().headerData(c, header.orientation()) for c in range(header.count())]
    shown = [name for c, name in enumerate(shown) if not header.isSectionHidden(c)]
    assert "No." in shown, shown


def test_a_window_made_wider_leaves_the_docks_as_they_are(window, qtbot):
    desktop_layout(window, qtbot)
    resize_to(window, qtbot, 1024, 700)
    narrowed = window.sockets_dock.width(), window.detail_dock.width()
    resize_to(window, qtbot, 1300, 800)
    assert (window.sockets_dock.width(), window.detail_dock.width()) == narrowed


def test_selecting_a_message_in_a_small_window_leaves_the_table_its_room(window, user, qtbot):
    desktop_layout(window, qtbot)
    resize_to(window, qtbot, 1024, 700)
    store = window.session.store
    store.append(Message(1.0, "127.0.0.1:53814 -> 127.0.0.1:5701", IN, [b"", b"World"]))
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 1, timeout=WAIT_MS)
    user.click_row(0)
    QApplication.processEvents()
    # the Message pane's title and its two buttons wrap instead of asking for one wide row
    # (355 px at least, 369 with its scroll bar: the dock grew to that on every selection)
    pane_width = window.detail_dock.widget().minimumWidth()
    assert pane_width <= 330, pane_width
    pane = window.detail
    title, resend = pane._title_label, pane._resend_button
    assert resend.isVisible() and not title.geometry().intersects(resend.geometry())
    assert pane.rect().contains(resend.geometry())
