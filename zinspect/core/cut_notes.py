"""Which stored messages were cut by the per-message caps, and how many frames they had.

A message of more frames (or bytes) than zinspect keeps is stored with its first frames
only (core.sockets.socket_receive). The row itself has no room to say so, and a message of
100,000 frames read "100,000 frames" in the Message pane as if it were whole; the receiving
socket notes here how many frames the message really had, by sequence number, so the pane
can say "100,000 of 200,000 frames kept". Bounded: the most recent notes are kept.
"""

from __future__ import annotations

NOTES_KEPT = 10_000  # a cut message holds at least a cap's worth: more would not be stored


class CutNotes:
    """The number of frames received for each cut message, by sequence number."""

    def __init__(self, limit: int = NOTES_KEPT) -> None:
        self.limit = limit
        self._received: dict[int, int] = {}

    def note(self, seq: int, received_frames: int) -> None:
        """Message ``seq`` was stored without some of its ``received_frames`` frames."""
        self._received[seq] = received_frames
        while len(self._received) > self.limit:
            del self._received[next(iter(self._received))]

    def received_frames(self, seq: int) -> int | None:
        """How many frames message ``seq`` had when it was cut; None when it was not cut
        (or is older than the notes kept)."""
        return self._received.get(seq)
