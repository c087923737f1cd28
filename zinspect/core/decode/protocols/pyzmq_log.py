"""pyzmq's log handler (zmq.log.handlers.PUBHandler): a topic ``root.LEVEL[.sub]`` and a record.

PUBHandler publishes each log record as two frames: the topic, made of the handler's root
topic (any text, possibly empty or dotted), the level name and the subtopics the caller
gave (``log.info("db.pool::text")``), joined by dots; then the formatted record as UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from zinspect.core.decode.model import DecodedFrame, DecodeError, Recognition
from zinspect.core.decode.protocols.common import one_line, text_frame

if TYPE_CHECKING:
    from zinspect.core.decode.recognisers import DecodeContext

LEVELS = ("DEBUG", "INFO", "WARN", "WARNING", "ERROR", "CRITICAL")
TOPIC_LIMIT = 1024  # a longer first frame is not a log topic
MESSAGE_LIMIT = 64 * 1024  # a longer record is not a log line this recogniser reads
_LEVEL = re.compile(rb"(?:^|\.)(" + b"|".join(level.encode() for level in LEVELS) + rb")(?:\.|$)")
SUMMARY_TEXT = 100


class PyzmqLogRecogniser:
    name = "pyzmq-log"
    markers = (b"DEBUG", b"INFO", b"WARN", b"ERROR", b"CRITICAL")  # WARNING holds WARN

    def match(self, frames: Sequence[bytes], socket_type: str) -> bool:
        return (
            len(frames) == 2
            and 0 < len(frames[0]) <= TOPIC_LIMIT
            and len(frames[1]) <= MESSAGE_LIMIT
            and _LEVEL.search(frames[0]) is not None
        )

    def decode(
        self, frames: Sequence[bytes], socket: str, socket_type: str, context: DecodeContext
    ) -> tuple[Recognition, tuple[DecodedFrame, ...]]:
        if not self.match(frames, socket_type):
            raise DecodeError("not a log topic with a level and one record")
        found = _LEVEL.search(frames[0])
        assert found is not None  # match() saw it
        try:
            topic = frames[0].decode("utf-8")
            text = frames[1].decode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError("a pyzmq log record is UTF-8 text") from None
        level = found.group(1).decode("ascii")
        root = frames[0][: found.start(1)].rstrip(b".").decode("utf-8")
        subtopic = frames[0][found.end(1) :].lstrip(b".").decode("utf-8")
        message = text[:-1] if text.endswith("\n") else text
        fields: dict[str, object] = {
            "topic": topic,
            "level": "WARNING" if level == "WARN" else level,
            "message": message,
            "root": root,
            "subtopic": subtopic,
        }
        where = one_line(".".join(part for part in (root, subtopic) if part), SUMMARY_TEXT)
        line = one_line(message, SUMMARY_TEXT)
        summary = f"{fields['level']}" + (f" [{where}]" if where else "") + f" {line}"
        decoded = (text_frame(topic, "topic"), text_frame(text, "log record"))
        return Recognition("pyzmq-log", summary, fields), decoded
