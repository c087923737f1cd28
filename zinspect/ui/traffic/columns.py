"""The traffic table's columns: their titles, what their headers explain, each cell's
tooltip, and the summary column's decoded text.

Apart from the model because the header texts depend on preferences (where numbers start,
which time format the Time column shows) and the tooltips are text work the refresh cycle
never needs.

A Summary is as long as a wide column can show (``SUMMARY_LIMIT`` characters, a lone frame's
value all of it: the decoded value is rendered only that far, so a huge map costs no more),
and the view shortens it to the column's width. While a text filter is set, a summary that
holds the filter's match starts a little before it ("…" marks the cut), so the match is in
sight whatever the column's width (``around_match``; the view then shortens at the end).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from zinspect.core.bounded_regex import BoundedRegex, RegexTooSlowError
from zinspect.core.codecs import human_size, message_summary, subscription_event
from zinspect.core.decode.decoder import SUMMARY_VALUE_LIMIT, MessageDecoder, frames_summary
from zinspect.core.decode.model import DecodedMessage
from zinspect.core.message_time import TIME_FORMAT_TIPS, clock_text
from zinspect.core.store import IN, Message, message_number, numbering_from

log = logging.getLogger(__name__)

# Characters of a summary: more than a 3000-pixel column shows, which the view shortens.
SUMMARY_LIMIT = 512
# Frames a row decodes: a summary shows ~40 at most (each cut to 8 characters or more).
SUMMARY_FRAMES = 64
SUMMARY_CACHE_SIZE = 4096
MATCH_SEARCH_LIMIT = 4096  # characters of a summary a filter's match is looked for in
MATCH_CONTEXT = 12  # characters kept before the match in a summary cut around it
# A regex's search of one summary (a painted row): the filter's own searches may take 40 ms
# a message, but a repaint makes ~30 of these in one turn of the loop
SUMMARY_SEARCH_TIMEOUT_S = 0.002
# Where a filter's match is in a text: (start, end), or None
MatchFinder = Callable[[str], "tuple[int, int] | None"]

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
    "The message decoded (JSON, msgpack, text, or the decoder a rule chose; hex 0x … when "
    "binary), "
    "frames joined by ' | '; a recognised protocol in its own words; XPUB/XSUB "
    "subscription messages are decoded. While a text filter is set, it starts a little "
    "before what the filter matched (… marks the cut)",
)
TOOLTIP_SUMMARY_LIMIT = 400
TAP_IN, TAP_OUT = "c → s", "s → c"  # a tap front's rows: client -> server, server -> client


def header_tip(section: int, time_format: str) -> str:
    """The tooltip of column ``section``'s header, for the current preferences."""
    return HEADER_TIPS[section].format(first=numbering_from(), time=TIME_FORMAT_TIPS[time_format])


def summary_text(decoder: MessageDecoder, message: Message, socket_type: str, limit: int) -> str:
    """The message decoded, on one line of about ``limit`` characters; a subscription
    message of an XPUB or XSUB as "subscribe topic", as the table always showed it."""
    return _summary(_decoded(decoder, message, socket_type), message, socket_type, limit)


def _decoded(decoder: MessageDecoder, message: Message, socket_type: str) -> DecodedMessage | None:
    """What a summary is made of, decoded once for summaries of several lengths; None: the
    raw summary (a subscription, or a decoder's bug)."""
    if socket_type in ("XPUB", "XSUB") and subscription_event(message.frames) is not None:
        return None
    try:
        return decoder.decode(message.frames, message.socket, socket_type, SUMMARY_FRAMES)
    except Exception:  # a decoder's bug must not take the table down (Qt would abort)
        log.exception("decoding message %d of %s failed", message.seq, message.socket)
        return None


