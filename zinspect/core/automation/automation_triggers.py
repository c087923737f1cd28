"""Watching for an automation's start or stop condition (core.automation.conditions).

A ``TriggerWatch`` fires its callback once: after a time, when a socket of the workspace
has received N messages (or N matching a rule) since the watch was armed, or when a peer
has connected to a socket (its ZeroMQ handshake done). Watches of one session share one
pair of session listeners: each received batch is looked at once per watch on its socket,
and nothing here runs when no watch is armed.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence

from zinspect.core.automation.conditions import Trigger
from zinspect.core.automation.rules import matches, message_body
from zinspect.core.automation.timing import PreciseTimer
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN, ROW_DIRECTION, ROW_FRAMES, ROW_SOCKET, Row

_watches: weakref.WeakKeyDictionary[Session, list[TriggerWatch]] = weakref.WeakKeyDictionary()


class TriggerWatch:
    """Calls ``callback(reason)`` once when ``trigger`` is met; ``cancel`` disarms it.

    ``start``: ``after_ms`` is a delay after the event (or alone, after arming); otherwise
    it is a time limit of its own beside the event.
    """

    def __init__(
        self,
        handle: SocketHandle,
        trigger: Trigger,
        callback: Callable[[str], None],
        *,
        start: bool,
    ) -> None:
        self.handle = handle
        self.trigger = trigger
        self.socket_name = trigger.socket or handle.name
        self._callback = callback
        self._start = start
        self.count = 0
        self.fired = False
        self._timer: PreciseTimer | None = None
        self._session = handle.session
        self._loop = asyncio.get_running_loop()

    def arm(self) -> None:
        trigger = self.trigger
        if not trigger.has_event:
            self._timer = PreciseTimer(
                self._loop, trigger.after_ms / 1000, self._fire, f"{trigger.after_ms} ms passed"
            )
            return
        if not self._start and trigger.after_ms:
            self._timer = PreciseTimer(
                self._loop, trigger.after_ms / 1000, self._fire, f"{trigger.after_ms} ms passed"
            )
        _watches.setdefault(self._session, []).append(self)
        _listen(self._session)
        if trigger.connected:
            self.socket_changed(self._session.socket_named(self.socket_name))

    def cancel(self) -> None:
        self.fired = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        watches = _watches.get(self._session)
        if watches is not None and self in watches:
            watches.remove(self)

    def _event(self, reason: str) -> None:
        """The event happened: fire now, or after the start's delay."""
        watches = _watches.get(self._session)
        if watches is not None and self in watches:
            watches.remove(self)
        if self._start and self.trigger.after_ms:
            delay = self.trigger.after_ms
            self._timer = PreciseTimer(
                self._loop, delay / 1000, self._fire, f"{reason}, then {delay} ms"
            )
        else:
            self._fire(reason)

    def _fire(self, reason: str) -> None:
        if self.fired:
            return
        self.cancel()
        self._callback(reason)

    def received(self, handle: SocketHandle, rows: Sequence[Row]) -> None:
        trigger = self.trigger
        if trigger.connected or self.fired:
            return
        tests = trigger.match
        kind = handle.type_name
        for row in rows:
            if row[ROW_SOCKET] != handle.name or row[ROW_DIRECTION] != IN:
                continue
            frames: tuple[bytes, ...] = row[ROW_FRAMES:]
            if tests is not None and not matches(tests, message_body(frames, kind)):
                continue
            self.count += 1
            if self.count >= trigger.needed:
                what = "a matching message" if tests is not None else "messages"
                self._event(f"'{handle.name}' received {self.count} × {what}")
                return

    def socket_changed(self, handle: SocketHandle | None) -> None:
        if handle is None or handle.closed or self.fired or not self.trigger.connected:
            return
        if handle.name == self.socket_name and (handle.monitor.peers or handle.monitor.handshakes):
            self._event(f"a peer connected to '{handle.name}'")


def watches_socket(handle: SocketHandle) -> bool:
    """Whether a watch looks at what ``handle`` receives."""
    watches = _watches.get(handle.session)
    return bool(watches) and any(w.socket_name == handle.name for w in watches)  # type: ignore[union-attr]


def notify_received(handle: SocketHandle, rows: Sequence[Row]) -> None:
    """A batch of ``handle``'s messages reached the store: tell its watches."""
    for watch in [w for w in _watches.get(handle.session, ()) if w.socket_name == handle.name]:
        watch.received(handle, rows)


def _on_socket_changed(handle: SocketHandle) -> None:
    watches = _watches.get(handle.session)
    if watches:
        for watch in [w for w in watches if w.socket_name == handle.name]:
            watch.socket_changed(handle)


def _listen(session: Session) -> None:
    if _on_socket_changed not in session.on_socket_changed:
        session.on_socket_changed.append(_on_socket_changed)
