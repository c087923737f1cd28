"""The sockets panel as the tests of test_ui_socket_panel*.py drive it: the ``panel`` fixture
(a SocketPanel on the session, through ``pytest_plugins`` in conftest.py) and the steps a
user takes on it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from zinspect.ui.automation.automation_editor import AutomationEditor
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.sockets.new_socket_row import TypeNameRole
from zinspect.ui.sockets.socket_list_model import SocketListModel
from zinspect.ui.sockets.socket_panel import SocketPanel


def shown_panel(session, qtbot, width: int, height: int) -> SocketPanel:
    """A SocketPanel on ``session``, shown at this size (the automation tests want it tall
    enough that the whole automation section is on screen)."""
    panel = SocketPanel(SessionBridge(session))
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    return panel


@pytest.fixture
def panel(session, qtbot):
    return shown_panel(session, qtbot, 380, 800)


def editor_of(panel: SocketPanel, handle) -> AutomationEditor:
    """Select ``handle`` in the list and return its automation editor."""
    panel.select_socket(handle)
    return panel.automation_editor


def tick(qtbot, group) -> None:
    """Check a checkable group box the way a user does: space on its title checkbox."""
    group.setFocus()
    qtbot.keyClick(group, Qt.Key.Key_Space)


def type_into(qtbot, widget, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


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
