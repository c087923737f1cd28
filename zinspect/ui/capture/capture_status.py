"""Status bar widgets for capture files: the recording indicator and a progress bar with
Cancel for long jobs (opening or exporting a large capture).

Both sample their figures on a slow timer or are set by their owner; nothing here is
updated per message.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from zinspect.core.capture.recorder import Recorder
from zinspect.ui.widgets.feedback import ERROR_TEMPLATE
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

SAMPLE_MS = 500
RECORDING_STYLE = "color: {error}; font-weight: bold;"


class RecordIndicator(QWidget):
    """ "● REC capture.jsonl · 1,204 written" while recording; the error in red (with a
    Dismiss button) when a recording had to stop; hidden otherwise."""

    stop_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Recording indicator")
        self.setToolTip("The recording in progress, or why it stopped")
        self._recorder: Recorder | None = None
        self.dot = QLabel("●", self)
        set_style(self.dot, RECORDING_STYLE)
        self.dot.setAccessibleName("Recording")
        self.dot.setToolTip("Recording: every message in and out is written to the capture file")
        self.label = QLabel(self)
        self.label.setAccessibleName("Recording status")
        self.label.setToolTip("The capture file being written, and how many messages so far")
        self.stop_button = QToolButton(self)
        self.stop_button.setText("Stop")
        self.stop_button.setAutoRaise(True)
        self.stop_button.setToolTip(
            "Stop recording: write what is pending and close the capture file"
        )
        self.stop_button.setAccessibleName("Stop recording")
        self.dismiss_button = QToolButton(self)
        self.dismiss_button.setText("✕")
        self.dismiss_button.setAutoRaise(True)
        self.dismiss_button.setToolTip("Hide this message")
        self.dismiss_button.setAccessibleName("Dismiss recording message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.dot)
        layout.addWidget(self.label)
        layout.addWidget(self.stop_button)
        layout.addWidget(self.dismiss_button)
        self._timer = QTimer(self)
        self._timer.setInterval(SAMPLE_MS)
        self._timer.timeout.connect(self.refresh)
        self.stop_button.clicked.connect(self.stop_clicked)
        self.dismiss_button.clicked.connect(self.hide)
        self.hide()

    def show_recording(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self.dot.show()
        self.stop_button.show()
        self.dismiss_button.hide()
        set_style(self.label, "")
        self.label.setToolTip(f"Recording to {recorder.path}")
        self.refresh()
        self._timer.start()
        self.show()

    def refresh(self) -> None:
        recorder = self._recorder
        if recorder is None:
            return
        text = f"REC {os.path.basename(recorder.path)} · {recorder.written:,} written"
        if recorder.missed:
            text += f" · {recorder.missed:,} missed"
            self.label.setToolTip(
                f"Recording to {recorder.path}. {recorder.missed:,} messages were dropped "
                "by the store's cap before they could be written"
            )
        if self.label.text() != text:
            self.label.setText(text)

    def show_stopped(self, recorder: Recorder, error: str) -> None:
        """After a stop: hidden when all went well, the error in words otherwise."""
        self._timer.stop()
        self._recorder = None
        if not error:
            self.hide()
            return
        self.dot.hide()
        self.stop_button.hide()
        self.dismiss_button.show()
        set_style(self.label, ERROR_TEMPLATE)
        self.label.setText(f"Recording stopped: {error}")
        self.label.setToolTip(
            f"The recording to {recorder.path} stopped after "
            f"{recorder.written:,} messages. The traffic in memory is "
            "unaffected"
        )
        self.show()

    @property
    def text(self) -> str:
        return self.label.text()


class JobProgress(QWidget):
    """A label, a progress bar and Cancel, shown while a long capture job runs."""

    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Capture job progress")
        self.setToolTip("Opening or exporting a capture file")
        self.label = QLabel(self)
        self.label.setAccessibleName("Capture job")
        self.label.setToolTip("The file being opened or exported")
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 100)
        self.bar.setMaximumWidth(160)
        self.bar.setAccessibleName("Capture job progress bar")
        self.bar.setToolTip("How much of the file is done")
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.setAccessibleName("Cancel capture job")
        self.cancel_button.setToolTip("Stop this job now")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.hide()

    def begin(self, text: str, tip: str) -> None:
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.cancel_button.setToolTip(f"Stop this job now: {tip}")
        self.bar.setValue(0)
        self.show()

    def set_fraction(self, fraction: float) -> None:
        value = max(0, min(100, int(fraction * 100)))
        if value != self.bar.value():
            self.bar.setValue(value)

    def end(self) -> None:
        self.hide()
