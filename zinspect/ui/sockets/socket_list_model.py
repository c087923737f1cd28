"""The list of live sockets: one row per SocketHandle, with endpoints, counts and state.

A plain list of handles backs the model; while a workspace of thousands is replaced, rows
come and go in batches (``hold``). Traffic changes the in/out counts constantly; they are
not signalled per message but re-read by a low-rate timer, and a row is repainted only when
what it shows actually changed.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFontMetrics

from zinspect.core.sockets.monitor import ENDPOINT_LINES
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.tap.registry import tap_socket_note

COUNT_REFRESH_MS = 250  # 4 Hz: counts are for reading, not for watching every message
BATCH_MS = 250  # rows added or removed at most this often while a workspace is replaced
SIZE_HINT_ROLE = int(Qt.ItemDataRole.SizeHintRole)

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
        self._listed: set[SocketHandle] = set()  # in a row, or arriving
        # while a workspace is replaced (see hold): listed or taken away a few times a second
        self._held = False
        self._arriving: list[SocketHandle] = []
        self._leaving: set[SocketHandle] = set()
        self._batch_timer = QTimer(self)
        self._batch_timer.setSingleShot(True)
        self._batch_timer.setInterval(BATCH_MS)
        self._batch_timer.timeout.connect(self.apply_held)
        # a row's size without and with its line of connections (the view measures them)
        self._sizes = (QSize(200, 40), QSize(200, 58))
        self._timer = QTimer(self)
        self._timer.setInterval(COUNT_REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    # -- contents ------------------------------------------------------------------------
    def handles(self) -> list[SocketHandle]:
        return list(self._handles)

    def handle_at(self, row: int) -> SocketHandle | None:
        return self._handles[row] if 0 <= row < len(self._handles) else None

    def row_of(self, handle: SocketHandle) -> int:
        """The row of ``handle``, or -1 when it is not listed (one still arriving is listed
        now: it is asked for to be selected)."""
        if handle not in self._listed:
            return -1
        if self._arriving and handle in self._arriving:
            self.apply_held()
        for row, listed in enumerate(self._handles):
            if listed is handle:
                return row
        return -1

    def hold(self, held: bool) -> None:
        """While True (a workspace replaced), sockets added and removed change the rows a few
        times a second, not one by one: each change lays every row out again (3,000 rows:
        ~10 ms), once per turn of the loop, for a whole open or close."""
        self._held = held
        if not held:
            self.apply_held()

    def add_handle(self, handle: SocketHandle) -> None:
        if handle in self._listed or handle.closed:
            return
        self._listed.add(handle)
        if self._held:
            self._arriving.append(handle)
            self._apply_later()
            return
        self.apply_held()
        self._insert([handle])

    def remove_handle(self, handle: SocketHandle, *, at_once: bool = False) -> None:
        """Take ``handle``'s row away (while held, with others later, unless ``at_once``)."""
        if handle not in self._listed:
            return
        if self._arriving and handle in self._arriving:
            self._arriving.remove(handle)
            self._listed.discard(handle)
            return
        self._leaving.add(handle)
        if self._held and not at_once:
            self._apply_later()
        else:
            self.apply_held()

    def _apply_later(self) -> None:
        if not self._batch_timer.isActive():
            self._batch_timer.start()

    def apply_held(self) -> None:
        """The rows held back by ``hold``, removed and added now."""
        self._batch_timer.stop()
        leaving, self._leaving = self._leaving, set()
        arriving, self._arriving = self._arriving, []
        self._listed -= leaving
        if leaving:  # each run of neighbouring rows at once, from the end
            rows = [row for row, listed in enumerate(self._handles) if listed in leaving]
            while rows:
                last = first = rows.pop()
                while rows and rows[-1] == first - 1:
                    first = rows.pop()
                self.beginRemoveRows(QModelIndex(), first, last)
                del self._handles[first : last + 1]
                del self._shown[first : last + 1]
                self.endRemoveRows()
            if not self._handles:
                self._timer.stop()
        self._listed -= {handle for handle in arriving if handle.closed}
        self._insert([handle for handle in arriving if not handle.closed])

    def _insert(self, handles: list[SocketHandle]) -> None:
        if not handles:
            return
        row = len(self._handles)
        self.beginInsertRows(QModelIndex(), row, row + len(handles) - 1)
        self._handles.extend(handles)
        self._shown.extend(row_view(handle) for handle in handles)
        self.endInsertRows()
        if not self._timer.isActive():
            self._timer.start()

    def update_handle(self, handle: SocketHandle) -> None:
        """Repaint a row whose endpoints, subscriptions or state changed.

        Counts alone are left to the timer: socket_changed fires on every send, and a
        repaint per message is what the timer exists to avoid.
        """
        if self._arriving and handle in self._arriving:
            return  # its row is made from it as it is then
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

    def set_row_heights(self, two_lines: int, three_lines: int) -> None:
        """The heights the view's delegate measured for a row of two and of three lines."""
        self._sizes = (QSize(200, two_lines), QSize(200, three_lines))

    # -- QAbstractListModel ------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._handles)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == SIZE_HINT_ROLE:  # first and short: every layout asks it of every row
            row = index.row()
            if 0 <= row < len(self._shown):
                return self._sizes[bool(self._shown[row].connections)]
            return None
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
