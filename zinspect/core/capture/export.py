"""Exporting kept messages to a capture file or CSV, in slices.

A UI exports a million messages without freezing by calling ``step()`` for a few
milliseconds per turn of its loop and showing ``progress`` in between. The messages are named
by sequence number, taken when the export starts (all kept, or the rows a filtered table
showed); any the store drops meanwhile (its caps) are counted in ``gone``, not written.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence

from zinspect.core.capture.capture import CaptureWriter
from zinspect.core.capture.csv_export import CsvWriter
from zinspect.core.store import Message, MessageStore

BATCH = 256  # messages between clock checks


class Exporter:
    """Writes the messages ``seqs`` of ``store`` to ``path``, as CSV when ``as_csv`` (its
    summary and peer columns as ``socket_type_of`` and ``peer_of`` tell).

    Creating it creates the file (CaptureError in words if it cannot). ``step`` raises
    CaptureError on a write error; ``abort`` closes and removes the partial file.
    """

    def __init__(
        self,
        store: MessageStore,
        seqs: Sequence[int],
        path: str | os.PathLike[str],
        as_csv: bool = False,
        socket_type_of: Callable[[str], str] = lambda name: "",
        peer_of: Callable[[Message], str] = lambda message: "",
    ) -> None:
        self.store = store
        self.seqs = seqs
        self.path = os.fspath(path)
        self.as_csv = as_csv
        self.total = len(seqs)
        self.index = 0
        self.gone = 0
        self._writer: CaptureWriter | CsvWriter = (
            CsvWriter(self.path, socket_type_of, peer_of) if as_csv else CaptureWriter(self.path)
        )

    @property
    def written(self) -> int:
        return self.index - self.gone

    @property
    def progress(self) -> float:
        return 1.0 if not self.total else self.index / self.total

    @property
    def done(self) -> bool:
        return self.index >= self.total

    def step(self, budget: float) -> bool:
        """Write for about ``budget`` seconds and flush; True when every message is written
        and the file closed. A big message is written over several steps (core.capture_write),
        so the loop is never held for the whole of it."""
        deadline = time.monotonic() + budget
        writer = self._writer
        big = isinstance(writer, CaptureWriter)
        if big and not writer.resume(deadline):  # type: ignore[union-attr]
            writer.flush()
            return False
        while self.index < self.total:
            end = min(self.total, self.index + BATCH)
            taken, gone = self._write(self.seqs[self.index : end], deadline)
            self.index += taken
            self.gone += gone
            if (big and writer.writing) or time.monotonic() >= deadline:  # type: ignore
                break
        if self.done and not (big and writer.writing):  # type: ignore[union-attr]
            writer.close()
            return True
        writer.flush()
        return False

    def abort(self) -> None:
        """Give up: close without writing more and remove the partial file."""
        self._writer.abort()
        try:
            os.remove(self.path)
        except OSError:
            pass

    def _write(self, seqs: Sequence[int], deadline: float) -> tuple[int, int]:
        """Write these messages (a big one maybe only begun at ``deadline``); returns how
        many of ``seqs`` were taken, and how many of those the store no longer had."""
        gone = 0
        writer = self._writer
        if isinstance(writer, CsvWriter):
            get = self.store.get
            for seq in seqs:
                message = get(seq)
                if message is None:
                    gone += 1
                else:
                    writer.write_message(message)
            return len(seqs), gone
        get_row = self.store.get_row
        rows = []
        places = []  # where in seqs each row is
        for place, seq in enumerate(seqs):
            row = get_row(seq)
            if row is None:
                gone += 1
            else:
                rows.append(row)
                places.append(place)
        taken = writer.write_rows(rows, deadline)  # big messages streamed, not copied
        if taken == len(rows):
            return len(seqs), gone
        consumed = places[taken - 1] + 1
        return consumed, consumed - taken
