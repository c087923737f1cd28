"""Scroll a widget into view once the layout it was just shown in has settled.

A panel that changes what it shows (another socket's settings, the script editor in place
of the automation fields) and then scrolls to a part of it scrolled by the old geometry: the
"Decode as…" jump landed above the decode-rule form. Waiting a turn of the loop and flushing
the layouts still pending first puts the part where it really is.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from zinspect.ui.widgets.soon import call_soon


def reveal(*widgets: QWidget) -> None:
    """Scroll every scroll area holding each of ``widgets`` so it shows (the last wins
    where they do not all fit), after the pending layouts are done."""
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
    for widget in widgets:
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(widget)
            parent = parent.parentWidget()


def reveal_soon(owner: QObject, *widgets: QWidget) -> None:
    """``reveal(*widgets)`` on the next turn of the loop, unless ``owner`` is gone."""
    call_soon(owner, lambda: reveal(*widgets))
