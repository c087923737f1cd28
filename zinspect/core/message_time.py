"""A message's time as the user chose to read it: the clock, seconds since the first message,
or seconds since the message before.

One place for the three formats, so the traffic table's Time column and the Message pane
always agree. Each takes a stored message's sequence number and time and asks the store only
for the one neighbour it needs (``time_before``, ``origin_time``): formatting a visible row
costs the same with ten messages stored or a million.
"""

from __future__ import annotations

import time
from typing import Final

from zinspect.core.store import MessageStore

CLOCK: Final = "clock"
RELATIVE: Final = "relative"
DELTA: Final = "delta"
TIME_FORMATS: Final = (CLOCK, RELATIVE, DELTA)
TIME_FORMAT_NAMES: Final = {
    CLOCK: "Clock (14:02:11.303)",
    RELATIVE: "Since the first message (+12.345 s)",
    DELTA: "Since the previous message (+0.012 s)",
}
TIME_FORMAT_TIPS: Final = {
    CLOCK: "Local time the message was received or sent (hours:minutes:seconds.milliseconds)",
    RELATIVE: "Seconds since the first message captured (since start, or since the last "
    "Clear); it stays the reference when the store's caps drop it",
    DELTA: "Seconds since the message before it in the store (of any socket, shown or "
    "filtered out)",
}


def clock_text(stamp: float) -> str:
    """Local wall-clock time with milliseconds, HH:MM:SS.mmm."""
    seconds, millis = divmod(round(stamp * 1000), 1000)  # round once, so .9996 carries
    return time.strftime("%H:%M:%S", time.localtime(seconds)) + f".{millis:03d}"


def seconds_text(seconds: float) -> str:
    """A signed duration in seconds with milliseconds: ``+12.345 s`` (never ``-0.000 s``)."""
    millis = round(seconds * 1000)
    sign = "-" if millis < 0 else "+"
    whole, part = divmod(abs(millis), 1000)
    return f"{sign}{whole}.{part:03d} s"


def time_text(store: MessageStore, seq: int, stamp: float, time_format: str) -> str:
    """Message ``seq``'s time (``stamp``) in ``time_format``; the first message since start
    or Clear is ``+0.000 s`` in both relative formats."""
    if time_format == RELATIVE:
        origin = store.origin_time
        return seconds_text(0.0 if origin is None else stamp - origin)
    if time_format == DELTA:
        before = store.time_before(seq)
        return seconds_text(0.0 if before is None else stamp - before)
    return clock_text(stamp)
