"""The traffic table's columns: their titles, what their headers explain, each cell's
tooltip, and the summary column's decoded text.

Apart from the model because the header texts depend on preferences (where numbers start,
which time format the Time column shows) and the tooltips are text work the refresh cycle
never needs.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

from zinspect.core.codecs import human_size, message_summary, subscription_event
from zinspect.core.decode.decoder import MessageDecoder, frames_summary
from zinspect.core.message_time import TIME_FORMAT_TIPS, clock_text
from zinspect.core.store import IN, Message, message_number, numbering_from

log = logging.getLogger(__name__)

SUMMARY_LIMIT = 120
# Frames a row decodes: a summary shows ~40 at most (each cut to 8 characters or more).
SUMMARY_FRAMES = 64
SUMMARY_CACHE_SIZE = 4096

COL_NUMBER, COL_TIME, COL_SOCKET, COL_DIRECTION, COL_FRAMES, COL_SIZE, COL_SUMMARY = range(7)
HEADERS = ("No.", "Time", "Socket", "Dir", "Frames", "Size", "Summary")
HEADER_TIPS = (
    "Message number, from {first} (the # in the Message pane). Clear traffic starts the "
    "numbers again, like a new capture; dropping the oldest messages does not (the first "
    "row's number tells how many went).",
    "{time}",
    "The socket that received or sent the message (a capture's connection: client -> "
    "server, each end shortened on its own when narrow; point at a cell for the whole name)",
    "← in: received by the socket; → out: sent by it. On a tap's front socket: c → s, client "
    "to server (a client sent it); s → c, server to client",
    "Number of frames (parts) in the message",
    "Total size of all frames",
    "The message decoded (JSON, text, or the decoder a rule chose; hex 0x … when binary), "
    "frames joined by ' | '; a recognised protocol in its own words; XPUB/XSUB "
    "subscription messages are decoded",
)
TOOLTIP_SUMMARY_LIMIT = 400
TAP_IN, TAP_OUT = "c → s", "s → c"  # a tap front's rows: client -> server, server -> client


def header_tip(section: int, time_format: str) -> str:
    """The tooltip of column ``section``'s header, for the current preferences."""
    return HEADER_TIPS[section].format(first=numbering_from(), time=TIME_FORMAT_TIPS[time_format])


def summary_text(decoder: MessageDecoder, message: Message, socket_type: str, limit: int) -> str:
    """The message decoded, on one line of about ``limit`` characters; a subscription
    message of an XPUB or XSUB as "subscribe topic", as the table always showed it."""
    if socket_type in ("XPUB", "XSUB") and subscription_event(message.frames) is not None:
        return message_summary(message.frames, socket_type, limit)
    frames = message.frames
    try:
        decoded = decoder.decode(frames, message.socket, socket_type, SUMMARY_FRAMES)
    except Exception:  # a decoder's bug must not take the table down (Qt would abort)
        log.exception("decoding message %d of %s failed", message.seq, message.socket)
        return message_summary(frames, socket_type, limit)
    if decoded.recognition is not None or limit <= SUMMARY_LIMIT:
        return decoded.summary
    return frames_summary(decoded.frames, limit, len(frames))


def cell_text(message: Message, column: int, tap_front: bool = False) -> str:
    """What a cell shows, for the columns that need nothing but the message (the model
    does Time and Summary: they depend on preferences and decoding). On a tap's front socket
    the direction is said as the tap sees it: c → s (client -> server) or s → c."""
    if column == COL_NUMBER:
        return str(message_number(message.seq))
    if column == COL_SOCKET:
        return message.socket
    if column == COL_DIRECTION:
        if tap_front:  # as narrow as "→ out"; the header's tip says it in words
            return TAP_IN if message.direction == IN else TAP_OUT
        return "← in" if message.direction == IN else "→ out"
    if column == COL_FRAMES:
        return str(len(message.frames))
    if column == COL_SIZE:
        return human_size(message.size)
    return ""


def cell_tooltip(
    decoder: MessageDecoder, message: Message, column: int, socket_type: str
) -> str | None:
    """The tooltip of ``message``'s cell in ``column``: what the cell leaves out."""
    if column == COL_SUMMARY:
        return summary_text(decoder, message, socket_type, TOOLTIP_SUMMARY_LIMIT)
    if column == COL_SOCKET:  # a long name is shortened in the cell
        return message.socket + (f" ({socket_type})" if socket_type else "")
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


class SummaryCache:
    """The summary column's texts of recently shown messages, by sequence number: a
    repaint or a scroll back decodes nothing again. Cleared when rules or socket types
    change."""

    def __init__(self, decoder: MessageDecoder, socket_types: dict[str, str]) -> None:
        self._decoder = decoder
        self._socket_types = socket_types  # the model's own dict, kept up to date by it
        self._texts: OrderedDict[int, str] = OrderedDict()

    def text(self, message: Message) -> str:
        cache = self._texts
        text = cache.get(message.seq)
        if text is not None:
            cache.move_to_end(message.seq)
            return text
        kind = self._socket_types.get(message.socket, "")
        text = summary_text(self._decoder, message, kind, SUMMARY_LIMIT)
        cache[message.seq] = text
        if len(cache) > SUMMARY_CACHE_SIZE:
            cache.popitem(last=False)
        return text

    def clear(self) -> None:
        self._texts.clear()
