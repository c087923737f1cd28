"""Run a callback once the current events are handled, never after its owner is deleted,
and without keeping the owner alive.

``QTimer.singleShot(0, owner, callback)`` promises the same, but PySide6 (6.11) keeps its
reference to ``callback`` for ever when ``owner`` is deleted before the call: a panel's bound
method then keeps the panel, and through it the whole closed main window with its store,
alive (tests/test_window_freed.py). A single-shot QTimer that is ``owner``'s child drops the
callback with the timer, whichever comes first: the call or the owner's end.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def call_soon(owner: QObject, callback: Callable[[], object]) -> None:
    """Call ``callback`` on the next turn of the event loop, unless ``owner`` is gone by then."""
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.timeout.connect(callback)
    timer.timeout.connect(timer.deleteLater)
    timer.start(0)
