"""What GUI tests do with their hands, and how long they wait: one click, one way to find and
trigger a menu action, one way to answer a message box, and the wait constants every test
shares.

The waits are timeouts, not delays: qtbot returns as soon as the condition holds, so they
cost nothing when things go well and are generous because the suite runs on a loaded
2-core machine.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from zinspect.ui.tap.tap_dialog import TapDialog

# a UI or event-loop condition: a row shows, a signal fires, a socket delivers
WAIT_MS = 10_000
# a peer process prints "ready" or finishes its run: a Python process importing pyzmq can
# take seconds to start on a loaded machine
PEER_WAIT_MS = 15_000


def click(qtbot, button: QAbstractButton) -> None:
    """Click a button as a user can: only once it is shown (a new row shows on the next
    turn of the loop) and only if it is enabled (a disabled button is a test failure, not a
    silent no-op)."""
    qtbot.waitUntil(button.isVisible, timeout=WAIT_MS)
    assert button.isEnabled(), f"{button.text() or button.accessibleName()!r} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def menu_action(window: QWidget, text: str) -> QAction:
    """The one action of ``window`` whose text (without its ``&`` mnemonic) is ``text``."""
    found = [a for a in window.findChildren(QAction) if a.text().replace("&", "") == text]
    assert len(found) == 1, [a.text() for a in window.findChildren(QAction)]
    return found[0]


def trigger_menu(window: QWidget, text: str) -> None:
    """Choose a menu entry by its text, as clicking it in the menu does."""
    action = menu_action(window, text)
    assert action.isEnabled(), f"{text!r} is disabled"
    action.trigger()


def tap_window(window: QWidget, qtbot) -> TapDialog:
    """Socket > Tap between two programs…, as a user opens it: the Tap window, shown."""
    trigger_menu(window, "Tap between two programs…")
    dialog = window.findChild(TapDialog, "tap_dialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    return dialog


def fill_tap_window(
    qtbot, dialog: TapDialog, pattern: str, front: str, upstream: str, name: str = ""
) -> None:
    """Choose the tap's pattern (its data: "reqrep", "pipeline", ...) and type its fields,
    as a user does before pressing Start."""
    dialog.pattern_combo.setCurrentIndex(dialog.pattern_combo.findData(pattern))
    if name:
        qtbot.keyClicks(dialog.name_edit, name)
    qtbot.keyClicks(dialog.front_edit, front)
    qtbot.keyClicks(dialog.upstream_edit, upstream)


def open_boxes(window: QWidget) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def the_box(window: QWidget, qtbot) -> QMessageBox:
    """The one message box ``window`` shows (waiting for it to open)."""
    qtbot.waitUntil(lambda: len(open_boxes(window)) == 1, timeout=WAIT_MS)
    return open_boxes(window)[0]


def click_box(window: QWidget, qtbot, button_text: str) -> None:
    """Answer the open message box with the button labelled ``button_text``; wait until it
    has closed."""
    box = the_box(window, qtbot)
    button = next(b for b in box.buttons() if b.text() == button_text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box not in open_boxes(window), timeout=WAIT_MS)


def record_to(window: QWidget, qtbot, path: object) -> None:
    """Capture > Record as a user starts it: the action, the file chosen in its dialog, the
    recording started."""
    capture = window.capture  # type: ignore[attr-defined]
    capture.record_action.trigger()
    qtbot.waitUntil(lambda: capture.file_dialog is not None, timeout=WAIT_MS)
    capture.file_dialog.selectFile(str(path))
    with qtbot.waitSignal(capture.recording_started, timeout=WAIT_MS):
        capture.file_dialog.accept()
