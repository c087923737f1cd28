"""The traffic table's columns: their titles, what their headers explain, and each cell's
tooltip.

Apart from the model because the header texts depend on preferences (where numbers start,
which time format the Time column shows) and the tooltips are text work the refresh cycle
never needs.
"""

from __future__ import annotations

import time

from zinspect.core.codecs import message_summary
from zinspect.core.message_time import TIME_FORMAT_TIPS, clock_text
from zinspect.core.store import IN, Message, numbering_from

COL_NUMBER, COL_TIME, COL_SOCKET, COL_DIRECTION, COL_FRAMES, COL_SIZE, COL_SUMMARY = range(7)
HEADERS = ("No.", "Time", "Socket", "Dir", "Frames", "Size", "Summary")
HEADER_TIPS = (
    "Message number in this session, from {first} (the # in the message "
    "pane). Numbers keep counting after Clear and after the oldest messages are dropped, "
    "so a number never repeats.",
    "{time}",
    "The socket that received or sent the message",
    "← in: received by the socket; → out: sent by it",
    "Number of frames (parts) in the message",
    "Total size of all frames",
    "First frames as text when printable, else as hex (0x …), joined by ' | '; "
    "XPUB/XSUB subscription messages are decoded",
)
TOOLTIP_SUMMARY_LIMIT = 400


def header_tip(section: int, time_format: str) -> str:
    """The tooltip of column ``section``'s header, for the current preferences."""
    return HEADER_TIPS[section].format(first=numbering_from(), time=TIME_FORMAT_TIPS[time_format])


def cell_tooltip(message: Message, column: int, socket_type: str) -> str | None:
    """The tooltip of ``message``'s cell in ``column``: what the cell leaves out."""
    if column == COL_SUMMARY:
        return message_summary(message.frames, socket_type, limit=TOOLTIP_SUMMARY_LIMIT)
    if column == COL_SIZE:
        return f"{message.size:,} bytes"
    if column == COL_TIME:
        # the date and the clock, whichever format the column shows
        stamp = message.time
        day = time.strftime("%Y-%m-%d ", time.localtime(round(stamp * 1000) // 1000))
        return day + clock_text(stamp)
    if column == COL_DIRECTION:
        verb = "Received by" if message.direction == IN else "Sent by"
        return f"{verb} {message.socket}" + (f" ({socket_type})" if socket_type else "")
    return None
