"""A session's temporary history: a segment log in a folder of its own, removed on exit.

What the store is given (``MessageStore.set_history``). The disk cap defaults to the
smaller of 20 GiB and a tenth of the free space when the session starts, so a history never
fills a disk that was nearly full already; Preferences can set another.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from zinspect.core.history.folders import HistoryFolder, free_space
from zinspect.core.history.segment_log import SegmentLog

log = logging.getLogger(__name__)

GIB: Final = 1024**3
DEFAULT_CAP: Final = 20 * GIB
FREE_SHARE: Final = 10  # at most 1/FREE_SHARE of the free space, by default
MIN_CAP: Final = 64 * 1024 * 1024


def default_cap(where: Path) -> int:
    """min(20 GiB, a tenth of the free space at ``where``), never under MIN_CAP."""
    free = free_space(where)
    if free is None:
        return DEFAULT_CAP
    return max(MIN_CAP, min(DEFAULT_CAP, free // FREE_SHARE))


class History(SegmentLog):
    """The segment log of one session, in a locked temporary folder (core.history.folders)."""

    def __init__(
        self,
        start_seq: int,
        cap_bytes: int | None = None,
        base: Path | None = None,
        **options: int,
    ) -> None:
        self._folder = HistoryFolder(base)
        self.automatic_cap = cap_bytes is None  # min(20 GiB, free / 10) at the start
        if cap_bytes is None:
            cap_bytes = default_cap(self._folder.path)
        super().__init__(self._folder.path, start_seq, cap_bytes, **options)  # type: ignore[arg-type]
        log.info("history in %s, cap %d bytes", self._folder.path, cap_bytes)

    def close(self) -> None:
        """Close the files and remove the folder (the session ends)."""
        try:
            super().close()
        except OSError:
            pass
        self._folder.remove()
