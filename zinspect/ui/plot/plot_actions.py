"""The Plot dock, its "Add plot series…" action, and ``plot()``: the one way in for others.

The Message pane's and the traffic table's context menus (and anything else that knows a
socket, a topic and a field path) call ``PlotActions.plot``; it shows the dock and adds the
series. The user's own way in is the dock's "Add series…" button and View > Add plot series….
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from zinspect.core.explore.fields import FieldPath
from zinspect.core.explore.series import SeriesKey, ValueSeries
from zinspect.core.sockets.session import Session
from zinspect.ui.plot.add_series_dialog import AddSeriesDialog
from zinspect.ui.plot.plot_panel import PlotPanel
from zinspect.ui.widgets.window_host import WindowHost

log = logging.getLogger(__name__)


class PlotActions(QObject):
    """Owns the Plot panel and dock; ``dock`` and ``add_series_action`` go in the View menu."""

    def __init__(self, host: WindowHost, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._session = session
        self.panel = PlotPanel(session.store, session.decoder, self._socket_type)
        self.dock: QDockWidget = host.add_dock(
            "Plot", "plot_dock", self.panel, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.dialog = AddSeriesDialog(self._socket_names, host.widget)
        self.dialog.series_chosen.connect(self._on_dialog_series_chosen)
        self.panel.add_series_requested.connect(self.open_add_dialog)
        self.add_series_action = host.add_action(
            None,
            "Add &plot series…",
            self.open_add_dialog,
            tip="Plot a decoded field of a socket's messages over time",
        )

    def plot(self, socket: str | None, topic: str | None, path: FieldPath) -> ValueSeries:
        """Plot the field at ``path`` of the messages of ``socket`` on ``topic`` (None: any),
        from the messages the store keeps on; the Plot dock comes forward."""
        series = self.panel.add_series(SeriesKey(socket, topic, path))
        self.dock.show()
        self.dock.raise_()
        return series

    def open_add_dialog(
        self, socket: str | None = None, topic: str | None = None, path: str = ""
    ) -> AddSeriesDialog:
        """The Add series dialog, filled in with what is known (for "Plot…" menus too)."""
        self.dock.show()
        self.dock.raise_()
        self.dialog.start(socket if isinstance(socket, str) else None, topic, path)
        return self.dialog

    def _on_dialog_series_chosen(self, key: SeriesKey) -> None:
        self.plot(key.socket, key.topic, key.path)

    def _socket_type(self, name: str) -> str:
        handle = self._session.socket_named(name)
        return handle.type_name if handle is not None else ""

    def _socket_names(self) -> list[str]:
        return [handle.name for handle in self._session.sockets]
