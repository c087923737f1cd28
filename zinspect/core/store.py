"""The traffic store: every message in and out, newest kept, capped by count and bytes.

It is the single source of truth for traffic. Views never get a callback per message; they
compare ``end_seq`` with what they have shown and pull the new range at frame rate.
Messages are numbered by a sequence that never repeats: a view keeps sequence numbers (the
rows matching a filter) and finds out cheaply which of them were dropped.

Each kept message is one plain tuple, a *row*: ``(time, socket, direction, size, frame0,
frame1, ...)``. A tuple that holds only floats, strings, ints and bytes is untracked by
Python's cyclic garbage collector after its first collection, so a million stored messages
cost the collector nothing; as ``Message`` objects with a frames list they were two million
tracked objects, and every full collection walked them all (0.2-0.5 s, a frozen window:
docs/performance.md). A row is also about half the memory of a ``Message``. ``Message`` stays
the API: ``get`` and ``range`` build one from its row on demand, and the same object comes
back while anyone still holds it.

The row's layout and memory cost (what the byte cap counts) are in core.rows, re-exported
here; a big received frame may be kept as libzmq's buffer (core.rows.ZERO_COPY_MIN), and
every reading method hands out ``bytes`` all the same."""

from __future__ import annotations

import logging
import weakref
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from operator import itemgetter

from zinspect.core.cut_notes import CutNotes
from zinspect.core.history_log import HistoryLog as HistoryLog
from zinspect.core.message import Message as Message
from zinspect.core.message import message_from_row as message_from_row
from zinspect.core.numbering import message_number as message_number
from zinspect.core.numbering import numbering_from as numbering_from
from zinspect.core.numbering import set_numbering_from as set_numbering_from
from zinspect.core.rows import FRAME_OVERHEAD as FRAME_OVERHEAD
from zinspect.core.rows import HEAD_BYTES as HEAD_BYTES
from zinspect.core.rows import (
    KEPT_FRAME_EXTRA,
    KeptFrames,
    RawRow,
    bytes_row,
    has_long_frame,
    head_row,
)
from zinspect.core.rows import MESSAGE_OVERHEAD as MESSAGE_OVERHEAD
from zinspect.core.rows import ROW_DIRECTION as ROW_DIRECTION
from zinspect.core.rows import ROW_FRAMES as ROW_FRAMES
from zinspect.core.rows import ROW_LEN_ONE_FRAME as ROW_LEN_ONE_FRAME
from zinspect.core.rows import ROW_SIZE as ROW_SIZE
from zinspect.core.rows import ROW_SOCKET as ROW_SOCKET
from zinspect.core.rows import ROW_TIME as ROW_TIME
from zinspect.core.rows import Row as Row
from zinspect.core.rows import message_cost as message_cost
from zinspect.core.rows import row_cost as row_cost
from zinspect.core.rows import row_costs as row_costs
from zinspect.core.rows import rows_cost as rows_cost

log = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGES = 1_000_000
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
IN = "in"
OUT = "out"

_COMPACT_MIN = 4096  # dead slots before the row list is compacted
# Rows dropped per turn of the loop when the store may evict later (``evict_later``):
# releasing a row costs ~0.35 us, so 16 k rows are ~6 ms, where one 64 MiB message
# arriving in a store full of small rows dropped 300-700 k at once (100-400 ms); 64 k
# (~25 ms) in the same tick as that message's own copy (~35 ms) was still too much.
EVICT_SLICE = 16_384
# Bytes of kept frames one answer of ``rows`` copies at most, for callers that ask again:
# ~10 ms of copying into fresh memory here (docs/performance.md).
COPY_SLICE = 16 * 1024 * 1024


