"""A capture file as the messages of a replay, read from the file as they are sent.

Loading a capture to replay it held every message in memory (a million messages: hundreds
of MB more). A ``CaptureMessages`` holds only the file's name, what a first read counted
(messages per direction) and the file's size and time then; the replayer reads the file
again as it sends, one slice (core.capture's READ_BUDGET_S) ahead. If the file changed
since it was counted, the replay stops in words rather than send something else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from zinspect.core.capture.capture import READ_BUDGET_S, CaptureError, CaptureReader
from zinspect.core.store import IN, OUT, Message


def file_stamp(path: str | os.PathLike[str]) -> tuple[int, int]:
    """(size, modification time in ns) of the file, to notice it changed."""
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns


class CaptureMessages:
    """The messages of the capture at ``path`` (all, or one ``direction``), counted once by
    whoever read it (``counts``: messages per direction) and streamed by ``stream``. A
    sequence-like view for the replay dialog and the replayer: ``len`` and ``only``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        counts: dict[str, int],
        stamp: tuple[int, int],
        direction: str | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self.counts = {IN: counts.get(IN, 0), OUT: counts.get(OUT, 0)}
        self.stamp = stamp
        self.direction = direction

    def __len__(self) -> int:
        if self.direction is None:
            return self.counts[IN] + self.counts[OUT]
        return self.counts[self.direction]

    def count(self, direction: str) -> int:
        return self.counts[direction]

    def only(self, direction: str | None) -> CaptureMessages:
        """The same file, only the messages of ``direction`` (None: all)."""
        return CaptureMessages(self.path, self.counts, self.stamp, direction)

    def stream(self) -> Iterator[Message | None]:
        """The messages, read from the file a slice at a time; None between slices that
        found none (the caller lets its loop run). CaptureError in words if the file is
        gone, unreadable or changed since it was counted."""
        try:
            changed = file_stamp(self.path) != self.stamp
        except OSError:
            changed = True
        if changed:
            raise CaptureError(
                f"{self.path} changed (or is gone) since it was read: open it again to replay it"
            )
        reader = CaptureReader(self.path)
        direction = self.direction
        try:
            while not reader.done:
                batch = reader.read(READ_BUDGET_S)
                if not batch:
                    yield None
                    continue
                for message in batch:
                    if direction is None or message.direction == direction:
                        yield message
                del batch
        finally:
            reader.close()
