"""The message detail pane as the tests of test_ui_detail_pane*.py drive it: the ``pane``
fixture (a DetailPane shown, through ``pytest_plugins`` in conftest.py), a message to show
in it, and the steps a user takes on it: pick a frame, choose a view, click a button, read
the viewer and its labels."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from zinspect.core.store import IN, Message
from zinspect.ui.message.detail_pane import DetailPane


def make_message(
    frames: list[bytes],
    seq: int = 1,
    socket: str = "sock-1",
    direction: str = IN,
    when: float | None = None,
) -> Message:
    message = Message(time.time() if when is None else when, socket, direction, frames)
    message.seq = seq
    return message


@pytest.fixture
def pane(qtbot) -> DetailPane:
    widget = DetailPane()
    qtbot.addWidget(widget)
    widget.resize(800, 650)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def child(pane: QWidget, kind: type, name: str):
    found = pane.findChild(kind, name)
    assert found is not None, name
    return found


def viewer_text(pane: DetailPane) -> str:
    return child(pane, QPlainTextEdit, "frame_viewer").toPlainText()


def label(pane: DetailPane, name: str) -> QLabel:
    return child(pane, QLabel, name)


def shown_note(pane: DetailPane) -> str:
    note = label(pane, "view_note")
    return note.text() if note.isVisibleTo(pane) else ""


def select_frame(qtbot, pane: DetailPane, row: int) -> None:
    table = child(pane, QTableView, "frame_table")
    index = table.model().index(row, 0)
    table.scrollTo(index)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )
    assert label(pane, "frame_title").text().startswith(f"Frame {row + 1} ")


def choose_view(pane: DetailPane, view: str) -> None:
    combo = child(pane, QComboBox, "view_combo")
    index = combo.findData(view)
    assert index >= 0
    combo.setCurrentIndex(index)


def click(qtbot, pane: DetailPane, name: str) -> None:
    qtbot.mouseClick(child(pane, QPushButton, name), Qt.MouseButton.LeftButton)
