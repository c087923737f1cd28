"""The Demo panel: the open demo's explanation, Start/Stop/Reset, a button per experiment
with what it did written beside it, and the demo's live figures.

Nothing shown goes stale: the run state line is recomputed from the runner on every
refresh, each experiment has one result line (its latest), and the experiments and figures
scroll in their own area so they never push the explanation ("What to try") out of view.

With no demo open it lists the demos, each with an Open button, so the panel is never an
empty box. The panel runs nothing itself: buttons call the core DemoRunner (or ask the
DemoActions that own it to open or reset a demo).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.demos.demos import Demo, DemoAction, DemoRunner
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

FIGURES_MS = 250  # live figures refresh while the panel is visible
RESULT_STYLE = "color: {success};"
MUTED_STYLE = "color: {placeholder};"
EXPLANATION_MIN_PX = 160  # the explanation keeps this much however many results show


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setAccessibleName(text.lstrip("▶■↺ "))
    return button


def _wrapped(text: str = "", style: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if style:
        set_style(label, style)
    return label


class DemoPanel(QWidget):
    """Shows one DemoRunner (``set_runner``) or, with none, the list of demos."""

    open_requested = Signal(str)  # a demo's name, from the list shown when none is open
    reset_requested = Signal()  # open the current demo again, as it was at the start

    def __init__(self, catalogue: list[Demo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner: DemoRunner | None = None
        self.action_buttons: list[QPushButton] = []
        self.result_labels: list[QLabel] = []
        self.figure_labels: list[QLabel] = []

        self.title_label = QLabel()
        set_style(self.title_label, "font-size: 13pt; font-weight: bold;")
        self.title_label.setWordWrap(True)
        self.summary_label = _wrapped(style=MUTED_STYLE)
        self.start_button = _button("▶ Start", "Start the demo's senders from their first message")
        self.stop_button = _button(
            "■ Stop", "Stop the demo's senders (replies and forwarding go on)"
        )
        self.reset_button = _button(
            "↺ Reset",
            "Open the demo again: its sockets as at the start (asks first whether to clear "
            "the traffic)",
        )
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.reset_button.clicked.connect(self.reset_requested)
        self.status_label = _wrapped(style=RESULT_STYLE)
        self.status_label.setAccessibleName("Demo status")
        controls = QHBoxLayout()
        for button in (self.start_button, self.stop_button, self.reset_button):
            controls.addWidget(button)
        controls.addStretch(1)

        self.explanation = QTextBrowser()
        self.explanation.setOpenExternalLinks(True)
        self.explanation.setAccessibleName("Demo explanation")
        self.explanation.setToolTip("What the pattern is for, what to watch, what to try")
        self.explanation.setFrameShape(QFrame.Shape.NoFrame)
        self.try_box = QGroupBox("Try")
        self.try_layout = QVBoxLayout(self.try_box)
        self.figures_box = QGroupBox("Live figures")
        self.figures_layout = QFormLayout(self.figures_box)

        self.demo_view = QWidget()
        layout = QVBoxLayout(self.demo_view)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.summary_label)
        layout.addLayout(controls)
        layout.addWidget(self.status_label)
        self.explanation.setMinimumHeight(EXPLANATION_MIN_PX)
        layout.addWidget(self.explanation, 1)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.try_box)
        below_layout.addWidget(self.figures_box)
        below_layout.addStretch(1)
        self.below_scroll = QScrollArea()
        self.below_scroll.setWidgetResizable(True)
        self.below_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.below_scroll.setWidget(below)
        layout.addWidget(self.below_scroll, 1)

        self.catalogue_view = self._catalogue(catalogue)
        outer = QVBoxLayout(self)
        outer.addWidget(self.catalogue_view)
        outer.addWidget(self.demo_view)

        self._timer = QTimer(self)
        self._timer.setInterval(FIGURES_MS)
        self._timer.timeout.connect(self.refresh)
        self.set_runner(None)

    def _catalogue(self, demos: list[Demo]) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        heading = _wrapped(
            "Pattern demos play a ZeroMQ pattern out live inside zinspect, "
            "with an explanation of what to watch. Open one (also from the "
            "Demos menu, or with zinspect --demo NAME):"
        )
        layout.addWidget(heading)
        self.open_buttons: dict[str, QPushButton] = {}
        for demo in demos:
            row = QHBoxLayout()
            button = _button("Open", f"Open the {demo.name} demo: {demo.summary}")
            button.setAccessibleName(f"Open the {demo.name} demo")
            button.clicked.connect(lambda _=False, name=demo.name: self.open_requested.emit(name))
            self.open_buttons[demo.name] = button
            text = _wrapped(f"<b>{demo.title}</b><br>{demo.summary}")
            row.addWidget(text, 1)
            row.addWidget(button)
            layout.addLayout(row)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        return scroll

    # -- showing a demo ---------------------------------------------------------------------
    def set_runner(self, runner: DemoRunner | None) -> None:
        self.runner = runner
        self.catalogue_view.setVisible(runner is None)
        self.demo_view.setVisible(runner is not None)
        self._clear_demo()
        if runner is None:
            self._timer.stop()
            return
        demo = runner.demo
        self.title_label.setText(demo.title)
        self.summary_label.setText(demo.summary[:1].upper() + demo.summary[1:] + ".")
        self.explanation.setMarkdown(demo.explanation)
        for action in demo.actions:
            self._add_action(action)
        for label, _value in runner.figures():
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            value.setWordWrap(True)
            self.figure_labels.append(value)
            self.figures_layout.addRow(f"{label}:", value)
        self.refresh()
        if self.isVisible():
            self._timer.start()

    def _clear_demo(self) -> None:
        while self.try_layout.count():
            item = self.try_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        while self.figures_layout.rowCount():
            self.figures_layout.removeRow(0)
        self.action_buttons.clear()
        self.result_labels.clear()
        self.figure_labels.clear()

    def _add_action(self, action: DemoAction) -> None:
        button = _button(action.label, action.tip)
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        result = _wrapped(style=RESULT_STYLE)
        result.setAccessibleName(f"Result of {action.label}")
        result.hide()
        button.clicked.connect(lambda _=False, a=action, r=result: self._run(a, r))
        self.try_layout.addWidget(button)
        self.try_layout.addWidget(result)
        self.action_buttons.append(button)
        self.result_labels.append(result)

    def _run(self, action: DemoAction, result: QLabel) -> None:
        if self.runner is None:
            return
        said = self.runner.run(action)
        log.info("demo action %r: %s", action.label, said)
        result.setText(said)
        result.show()
        self.refresh()

    def refresh(self) -> None:
        """Run state, figures and Start/Stop, as they are now (on the timer too)."""
        runner = self.runner
        if runner is None:
            return
        for label, (_name, value) in zip(self.figure_labels, runner.figures()):
            if label.text() != value:
                label.setText(value)
        state = runner.run_state()
        if self.status_label.text() != state:
            self.status_label.setText(state)
        running = runner.running
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    # -- slots ------------------------------------------------------------------------------
    def _on_start_button_clicked(self) -> None:
        if self.runner is not None:
            log.info("demo start: %s", self.runner.start())
            self.refresh()

    def _on_stop_button_clicked(self) -> None:
        if self.runner is not None:
            log.info("demo stop: %s", self.runner.stop())
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.runner is not None:
            self.refresh()
            self._timer.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._timer.stop()
