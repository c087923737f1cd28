"""Drive the real MainWindow the way a user does, for the main-window and end-to-end tests.

Every step goes through the widgets a user touches (type chooser, Create, endpoint field,
Bind/Connect, subscription field, frame editor, Send, traffic table rows, detail pane) and
reads back what a user would see. The window gets its own INI settings file under tmp_path,
so tests never touch the user's real settings.

The ``window`` and ``user`` fixtures below reach every test through ``pytest_plugins`` in
conftest.py: request them by name, never import them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QPlainTextEdit, QTableView, QWidget
from session_helpers import ANY_PORT
from ui_actions import WAIT_MS, click

from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.compose.frame_editor import FrameRow
from zinspect.ui.main_window import MainWindow
from zinspect.ui.message.frame_list_model import COLUMN_CONTENT
from zinspect.ui.sockets.new_socket_row import TypeNameRole
from zinspect.ui.traffic.columns import COL_DIRECTION, COL_SOCKET, COL_SUMMARY
from zinspect.ui.traffic.traffic_model import MESSAGE_ROLE
from zinspect.ui.widgets.theme import SYSTEM, apply_theme, current_theme


def settings_at(path) -> QSettings:
    return QSettings(str(path), QSettings.Format.IniFormat)


@dataclass(frozen=True)
class Row:
    """One traffic table row as a user reads it (plus the exact frames behind it)."""

    socket: str
    direction: str  # "← in" or "→ out", as shown
    summary: str
    frames: tuple[bytes, ...]


class WindowDriver:
    """A user at the keyboard and mouse of one MainWindow."""

    def __init__(self, window: MainWindow, qtbot) -> None:
        self.window = window
        self.qtbot = qtbot

    # -- generic ------------------------------------------------------------------------
    def click(self, button: QAbstractButton) -> None:
        click(self.qtbot, button)

    def activate(self) -> None:
        """Make the window active: window shortcuts only fire in the active window."""
        self.window.activateWindow()
        self.qtbot.waitUntil(self.window.isActiveWindow, timeout=WAIT_MS)

    def shortcut(
        self,
        key: Qt.Key,
        modifier=Qt.KeyboardModifier.ControlModifier,
        target: QWidget | None = None,
    ) -> None:
        widget = target or self.window.focusWidget() or self.window
        self.qtbot.keyClick(widget, key, modifier)

    # -- sockets panel --------------------------------------------------------------------
    def create(self, type_name: str, name: str = "") -> SocketHandle:
        panel = self.window.sockets
        index = panel.type_combo.findData(type_name, TypeNameRole)
        assert index >= 0, type_name
        panel.type_combo.setCurrentIndex(index)
        panel.name_edit.clear()
        if name:
            self.qtbot.keyClicks(panel.name_edit, name)
        self.click(panel.create_button)
        handle = panel.current_socket()
        assert handle is not None and handle.type_name == type_name, panel.create_error_label.text()
        return handle

    def select(self, handle: SocketHandle) -> None:
        """Click the socket's row in the sockets list."""
        panel = self.window.sockets
        view = panel.list_view
        rect = view.visualRect(panel.model.index(panel.model.row_of(handle)))
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert panel.current_socket() is handle

    def type_endpoint(self, text: str) -> None:
        edit = self.window.sockets.endpoint_editor.endpoint_edit
        edit.clear()
        if text:
            self.qtbot.keyClicks(edit, text)

    def bind(self, text: str = ANY_PORT) -> str:
        """Bind the selected socket; return the real address the endpoint list shows."""
        editor = self.window.sockets.endpoint_editor
        self.type_endpoint(text)
        self.click(editor.bind_button)
        assert not editor.error_label.isVisibleTo(self.window), editor.error_label.text()
        shown = editor.endpoints_shown()[-1]
        kind, address = shown.split()
        assert kind == "bind" and "*" not in address
        return address

    def connect(self, text: str) -> None:
        editor = self.window.sockets.endpoint_editor
        self.type_endpoint(text)
        self.click(editor.connect_button)
        assert not editor.error_label.isVisibleTo(self.window), editor.error_label.text()
        assert editor.endpoints_shown()[-1] == f"connect  {text}"

    def subscribe(self, prefix: str) -> None:
        editor = self.window.sockets.subscription_editor
        editor.prefix_edit.clear()
        if prefix:
            self.qtbot.keyClicks(editor.prefix_edit, prefix)
        self.click(editor.add_button)
        assert not editor.error_label.isVisibleTo(self.window), editor.error_label.text()

    def socket_list(self) -> list[str]:
        model = self.window.sockets.model
        return [model.data(model.index(row)) for row in range(model.rowCount())]

    # -- composer -------------------------------------------------------------------------
    @property
    def frame_rows(self) -> list[FrameRow]:
        return self.window.composer.frame_editor.rows

    def compose(self, *texts: str, encoding: str = "text") -> None:
        """Type a message, one frame per text: Ctrl+A and type over frame 1, Add frame for
        the others (an editor with more frames than texts loses the extra ones)."""
        composer = self.window.composer
        while len(self.frame_rows) > len(texts):
            self.click(self.frame_rows[-1].remove_button)
        for number, text in enumerate(texts):
            if number >= len(self.frame_rows):
                self.click(composer.add_frame_button)
            row = self.frame_rows[number]
            combo = row.encoding_combo
            combo.setCurrentIndex(combo.findData(encoding))
            edit = row.text_edit
            edit.setFocus()
            self.qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            if text:
                self.qtbot.keyClicks(edit, text)
            else:
                self.qtbot.keyClick(edit, Qt.Key.Key_Delete)
            assert row.text == text

    def click_send(self) -> None:
        self.click(self.window.composer.send_button)

    def ctrl_enter(self) -> None:
        """Ctrl+Enter from the frame editor (the window-wide Send shortcut)."""
        self.qtbot.keyClick(
            self.frame_rows[0].text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )

    @property
    def send_status(self) -> str:
        return self.window.composer.status_label.text()

    @property
    def composer_state(self) -> str:
        return self.window.composer.state_label.text()

    # -- traffic table --------------------------------------------------------------------
    def rows(self) -> list[Row]:
        model = self.window.traffic.model
        result = []
        for row in range(model.rowCount()):
            message = model.data(model.index(row, 0), MESSAGE_ROLE)
            result.append(
                Row(
                    model.data(model.index(row, COL_SOCKET)),
                    model.data(model.index(row, COL_DIRECTION)),
                    model.data(model.index(row, COL_SUMMARY)),
                    tuple(message.frames),
                )
            )
        return result

    def wait_rows(self, count: int, timeout: int = WAIT_MS) -> list[Row]:
        model = self.window.traffic.model
        self.qtbot.waitUntil(lambda: model.rowCount() >= count, timeout=timeout)
        return self.rows()

    def click_row(self, row: int) -> None:
        traffic = self.window.traffic
        view = traffic.view
        index = traffic.model.index(row, COL_SUMMARY)
        view.scrollTo(index)
        rect = view.visualRect(index)
        assert rect.isValid(), f"row {row} is not visible"
        with self.qtbot.waitSignal(traffic.message_selected, timeout=WAIT_MS):
            self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    # -- detail pane ----------------------------------------------------------------------
    @property
    def frame_table(self) -> QTableView:
        return self.window.detail.findChild(QTableView, "frame_table")

    @property
    def frame_viewer(self) -> QPlainTextEdit:
        return self.window.detail.findChild(QPlainTextEdit, "frame_viewer")

    def detail_field(self, key: str) -> str:
        return self.window.detail.findChild(QLabel, f"{key}_field").text()

    def detail_frames(self) -> list[str]:
        """The frame list's content column, as shown."""
        model = self.frame_table.model()
        return [model.data(model.index(row, COLUMN_CONTENT)) for row in range(model.rowCount())]

    def show_frame(self, row: int) -> str:
        """Click frame ``row`` in the frame list; return what the viewer shows."""
        table = self.frame_table
        rect = table.visualRect(table.model().index(row, COLUMN_CONTENT))
        self.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        return self.frame_viewer.toPlainText()

    # -- "nothing else changed" -------------------------------------------------------------
    def snapshot(self) -> tuple:
        """What a user sees of sockets and traffic (errors and typed text excluded)."""
        session = self.window.session
        panel = self.window.sockets
        current = panel.current_socket()
        return (
            [
                (
                    s.name,
                    s.type_name,
                    [(e.kind, e.address) for e in s.endpoints],
                    list(s.subscriptions),
                    s.sent,
                    s.received,
                )
                for s in session.sockets
            ],
            self.socket_list(),
            panel.endpoint_editor.endpoints_shown(),
            current.name if current is not None else None,
            self.rows(),
            len(session.store),
            self.window.composer.history_model.rowCount(),
        )


@pytest.fixture
def window(session, qtbot, tmp_path):
    """The real main window on the test session, with its own settings file."""
    main = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=session)
    qtbot.addWidget(main)
    # a desktop's window: the offscreen screen is 800 x 800, and a first start fits itself
    # to the screen (tests/test_window_first_size.py)
    main.resize(1600, 800)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()
    main.shutdown()
    if current_theme() != SYSTEM:  # the theme is the application's: the next test starts light
        apply_theme(SYSTEM)


@pytest.fixture
def user(window, qtbot) -> WindowDriver:
    return WindowDriver(window, qtbot)
