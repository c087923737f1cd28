"""The store's row: its layout, what it costs in memory, and big frames kept as received.

A row is one plain tuple ``(time, socket, direction, size, frame0, frame1, ...)`` (why a
tuple: core.store). Every reader gets its frames as ``bytes``. Inside the store a frame of
ZERO_COPY_MIN bytes or more may instead be the buffer libzmq received it into (a read-only
``memoryview`` of the ``zmq.Frame``): copying 1 MiB into fresh memory costs the main thread
~256 page faults, where keeping libzmq's buffer leaves those faults to libzmq's I/O thread
(docs/performance.md). The store turns such frames into ``bytes`` when they are read
(``bytes_row``; kept as bytes from then on when read in bulk or twice), so only the store,
the drain that builds rows and the history writer ever read a ``RawRow``'s frames; readers
of times, sockets and sizes alone may take rows as kept (MessageStore.raw_rows), and the
traffic table's cells, which read a frame's head and length only, take a big kept frame as
its head (``head_row``, MessageStore.preview), never a copy of the whole.

The byte cap bounds the memory the rows take, not just their payload: every frame costs a
bytes object and a slot in its row, every message a tuple, a size, a time and a slot in the
store's list (``message_cost``); a kept frame costs its Frame, its view and libzmq's header
instead of a bytes object (KEPT_FRAME_EXTRA more). Counting payload alone let a peer sending
many tiny (or empty) frames fill gigabytes while the store believed it held a few megabytes.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final

from zinspect.core.codecs import DETAIL_LIMIT, frame_head

# A row: (time, socket, direction, size, *frames). The one place that spells out its layout:
# mypy checks every row built or read against Row, and the index constants are literals so
# ``row[ROW_SIZE]`` is an int to it. At run time Row is plain ``tuple`` (Unpack needs 3.11).
# A RawRow is a row as the store keeps it: a big frame may be a memoryview (see above).
if TYPE_CHECKING:
    from typing import TypeAlias

    from typing_extensions import Unpack

    Row: TypeAlias = tuple[float, str, str, int, Unpack[tuple[bytes, ...]]]
    RawFrame: TypeAlias = bytes | memoryview
    RawRow: TypeAlias = tuple[float, str, str, int, Unpack[tuple[RawFrame, ...]]]
else:
    Row = RawRow = tuple
    RawFrame = bytes | memoryview
ROW_TIME: Final = 0
ROW_SOCKET: Final = 1
ROW_DIRECTION: Final = 2
ROW_SIZE: Final = 3
ROW_FRAMES: Final = 4  # the first frame; ``row[ROW_FRAMES:]`` are all of them
ROW_LEN_ONE_FRAME: Final = 5  # len() of a one-frame row (a literal: mypy narrows by it)
_row_size: Callable[[RawRow], int] = itemgetter(ROW_SIZE)

# What a stored message really costs in memory beyond its payload, from sys.getsizeof on
# CPython 3.11 (64 bit); pymalloc rounds every small object up to 16 bytes (_ROUND).
_SLOT = 8  # a pointer: a frame's slot in its row tuple, a row's slot in the store's list
_ROUND = 15
# a frame: its bytes object's header (33 B; an empty frame is a shared object, still counted)
# and its slot in the row
FRAME_OVERHEAD = sys.getsizeof(b"") + _ROUND + _SLOT  # 56
# a message: the row tuple's header and its ROW_FRAMES leading slots, the size int, the
# receive time float (shared by a batch, counted for each message to stay on the safe side)
# and the row's slot in the store's list
MESSAGE_OVERHEAD = (
    sys.getsizeof(())
    + ROW_FRAMES * _SLOT
    + sys.getsizeof(1 << 40)
    + sys.getsizeof(0.0)
    + _ROUND
    + _SLOT
)  # 151
# cost(row) = size + len(row) * FRAME_OVERHEAD + _ROW_BASE, with len(row) = ROW_FRAMES + frames
_ROW_BASE = MESSAGE_OVERHEAD - ROW_FRAMES * FRAME_OVERHEAD

# Frames this large are kept as received, not copied. libzmq receives a message of more than
# its in_batch_size (8 KiB) into a buffer of its own; smaller ones may share one 8 KiB receive
# buffer with their neighbours, which a kept frame would pin. 64 KiB is far above that, and
# below it the copy is cheap (no page faults: small blocks come from reused arenas).
# There is no upper bound: a frame of 32 MiB or more (its copy a fresh mapping whenever it
# is made, ~45 ms of the GUI thread for 64 MiB) was copied on receipt while the table read
# whole rows to paint them; the table now reads a big frame's head (``head_row``), so no
# copy of it is made unless someone asks for the whole message (docs/performance.md).
ZERO_COPY_MIN: Final = 64 * 1024
# What the table's cells read of a kept frame (``head_row``): a frame up to HEAD_WHOLE_MAX
# whole (a decode rule decodes a frame up to 1 MiB whole, core.decode.frame_decoders'
# RULE_DECODE_LIMIT, as Jupyter's recogniser does a dict: a copy of 1 MiB is ~0.3 ms), and
# of a longer one its first HEAD_BYTES: the guessed decoding reads DETAIL_LIMIT bytes of a
# frame longer than that, the byte past them tells it the frame is longer, and every other
# cell reads less (a topic 800 bytes, a raw summary 160). Checks against a limit read the
# whole frame's length (core.codecs.frame_size).
HEAD_WHOLE_MAX: Final = 1024 * 1024
HEAD_BYTES: Final = DETAIL_LIMIT + 1
# What a kept frame costs beyond its payload, instead of FRAME_OVERHEAD: its slot in the row,
# the read-only memoryview (sys.getsizeof 184) and the managed buffer behind it (136 B by
# tracemalloc), the zmq.Frame (sys.getsizeof 184 with pyzmq 27, its Python subclass; the
# Cython class the drain makes is 160: counted at 184, on the safe side;
# tests/test_zero_copy_frames.py checks both sizes), and libzmq's content_t (data, size,
# free function, hint, refcount: 40 B) in the payload's own malloc block with malloc's 16 B
# header. A block of 128 KiB or more may be a mapping of its own (glibc's mmap threshold),
# rounded up to a 4 KiB page: counted as a whole page, on the safe side (a 1 MiB flood's
# RSS grew 3.7-7.7 KiB a message beyond the payload, against 1.2-1.3 KiB when copied into
# bytes).
_VIEW = sys.getsizeof(memoryview(b""))  # 184
_MANAGED_BUFFER = 136
ZMQ_FRAME_SIZE: Final = 184
_ZMQ_CONTENT = 40 + 16
_PAGE = 4096
KEPT_FRAME_OVERHEAD = (
    _SLOT + _VIEW + _ROUND + _MANAGED_BUFFER + ZMQ_FRAME_SIZE + _ROUND + _ZMQ_CONTENT + _PAGE
)  # 4694
KEPT_FRAME_EXTRA = KEPT_FRAME_OVERHEAD - FRAME_OVERHEAD  # what row_cost does not see


def message_cost(frames: Sequence[bytes]) -> int:
    """Bytes of memory a message of these frames takes once stored: what the byte cap counts.

    The one formula for a message's memory; ``rows_cost`` and ``row_costs`` are the same for
    stored rows, from their payload size and length (plus KEPT_FRAME_EXTRA per kept frame,
    which the store counts itself: a row does not say which frames are kept)."""
    return len(frames) * FRAME_OVERHEAD + sum(map(len, frames)) + MESSAGE_OVERHEAD


def rows_cost(rows: Sequence[RawRow]) -> int:
    """``message_cost`` summed over rows, at C speed: it runs on every received batch."""
    return sum(map(_row_size, rows)) + FRAME_OVERHEAD * sum(map(len, rows)) + _ROW_BASE * len(rows)


def row_costs(rows: Sequence[RawRow]) -> list[int]:
    """``message_cost`` of each row (where the store must find which rows cover a size)."""
    return [row[ROW_SIZE] + FRAME_OVERHEAD * len(row) + _ROW_BASE for row in rows]


def row_cost(row: RawRow) -> int:
    """``message_cost`` of one stored row."""
    return row[ROW_SIZE] + len(row) * FRAME_OVERHEAD + _ROW_BASE


def keep_frame(frame: Any) -> memoryview:
    """A big received ``zmq.Frame`` as the store keeps it: a read-only view of libzmq's
    buffer (the view keeps the Frame, and so the buffer, alive; pyzmq's stubs do not say a
    Frame is a buffer, hence Any)."""
    return memoryview(frame).toreadonly()


def bytes_row(row: RawRow) -> Row:
    """``row`` with every frame as ``bytes`` (a copy of each kept frame, made for the
    reader and not kept: the store's memory stays what it counted)."""
    frames = [frame if type(frame) is bytes else bytes(frame) for frame in row[ROW_FRAMES:]]
    return (row[ROW_TIME], row[ROW_SOCKET], row[ROW_DIRECTION], row[ROW_SIZE], *frames)


def head_row(row: RawRow, head: int = HEAD_BYTES) -> Row:
    """``row`` for readers of a frame's head and length only: a kept frame longer than
    HEAD_WHOLE_MAX as its first ``head`` bytes (a core.codecs.FrameHead that knows its whole
    length), a shorter one copied whole; nothing kept, the store's memory unchanged."""
    frames = [
        frame
        if type(frame) is bytes
        else frame_head(frame, head if len(frame) > HEAD_WHOLE_MAX else HEAD_WHOLE_MAX)
        for frame in row[ROW_FRAMES:]
    ]
    return (row[ROW_TIME], row[ROW_SOCKET], row[ROW_DIRECTION], row[ROW_SIZE], *frames)


def has_long_frame(row: RawRow) -> bool:
    """Whether ``row`` holds a kept frame longer than HEAD_WHOLE_MAX (``head_row`` cuts)."""
    return any(
        len(frame) > HEAD_WHOLE_MAX for frame in row[ROW_FRAMES:] if type(frame) is not bytes
    )


def bytes_rows(rows: Sequence[RawRow]) -> list[Row]:
    """``rows`` with every frame as ``bytes``, looking at each (for a few rows only: the
    store finds its kept frames through KeptFrames without looking)."""
    return [
        row if all(type(frame) is bytes for frame in row[ROW_FRAMES:]) else bytes_row(row)  # type: ignore[misc]
        for row in rows
    ]


_READ_ONCE_MAX = 1024  # messages remembered as read once (about two screens of rows)


class KeptFrames:
    """Where the store's kept frames are: one sorted entry per kept frame, its message's
    sequence number (a message of two kept frames has two). At most one entry per
    ZERO_COPY_MIN bytes of the byte cap (8,192 at 512 MiB), so plain lists and bisects.

    A message read on its own (``MessageStore.get_row``: the table, the Message pane) gets
    a copy the first time; read again (still on screen) it is turned into bytes in place
    (``read_again``), so a row painted at every refresh is copied at most twice, and one a
    flood scrolls past once. A message with a frame over HEAD_WHOLE_MAX is turned into bytes
    at its first such read: the table reads its head (``head_row``), so whoever reads it
    whole wants the whole message (the Message pane, export, resend)."""

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self._read_once: set[int] = set()

    def __len__(self) -> int:
        return len(self.seqs)

    def add(self, first_seq: int, indices: Sequence[int]) -> None:
        """Note kept frames in a batch whose first row is ``first_seq`` (``indices``: the
        batch index of each kept frame's row, in order)."""
        self.seqs.extend([first_seq + index for index in indices])

    def count(self, start_seq: int, end_seq: int) -> int:
        """Kept frames in the messages ``start_seq <= seq < end_seq``."""
        seqs = self.seqs
        return bisect_left(seqs, end_seq) - bisect_left(seqs, start_seq)

    def holds(self, seq: int) -> bool:
        seqs = self.seqs
        at = bisect_left(seqs, seq)
        return at < len(seqs) and seqs[at] == seq

    def in_range(self, start_seq: int, end_seq: int) -> list[int]:
        """The seqs (repeated per kept frame) of the messages in the range with kept frames."""
        seqs = self.seqs
        return seqs[bisect_left(seqs, start_seq) : bisect_left(seqs, end_seq)]

    def drop_before(self, seq: int) -> None:
        """Forget the kept frames of messages before ``seq`` (dropped from the store)."""
        seqs = self.seqs
        if seqs and seqs[0] < seq:
            del seqs[: bisect_left(seqs, seq)]

    def read_again(self, seq: int) -> bool:
        """Note a single read of message ``seq``; True when it was read before: time to
        turn it into bytes in place."""
        once = self._read_once
        if seq in once:
            once.discard(seq)
            return True
        if len(once) >= _READ_ONCE_MAX:
            once.clear()
        once.add(seq)
        return False

    def remove(self, seq: int) -> int:
        """Forget message ``seq``'s kept frames (now bytes); how many there were."""
        seqs = self.seqs
        at = bisect_left(seqs, seq)
        end = bisect_right(seqs, seq, at)
        del seqs[at:end]
        return end - at

    def clear(self) -> None:
        self.seqs = []
        self._read_once = set()
