"""The store's side of an on-disk history: what core.store needs of one, as a protocol, so
the store does not import the history's implementation (core.history)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from zinspect.core.rows import RawRow, Row


class HistoryLog(Protocol):
    """What the store needs of an on-disk history (core.history.segment_log.SegmentLog):
    rows numbered like the store's, appended as they arrive, read back by sequence number."""

    first_seq: int
    stopped: str  # why it stopped taking rows, in words; "" while it runs
    dropped: int  # messages its disk cap deleted
    lost: int  # messages it could not read back (a file deleted behind its back)
    disk_bytes: int

    @property
    def end_seq(self) -> int: ...

    def append(self, rows: Sequence[RawRow]) -> None: ...

    def flush(self) -> None: ...

    def rows(self, start_seq: int, end_seq: int) -> tuple[int, Sequence[Row]]: ...

    def get_row(self, seq: int) -> Row | None: ...

    def clear(self, start_seq: int) -> None: ...

    def close(self) -> None: ...
