"""The Socket menu's "Probe endpoint…" dialog: what answers at a tcp:// endpoint (core.pcap's
probe), asked without blocking the window.

The endpoint is checked as it is typed, the problem in words under the field and Probe
disabled until it can be probed. The probe runs as an asyncio task on the window's loop, so
the window keeps painting while it connects and waits (a few seconds at most); Cancel stops
it, and closing the dialog does too. Non-modal: a user can probe while watching traffic.
"""

from __future__ import annotations

import asyncio
import logging

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.pcap.probe import ProbeError, ProbeResult, parse_probe_endpoint, probe
from zinspect.ui.widgets.feedback import error_label, show_error

log = logging.getLogger(__name__)

PLACEHOLDER = "tcp://127.0.0.1:5555"


class ProbeDialog(QDialog):
    """Endpoint field, Probe/Cancel and the answer in words; ``probe_finished`` with the
    result's text once a probe is over."""

    probe_finished = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Probe endpoint")
        self.setModal(False)
        self.task: asyncio.Task | None = None
        self.probe_result: ProbeResult | None = None
        intro = QLabel(
            "Connect to a TCP endpoint, send a ZeroMQ greeting and say what answers: the "
            "ZMTP version, the security mechanism and (without security) the socket type. "
            "No message is sent."
        )
        intro.setWordWrap(True)
        self.endpoint_edit = QLineEdit(self)
        self.endpoint_edit.setPlaceholderText(PLACEHOLDER)
        self.endpoint_edit.setAccessibleName("Endpoint to probe")
        self.endpoint_edit.setToolTip("tcp://host:port of a program you want to know about")
        self.endpoint_edit.textChanged.connect(self._on_endpoint_edit_text_changed)
        self.endpoint_edit.returnPressed.connect(self.start_probe)
        self.error = error_label("Endpoint problem")
        self.answer = QLabel(self)
        self.answer.setWordWrap(True)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer.setAccessibleName("Probe result")
        self.buttons = QDialogButtonBox(self)
        self.probe_button = QPushButton("&Probe", self)
        self.probe_button.setToolTip("Connect and read the greeting (a few seconds at most)")
        self.probe_button.clicked.connect(self.start_probe)
        self.cancel_button = QPushButton("&Cancel probe", self)
        self.cancel_button.setToolTip("Stop the probe under way")
        self.cancel_button.clicked.connect(self.cancel_probe)
        self.cancel_button.setEnabled(False)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setToolTip("Close this dialog (a probe under way stops)")
        self.buttons.addButton(self.probe_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.close)
        # Return probes (or says why not); it never closes the dialog as Close's default did
        self.probe_button.setDefault(True)
        for button in (close, self.cancel_button):
            button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        for widget in (intro, self.endpoint_edit, self.error, self.answer, self.buttons):
            layout.addWidget(widget)
        self.resize(520, 200)
        self._on_endpoint_edit_text_changed("")

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def _problem(self, text: str) -> str:
        if not text.strip():
            return ""  # nothing typed yet: no complaint, Probe stays off
        try:
            parse_probe_endpoint(text)
        except ProbeError as error:
            return str(error)
        return ""

    def _on_endpoint_edit_text_changed(self, text: str) -> None:
        problem = self._problem(text)
        show_error(self.error, problem)
        if problem:
            self._forget_answer()
        self.probe_button.setEnabled(
            bool(text.strip()) and not self.error.text() and not self.running
        )

    def start_probe(self) -> bool:
        """Probe the endpoint typed; False when it cannot start (the reason is shown)."""
        text = self.endpoint_edit.text()
        problem = self._problem(text) or (
            "" if text.strip() else "Enter an endpoint, e.g. " + PLACEHOLDER
        )
        show_error(self.error, problem)
        if problem:
            self._forget_answer()
        if problem or self.running:
            return False
        self.probe_result = None
        self.answer.setText(f"Probing {text.strip()}…")
        self.probe_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.task = asyncio.ensure_future(probe(text))
        self.task.add_done_callback(self._on_task_done)
        return True

    def _forget_answer(self) -> None:
        """Drop the last probe's answer: under an endpoint that was refused it would read as
        that endpoint's (a probe under way keeps its "Probing …" line)."""
        if not self.running:
            self.probe_result = None
            self.answer.clear()

    def cancel_probe(self) -> None:
        if self.running:
            assert self.task is not None
            self.task.cancel()

    def _on_task_done(self, task: asyncio.Task) -> None:
        if task is not self.task or not shiboken6.isValid(self):
            return  # (a probe cancelled as the window closed ends after the dialog is gone)
        self.cancel_button.setEnabled(False)
        self._on_endpoint_edit_text_changed(self.endpoint_edit.text())
        if task.cancelled():
            text = "Probe cancelled"
        elif task.exception() is not None:
            error = task.exception()
            log.warning("probe failed: %s", error)
            text = f"The probe failed: {error}"
        else:
            self.probe_result = task.result()
            text = self.probe_result.text
        self.answer.setText(text)
        self.probe_finished.emit(text)

    def closeEvent(self, event) -> None:
        self.cancel_probe()
        super().closeEvent(event)
