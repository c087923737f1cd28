"""Sequence gaps: messages a numbered stream skipped, per socket and topic.

A recogniser puts ``"topic"`` and ``"sequence"`` (an int) into a recognition's fields when its
protocol numbers messages (bitcoin's notifications do, per topic). Fed the recognitions in the
order the messages arrived, ``SequenceGaps`` says how many were missed before each; it keeps
one number per (socket, topic) and a bounded record of where gaps were.
"""

from __future__ import annotations

from collections import OrderedDict

from zinspect.core.decode.model import Recognition

MAX_STREAMS = 100_000  # distinct (socket, topic) pairs remembered; the oldest go first
SEQUENCE_MODULUS = 1 << 32  # bitcoin's sequence is a 4-byte counter that wraps


class SequenceGaps:
    def __init__(self) -> None:
        self._last: OrderedDict[tuple[str, str], int] = OrderedDict()
        self.missed_total = 0

    def feed(self, socket: str, recognition: Recognition | None) -> int | None:
        """The number of messages missed just before this one on its stream, or None when
        none were (or the message carries no sequence). A number going back (the publisher
        restarted) starts the stream afresh and is no gap."""
        if recognition is None:
            return None
        sequence = recognition.fields.get("sequence")
        topic = recognition.fields.get("topic")
        if not isinstance(sequence, int) or isinstance(sequence, bool):
            return None
        key = (socket, str(topic))
        last = self._last.pop(key, None)
        self._last[key] = sequence
        if len(self._last) > MAX_STREAMS:
            self._last.popitem(last=False)
        if last is None:
            return None
        missed = (sequence - last - 1) % SEQUENCE_MODULUS
        if missed == 0 or missed >= SEQUENCE_MODULUS // 2:  # in order, or went back
            return None
        self.missed_total += missed
        return missed

    def reset(self) -> None:
        self._last.clear()
        self.missed_total = 0
