"""Where the numbers users read start: 1 (like frames, and Wireshark) or 0.

A preference of the whole application, so every place that shows a number (table, Message
pane, status texts, file names, CSV) agrees without each being told. Re-exported by
core.store, where it lived first.

Clear traffic starts the numbers again, as a new capture does in Wireshark (and as
``zinspect decode`` numbers a capture file): the store's sequence numbers go on (the
history, the recorder, the latency and gap trackers and the views count on that), only the
number shown is counted from the Clear. A message from before it keeps the number it had.
"""

from __future__ import annotations

from bisect import bisect_right

_number_from = 1
# The sequence numbers at which numbering started again (the traffic was cleared), in
# order: one session per process (core.sockets.session keeps them), like the preference.
_restarts: list[int] = []
RESTARTS_KEPT = 256  # a message held from before older Clears reads from the oldest kept


def message_number(seq: int) -> int:
    """The number a user sees for the message with sequence number ``seq``: counted from 1
    (or 0, by preference) since the last Clear before it, while sequence numbers (stores,
    capture files) stay 0-based and never start again."""
    if not _restarts:
        return seq + _number_from
    at = bisect_right(_restarts, seq)
    return seq - (_restarts[at - 1] if at else 0) + _number_from


def numbering_from() -> int:
    """The number the first message of a session gets: 1 (the default) or 0."""
    return _number_from


def set_numbering_from(first: int) -> None:
    """Number messages from ``first`` (0 or 1) wherever a number is shown from now on."""
    global _number_from
    if first not in (0, 1):
        raise ValueError(f"messages are numbered from 0 or 1, not {first}")
    _number_from = first


def restart_numbering(seq: int) -> None:
    """The message ``seq`` and those after it are numbered from the first number again
    (the session's store was cleared when ``seq`` was its next sequence number)."""
    if _restarts and seq <= _restarts[-1]:
        return  # cleared again with nothing new: the same restart
    _restarts.append(seq)
    del _restarts[:-RESTARTS_KEPT]


def forget_restarts() -> None:
    """A new session: its messages are numbered from its first sequence number."""
    _restarts.clear()
