"""The list of live sockets: one row per SocketHandle, with endpoints, counts and state.

Sockets are few, so a plain list of handles backs the model. Traffic changes the in/out
counts constantly; they are not signalled per message but re-read by a low-rate timer, and a
row is repainted only when what it shows actually changed.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from zinspect.core.sockets.monitor import ENDPOINT_LINES
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.tap.registry import tap_socket_note
from zinspect.ui.widgets.theme import colour

COUNT_REFRESH_MS = 250  # 4 Hz: counts are for reading, not for watching every message

AnyIndex = QModelIndex | QPersistentModelIndex


def socket_state(handle: SocketHandle) -> str:
    """What a user should notice about a socket's state, in a few words ('' when all is well).

    Several facts may apply at once (a ROUTER with peers seen and a send waiting); they are
    joined so that none hides another.
    """
    if handle.closed:
        return "closed"
    facts: list[str] = []
    note = tap_socket_note(handle.session, handle.name)
    if note:
        facts.append(note)
    if handle.last_error:  # e.g. a workspace endpoint that failed to bind
        facts.append(f"error: {handle.last_error}")
    # from the connection events: "retrying tcp://…" (a failed bind's error says it already)
    problem = handle.monitor.trouble(("bind failed",) if handle.last_error else ())
    if problem:
        facts.append(problem)
    if handle.cut_messages:
        facts.append(
            f"{handle.cut_messages:,} message{'s' if handle.cut_messages != 1 else ''}"
            " cut at the per-message caps"
        )
    if handle.xpub_guard is not None and handle.xpub_guard.problem:
        facts.append(handle.xpub_guard.problem)
    if handle.awaiting_reply:
        facts.append("REQ: waiting for reply")
    elif handle.type_name == "REP" and handle.can_send_now[0]:
        facts.append("REP: reply due")
    # one fact, not two: a send that waits is also counted among those that had to wait
    if handle.send_waiting:
        so_far = f" ({handle.blocked:,} so far)" if handle.blocked > 1 else ""
        facts.append(f"a send waits for a peer or queue room{so_far}")
    elif handle.blocked:
        facts.append(
            f"{handle.blocked:,} send{'s' if handle.blocked != 1 else ''} waited for a peer "
            "or queue room"
        )
    if handle.type_name == "SUB" and not handle.subscriptions:
        facts.append("no subscription")
    if handle.routing_ids:
        count = len(handle.routing_ids)
        facts.append(f"{count} peer{'s' if count != 1 else ''} seen")
    return "; ".join(facts)


def endpoints_short(handle: SocketHandle) -> str:
    """The first endpoint with its kind, and how many more: enough to recognise a socket."""
    if not handle.endpoints:
        return "not bound or connected"
    first = handle.endpoints[0]
    more = len(handle.endpoints) - 1
    return f"{first.kind} {first.address}" + (f" (+{more} more)" if more else "")


class RowView(NamedTuple):
    """What one row shows; compared to decide whether the row must be repainted."""

    name: str
    type_name: str
    endpoints: str
    state: str
    received: int
    sent: int
    peers: str  # "2 peers" (tcp/ipc connections, from the monitor), or ""
    connections: str  # each of them: "2 connections: 127.0.0.1:51234, 127.0.0.1:51236"


def row_view(handle: SocketHandle) -> RowView:
    return RowView(
        handle.name,
        handle.type_name,
        endpoints_short(handle),
        socket_state(handle),
        handle.received,
        handle.sent,
        handle.monitor.peers_text,
        handle.monitor.connections_text,
    )


class SocketListModel(QAbstractListModel):
    """Live sockets in creation order. The panel adds and removes handles as the bridge says."""

    HandleRole = Qt.ItemDataRole.UserRole + 1
    NameRole = Qt.ItemDataRole.UserRole + 2
    TypeRole = Qt.ItemDataRole.UserRole + 3
    EndpointsRole = Qt.ItemDataRole.UserRole + 4
    StateRole = Qt.ItemDataRole.UserRole + 5
    CountsRole = Qt.ItemDataRole.UserRole + 6  # (received, sent)
    PeersRole = Qt.ItemDataRole.UserRole + 7  # "2 peers" or ""
    ConnectionsRole = Qt.ItemDataRole.UserRole + 8  # "2 connections: 127.0.0.1:51234, …"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handles: list[SocketHandle] = []
        self._shown: list[RowView] = []
        self._timer = QTimer(self)
        self._timer.setInterval(COUNT_REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    # -- contents ------------------------------------------------------------------------
    def handles(self) -> list[SocketHandle]:
        return list(self._handles)

    def handle_at(self, row: int) -> SocketHandle | None:
        return self._handles[row] if 0 <= row < len(self._handles) else None

    def row_of(self, handle: SocketHandle) -> int:
        """The row of ``handle``, or -1 when it is not listed."""
        for row, listed in enumerate(self._handles):
            if listed is handle:
                return row
        return -1

    def add_handle(self, handle: SocketHandle) -> None:
        if self.row_of(handle) >= 0 or handle.closed:
            return
        row = len(self._handles)
        self.beginInsertRows(QModelIndex(), row, row)
        self._handles.append(handle)
        self._shown.append(row_view(handle))
        self.endInsertRows()
        if not self._timer.isActive():
            self._timer.start()

    def remove_handle(self, handle: SocketHandle) -> None:
        row = self.row_of(handle)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._handles[row]
        del self._shown[row]
        self.endRemoveRows()
        if not self._handles:
            self._timer.stop()

    def update_handle(self, handle: SocketHandle) -> None:
        """Repaint a row whose endpoints, subscriptions or state changed.

        Counts alone are left to the timer: socket_changed fires on every send, and a
        repaint per message is what the timer exists to avoid.
        """
        row = self.row_of(handle)
        if row < 0:
            return
        new = row_view(handle)
        old = self._shown[row]
        if new[:4] != old[:4] or new[6:] != old[6:]:  # all but the counts
            self._show(row, new)

    def refresh_counts(self) -> int:
        """Re-read every row and repaint those that changed; returns how many changed."""
        changed = 0
        for row, handle in enumerate(self._handles):
            new = row_view(handle)
            if new != self._shown[row]:
                self._show(row, new)
                changed += 1
        return changed

    def _show(self, row: int, new: RowView) -> None:
        """Repaint a row; when it gains or loses its line of connections, the rows below
        move (a layout change)."""
        taller = bool(new.connections) != bool(self._shown[row].connections)
        if taller:
            self.layoutAboutToBeChanged.emit()
        self._shown[row] = new
        if taller:
            self.layoutChanged.emit()
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def _on_timer_timeout(self) -> None:
        self.refresh_counts()

    # -- QAbstractListModel ------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._handles)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or index.column() != 0:
            return None
        row = index.row()
        if not 0 <= row < len(self._handles):
            return None
        view = self._shown[row]
        if role == Qt.ItemDataRole.DisplayRole or role == Qt.ItemDataRole.AccessibleTextRole:
            peers = f"{view.peers}, " if view.peers else ""
            text = (
                f"{view.name} ({view.type_name}) — {view.endpoints} — "
                f"{peers}in {view.received}, out {view.sent}"
            )
            text += f" — {view.state}" if view.state else ""
            return text + (f" — {view.connections}" if view.connections else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(self._handles[row], view)
        if role == self.HandleRole:
            return self._handles[row]
        if role == self.NameRole:
            return view.name
        if role == self.TypeRole:
            return view.type_name
        if role == self.EndpointsRole:
            return view.endpoints
        if role == self.StateRole:
            return view.state
        if role == self.CountsRole:
            return (view.received, view.sent)
        if role == self.PeersRole:
            return view.peers
        if role == self.ConnectionsRole:
            return view.connections
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update(
            {
                role: QByteArray(name)
                for role, name in (
                    (self.HandleRole, b"handle"),
                    (self.NameRole, b"name"),
                    (self.TypeRole, b"type"),
                    (self.EndpointsRole, b"endpoints"),
                    (self.StateRole, b"state"),
                    (self.CountsRole, b"counts"),
                    (self.PeersRole, b"peers"),
                    (self.ConnectionsRole, b"connections"),
                )
            }
        )
        return names

    @staticmethod
    def _tooltip(handle: SocketHandle, view: RowView) -> str:
        lines = [
            f"{view.name}: {view.type_name} socket",
            handle.info.description,
            f"Talks to: {handle.info.peers_text}",
        ]
        if handle.endpoints:
            lines.extend(endpoint_lines(handle))
        else:
            lines.append("Not bound or connected yet.")
        lines.append(f"Messages in: {view.received}, out: {view.sent}")
        if view.peers:
            lines.append(f"Connections (tcp/ipc peers): {view.peers}")
            lines.extend(_connection_lines(handle))
        if view.state:
            lines.append(f"State: {view.state}")
        if view.type_name == "PUB":
            lines.append(
                "A PUB drops messages for a subscriber at its high-water mark without "
                "a sign from libzmq; an XPUB with XPUB_NODROP refuses them instead, "
                "and zinspect counts that."
            )
        return "\n".join(lines)


TOOLTIP_CONNECTIONS = 12  # connections listed one by one in a socket's tooltip


def endpoint_lines(handle: SocketHandle) -> list[str]:
    """Each bind and connect with its state ("connect tcp://…:5555: retrying"), at most
    ENDPOINT_LINES of them: the state line names a few, the tooltip every one."""
    shown = handle.endpoints[:ENDPOINT_LINES]
    lines = []
    for entry in shown:
        state = handle.monitor.state_of(entry)
        lines.append(f"{entry.kind} {entry.address}" + (f": {state}" if state else ""))
    if len(handle.endpoints) > len(shown):
        lines.append(f"and {len(handle.endpoints) - len(shown):,} more")
    return lines


def _connection_lines(handle: SocketHandle) -> list[str]:
    """One line per live connection: who is at the other end, and over which endpoint."""
    connections = handle.monitor.connections
    lines = [
        f"  {c.text}, "
        + (f"connected to our bind {c.endpoint}" if c.accepted else f"our connect {c.endpoint}")
        for c in list(connections)[:TOOLTIP_CONNECTIONS]
    ]
    more = len(connections) - len(lines)
    if more > 0:
        lines.append(f"  and {more:,} more")
    return lines


def elide_words(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` cut to ``width`` at a word boundary with "…" ("not bound…", never
    "not bou…nnected"); one long word (an address) loses its middle, keeping host and port."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split(" ")
    if len(words) == 1:
        return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
    for count in range(len(words) - 1, 0, -1):
        shown = " ".join(words[:count]).rstrip(",;:—-") + "…"
        if metrics.horizontalAdvance(shown) <= width:
            return shown
    return metrics.elidedText(words[0], Qt.TextElideMode.ElideMiddle, width)


def elide_endpoints(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` ("connect tcp://localhost:5555") cut to ``width`` as elide_words does, unless
    that leaves only the verb ("connect…"): then it loses its middle and keeps the port."""
    shown = elide_words(metrics, text, width)
    words = text.split(" ")
    if len(words) > 1 and "://" in words[1] and words[1] not in shown:
        return metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
    return shown


class SocketItemDelegate(QStyledItemDelegate):
    """Two lines per socket: name, type and counts; then endpoints with the state on the
    right; a third for a socket with live connections, naming each ("3 connections:
    127.0.0.1:51234, …"), cut between words.

    The size hint measures no text (only whether that third line is there), so laying out
    a thousand rows stays cheap.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._padding = 4

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        lines = 3 if index.data(SocketListModel.ConnectionsRole) else 2
        return QSize(200, self.row_height(option.font, lines))

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
