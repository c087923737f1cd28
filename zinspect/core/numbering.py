"""Where the numbers users read start: 1 (like frames, and Wireshark) or 0.

A preference of the whole application, so every place that shows a number (table, Message
pane, status texts, file names, CSV) agrees without each being told. Re-exported by
core.store, where it lived first.
"""

from __future__ import annotations

_number_from = 1


def message_number(seq: int) -> int:
    """The number a user sees for the message with sequence number ``seq``: counted from 1
    (or 0, by preference), while sequence numbers (stores, capture files) stay 0-based."""
    return seq + _number_from


def numbering_from() -> int:
    """The number the first message of a session gets: 1 (the default) or 0."""
    return _number_from


def set_numbering_from(first: int) -> None:
    """Number messages from ``first`` (0 or 1) wherever a number is shown from now on."""
    global _number_from
    if first not in (0, 1):
        raise ValueError(f"messages are numbered from 0 or 1, not {first}")
    _number_from = first
