"""The composer's history side: the messages it sent, newest first, with Resend, Load into
editor and Clear.

Kept apart from the composer (composer) so that one stays about the message being written
and its send; this panel never sends itself: it asks the composer, which checks the socket.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.ui.compose.send_history import ElidingRowDelegate, SendHistoryModel, SentMessage


class SendHistoryPanel(QWidget):
    """The sent-message list and its buttons. ``resend_requested(frames)`` on a double-click
    or Resend, ``load_requested(frames)`` on Load into editor; ``set_can_send`` says whether
    the composer could send now (Resend is enabled only then)."""

    resend_requested = Signal(object)  # list[bytes]
    load_requested = Signal(object)  # list[bytes]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._can_send = False
        self.model = SendHistoryModel(parent=self)
        self.label = QLabel("Sent messages", self)
        self.label.setAccessibleName("Sent messages")
        self.label.setToolTip("Messages sent from this composer, newest first")
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(ElidingRowDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAccessibleName("Sent message history")
        self.view.setToolTip(
            "Messages sent from this composer, newest first; double-click one to send it again"
        )
        self.label.setBuddy(self.view)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self.model.rowsInserted.connect(self._on_model_rows_changed)
        self.model.rowsRemoved.connect(self._on_model_rows_changed)
        self.model.modelReset.connect(self._on_model_rows_changed)
        self.resend_button = QPushButton("Resend", self)
        self.resend_button.setAccessibleName("Resend selected message")
        self.resend_button.setToolTip("Send the selected message again on the selected socket")
        self.resend_button.clicked.connect(self._on_resend_button_clicked)
        self.load_button = QPushButton("Load into editor", self)
        self.load_button.setAccessibleName("Load selected message into editor")
        self.load_button.setToolTip(
            "Put the frames of the selected message in the editor, to change them before sending"
        )
        self.load_button.clicked.connect(self._on_load_button_clicked)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setAccessibleName("Clear sent message history")
        self.clear_button.setToolTip(
            "Forget the sent messages listed here (the traffic view keeps them)"
        )
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.resend_button)
        buttons.addWidget(self.load_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- public API -----------------------------------------------------------------------
    def set_can_send(self, can_send: bool) -> None:
        """Whether the composer could send now: Resend follows it."""
        self._can_send = can_send
        self._update_buttons()

    # -- internals --------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        selected = self._selected_entry() is not None
        self.resend_button.setEnabled(selected and self._can_send)
        self.load_button.setEnabled(selected)
        self.clear_button.setEnabled(self.model.rowCount() > 0)

    def _selected_entry(self) -> SentMessage | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    # -- slots ------------------------------------------------------------------------------
    def _on_view_selection_changed(
        self, _selected: QItemSelection, _deselected: QItemSelection
    ) -> None:
        self._update_buttons()

    def _on_model_rows_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None:
            self.resend_requested.emit(list(entry.frames))

    def _on_resend_button_clicked(self) -> None:
        entry = self._selected_entry()
        if entry is not None:
            self.resend_requested.emit(list(entry.frames))

    def _on_load_button_clicked(self) -> None:
        entry = self._selected_entry()
        if entry is not None:
            self.load_requested.emit(list(entry.frames))

    def _on_clear_button_clicked(self) -> None:
        self.model.clear()
