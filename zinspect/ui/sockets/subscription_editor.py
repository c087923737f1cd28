"""Subscriptions of a SUB or XSUB socket: add a prefix (text or hex), list, remove.

A SUB without a subscription silently receives nothing, the most common ZeroMQ surprise, so
the editor shows SocketHandle.subscription_hint prominently while it applies.
"""

from __future__ import annotations

import logging
from weakref import WeakKeyDictionary

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.codecs import FrameEncodingError, encode_frame, printable_text, topic_text
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.sockets.socket_types import SUBSCRIBING_TYPES
from zinspect.ui.widgets.a11y import describe_clear_button
from zinspect.ui.widgets.feedback import error_label, show_error
from zinspect.ui.widgets.lists import selected_data, short_list_view
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

TopicRole = Qt.ItemDataRole.UserRole + 1
HINT_STYLE = (
    "color: {hint_text}; background: {hint_background}; border: 1px solid {hint_border}; "
    "border-radius: 3px; padding: 4px; font-weight: bold;"
)
PREFIX_FORMATS = ("text", "hex")


class SubscriptionEditor(QWidget):
    """The subscription prefixes of one SUB/XSUB socket. The panel hides it for other types."""

    subscriptions_edited = Signal()  # after a successful subscribe or unsubscribe

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._handle: SocketHandle | None = None
        self._shown: list[bytes] = []
        # the prefix format chosen per socket; a closed socket's entry goes with it
        self._formats: WeakKeyDictionary[SocketHandle, str] = WeakKeyDictionary()

        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        set_style(self.hint_label, HINT_STYLE)
        self.hint_label.setAccessibleName("Subscription hint")
        self.hint_label.setToolTip(
            "A SUB socket only delivers messages whose first frame "
            "starts with one of its subscriptions"
        )
        self.hint_label.hide()

        self.prefix_edit = QLineEdit()
        self.prefix_edit.setClearButtonEnabled(True)
        self.prefix_edit.setAccessibleName("Subscription prefix")
        describe_clear_button(self.prefix_edit, "prefix")
        self.format_combo = QComboBox()
        self.format_combo.addItems(PREFIX_FORMATS)
        self.format_combo.setAccessibleName("Prefix format")
        self.format_combo.setToolTip(
            "How the prefix is written: as text (UTF-8) or as hex bytes such as 01 ff"
        )
        self.add_button = QPushButton("Subscribe")
        self.add_button.setAccessibleName("Subscribe")
        self.add_button.setToolTip(
            "Add the prefix to this socket's subscriptions (Enter in the "
            "field); an empty prefix receives everything"
        )
        self.error_label = error_label("Subscription error")

        self.model = QStandardItemModel(self)
        self.list_view = short_list_view(
            self.model,
            "Subscriptions",
            "Active subscription prefixes (Delete removes the selected one)",
            90,
        )
        self.list_view.installEventFilter(self)
        self.remove_button = QPushButton("Unsubscribe")
        self.remove_button.setAccessibleName("Unsubscribe")
        self.remove_button.setToolTip("Remove the selected subscription (Delete)")

        field_row = QHBoxLayout()  # the prefix on a line of its own: its hint is read whole
        field_row.addWidget(self.format_combo)
        field_row.addWidget(self.add_button)
        field_row.addStretch(1)
        remove_row = QHBoxLayout()
        remove_row.addWidget(self.remove_button)
        remove_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.prefix_edit)
        layout.addLayout(field_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.list_view)
        layout.addLayout(remove_row)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.prefix_edit.returnPressed.connect(self._on_prefix_edit_return_pressed)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.format_combo.currentTextChanged.connect(self._on_format_combo_current_text_changed)
        self.list_view.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self._update_prefix_help()
        self._update_buttons()

    # -- public --------------------------------------------------------------------------
    @staticmethod
    def applies_to(handle: SocketHandle | None) -> bool:
        return handle is not None and handle.type_name in SUBSCRIBING_TYPES

    def set_handle(self, handle: SocketHandle | None) -> None:
        """Show ``handle``'s subscriptions, with the prefix format last chosen for it (text
        for a socket never shown: a hex choice made for another must not carry over)."""
        if handle is self._handle:
            return
        if self._handle is not None:
            self._formats[self._handle] = self.format_combo.currentText()
        self._handle = handle if self.applies_to(handle) else None
        self.prefix_edit.clear()
        chosen = self._formats.get(self._handle, "text") if self._handle else "text"
        self.format_combo.setCurrentText(chosen)
        show_error(self.error_label, "")
        self._shown = []
        self.model.clear()
        self.refresh()

    def refresh(self) -> None:
        """Follow the socket's subscriptions; rebuilds the list only when they changed."""
        handle = self._handle
        hint = handle.subscription_hint if handle is not None else ""
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))
        topics = list(handle.subscriptions) if handle is not None else []
        if topics != self._shown:
            current = self.selected_topic()
            self._shown = topics
            self.model.clear()
            for topic in topics:
                item = QStandardItem(topic_text(topic))
                item.setEditable(False)
                item.setData(topic, TopicRole)
                item.setToolTip(
                    f"{len(topic)} byte prefix"
                    + (f": {topic.hex(' ')}" if topic else " (matches everything)")
                )
                self.model.appendRow(item)
            if current is not None and current in topics:
                self._select_topic(current)
        self._update_buttons()

    def subscriptions_shown(self) -> list[str]:
        return [self.model.item(row).text() for row in range(self.model.rowCount())]

    def selected_topic(self) -> bytes | None:
        topic = selected_data(self.list_view, TopicRole)
        return topic if isinstance(topic, bytes) else None

    # -- actions -------------------------------------------------------------------------
    def add_prefix(self) -> None:
        handle = self._handle
        if handle is None:
            return
        try:
            topic = encode_frame(self.prefix_edit.text(), self.format_combo.currentText())
            handle.subscribe(topic)
        except (FrameEncodingError, SocketError) as error:
            log.info("%s: subscription refused: %s", handle.name, error)
            show_error(self.error_label, str(error))
            self.prefix_edit.setFocus()
            return
        show_error(self.error_label, "")
        self.prefix_edit.clear()
        self.refresh()
        self._select_topic(topic)
        self.subscriptions_edited.emit()

    def remove_selected(self) -> None:
        handle = self._handle
        topic = self.selected_topic()
        if handle is None or topic is None:
            return
        row = self.list_view.currentIndex().row()
        try:
            handle.unsubscribe(topic)
        except SocketError as error:
            log.info("%s: unsubscribe failed: %s", handle.name, error)
            show_error(self.error_label, str(error))
            return
        show_error(self.error_label, "")
        self.refresh()
        if self.model.rowCount():
            self.list_view.selectionModel().setCurrentIndex(
                self.model.index(min(row, self.model.rowCount() - 1), 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )
        self._update_buttons()
        self.subscriptions_edited.emit()

    def _select_topic(self, topic: bytes) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(TopicRole) == topic:
                self.list_view.selectionModel().setCurrentIndex(
                    self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
                return

    def _update_buttons(self) -> None:
        usable = self._handle is not None and not self._handle.closed
        for widget in (self.prefix_edit, self.format_combo, self.add_button):
            widget.setEnabled(usable)
        self.remove_button.setEnabled(usable and self.selected_topic() is not None)

    def _update_prefix_help(self) -> None:
        if self.format_combo.currentText() == "hex":
            self.prefix_edit.setPlaceholderText("hex bytes (empty = everything)")
            self.prefix_edit.setToolTip(
                "The prefix as hex bytes, e.g. 01ff or 01 ff; leave it empty to receive everything"
            )
        else:
            self.prefix_edit.setPlaceholderText("prefix (empty = everything)")
            self.prefix_edit.setToolTip(
                "Messages whose first frame starts with this text are "
                "received; leave it empty to receive everything"
            )

    # -- slots ---------------------------------------------------------------------------
    def _on_add_button_clicked(self) -> None:
        self.add_prefix()

    def _on_prefix_edit_return_pressed(self) -> None:
        self.add_prefix()

    def _on_remove_button_clicked(self) -> None:
        self.remove_selected()

    def _on_list_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._update_buttons()

    def _on_format_combo_current_text_changed(self, fmt: str) -> None:
        """Carry the typed prefix over to the other format when it converts cleanly."""
        text = self.prefix_edit.text()
        if text:
            try:
                data = encode_frame(text, "hex" if fmt == "text" else "text")
            except FrameEncodingError:
                data = None
            if data is not None:
                converted = data.hex(" ") if fmt == "hex" else printable_text(data)
                if converted is not None:
                    self.prefix_edit.setText(converted)
        show_error(self.error_label, "")
        self._update_prefix_help()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.list_view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)
