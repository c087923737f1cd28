"""A message as views, writers and callers see it: an object made from a store row on demand
(core.store keeps rows, not these; docs/performance.md says why)."""

from __future__ import annotations

from zinspect.core.rows import ROW_FRAMES, Row


class Message:
    """One multipart message as it went over a socket.

    Made by the caller to add a message, or by the store from a row to show one. It is a
    value: changing it does not change what the store keeps.
    """

    __slots__ = ("seq", "time", "socket", "direction", "frames", "size", "__weakref__")

    def __init__(self, time: float, socket: str, direction: str, frames: list[bytes]) -> None:
        self.seq = -1  # assigned by the store
        self.time = time
        self.socket = socket
        self.direction = direction
        self.frames = frames
        self.size = sum(map(len, frames))

    def to_row(self) -> Row:
        return (self.time, self.socket, self.direction, self.size, *self.frames)

    def __repr__(self) -> str:
        return (
            f"Message(seq={self.seq}, socket={self.socket!r}, {self.direction}, "
            f"{len(self.frames)} frames, {self.size} B)"
        )


_new_message = Message.__new__


def message_from_row(seq: int, row: Row) -> Message:
    """A Message for a stored row (no size recount, no __init__)."""
    message = _new_message(Message)
    message.seq = seq
    message.time, message.socket, message.direction, message.size = row[:ROW_FRAMES]
    message.frames = list(row[ROW_FRAMES:])
    return message
