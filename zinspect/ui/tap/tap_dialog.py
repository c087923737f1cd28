"""Socket > Tap between two programs…: the pattern, the two endpoints, Start, and the tap's status.

A non-modal window (no nested event loop): the pattern chooser says in one line what each
pattern is for, the front and upstream endpoints are checked as they are typed with the
problem in words under the field, and Start makes the tap (core.tap.engine: libzmq's proxy
in a helper process for a pipeline, zinspect's relay otherwise) in the window's session; its
sockets appear in the sockets list (for the proxy, zinspect's socket of its copies), and its
traffic in the table with its direction in words. While it runs, the status line (which
engine forwards, what went each way, the waits for room, what was not kept for the view) is
refreshed once a second; Stop closes it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.sockets.session import Session
from zinspect.core.tap.engine import make_tap, start_tap
from zinspect.core.tap.proxy_tap import ProxyTap
from zinspect.core.tap.spec import (
    CUSTOM_TYPES,
    PATTERNS,
    TapError,
    check_front,
    check_upstream,
    make_spec,
)
from zinspect.core.tap.tap import Tap, running_taps
from zinspect.ui.widgets.feedback import error_label, fit_height, show_error
from zinspect.ui.widgets.inputs import make_button, make_line_edit

log = logging.getLogger(__name__)

STATUS_MS = 1000
MIN_WIDTH = 560


class TapDialog(QDialog):
    """Make and watch one tap; ``tap_started`` carries the front socket's name."""

    tap_started = Signal(str)
    tap_stopped = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tap between two programs")
        self.setObjectName("tap_dialog")
        self.setModal(False)
        self.session = session
        self.tap: Tap | ProxyTap | None = None
        self._starting: asyncio.Future[None] | None = None  # a start under way

        self.pattern_combo = QComboBox()
        self.pattern_combo.setObjectName("tap_pattern")
        self.pattern_combo.setAccessibleName("Tap pattern")
        for pattern in PATTERNS.values():
            self.pattern_combo.addItem(pattern.title, pattern.name)
        self.pattern_note = QLabel()
        self.pattern_note.setWordWrap(True)
        self.pattern_note.setObjectName("tap_pattern_note")
        self.front_type = self._type_combo("tap_front_type", "Front socket type", "ROUTER")
        self.upstream_type = self._type_combo("tap_upstream_type", "Upstream socket type", "DEALER")
        self.types_row = QWidget()
        types = QHBoxLayout(self.types_row)
        types.setContentsMargins(0, 0, 0, 0)
        types.addWidget(QLabel("front"))
        types.addWidget(self.front_type)
        types.addWidget(QLabel("upstream"))
        types.addWidget(self.upstream_type)

        self.name_edit = make_line_edit(
            "tap_name", "The front socket's name in the sockets list and the traffic", "tap-1"
        )
        self.name_error = error_label("Tap name problem")
        self.front_edit = make_line_edit(
            "tap_front",
            "zinspect binds this endpoint: the clients connect here (their old endpoint, or "
            "a new one you give them)",
            "where clients connect, e.g. tcp://127.0.0.1:6000",
        )
        self.front_error = error_label("Front endpoint problem")
        self.upstream_edit = make_line_edit(
            "tap_upstream",
            "The server binds this endpoint; zinspect connects to it (for ipc:// the server "
            "moves to another path)",
            "where the server binds, e.g. tcp://127.0.0.1:5555",
        )
        self.upstream_error = error_label("Upstream endpoint problem")
        self.start_error = error_label("Tap problem")
        self.status_label = QLabel("Not started.")
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("tap_status")
        self.status_label.setAccessibleName("Tap status")
        self.start_button = make_button("Start", "tap_start", "Make the tap and start forwarding")
        self.stop_button = make_button("Stop", "tap_stop", "Close the tap's sockets")
        self.stop_button.setEnabled(False)
        self.close_button = make_button("Close", "tap_close", "Close this window (a tap goes on)")
        self.close_button.clicked.connect(self.close)

        form = self._form = QFormLayout()
        form.addRow("Pattern", self.pattern_combo)
        form.addRow("", self.pattern_note)
        form.addRow("Socket types", self.types_row)
        form.addRow("Name", self.name_edit)
        form.addRow(self.name_error)
        form.addRow("Front (clients)", self.front_edit)
        form.addRow(self.front_error)  # across both columns: a label column row wraps badly
        form.addRow("Upstream (server)", self.upstream_edit)
        form.addRow(self.upstream_error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        self.setMinimumWidth(MIN_WIDTH)
        layout.addLayout(form)
        layout.addWidget(self.start_error)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setInterval(STATUS_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.pattern_combo.currentIndexChanged.connect(self._on_pattern_combo_changed)
        self.name_edit.textChanged.connect(self._on_name_edit_text_changed)
        self.front_edit.textChanged.connect(self._on_front_edit_text_changed)
        self.upstream_edit.textChanged.connect(self._on_upstream_edit_text_changed)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self._on_pattern_combo_changed()
        self.resize(MIN_WIDTH, self.sizeHint().height())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._show_running_tap()
        if self.tap is None:
            self.name_edit.setPlaceholderText(self._free_name())
        self._timer.start()  # a tap a workspace starts meanwhile shows too

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def _show_running_tap(self) -> None:
        """Show a tap that runs (one a workspace started, or the oldest still running once
        this window's stopped) as running, with its fields and Stop: the window must never
        say Stopped, with Start ready to fail on its endpoints, while the tap forwards."""
        if self._starting is not None or (self.tap is not None and self.tap.running):
            return
        tap = next((tap for tap in running_taps(self.session) if tap.running), None)
        if tap is None:
            return
        spec = tap.spec
        self.pattern_combo.setCurrentIndex(self.pattern_combo.findData(spec.pattern))
        self.front_type.setCurrentText(spec.types[0])
        self.upstream_type.setCurrentText(spec.types[1])
        for edit, text in (
            (self.name_edit, spec.name),
            (self.front_edit, spec.front),
            (self.upstream_edit, spec.upstream),
        ):
            edit.setText(text)
        for label in (self.name_error, self.start_error):
            show_error(label, "")
        self.tap = tap
        if self._on_tap_stopped not in tap.on_stopped:
            tap.on_stopped.append(self._on_tap_stopped)
        self._set_running(True)
        self._on_timer_timeout()

    def _free_name(self) -> str:
        """The next tap name that neither a socket nor the kept traffic has (the table
        labels rows by name: a second tap-1 would mix its rows with the first's)."""
        store = self.session.store
        return self.session.peek_name("tap", avoid=store.socket_names() if len(store) else ())

    def _kept_traffic_clash(self, name: str) -> str:
        """Why a typed ``name`` cannot be used while the table holds an earlier socket's
        messages under it ('' when it can), as the new-socket row says it."""
        store = self.session.store
        if not name or not len(store) or self.session.socket_named(name) is not None:
            return ""  # a live socket's name: making the tap says it exists
        if name not in store.socket_names():
            return ""
        return (
            f"The traffic table holds messages of an earlier socket named '{name}': the "
            f"tap's would mix with them. Choose another name, such as '{self._free_name()}', "
            "or clear the traffic first"
        )

    def _fit(self) -> None:
        """Take the height the wrapped lines need: grow for a new error or a longer status,
        shrink back when one goes (no blank band where a message was)."""
        fit_height(self)

    def _type_combo(self, name: str, accessible: str, chosen: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.addItems(list(CUSTOM_TYPES))
        combo.setCurrentText(chosen)
        return combo

    # -- checking as typed ------------------------------------------------------------------
    def _on_pattern_combo_changed(self, _index: int = 0) -> None:
        pattern = PATTERNS[self.pattern_combo.currentData()]
        self.pattern_note.setText(pattern.explanation)
        self._form.setRowVisible(self.types_row, pattern.name == "custom")

    def _on_name_edit_text_changed(self, _text: str) -> None:
        if self.name_error.isVisible():  # the store is read on Start, not per keystroke
            show_error(self.name_error, "")
            self._fit()

    def _on_front_edit_text_changed(self, text: str) -> None:
        show_error(self.front_error, _problem(check_front, text))
        show_error(self.start_error, "")  # it was about the endpoints as they were
        self._fit()

    def _on_upstream_edit_text_changed(self, text: str) -> None:
        show_error(self.upstream_error, _problem(check_upstream, text))
        show_error(self.start_error, "")
        self._fit()

    def _show_start_error(self, message: str) -> None:
        """A failed start's reason, under the field it is about when it names one."""
        for prefix, label in (("Front: ", self.front_error), ("Upstream: ", self.upstream_error)):
            if message.startswith(prefix):
                show_error(label, message)
                break
        else:
            show_error(self.start_error, message)
        self._fit()

    # -- starting and stopping --------------------------------------------------------------
    def start(self) -> None:
        """Make the tap; a problem is said in words next to its field, nothing else changes."""
        if self.tap is not None:
            return
        front_problem = _problem(check_front, self.front_edit.text())
        upstream_problem = _problem(check_upstream, self.upstream_edit.text())
        show_error(self.front_error, front_problem)
        show_error(self.upstream_error, upstream_problem)
        show_error(self.start_error, "")
        if front_problem or upstream_problem:
            self._fit()
            return
        typed = self.name_edit.text().strip()
        clash = self._kept_traffic_clash(typed)
        show_error(self.name_error, clash)
        if clash:
            self._fit()
            return
        name = typed or self._free_name()
        try:
            spec = make_spec(
                name,
                self.pattern_combo.currentData(),
                self.front_edit.text(),
                self.upstream_edit.text(),
                self.front_type.currentText(),
                self.upstream_type.currentText(),
            )
            tap = make_tap(self.session, spec)
        except TapError as error:
            self._show_start_error(str(error))
            return
        # The proxy's helper process takes 50-150 ms to start: the window goes on meanwhile.
        self.start_button.setEnabled(False)
        self.status_label.setText("Starting…")
        self._starting = asyncio.ensure_future(start_tap(tap))
        self._starting.add_done_callback(lambda task: self._on_tap_started(task, tap))

    def _on_tap_started(self, task: asyncio.Future[None], tap: Tap | ProxyTap) -> None:
        self._starting = None
        error = None if task.cancelled() else task.exception()
        if task.cancelled() or error is not None:
            self.start_button.setEnabled(True)
            self.status_label.setText("")
            if isinstance(error, TapError):
                self._show_start_error(str(error))
            elif error is not None:
                log.error("tap %s did not start", tap.spec.name, exc_info=error)
                self._show_start_error(f"The tap did not start: {error}")
            self._fit()
            return
        self.tap = tap
        tap.on_stopped.append(self._on_tap_stopped)
        self._set_running(True)
        self._on_timer_timeout()
        self.tap_started.emit(tap.spec.name)

    def stop(self) -> None:
        if self.tap is not None:
            self.tap.stop()  # _on_tap_stopped follows

    def _on_tap_stopped(self, tap: Tap | ProxyTap) -> None:
        if tap is not self.tap:
            return
        self.status_label.setText(f"Stopped. {tap.status_text()}")
        self.tap = None
        self.name_edit.setPlaceholderText(self._free_name())  # its rows keep its name
        self._set_running(False)
        self.tap_stopped.emit(tap.spec.name)
        if self.isVisible():
            self._show_running_tap()  # another tap still runs: Stop reaches it too

    def _set_running(self, running: bool) -> None:
        for widget in (
            self.pattern_combo,
            self.name_edit,
            self.front_edit,
            self.upstream_edit,
            self.types_row,
        ):
            widget.setEnabled(not running)
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    def _on_timer_timeout(self) -> None:
        if self.tap is None:
            self._show_running_tap()  # says its status itself
        else:
            # the status line names the engine: libzmq's proxy in a helper, or the relay
            self.status_label.setText(
                f"Clients connect to {self.tap.front_address}. {self.tap.status_text()}"
            )
            self._fit()


def _problem(check: Callable[[str], str], text: str) -> str:
    """The check's complaint about ``text`` in words, or ''."""
    try:
        check(text)
    except TapError as error:
        return str(error)
    return ""
