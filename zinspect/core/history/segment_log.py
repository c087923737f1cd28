"""The history's log: chunks of rows appended to segment files, a sparse index in memory.

Append-only files are the cheapest way to keep up with hundreds of thousands of messages a
second (docs/performance.md compares it with SQLite): a chunk of CHUNK_ROWS rows is packed
at C speed (core.history.chunk) and written with one call; the index keeps one entry per
chunk (first sequence number, segment, offset, length: 24 bytes per chunk, about 2 MB for
20 million small messages), so finding a message is a bisect and one read. Decoded chunks
are kept in a small LRU for scrolling.

The log is written as rows arrive (write-through), so what RAM still holds is on disk too,
and a crash loses at most the rows of the chunk being filled: ``maybe_flush`` (each batch)
and ``flush`` (the session's one-second timer) write a partial chunk once it is a second
old. Past the disk cap the oldest segment files are deleted and their rows counted in
``dropped``. A write that fails (a full disk, any OSError) stops the log with the reason in
words; what was written stays readable and nothing else is affected.
"""

from __future__ import annotations

import errno
import logging
import os
import struct
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Sequence
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import Final

from zinspect.core.history import chunk
from zinspect.core.rows import RawRow, bytes_rows
from zinspect.core.store import ROW_SIZE, Row

log = logging.getLogger(__name__)

CHUNK_ROWS: Final = 256
CHUNK_BYTES: Final = 1024 * 1024  # a chunk is written once its payload reaches this
SEGMENT_BYTES: Final = 64 * 1024 * 1024
FLUSH_SECONDS: Final = 1.0
CACHE_CHUNKS: Final = 16  # decoded chunks kept for reading
CACHE_BYTES: Final = 32 * 1024 * 1024  # ... and at most this much of their payload
SEGMENT_MAGIC: Final = b"ZHs1"
SEGMENT_HEADER: Final = struct.Struct("<4sq")  # magic, sequence number of its first row
_SUFFIX: Final = ".zhl"

Writer = Callable[[int, bytes], int]
_size_of: Callable[[RawRow], int] = itemgetter(ROW_SIZE)  # at C speed: it runs on every row


def segment_name(number: int) -> str:
    return f"segment-{number:06d}{_SUFFIX}"