def _summary(decoded: DecodedMessage | None, message: Message, kind: str, limit: int) -> str:
    if decoded is None:
        return message_summary(message.frames, kind, limit)
    if decoded.recognition is not None:
        return decoded.summary
    # a lone frame may fill the limit; several share it, each at least as long as before
    share = max(SUMMARY_VALUE_LIMIT, limit // max(1, len(decoded.frames)))
    return frames_summary(decoded.frames, limit, len(message.frames), share, fill_last=True)


def around_match(text: str, start: int, end: int, limit: int = SUMMARY_LIMIT) -> str:
    """``text`` from ``MATCH_CONTEXT`` characters before its match ``text[start:end]``, at
    most ``limit`` characters of it, with "…" on each side cut: the match at the cell's
    start, where any column width shows it."""
    begin = max(0, start - MATCH_CONTEXT)
    if begin <= 1:  # cutting one character off would hide as much as the ellipsis shows
        begin = 0
    stop = max(begin + limit, end)
    return ("…" if begin else "") + text[begin:stop] + ("…" if stop < len(text) else "")


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
    change, or the filter's text (``set_match``)."""

    def __init__(self, decoder: MessageDecoder, socket_types: dict[str, str]) -> None:
        self._decoder = decoder
        self._socket_types = socket_types  # the model's own dict, kept up to date by it
        self._texts: OrderedDict[int, str] = OrderedDict()
        self._find: MatchFinder | None = None

    def set_match(self, find: MatchFinder | None) -> None:
        """Start each summary at the match ``find`` finds in it (None: at its start)."""
        self._find = find
        self._texts.clear()

    def text(self, message: Message) -> str:
        cache = self._texts
        text = cache.get(message.seq)
        if text is not None:
            cache.move_to_end(message.seq)
            return text
        kind = self._socket_types.get(message.socket, "")
        decoded = _decoded(self._decoder, message, kind)
        text = self._matched(decoded, message, kind) if self._find is not None else None
        if text is None:
            text = _summary(decoded, message, kind, SUMMARY_LIMIT)
        cache[message.seq] = text
        if len(cache) > SUMMARY_CACHE_SIZE:
            cache.popitem(last=False)
        return text

    def sort_text(self, message: Message) -> str:
        """The summary from its start, as sorting compares it (not cut at a match)."""
        if self._find is None:
            return self.text(message)
        kind = self._socket_types.get(message.socket, "")
        return summary_text(self._decoder, message, kind, SUMMARY_LIMIT)

    def _matched(self, decoded: DecodedMessage | None, message: Message, kind: str) -> str | None:
        """The summary cut around the filter's match, or None when it shows no match (the
        message matched by bytes or decoded text its summary does not spell alike)."""
        assert self._find is not None
        wide = _summary(decoded, message, kind, MATCH_SEARCH_LIMIT)
        span = self._find(wide)
        if span is None:
            return None
        if span[0] <= MATCH_CONTEXT + 1 and len(wide) <= SUMMARY_LIMIT:
            return wide  # the summary as it is shows the match at its start
        return around_match(wide, *span)

    def clear(self) -> None:
        self._texts.clear()


def match_finder(pattern: BoundedRegex | None, needle: str) -> MatchFinder | None:
    """Where a filter (its regular expression, else its lower-case needle) matches a
    summary; None for a filter without text. A regex that takes over
    ``SUMMARY_SEARCH_TIMEOUT_S`` on one summary is not asked again: summaries show from
    their start, so a repaint never waits on it more than once."""
    if pattern is not None:
        slow: list[bool] = []

        def find_pattern(text: str) -> tuple[int, int] | None:
            if slow:
                return None
            try:
                span = pattern.span(text, SUMMARY_SEARCH_TIMEOUT_S)
            except RegexTooSlowError:
                log.info("summaries shown from their start: %r is slow", pattern.text)
                slow.append(True)
                return None
            return span if span is not None and span[1] > span[0] else None

        return find_pattern
    if not needle:
        return None

    def find_needle(text: str) -> tuple[int, int] | None:
        lowered = text.lower()
        at = lowered.find(needle)
        if at < 0 or len(lowered) != len(text):  # (a lower case of another length: rare)
            return None
        return at, at + len(needle)

    return find_needle
