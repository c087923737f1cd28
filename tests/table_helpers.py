"""Helpers of the traffic table's columns and menus: messages put in the store, a right-click
that opens a widget's real context menu, and the cells of a column by its title."""

from __future__ import annotations

import json
import time

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QComboBox, QMenu, QWidget
from ui_actions import WAIT_MS

from zinspect.core.store import IN, Message
from zinspect.ui.traffic.traffic_model import COL_SUMMARY


def put(window, *messages: list[bytes], socket: str = "sub") -> None:
    now = time.time()
    window.session.store.extend(
        [Message(now + i * 0.25, socket, IN, frames) for i, frames in enumerate(messages)]
    )


def reading(temp: float, city: str = "oslo") -> list[bytes]:
    return [city.encode(), json.dumps({"temp": temp, "unit": "C"}).encode()]


def right_click(qtbot, widget: QWidget, pos: QPoint) -> QMenu:
    """Right-click ``widget`` (a view's viewport) at ``pos``: the menu it pops up."""
    QApplication.sendEvent(
        widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, widget.mapToGlobal(pos))
    )
    qtbot.waitUntil(lambda: bool(_shown_menus()), timeout=WAIT_MS)
    return _shown_menus()[0]


def _shown_menus() -> list[QMenu]:
    # the popup Qt tracks, not a walk over QApplication.topLevelWidgets(): wrapping every
    # top-level widget met one half-way through its deletion and crashed a run (SIGSEGV)
    popup = QApplication.activePopupWidget()
    return [popup] if isinstance(popup, QMenu) and popup.isVisible() else []


def value_menu(qtbot, user, row: int, frame: int, path: str) -> QMenu:
    """Select ``row``, show its frame ``frame`` (from 0) decoded and right-click the value
    at ``path`` of the decoded tree."""
    user.click_row(row)
    user.show_frame(frame)
    combo = user.window.detail.findChild(QComboBox, "view_combo")
    combo.setCurrentIndex(combo.findData("decoded"))
    tree = user.window.detail.decoded_tree
    qtbot.waitUntil(
        lambda: tree.isVisible() and tree.item_at_path(path) is not None, timeout=WAIT_MS
    )
    item = tree.item_at_path(path)
    tree.scrollToItem(item)
    return right_click(qtbot, tree.viewport(), tree.visualItemRect(item).center())


def choose(menu: QMenu, text: str) -> None:
    """Click the menu's entry ``text`` (enabled), which closes the menu."""
    found = [a for a in menu.actions() if a.text() == text]
    assert found, [a.text() for a in menu.actions()]
    action: QAction = found[0]
    assert action.isEnabled(), f"{text!r} is disabled"
    menu.close()
    action.trigger()


def entry(menu: QMenu, text: str) -> QAction:
    found = [a for a in menu.actions() if a.text() == text]
    assert found, [a.text() for a in menu.actions()]
    return found[0]


def header_menu(qtbot, window, column: int = 0) -> QMenu:
    header = window.traffic.view.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(column) + 5, header.height() // 2)
    return right_click(qtbot, header.viewport(), pos)


def row_menu(qtbot, window, row: int) -> QMenu:
    view = window.traffic.view
    rect = view.visualRect(window.traffic.model.index(row, 0))
    return right_click(qtbot, view.viewport(), rect.center())


def column_by_title(window, title: str) -> int:
    model = window.traffic.model
    for column in range(model.columnCount()):
        if model.headerData(column, Qt.Orientation.Horizontal) == title:
            return column
    raise AssertionError(f"no column {title!r}")


def cells(window, title: str) -> list[str | None]:
    model = window.traffic.model
    column = column_by_title(window, title)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def ctrl_click_row(user, row: int) -> None:
    """Ctrl+click the table row ``row`` (adds it to the selection)."""
    traffic = user.window.traffic
    rect = traffic.view.visualRect(traffic.model.index(row, COL_SUMMARY))
    user.qtbot.mouseClick(
        traffic.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        rect.center(),
    )
