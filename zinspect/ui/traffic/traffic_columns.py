"""The traffic table's columns: their order, headers, tips, and the summary column's text.

Apart from the model so the model stays about rows, and so the wording can change alone.
"""

from __future__ import annotations

import logging

from zinspect.core.codecs import message_summary, subscription_event
from zinspect.core.decode.decoder import MessageDecoder, frames_summary
from zinspect.core.store import Message

log = logging.getLogger(__name__)

SUMMARY_LIMIT = 120
# Frames a row decodes: a summary shows ~40 at most (each cut to 8 characters or more).
SUMMARY_FRAMES = 64

COL_NUMBER, COL_TIME, COL_SOCKET, COL_DIRECTION, COL_FRAMES, COL_SIZE, COL_SUMMARY = range(7)
HEADERS = ("No.", "Time", "Socket", "Dir", "Frames", "Size", "Summary")
HEADER_TIPS = (
    "Message number in this session, from 1 (the # in the message "
    "pane). Numbers keep counting after Clear and after the oldest messages are dropped, "
    "so a number never repeats.",
    "Local time the message was received or sent (hours:minutes:seconds.milliseconds)",
    "The socket that received or sent the message",
    "← in: received by the socket; → out: sent by it",
    "Number of frames (parts) in the message",
    "Total size of all frames",
    "The message decoded (JSON, text, or the decoder a rule chose; hex 0x … when binary), "
    "frames joined by ' | '; a recognised protocol in its own words; XPUB/XSUB "
    "subscription messages are decoded",
)


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
