"""Replacing every socket by those of another workspace, a slice per turn of the loop, and
the status bar's word on it: which file is opening, how far it got, and a Cancel button.

Closing a socket costs about a millisecond and making one a few; a workspace of 3,000
sockets took a minute to open and held the window for 11 s when closed at once. Both now go
over turns of the loop (SlicedApply). Meanwhile the window names the workspace being made
(never the previous one, whose file an action taken now must not write) and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from zinspect.core.workspace.apply import close_steps
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.widgets.sliced import SlicedApply
from zinspect.ui.workspace import workspace_open


def opened_words(name: str, sockets: int, taps: int, problems: int) -> str:
    """The status line once a workspace opened: its sockets and taps (a tap's own sockets
    are not the workspace's), and its problems when it has any."""
    words = f"Opened {name}: {sockets:,} socket{'s' * (sockets != 1)}"
    if taps:
        words += f", {taps:,} tap{'s' * (taps != 1)}"
    if problems:
        words += f"; {problems:,} problem{'s' * (problems != 1)}, see the list"
    return words


class OpeningStatus(QObject):
    """A permanent status bar widget (a temporary message would hide it): the text of
    ``show_text`` and, for an open, a Cancel button (``cancel_clicked``)."""

    cancel_clicked = Signal()

    def __init__(self, status_bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.widget = QWidget(status_bar)
        self.label = QLabel(self.widget)
        self.label.setAccessibleName("Workspace opening progress")
        self.cancel_button = QPushButton("Cancel", self.widget)
        self.cancel_button.setAccessibleName("Cancel opening the workspace")
        self.cancel_button.setToolTip(
            "Stop opening this workspace and close the sockets it made so far"
        )
        self.cancel_button.clicked.connect(self.cancel_clicked.emit)
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.cancel_button)
        status_bar.insertPermanentWidget(0, self.widget)
        self.widget.hide()

    def show_text(self, text: str, *, cancellable: bool) -> None:
        self.label.setText(text)
        self.cancel_button.setVisible(cancellable)
        self.widget.show()

    def hide(self) -> None:
        self.widget.hide()

    def text(self) -> str:
        """What it says now ('' while hidden)."""
        return self.label.text() if not self.widget.isHidden() else ""


class WorkspaceSwitch(QObject):
    """One replacement of the sockets at a time: ``start`` it, ``stop`` it where it is (the
    sockets made so far stay, the caller closes them), ``end`` it when its ``done`` has
    run. ``running_changed`` says when one starts or ends (Save waits meanwhile)."""

    running_changed = Signal(bool)
    cancel_clicked = Signal()  # the user wants the open stopped

    def __init__(
        self, bridge: SessionBridge, status_bar: QStatusBar, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.session = bridge.session
        self._status_bar = status_bar
        self.status = OpeningStatus(status_bar, self)
        self.status.cancel_clicked.connect(self.cancel_clicked.emit)
        self._current: SlicedApply | None = None

    @property
    def running(self) -> bool:
        return self._current is not None

    def start(
        self,
        name: str | None,
        steps: Generator[None, None, list[str]] | None,
        total: int,
        done: Callable[[list[str]], Iterator[None] | None],
    ) -> None:
        """Close every socket, then run ``steps`` (the ``total`` sockets of the file called
        ``name``; None: an empty workspace), then ``done`` with the problems."""
        closing = len(self.session.sockets)
        phase = ["closing"]
        self._status_bar.clearMessage()  # "Opened" the previous one: no longer true

        def all_steps() -> Generator[None, None, list[str]]:
            yield from close_steps(self.session)
            phase[0] = "opening"
            return (yield from steps) if steps is not None else []

        def progress() -> None:
            count = len(self.session.sockets)
            if phase[0] == "opening":
                text = f"Opening {name}… {count:,} of {total:,} sockets"
            else:
                what = f"Opening {name}… closing" if name else "New workspace: closing"
                text = f"{what} {closing - count:,} of {closing:,} sockets"
            self.status.show_text(text, cancellable=name is not None)

        current = SlicedApply(all_steps(), done, self, progress, workspace_open.SLICE_S)
        self._current = current
        self.running_changed.emit(True)
        self.bridge.set_replacing(True)
        # an ordinary workspace replacing another is complete when this returns
        first = workspace_open.FIRST_STEPS
        current.start(first + min(closing, first))
        if self._current is current:  # not done within the first slice
            progress()

    def stop(self) -> None:
        if self._current is not None:
            self._current.cancel()
            self.end()

    def end(self) -> None:
        self._current = None
        self.status.hide()
        self.bridge.set_replacing(False)
        self.running_changed.emit(False)