class MessageStore:
    """Ring buffer of rows over a list with a moving start, so row lookup stays O(1).

    With a history (``set_history``) every row also goes to disk as it arrives, and the
    reading methods (``get``, ``get_row``, ``rows``) answer for every message from
    ``oldest_seq`` on, from RAM or disk alike; ``first_seq`` stays the first one in RAM,
    the caps keep their meaning, and views that follow new rows are unaffected.
    """

    def __init__(
        self, max_messages: int = DEFAULT_MAX_MESSAGES, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        # Slots before _head are dead (None, see _enforce_caps) and never read.
        self._items: list[RawRow] = []
        self._kept = KeptFrames()  # which rows hold a big frame as received (core.rows)
        self._head = 0  # index in _items of the oldest kept message
        self.first_seq = 0  # seq of the oldest kept message
        self.end_seq = 0  # seq the next message will get
        self.cut_notes = CutNotes()  # messages stored without the frames past the caps
        self.total_bytes = 0
        self.dropped = 0
        self.dropped_unkept = 0  # of those, the ones no history had on disk: really gone
        self.received = 0  # every message is received or sent: sent = end_seq - received
        # Message objects handed out and still referenced somewhere, so get(seq) returns the
        # object a view already shows (e.g. "is this the message in the detail pane?").
        self._messages: weakref.WeakValueDictionary[int, Message] = weakref.WeakValueDictionary()
        # Called at the start of clear(), e.g. so a recorder writes what it has not yet.
        self.on_before_clear: list[Callable[[], None]] = []
        # The time of the first message since start or the last clear (relative times count
        # from it, and do not jump when it is dropped), and of the last message dropped (the
        # time before the oldest kept one, for the delta of that one).
        self.origin_time: float | None = None
        self._dropped_time: float | None = None
        # Set by whoever runs a loop (the Session): ``evict_later(callback)`` arranges for
        # ``callback`` to run on a later turn and returns True, or returns False. With it,
        # a batch that puts the store far over its caps drops EVICT_SLICE rows now and the
        # rest a slice per turn (every count exact at each step); without it, all at once.
        self.evict_later: Callable[[Callable[[], None]], bool] | None = None
        self._evict_scheduled = False
        self.history: HistoryLog | None = None

    def __len__(self) -> int:
        return self.end_seq - self.first_seq

    @property
    def sent(self) -> int:
        """Messages sent since start (kept or not)."""
        return self.end_seq - self.received

    # -- adding ------------------------------------------------------------------------------
    def append(self, message: Message) -> None:
        self.extend((message,))

    def extend(self, messages: Iterable[Message]) -> None:
        """Add a batch of Message objects; each gets its ``seq``."""
        seq = self.end_seq
        rows = []
        received = 0
        keep = self._messages
        for message in messages:
            message.seq = seq
            keep[seq] = message
            seq += 1
            rows.append(message.to_row())
            if message.direction == IN:
                received += 1
        self.extend_rows(rows, received)

    def extend_rows(self, rows: Sequence[RawRow], received: int, kept: Sequence[int] = ()) -> None:
        """Add a batch of rows, ``received`` of them incoming (the receive path's fast way
        in: no Message objects). The caps are enforced once per batch, not per message.
        ``kept``: for each frame kept as received (a memoryview, core.rows.keep_frame), the
        index of its row in ``rows``, in order; every other frame is ``bytes``."""
        count = len(rows)
        if not count:
            return
        if self.origin_time is None:
            self.origin_time = rows[0][ROW_TIME]
        self._items.extend(rows)
        if self.history is not None:
            self.history.append(rows)
        if kept:
            self._kept.add(self.end_seq, kept)
            self.total_bytes += KEPT_FRAME_EXTRA * len(kept)
        self.end_seq += count
        self.total_bytes += rows_cost(rows)
        self.received += received
        self._enforce_caps(EVICT_SLICE if self.evict_later is not None else None)

    def append_row(self, row: Row) -> None:
        """Add one row (a send: it runs per message, so it is kept short)."""
        if self.origin_time is None:
            self.origin_time = row[ROW_TIME]
        self._items.append(row)
        if self.history is not None:
            self.history.append((row,))
        self.end_seq += 1
        self.total_bytes += row_cost(row)
        if row[ROW_DIRECTION] != OUT:
            self.received += 1
        if self.over_caps:
            self._enforce_caps(EVICT_SLICE if self.evict_later is not None else None)

    @property
    def over_caps(self) -> bool:
        """More kept than the caps allow: an eviction in slices is still under way."""
        return (
            self.end_seq - self.first_seq > self.max_messages or self.total_bytes > self.max_bytes
        )

    def _evict_more(self) -> None:
        """The next slice of an eviction (called back through ``evict_later``)."""
        self._evict_scheduled = False
        if self.over_caps:
            self._enforce_caps(EVICT_SLICE if self.evict_later is not None else None)

    def _enforce_caps(self, limit: int | None = None) -> None:
        """Drop the oldest rows until the caps hold, or ``limit`` rows when one is given
        (then the rest is asked for through ``evict_later``, or dropped now if it cannot)."""
        self._drop_oldest(limit)
        if limit is not None and self.over_caps and not self._evict_scheduled:
            assert self.evict_later is not None
            self._evict_scheduled = self.evict_later(self._evict_more)
            if not self._evict_scheduled:
                self._drop_oldest(None)

    def _drop_oldest(self, limit: int | None) -> None:
        over = len(self) - self.max_messages
        head = self._head
        items = self._items
        removed_bytes = 0
        if limit is None:
            limit = len(self)
        kept = self._kept if self._kept.seqs else None
        if over > 0:
            over = min(over, limit)
            removed_bytes = rows_cost(items[head : head + over])
            if kept is not None:
                removed_bytes += KEPT_FRAME_EXTRA * kept.count(
                    self.first_seq, self.first_seq + over
                )
            head += over
        total = self.total_bytes
        excess = total - removed_bytes - self.max_bytes
        to_seq = self.first_seq - self._head
        stop = self._head + limit
        if excess > 0:
            # Rows to drop are found a chunk at a time at C speed (a sum, then a bisect in
            # the chunk that covers the excess): one large message arriving in a store full
            # of small ones drops hundreds of thousands of rows, and a Python step per row
            # held the loop for a third of a second.
            end = min(len(items), stop)
            chunk = 256
            while excess > 0 and head < end:
                sizes = row_costs(items[head : min(head + chunk, end)])
                if kept is not None:  # seq = index + to_seq
                    for seq in kept.in_range(head + to_seq, head + to_seq + len(sizes)):
                        sizes[seq - head - to_seq] += KEPT_FRAME_EXTRA
                got = sum(sizes)
                if got < excess:  # the whole chunk goes, and more
                    count = len(sizes)
                    chunk = min(chunk * 4, 1 << 16)
                else:  # the shortest prefix of the chunk that covers the excess
                    count = bisect_left(list(accumulate(sizes)), excess) + 1
                    got = sum(sizes[:count])
                excess -= got
                removed_bytes += got
                head += count
        if head == self._head:
            return
        dropped = head - self._head
        self._dropped_time = items[head - 1][ROW_TIME]
        self.dropped += dropped
        history = self.history
        on_disk = 0  # the dropped rows a running history still reads back
        if history is not None and not history.stopped:
            first = max(self.first_seq, history.first_seq)
            on_disk = max(0, min(self.first_seq + dropped, history.end_seq) - first)
        self.dropped_unkept += dropped - on_disk
        self.first_seq += dropped
        self.total_bytes = total - removed_bytes
        if kept is not None:
            kept.drop_before(self.first_seq)
        # Release the rows, compacting the list when the dead prefix dominates it.
        if head > _COMPACT_MIN and head * 2 > len(items):
            del items[:head]
            head = 0
        else:
            # None releases the row; only [_head:] is ever read, so the slot stays a Row to mypy.
            items[self._head : head] = [None] * dropped  # type: ignore[list-item]
        self._head = head

    # -- reading -----------------------------------------------------------------------------
    @property
    def oldest_seq(self) -> int:
        """The first message that can be read back: the history's first when it reaches
        the RAM's (no gap between them), else ``first_seq``."""
        history = self.history
        if history is not None and history.first_seq < self.first_seq <= history.end_seq:
            return history.first_seq
        return self.first_seq

    def get(self, seq: int) -> Message | None:
        """The message with this sequence number, from RAM or the history, or None if
        dropped/cleared."""
        if seq < self.oldest_seq or seq >= self.end_seq:
            return None
        message = self._messages.get(seq)
        if message is not None:
            return message
        row = self.get_row(seq)
        if row is None:
            return None
        message = message_from_row(seq, row)
        self._messages[seq] = message
        return message

    def get_row(self, seq: int) -> Row | None:
        """The row of message ``seq`` (see ROW_*) from RAM or the history, or None if
        dropped/cleared."""
        row = self.raw_row(seq)
        kept = self._kept
        if row is not None and kept.seqs and kept.holds(seq):
            # A frame over HEAD_WHOLE_MAX is read whole only by a reader of the whole message
            # (the Message pane, export, resend: the table reads its head, ``preview``): its
            # copy is kept at once, so the message is never held twice nor copied again.
            if not has_long_frame(row) and not kept.read_again(seq):
                return bytes_row(row)  # a copy for this reader (core.rows.KeptFrames)
            return self._own(seq, row)  # read again: one copy kept, not one a read
        return row  # type: ignore[return-value]  # (no kept frame: every frame is bytes)

    def preview(self, seq: int) -> Message | None:
        """``get`` for readers of a frame's head and length only (the traffic table's cells,
        its sort keys): a kept frame longer than core.rows.HEAD_WHOLE_MAX comes as its head
        (core.rows.head_row), so painting the row of a 64 MiB message copies 64 KiB of it,
        not the whole (~45 ms of page faults and copying). Such a Message is the reader's
        own: ``get`` still gives the whole message, and its object once anyone holds it."""
        message = self._messages.get(seq)
        if message is not None:
            return message
        row = self._long_row(seq)
        if row is not None:
            return message_from_row(seq, head_row(row))
        return self.get(seq)

    def preview_row(self, seq: int) -> Row | None:
        """``get_row`` as ``preview`` reads it (a long kept frame as its head)."""
        row = self._long_row(seq)
        return head_row(row) if row is not None else self.get_row(seq)

    def _long_row(self, seq: int) -> RawRow | None:
        """Message ``seq``'s row as kept when it holds a kept frame longer than
        HEAD_WHOLE_MAX (the rows ``head_row`` cuts), else None."""
        if self._kept.seqs and self._kept.holds(seq):
            row = self.raw_row(seq)
            if row is not None and has_long_frame(row):
                return row
        return None

    def _own(self, seq: int, row: RawRow) -> Row:
        """Keep message ``seq`` (in RAM, ``row``) as bytes from now on, in place of its
        kept frames (freed): the byte count drops to what a copy costs."""
        owned = bytes_row(row)
        self._items[self._head + seq - self.first_seq] = owned
        self.total_bytes -= KEPT_FRAME_EXTRA * self._kept.remove(seq)
        return owned

    def raw_row(self, seq: int) -> RawRow | None:
        """``get_row`` as kept (a big frame may be a memoryview): for its time, socket,
        direction, size and frame count, with no copy of a kept frame (``raw_rows``)."""
        if seq < self.first_seq:
            if seq < self.oldest_seq:
                return None
            assert self.history is not None
            return self.history.get_row(seq)
        if seq >= self.end_seq:
            return None
        return self._items[self._head + seq - self.first_seq]

    def payload_size(self, seq: int) -> int:
        """The payload size of message ``seq`` in RAM, 0 if it is not there (a count that
        needs no frame, so no copy of a kept one)."""
        if self.first_seq <= seq < self.end_seq:
            return self._items[self._head + seq - self.first_seq][ROW_SIZE]
        return 0

    def time_before(self, seq: int) -> float | None:
        """The time of the message before ``seq`` (kept, or the last dropped one), or None
        when there is none: ``seq`` is the first since start or the last clear."""
        row = self.raw_row(seq - 1)
        if row is not None:
            return row[ROW_TIME]
        if seq == self.first_seq:
            return self._dropped_time
        return None

    def rows(
        self, start_seq: int, end_seq: int, copy_limit: int | None = None, head: int = 0
    ) -> tuple[int, Sequence[Row]]:
        """(seq of the first, rows) of the kept messages with start_seq <= seq < end_seq:
        the way for code that looks at many messages (a filter scan) to skip Message objects.
        From the history it may be fewer than asked (the rest of one chunk): callers ask
        again from where the answer ends. Kept frames in the range are kept as bytes from
        now on (``_own``): a copy made for each answer, all alive at once, doubled a full
        store's memory for every filter scan. ``copy_limit`` (COPY_SLICE, for callers that
        ask again): the answer ends at the first row with kept frames past that many bytes
        of them (a full store of 1 MiB frames never read took 0.3 s to copy at once).
        ``head`` (readers of a frame's first ``head`` bytes and length only: topics and
        trackers HEAD_BYTES, the filter its FILTER_TEXT_LIMIT): a row with a kept frame
        longer than core.rows.HEAD_WHOLE_MAX comes as its ``head_row`` and stays kept as
        received, no copy of the whole made."""
        first, rows = self.raw_rows(start_seq, end_seq)
        kept = self._kept.in_range(first, first + len(rows)) if self._kept.seqs else None
        if kept:  # (only RAM holds kept frames: the history's rows are bytes)
            rows = list(rows)
            budget = copy_limit
            for seq in dict.fromkeys(kept):  # (a seq per kept frame)
                row = rows[seq - first]
                if head and has_long_frame(row):
                    if budget is not None:
                        if budget < 0:
                            del rows[seq - first :]
                            break
                        budget -= min(row[ROW_SIZE], head * (len(row) - ROW_FRAMES))
                    rows[seq - first] = head_row(row, head)
                    continue
                if budget is not None:
                    if budget < 0:
                        del rows[seq - first :]
                        break
                    budget -= row[ROW_SIZE]
                rows[seq - first] = self._own(seq, row)
        return first, rows  # type: ignore[return-value]  # (every frame now bytes)

    def raw_rows(self, start_seq: int, end_seq: int) -> tuple[int, Sequence[RawRow]]:
        """``rows`` as kept: a big frame may still be a memoryview (core.rows), for readers
        that pass over most rows without reading a frame and ask ``rows`` for the ones they
        read (the Latency view's feed): a copy of every big frame for them cost the main
        thread more than the copy on receipt it saves (docs/performance.md)."""
        oldest = self.oldest_seq
        if oldest < self.first_seq and start_seq < self.first_seq and end_seq > oldest:
            assert self.history is not None
            return self.history.rows(max(start_seq, oldest), min(end_seq, self.first_seq))
        start_seq = max(start_seq, self.first_seq)
        end_seq = min(end_seq, self.end_seq)
        if start_seq >= end_seq:
            return start_seq, []
        offset = self._head - self.first_seq
        return start_seq, self._items[start_seq + offset : end_seq + offset]

    def socket_names(self) -> set[str]:
        """The names of the sockets the kept messages came from: a new socket with one of
        them would mix its traffic with theirs (the table labels rows by name only). One
        pass over the rows, about 40 ms for a million: ask when a name is chosen, not per
        keystroke."""
        return set(map(itemgetter(ROW_SOCKET), self._items[self._head :]))

    def range(self, start_seq: int, end_seq: int) -> Sequence[Message]:
        """Messages with start_seq <= seq < end_seq that are still kept (in RAM or the
        history)."""
        messages: list[Message] = []
        get = self.get
        seq = start_seq
        while seq < end_seq:
            first, rows = self.raw_rows(seq, end_seq)  # history: a chunk at a time
            if not rows:
                break
            seq = first + len(rows)
            # Every seq in the range is kept, so get() returns a Message for each.
            messages.extend([get(s) for s in range(first, seq)])  # type: ignore[misc]
        return messages

    def __iter__(self) -> Iterator[Message]:
        return iter(self.range(self.first_seq, self.end_seq))

    def clear(self) -> None:
        """Forget every kept message (a user's Clear, not a drop: ``dropped`` is unchanged)."""
        for hook in list(self.on_before_clear):
            hook()
        if self.history is not None:
            self.history.clear(self.end_seq)
        self._items = []
        self._kept.clear()
        self._head = 0
        self.first_seq = self.end_seq
        self.total_bytes = 0
        self.origin_time = None
        self._dropped_time = None

    def set_caps(self, max_messages: int, max_bytes: int) -> None:
        """New caps, enforced at once: lower ones drop the oldest messages the usual way
        (counted in ``dropped``; views remove them on their next refresh)."""
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self._enforce_caps()  # at once: the caller reports what went

    # -- the history -------------------------------------------------------------------------
    def set_history(self, history: HistoryLog | None) -> None:
        """Keep every row from now on in ``history`` too (it starts at ``end_seq``), or
        stop keeping one (None); a history replaced is closed."""
        if history is not None and history.end_seq != self.end_seq:
            raise ValueError("a history must start where the store ends")
        old, self.history = self.history, history
        if old is not None and old is not history:
            old.close()

    def flush_history(self) -> None:
        """Write the history's waiting rows (its owner's one-second timer: a crash then
        loses at most the last second)."""
        if self.history is not None:
            self.history.flush()
