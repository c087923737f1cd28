"""Several captures read as one, merged by time: a headless tap or recorder on each machine,
all opened in one window.

Each capture is in time order already (a recorder writes the store in order), so this is a
k-way merge read in slices: every file keeps a small buffer, and the rows no file can still
precede (those up to the earliest last-buffered time among the files not yet finished) go
out in time order. Memory stays at about one slice per file, whatever the files' sizes. It
offers what ``open_into_store`` asks of a CaptureReader (read_rows, progress, done, result).
A socket name two files both have is two sockets (a recorder on each machine): the later
file's is kept apart under a name of its own (core.capture.apart_names), as is one that the
traffic already shown has.
"""

from __future__ import annotations

import heapq
import os
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zinspect.core.capture.apart_names import ApartNames
from zinspect.core.capture.capture import CaptureReader
from zinspect.core.store import IN, ROW_DIRECTION, ROW_TIME, Message, Row

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass
class MergedResult:
    """What the files' damage and cut-short notes say, each named by its file."""

    notes: list[str]
    cuts: list[str]

    def damage_report(self) -> str:
        return "; ".join(self.notes)

    @property
    def cut_short(self) -> str:
        return "; ".join(self.cuts)


def file_labels(paths: Sequence[Path]) -> list[str]:
    """A name for each file that tells it from the others: its own name, with its folder's
    when two files have the same name (two machines' ``capture.jsonl``), then a number."""
    labels = [path.name for path in paths]
    if len(set(labels)) < len(labels):
        labels = [
            f"{path.parent.name}/{path.name}" if labels.count(path.name) > 1 else path.name
            for path in paths
        ]
    seen: dict[str, int] = {}
    for index, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[index] = f"{label} #{seen[label]}"
    return labels


class MergedReader:
    """Read the captures at ``paths`` as one stream of rows in time order (CaptureError
    from the first file that cannot be opened; those opened before are closed); socket
    names as ``apart`` gives them (by default: the files' names kept apart from each other)."""

    def __init__(
        self, paths: Sequence[str | os.PathLike[str]], apart: ApartNames | None = None
    ) -> None:
        self.apart = ApartNames() if apart is None else apart
        self.readers: list[CaptureReader] = []
        try:
            for path in paths:
                self.readers.append(CaptureReader(path))
        except BaseException:
            self.close()
            raise
        self._buffers: list[deque[Row]] = [deque() for _ in self.readers]
        self.labels = file_labels([reader.path for reader in self.readers])
        names = ", ".join(reader.path.name for reader in self.readers)
        self.path = Path(f"{len(self.readers)} captures ({names})")
        self.messages_read = 0
        self.received_in_last = 0
        self.done = not self.readers

    @property
    def progress(self) -> float:
        sizes = [max(reader.size, 1) for reader in self.readers]
        total = sum(sizes)
        if self.done or not total:
            return 1.0
        return sum(r.progress * s for r, s in zip(self.readers, sizes, strict=True)) / total

    def read_rows(self, budget: float = 0.01) -> list[Row]:
        """Rows in time order for about ``budget`` seconds; [] once done (and maybe before)."""
        deadline = time.monotonic() + budget
        share = budget / max(1, len(self.readers))
        for reader, buffer, label in zip(self.readers, self._buffers, self.labels, strict=True):
            # every unfinished file needs a row buffered, or nothing can be said to come first
            while not buffer and not reader.done and time.monotonic() < deadline + budget:
                buffer.extend(self.apart.rows(reader.read_rows(share), label))
        open_ends = [
            buffer[-1][ROW_TIME]
            for reader, buffer in zip(self.readers, self._buffers, strict=True)
            if not reader.done
        ]
        if any(not b and not r.done for r, b in zip(self.readers, self._buffers, strict=True)):
            return []  # a file still reading a long line: its next row may come first
        watermark = min(open_ends) if open_ends else float("inf")
        parts: list[list[Row]] = []
        for buffer in self._buffers:
            part: list[Row] = []
            while buffer and buffer[0][ROW_TIME] <= watermark:
                part.append(buffer.popleft())
            parts.append(part)
        # stable: equal times keep the files' order, and each file's own order
        rows = list(heapq.merge(*parts, key=lambda row: row[ROW_TIME]))
        self.messages_read += len(rows)
        self.received_in_last = sum(1 for row in rows if row[ROW_DIRECTION] == IN)
        if all(r.done for r in self.readers) and not any(self._buffers):
            self.done = True
        return rows

    def close(self) -> None:
        for reader in self.readers:
            reader.close()

    def result(self, messages: list[Message]) -> MergedResult:
        notes, cuts = [], []
        for reader in self.readers:
            found = reader.result([])
            if found.damage_report():
                notes.append(f"{reader.path.name}: {found.damage_report()}")
            if found.cut_short:
                cuts.append(f"{reader.path.name}: {found.cut_short}")
        return MergedResult(notes, cuts)
