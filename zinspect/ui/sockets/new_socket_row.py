"""The sockets panel's new-socket row: a type chooser with each type's description and
peers, a name field whose placeholder is the next default name, and Create.

Kept apart from the panel (socket_panel), which lists the sockets and sets up the selected
one; the row only makes sockets and says so by ``socket_created``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.sockets.socket_types import SOCKET_TYPES, SocketTypeInfo
from zinspect.ui.widgets.a11y import describe_clear_button
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE, error_label, show_error
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

TypeNameRole = Qt.ItemDataRole.UserRole + 1


def type_tooltip(info: SocketTypeInfo) -> str:
    """What a type is for and whom it talks to, plus why it cannot be chosen, if so."""
    text = f"{info.name}: {info.description}\nTalks to: {info.peers_text}"
    if not info.available:
        text += f"\n\nUnavailable: {info.unavailable_reason}"
    return text


class NewSocketRow(QGroupBox):
    """Type, name and Create; ``socket_created(handle)`` once a socket is made, errors in
    words under the row."""

    socket_created = Signal(object)  # SocketHandle

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("New socket", parent)
        self.session = session
        self.setAccessibleName("New socket")
        self.setToolTip("Create a ZeroMQ socket of any type")
        self.type_model = QStandardItemModel(self)
        for info in SOCKET_TYPES.values():
            item = QStandardItem(info.name if info.available else f"{info.name} (draft)")
            item.setData(info.name, TypeNameRole)
            item.setToolTip(type_tooltip(info))
            item.setEnabled(info.available)
            self.type_model.appendRow(item)
        self.type_combo = QComboBox()
        self.type_combo.setModel(self.type_model)
        self.type_combo.setAccessibleName("New socket type")
        self.type_combo.setMaxVisibleItems(len(SOCKET_TYPES))
        # as wide as the longest type name, not as "CHANNEL (draft)": the name field next
        # to it needs the room in a narrow dock (the open list still shows whole labels)
        self.type_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.type_combo.setMinimumContentsLength(max(map(len, SOCKET_TYPES)))
        self.type_help_label = QLabel()
        self.type_help_label.setWordWrap(True)
        self.type_help_label.setTextFormat(Qt.TextFormat.PlainText)
        self.type_help_label.setAccessibleName("New socket type description")
        self.type_help_label.setToolTip("What the chosen type does and which types it talks to")
        set_style(self.type_help_label, NOTE_TEMPLATE)
        self.name_edit = QLineEdit()
        self.name_edit.setClearButtonEnabled(True)
        self.name_edit.setAccessibleName("New socket name")
        describe_clear_button(self.name_edit, "name")
        self.name_edit.setToolTip(
            "Name of the new socket; leave it empty to use the name "
            "shown in grey. Enter creates the socket."
        )
        self.create_button = QPushButton("Create")
        self.create_button.setAccessibleName("Create socket")
        self.create_button.setToolTip(
            "Create a socket of the chosen type (Enter in the type chooser or the name field)"
        )
        self.create_error_label = error_label("New socket error")
        new_row = QHBoxLayout()
        new_row.addWidget(self.type_combo)
        new_row.addWidget(self.name_edit, 1)
        new_row.addWidget(self.create_button)
        new_layout = QVBoxLayout(self)
        new_layout.addLayout(new_row)
        new_layout.addWidget(self.type_help_label)
        new_layout.addWidget(self.create_error_label)

        self.type_combo.currentIndexChanged.connect(self._on_type_combo_current_index_changed)
        self.name_edit.returnPressed.connect(self._on_name_edit_return_pressed)
        self.type_combo.installEventFilter(self)  # Enter on the chosen type creates it
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self._on_type_combo_current_index_changed(self.type_combo.currentIndex())

    # -- public API ------------------------------------------------------------------------
    def focus_type(self) -> None:
        """Put keyboard focus on the type chooser, to start making a socket."""
        self.type_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def selected_type(self) -> SocketTypeInfo:
        return SOCKET_TYPES[self.type_combo.currentData(TypeNameRole)]

    def create_socket(self) -> SocketHandle | None:
        """Create a socket from the row; errors go under the row."""
        info = self.selected_type()
        name = self.name_edit.text().strip() or None
        try:
            clash = self.kept_traffic_clash(info.name, name)
            if clash:
                raise SocketError(clash)
            handle = self.session.create_socket(info.name, name)
        except SocketError as error:
            log.info("creating a %s socket refused: %s", info.name, error)
            show_error(self.create_error_label, str(error))
            self.name_edit.setFocus()
            return None
        show_error(self.create_error_label, "")
        self.name_edit.clear()
        self.socket_created.emit(handle)
        return handle

    def kept_traffic_clash(self, type_name: str, name: str | None) -> str:
        """Why ``name`` (None: the default name) cannot be used, with a free name to use
        instead, when the traffic table holds messages of another socket of that name: the
        table labels rows by name only, so the two sockets' traffic would mix (the rule
        opening a workspace follows, ui.workspace.traffic_on_open). "" when it is free."""
        chosen = name or self.session.peek_name(type_name)
        store = self.session.store
        if not len(store) or self.session.socket_named(chosen) is not None:
            return ""  # nothing kept, or a live socket: create_socket says it exists
        kept = store.socket_names()
        if chosen not in kept:
            return ""
        taken = kept | {s.name for s in self.session.sockets}
        if name is None:
            free = self.session.peek_name(type_name, avoid=kept)
        else:
            number = 2
            while f"{name}-{number}" in taken:
                number += 1
            free = f"{name}-{number}"
        return (
            f"The traffic table holds messages of an earlier socket named '{chosen}': a new "
            f"one would mix its traffic with theirs. Choose another name, such as '{free}', "
            "or clear the traffic first"
        )

    def update_name_placeholder(self) -> None:
        """Show the next default name (sockets came or went)."""
        # peek, not suggest: suggest_name consumes its number and would skip names
        self.name_edit.setPlaceholderText(self.session.peek_name(self.selected_type().name))

    # -- slots ---------------------------------------------------------------------------
    def _on_type_combo_current_index_changed(self, index: int) -> None:
        info = self.selected_type()
        self.type_help_label.setText(f"{info.description} Talks to: {info.peers_text}.")
        self.type_combo.setToolTip(
            "Type of the new socket (Enter creates it). "
            + type_tooltip(info)
            + "\nDraft types are listed but need a libzmq built with "
            "the draft API."
        )
        self.update_name_placeholder()

    def _on_name_edit_return_pressed(self) -> None:
        self.create_socket()

    def _on_create_button_clicked(self) -> None:
        self.create_socket()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # a closed combo box ignores Enter (the open list takes it itself, to choose a type)
        if (
            watched is self.type_combo
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.create_socket()
            return True
        return super().eventFilter(watched, event)
