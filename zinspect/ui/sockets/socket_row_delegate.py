"""How a socket's row of the sockets list is drawn: name, type and counts, then endpoints
and state, and a third line for a socket with live connections.

Drawn here, sized by the model (its SizeHintRole): laying out thousands of rows must not
call Python once per row and per layout for a size the model already knows.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from zinspect.ui.sockets.socket_list_model import (
    AnyIndex,
    SocketListModel,
    elide_endpoints,
    elide_words,
)
from zinspect.ui.widgets.theme import colour


class SocketItemDelegate(QStyledItemDelegate):
    """Two lines per socket: name, type and counts; then endpoints with the state on the
    right; a third for a socket with live connections, naming each ("3 connections:
    127.0.0.1:51234, …"), cut between words.

    A row's size is the model's SizeHintRole (which Qt's own sizeHint reads): a size hint
    written here would be a Python call per row at each layout, 20 us each (60 ms a layout
    with 3,000 sockets); the model answers from the two heights ``row_height`` measures.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._padding = 4

    def row_height(self, font: QFont, lines: int = 2) -> int:
        """A row's height with ``lines`` lines of text (two: a socket without connections)."""
        return lines * QFontMetrics(font).height() + (lines + 1) * self._padding

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = QColor(text_color)
        if not selected:
            muted = palette.color(QPalette.ColorRole.PlaceholderText)
        received, sent = index.data(SocketListModel.CountsRole) or (0, 0)
        name = index.data(SocketListModel.NameRole) or ""
        type_name = index.data(SocketListModel.TypeRole) or ""
        endpoints = index.data(SocketListModel.EndpointsRole) or ""
        state = index.data(SocketListModel.StateRole) or ""

        pad = self._padding
        rect = opt.rect.adjusted(pad + 2, pad, -pad - 2, -pad)
        metrics = QFontMetrics(opt.font)
        line = metrics.height()
        top = QRect(rect.left(), rect.top(), rect.width(), line)
        bottom = QRect(rect.left(), rect.top() + line + pad, rect.width(), line)

        painter.save()
        peers = index.data(SocketListModel.PeersRole) or ""
        bold = QFont(opt.font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        # the name first: in a narrow list the counts get shorter before the name is cut
        # (the peers are in the tooltip)
        wanted = bold_metrics.horizontalAdvance(name) + metrics.horizontalAdvance(" WWWWWW")
        choices = [f"{peers + ' · ' if peers else ''}in {received} · out {sent}"]
        choices.append(f"in {received} · out {sent}")
        counts = next(
            (c for c in choices if metrics.horizontalAdvance(c) + pad + wanted <= top.width()),
            choices[-1],
        )
        counts_width = metrics.horizontalAdvance(counts) + pad
        painter.setPen(muted)
        painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, counts)

        name_room = max(0, top.width() - counts_width - metrics.horizontalAdvance(" WWWWWW"))
        shown_name = bold_metrics.elidedText(name, Qt.TextElideMode.ElideRight, name_room)
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(
            top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown_name
        )
        type_rect = top.adjusted(
            bold_metrics.horizontalAdvance(shown_name) + pad * 2, 0, -counts_width, 0
        )
        painter.setFont(opt.font)
        painter.setPen(muted)
        painter.drawText(
            type_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, type_name
        )

        state_width = 0
        if state:
            shown_state = elide_words(metrics, state, bottom.width() * 3 // 5)
            state_width = metrics.horizontalAdvance(shown_state) + 2 * pad
            painter.setPen(text_color if selected else colour("warning"))
            painter.drawText(
                bottom, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown_state
            )
        painter.setPen(muted)
        shown_endpoints = elide_endpoints(metrics, endpoints, max(0, bottom.width() - state_width))
        painter.drawText(
            bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown_endpoints
        )
        handle = index.data(SocketListModel.HandleRole)
        connections = index.data(SocketListModel.ConnectionsRole) or ""
        if connections and handle is not None:  # each peer, cut between words when narrow
            connections = handle.monitor.connections.summary(compact=True) or connections
            third = bottom.translated(0, line + pad)
            painter.drawText(
                third,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                elide_words(metrics, connections, third.width()),
            )
        painter.restore()
