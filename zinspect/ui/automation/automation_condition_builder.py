"""Setting an automation's start or stop condition with fields instead of JSON: at once or
when the sends are done, after a delay, when a socket of the workspace has received N
messages (or N whose frame equals a value), or, to start, when a peer connects.

"Set" checks the condition with core.automation's own parser and writes it into the
condition's JSON box of automation_more (which stays editable); "At once" / "When the sends
are done" clears the box, as those are the defaults.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from zinspect.core.automation.conditions import parse_trigger
from zinspect.core.frames_json import SpecError
from zinspect.core.sockets.session import Session
from zinspect.ui.widgets.feedback import error_label, show_error

DEFAULT, DELAY, RECEIVED, CONNECTED = range(4)
# short enough to be read whole in the Sockets dock at 1024 px (the Count and Socket rows
# below say the rest)
START_CHOICES = ("At once", "After a delay", "When a socket receives", "When a peer connects")
STOP_CHOICES = ("When sends are done", "After a time", "When a socket receives")
THIS_SOCKET = "this socket"
MAX_DELAY_MS = 86_400_000  # a day here; up to 24.8 days in the JSON box
MAX_COUNT = 999_999  # more can be typed in the JSON box


class ConditionBuilder(QGroupBox):
    """The fields of one condition (start or stop) and its Set button."""

    def __init__(
        self, session: Session, box: QPlainTextEdit, *, start: bool, parent: QWidget | None = None
    ) -> None:
        what = "Start" if start else "Stop"
        super().__init__(f"{what}: set with fields", parent)
        self.session = session
        self.box = box
        self.start = start
        self.setAccessibleName(f"{what} builder")
        self.setToolTip(
            f"Choose when the automation {'starts' if start else 'stops by itself'} and press "
            "Set: the condition is written in the box above, where it can still be edited"
        )
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(START_CHOICES if start else STOP_CHOICES)
        self.kind_combo.setAccessibleName(f"{what} when")
        self._kind_tip = (
            "At once / when the sends are done (the defaults), after a time, when a socket "
            "has received messages" + (", or when a peer connects" if start else "")
        )
        # as wide as its longest choice: the form puts it under its label when narrow
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.socket_combo = QComboBox()
        self.socket_combo.setAccessibleName(f"{what} socket")
        self.socket_combo.setToolTip("The socket whose traffic counts (any of the workspace)")
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, MAX_COUNT)
        self.count_spin.setAccessibleName(f"{what} count")
        self.count_spin.setToolTip("How many messages it must receive")
        self.equals_edit = QLineEdit()
        self.equals_edit.setAccessibleName(f"{what} first frame equals")
        self.equals_edit.setPlaceholderText("any message")
        self.equals_edit.setToolTip(
            "Count only messages whose first frame (after the envelope) is this text; "
            "empty: every message"
        )
        self.delay_spin = QSpinBox()
        self.delay_spin.setRange(0, MAX_DELAY_MS)
        self.delay_spin.setSuffix(" ms")
        self.delay_spin.setGroupSeparatorShown(False)
        self.delay_spin.setAccessibleName(f"{what} delay")
        self.delay_spin.setToolTip(
            "Start: a delay after the event (or after opening). Stop: a time from the start."
        )
        for spin in (self.count_spin, self.delay_spin):  # its text field speaks for it too
            spin.lineEdit().setAccessibleName(spin.accessibleName())
            spin.lineEdit().setToolTip(spin.toolTip())
        self.set_button = QPushButton("Set")
        self.set_button.setAccessibleName(f"Set {what.lower()} condition")
        self.set_button.setToolTip("Write this condition in the box above (checked first)")
        self.error = error_label(f"{what} builder error")
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("When", self.kind_combo)
        form.addRow("Socket", self.socket_combo)
        form.addRow("Count", self.count_spin)
        form.addRow("First frame", self.equals_edit)  # the composer counts from Frame 1
        form.addRow("Delay", self.delay_spin)
        form.addRow(self.set_button)
        form.addRow(self.error)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.set_button.clicked.connect(self._on_set_button_clicked)
        self._on_kind_combo_changed(0)

    def fill_sockets(self, own: str | None) -> None:
        """The sockets a condition may watch: this one first, then the others."""
        chosen = self.socket_combo.currentData()
        self.socket_combo.clear()
        self.socket_combo.addItem(THIS_SOCKET, None)
        for handle in self.session.sockets:
            if handle.name != own and not handle.closed:
                self.socket_combo.addItem(handle.name, handle.name)
        index = self.socket_combo.findData(chosen)
        self.socket_combo.setCurrentIndex(max(index, 0))

    def condition_json(self) -> dict[str, Any] | None:
        """The condition the fields describe (None: the default, no condition)."""
        kind = self.kind_combo.currentIndex()
        if kind == DEFAULT:
            return None
        delay = self.delay_spin.value()
        if kind == DELAY:
            return {"after_ms": delay}
        obj: dict[str, Any] = {}
        if self.socket_combo.currentData() is not None:
            obj["socket"] = self.socket_combo.currentData()
        if kind == CONNECTED:
            obj["connected"] = True
        else:
            obj["received"] = self.count_spin.value()
            if self.equals_edit.text():
                obj["match"] = [{"frame": 0, "equals": self.equals_edit.text()}]
        if delay:
            obj["after_ms"] = delay
        return obj

    def _on_kind_combo_changed(self, kind: int) -> None:
        # the choice in full, should a large font still cut it in the combo
        self.kind_combo.setToolTip(f"{self.kind_combo.currentText()}. {self._kind_tip}")
        watches = kind in (RECEIVED, CONNECTED)
        self.socket_combo.setEnabled(watches)
        self.count_spin.setEnabled(kind == RECEIVED)
        self.equals_edit.setEnabled(kind == RECEIVED)
        self.delay_spin.setEnabled(kind != DEFAULT)

    def _on_set_button_clicked(self) -> None:
        obj = self.condition_json()
        if obj is None:
            self.box.setPlainText("")
            show_error(self.error, "")
            return
        sockets = {handle.name: handle.type_name for handle in self.session.sockets}
        try:
            parse_trigger(obj, "condition", start=self.start, sockets=sockets)
        except SpecError as error:
            show_error(self.error, error.message)
            return
        self.box.setPlainText(json.dumps(obj, ensure_ascii=False))
        show_error(self.error, "")
