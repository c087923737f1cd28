"""The automation editor's Forward section: the socket that sends on what this one receives.

Kept apart from the editor (automation_editor) because its choices follow the workspace, not
the socket: any other socket that can send, and a chosen target that is gone stays listed
(and is reported) rather than silently becoming another socket.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.widgets.feedback import error_label
from zinspect.ui.widgets.theme import outline_tick_box


class ForwardSection(QGroupBox):
    """A checkable group: the target socket and the error under it."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Forward every message", parent)
        self.session = session
        self._target = ""  # the target of the spec last loaded
        self.setCheckable(True)
        self.setChecked(False)
        outline_tick_box(self)
        self.setAccessibleName("Forward group")
        self.setToolTip(
            "Send every message this socket receives on another socket, frames unchanged "
            "(a worker, or one half of a simple proxy) Tick the title to use it."
        )
        self.forward_combo = QComboBox()
        self.forward_combo.setAccessibleName("Forward to")
        self.forward_combo.setToolTip("The socket that sends on what this one receives")
        self.forward_error = error_label("Forward error")
        self.delay_edit = QLineEdit()
        self.delay_edit.setAccessibleName("Forward delay")
        self.delay_edit.setPlaceholderText("0")
        self.delay_edit.setToolTip(
            "Milliseconds to hold each message before it is forwarded (empty or 0: at once); "
            "100-400 waits a random time between the two"
        )
        self.delay_error = error_label("Forward delay error")
        form = QFormLayout(self)
        form.addRow("To socket", self.forward_combo)
        form.addRow(self.forward_error)
        form.addRow("Delay (ms)", self.delay_edit)
        form.addRow(self.delay_error)

    def target(self) -> str:
        """The chosen socket's name ("" when none)."""
        return self.forward_combo.currentData() or ""

    def load_target(self, handle: SocketHandle | None, target: str) -> None:
        """Show ``target`` (a loaded spec's; "" for none) as the choice for ``handle``."""
        self._target = target
        self.fill_targets(handle, target)

    def fill_targets(self, handle: SocketHandle | None, wanted: str = "") -> None:
        """The sockets a forward may send on (any other socket that can send); ``wanted``
        (else the current choice) stays chosen."""
        wanted = wanted or self.forward_combo.currentData() or self._target
        names = [
            s.name
            for s in self.session.sockets
            if s is not handle and s.info.can_send and not s.closed
        ]
        if wanted and wanted not in names:
            names.append(wanted)  # a target that is gone still shows (and is reported)
        current = [self.forward_combo.itemData(i) for i in range(self.forward_combo.count())]
        if current != names:
            self.forward_combo.blockSignals(True)
            self.forward_combo.clear()
            for name in names:
                self.forward_combo.addItem(name, name)
            self.forward_combo.blockSignals(False)
        index = self.forward_combo.findData(wanted)
        self.forward_combo.setCurrentIndex(index if index >= 0 else (0 if names else -1))