class SegmentLog:
    """Rows numbered from ``start_seq`` on, kept in segment files in ``folder``."""

    def __init__(
        self,
        folder: Path,
        start_seq: int,
        cap_bytes: int,
        *,
        segment_bytes: int = SEGMENT_BYTES,
        chunk_rows: int = CHUNK_ROWS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self.cap_bytes = cap_bytes
        self._segment_bytes = segment_bytes
        self._chunk_rows = chunk_rows
        self._clock = clock
        self.write: Writer = os.write  # replaced by tests to simulate a full disk
        self.dropped = 0  # messages the disk cap deleted
        self.lost = 0  # messages whose chunk could not be read back
        self.disk_bytes = 0
        self.stopped = ""  # why the log stopped taking rows, in words; "" while it runs
        self._reset(start_seq)

    def _reset(self, start_seq: int) -> None:
        self.first_seq = start_seq  # the oldest readable row
        self.written_seq = start_seq  # rows before it are on disk
        self._pending: list[RawRow] = []  # a big frame may be kept as received (core.rows)
        self._pending_bytes = 0
        self._pending_since = 0.0
        # the sparse index: one entry per chunk, from _index_head on
        self._chunk_seq = array("q")
        self._chunk_segment = array("q")
        self._chunk_offset = array("q")
        self._chunk_length = array("q")
        self._index_head = 0
        # segments, oldest first: [number, first seq, bytes]
        self._segments: list[list[int]] = []
        self._fd = -1
        self._next_segment = 1
        self._cache: OrderedDict[int, tuple[list[Row], int]] = OrderedDict()  # rows, bytes
        self._cache_bytes = 0
        self._reading = (-1, -1)  # (segment, descriptor) of the last segment read

    @property
    def end_seq(self) -> int:
        """The seq the next row will get: rows written plus those waiting for their chunk."""
        return self.written_seq + len(self._pending)

    @property
    def chunks(self) -> int:
        return len(self._chunk_seq) - self._index_head

    def index_bytes(self) -> int:
        """Memory the index and the waiting rows' list take (not the cached chunks)."""
        return 4 * self._chunk_seq.itemsize * len(self._chunk_seq) + 8 * len(self._pending)

    # -- writing -------------------------------------------------------------------------
    def append(self, rows: Sequence[RawRow]) -> None:
        """Take the rows that follow ``end_seq``; full chunks go to disk at once."""
        if self.stopped:
            return
        if not self._pending:
            self._pending_since = self._clock()
        self._pending.extend(rows)
        self._pending_bytes += sum(map(_size_of, rows))
        if len(self._pending) >= self._chunk_rows or self._pending_bytes >= CHUNK_BYTES:
            self._write_full()
        self.maybe_flush()

    def maybe_flush(self) -> None:
        """Write the chunk being filled if its first row waited a second or more."""
        if self._pending and self._clock() - self._pending_since >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write every waiting row now (a partial chunk)."""
        while self._pending and not self.stopped:
            self._write_chunk(self._take(self._chunk_rows))

    def _write_full(self) -> None:
        while not self.stopped and (
            len(self._pending) >= self._chunk_rows or self._pending_bytes >= CHUNK_BYTES
        ):
            self._write_chunk(self._take(self._chunk_rows))
        if self._pending:
            self._pending_since = self._clock()

    def _take(self, limit: int) -> list[RawRow]:
        """The oldest waiting rows for one chunk: up to ``limit`` rows or CHUNK_BYTES."""
        pending = self._pending
        rows = pending[:limit]
        size = sum(map(_size_of, rows))
        if size > CHUNK_BYTES and len(rows) > 1:  # big messages: fewer rows to the chunk
            ends = list(accumulate(map(_size_of, rows)))
            count = min(len(rows), bisect_left(ends, CHUNK_BYTES) + 1)
            rows = rows[:count]
            size = ends[count - 1]
        del pending[: len(rows)]
        self._pending_bytes -= size
        return rows

    def _write_chunk(self, rows: list[RawRow]) -> None:
        parts = chunk.encode_parts(rows)  # (a frame kept as received is written as it is)
        length = sum(map(len, parts))
        try:
            if self._fd < 0 or self._segments[-1][2] >= self._rotate_bytes():
                self._open_segment()
            segment = self._segments[-1]
            offset = segment[2]
            for part in parts:
                self._write_all(part)
        except OSError as error:
            self._stop(error)
            return
        segment[2] += length
        self.disk_bytes += length
        self._chunk_seq.append(self.written_seq)
        self._chunk_segment.append(segment[0])
        self._chunk_offset.append(offset)
        self._chunk_length.append(length)
        self.written_seq += len(rows)
        if self.disk_bytes > self.cap_bytes:
            self._drop_oldest_segments()

    def _rotate_bytes(self) -> int:
        """A new segment past this size: a quarter of the cap at most, so the cap holds."""
        return max(64 * 1024, min(self._segment_bytes, self.cap_bytes // 4))

    def _open_segment(self) -> None:
        self._close_fd()
        number = self._next_segment
        path = self.folder / segment_name(number)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        self._next_segment += 1
        self._segments.append([number, self.written_seq, 0])
        self._write_all(SEGMENT_HEADER.pack(SEGMENT_MAGIC, self.written_seq))
        self._segments[-1][2] = SEGMENT_HEADER.size
        self.disk_bytes += SEGMENT_HEADER.size

    def _write_all(self, data: bytes | memoryview) -> None:
        view = memoryview(data)
        while view:
            written = self.write(self._fd, view)  # type: ignore[arg-type]
            if written <= 0:
                raise OSError(errno.EIO, "nothing written")
            view = view[written:]

    def _stop(self, error: OSError) -> None:
        """Stop taking rows after a failed write; what was written stays readable."""
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            self.stopped = "disk full"
        else:
            self.stopped = f"cannot write ({error.strerror or error})"
        log.warning("history stopped: %s (%s)", self.stopped, error)
        self._pending = []
        self._pending_bytes = 0
        if self._segments and self._fd >= 0:  # cut a half-written chunk off
            try:
                os.ftruncate(self._fd, self._segments[-1][2])
            except OSError:
                pass
        self._close_fd()

    def _drop_oldest_segments(self) -> None:
        """Delete the oldest segments (never the one being written) until under the cap."""
        while self.disk_bytes > self.cap_bytes and len(self._segments) > 1:
            number, _first, size = self._segments.pop(0)
            next_first = self._segments[0][1]
            if next_first > self.first_seq:  # (rows already lost are not dropped again)
                self.dropped += next_first - self.first_seq
                self.first_seq = next_first
            self.disk_bytes -= size
            if self._reading[0] == number:
                self._close_reading()
            try:
                (self.folder / segment_name(number)).unlink()
            except OSError as error:
                log.warning("could not delete history segment %s: %s", number, error)
            head = self._index_head
            while head < len(self._chunk_seq) and self._chunk_seq[head] < next_first:
                head += 1
            self._index_head = head
            if head > 4096 and head * 2 > len(self._chunk_seq):
                for column in self._columns():
                    del column[:head]
                self._index_head = 0
            for start in [s for s in self._cache if s < next_first]:
                self._uncache(start)

    def _columns(self) -> tuple[array[int], array[int], array[int], array[int]]:
        return self._chunk_seq, self._chunk_segment, self._chunk_offset, self._chunk_length

    def _close_fd(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    # -- reading -------------------------------------------------------------------------
    def rows(self, start_seq: int, end_seq: int) -> tuple[int, Sequence[Row]]:
        """(seq of the first, rows) for seqs from ``start_seq`` before ``end_seq``: at most
        the rest of one chunk (callers ask again from where the answer ends)."""
        start_seq = max(start_seq, self.first_seq)
        end_seq = min(end_seq, self.end_seq)
        if start_seq >= end_seq:
            return start_seq, []
        if start_seq >= self.written_seq:
            at = start_seq - self.written_seq
            return start_seq, bytes_rows(self._pending[at : at + end_seq - start_seq])
        index = bisect_right(self._chunk_seq, start_seq, self._index_head) - 1
        first = self._chunk_seq[index]
        rows = self._chunk_rows_at(index)
        if rows is None:
            return start_seq, []
        return start_seq, rows[start_seq - first : end_seq - first]

    def get_row(self, seq: int) -> Row | None:
        _first, rows = self.rows(seq, seq + 1)
        return rows[0] if rows else None

    def _chunk_rows_at(self, index: int) -> list[Row] | None:
        first = self._chunk_seq[index]
        cached = self._cache.get(first)
        if cached is not None:
            self._cache.move_to_end(first)
            return cached[0]
        try:
            fd = self._read_fd(self._chunk_segment[index])
            data = _read_at(fd, self._chunk_length[index], self._chunk_offset[index])
            rows = chunk.decode(data)
        except (OSError, chunk.ChunkError) as error:
            self._lose_through(index, error)
            return None
        self._cache[first] = (rows, len(data))
        self._cache_bytes += len(data)
        while len(self._cache) > 1 and (
            len(self._cache) > CACHE_CHUNKS or self._cache_bytes > CACHE_BYTES
        ):
            self._uncache(next(iter(self._cache)))
        return rows

    def _lose_through(self, index: int, error: Exception) -> None:
        """A chunk cannot be read (its file was deleted behind our back, or damaged): the
        history now starts after it, its rows and all before counted as lost, so readers
        that ask again from where an answer ended always get further."""
        end = self._chunk_seq[index + 1] if index + 1 < len(self._chunk_seq) else self.written_seq
        log.warning("history unreadable up to message %d: %s", end, error)
        self.lost += end - self.first_seq
        self.first_seq = end
        self._index_head = index + 1

    def _read_fd(self, segment: int) -> int:
        """A descriptor to read ``segment`` with: the last one stays open (a scan reads
        a segment's chunks in turn; opening the file for each chunk cost 50 ns a row)."""
        if self._reading[0] != segment:
            self._close_reading()
            fd = os.open(self.folder / segment_name(segment), os.O_RDONLY)
            self._reading = (segment, fd)
        return self._reading[1]

    def _close_reading(self) -> None:
        if self._reading[1] >= 0:
            os.close(self._reading[1])
        self._reading = (-1, -1)

    def _uncache(self, first: int) -> None:
        _rows, size = self._cache.pop(first)
        self._cache_bytes -= size

    # -- ending --------------------------------------------------------------------------
    def clear(self, start_seq: int) -> None:
        """Forget every row and delete the segments; rows go on from ``start_seq``."""
        self._close_fd()
        self._close_reading()
        for number, _first, _size in self._segments:
            try:
                (self.folder / segment_name(number)).unlink()
            except OSError as error:
                log.warning("could not delete history segment %s: %s", number, error)
        next_segment = self._next_segment
        self._reset(start_seq)
        self._next_segment = next_segment
        self.disk_bytes = 0

    def close(self) -> None:
        """Write what waits and close the files (the segments stay)."""
        self.flush()
        self._close_fd()
        self._close_reading()


def _read_at(fd: int, length: int, offset: int) -> bytes:
    """``length`` bytes at ``offset`` (``os.pread`` where there is one: no seek)."""
    pread = getattr(os, "pread", None)
    if pread is not None:
        return bytes(pread(fd, length, offset))
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, length)


def read_segments(folder: Path) -> list[tuple[int, list[Row]]]:
    """(first seq, rows) of every intact chunk in ``folder``'s segments, in order: how a log
    left by a crash reads back (a chunk cut short ends its segment)."""
    out: list[tuple[int, list[Row]]] = []
    for path in sorted(folder.glob(f"segment-*{_SUFFIX}")):
        data = path.read_bytes()
        if len(data) < SEGMENT_HEADER.size:
            continue
        magic, seq = SEGMENT_HEADER.unpack_from(data)
        if magic != SEGMENT_MAGIC:
            continue
        at = SEGMENT_HEADER.size
        while at < len(data):
            try:
                body_len, _count = chunk.read_header(data[at : at + chunk.HEADER.size])
                rows = chunk.decode(data[at : at + chunk.HEADER.size + body_len])
            except chunk.ChunkError:
                break
            out.append((seq, rows))
            seq += len(rows)
            at += chunk.HEADER.size + body_len
    return out
