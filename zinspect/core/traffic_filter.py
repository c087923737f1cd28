"""What the traffic table's filter bar matches, compiled once, run over the store in chunks.

No Qt in here: the matching rules are testable on their own, and the model only decides
*when* to match (a time budget per timer tick), never *what* matches.
The text a filter searches is the message's frames decoded as UTF-8 (invalid bytes become
U+FFFD) and joined with a newline, so a regex can anchor on frame boundaries with ``^``/``$``.
Only the first ``FILTER_TEXT_LIMIT`` bytes of a message are searched: one 100 MB message
would otherwise stall the UI for seconds, and no search can be split across timer ticks
without changing what a regex means. Bytes that are not text are reached with a ``0x``
needle instead (``0x de ad be ef``), which is searched in the raw frames.

A message the raw text does not match may still match its decoded text (core.decode.
search_text says which are worth decoding). Decoding is a hundred times dearer than a byte
search, so it counts ``_DECODE_COST`` against the tick's budget: no tick runs over.

A regular expression is a ``BoundedRegex`` (core.bounded_regex): each search of one text
gives up after ``SEARCH_TIMEOUT_S``, the clock is read after each, and a search that gave up
ends the scan with ``FilterTooSlowError``, naming the message; the caller drops the filter."""

from __future__ import annotations

import logging
import time
from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import add, itemgetter

from zinspect.core.bounded_regex import BoundedRegex, RegexError, RegexTooSlowError, too_slow_words
from zinspect.core.decode.search_text import DECODED_SEARCH_LIMIT, DecodedSearch
from zinspect.core.explore.topic_follow import topic_of
from zinspect.core.explore.topics import TopicScope
from zinspect.core.filter_text import FILTER_TEXT_LIMIT as FILTER_TEXT_LIMIT
from zinspect.core.filter_text import FRAME_SEPARATOR, message_bytes
from zinspect.core.filter_text import hex_needle as hex_needle
from zinspect.core.filter_text import message_text as message_text
from zinspect.core.store import (
    IN,
    OUT,
    ROW_DIRECTION,
    ROW_FRAMES,
    ROW_LEN_ONE_FRAME,
    ROW_SIZE,
    ROW_SOCKET,
    Message,
    Row,
    message_number,
)

log = logging.getLogger(__name__)

# The text scan reads the clock after this much work: a message's size plus a per-message
# allowance (so about every 60 small messages, and after every large one).
_CHECK_BYTES = 256 * 1024
# The bulk search (FilterMatcher._scan_joined) takes this many messages at a time, unless
# they hold more than _JOIN_BYTES: then they are searched one by one.
_JOIN_ROWS = 2048
_JOIN_BYTES = 256 * 1024
_JOIN_SEPARATOR = b"\0"
_row_size: Callable[[Row], int] = itemgetter(ROW_SIZE)
_MESSAGE_COST = 4096
_DECODE_COST = 32 * 1024  # a decoding counts as this many bytes searched
_DECODE_PIECE = 512  # rows searched raw, then decoded, at a time


class FilterError(ValueError):
    """The filter text cannot be used; the message is meant for the user."""


class FilterTooSlowError(FilterError):
    """The filter's regular expression ran out of time on message ``seq`` (catastrophic
    backtracking): it cannot be used."""

    def __init__(self, seq: int) -> None:
        super().__init__(too_slow_words(f"on message #{message_number(seq)}"))
        self.seq = seq


@dataclass(frozen=True)
class PeerScope:
    """The messages ``socket`` received from ``address`` (the peer's host, as libzmq names
    it in ``Peer-Address``); ``address_of(socket, seq)`` says where a message came from
    (core.sockets.peers' runs), so no row needs to carry it."""

    socket: str
    address: str
    address_of: Callable[[str, int], str] = field(compare=False, repr=False)

    def text(self) -> str:
        return self.address


@dataclass(frozen=True)
class TrafficFilter:
    """The user's choice in the filter bar; ``None``/empty parts match everything."""

    socket: str | None = None
    direction: str | None = None  # core.store.IN or OUT
    text: str = ""
    regex: bool = False
    topic: TopicScope | None = None  # a node of the Topics view (core.explore.topics)
    peer: PeerScope | None = None  # the row menu's "Filter to peer" (a socket's host)

    @property
    def active(self) -> bool:
        return bool(
            self.socket is not None or self.direction or self.text or self.topic or self.peer
        )

    def compile(self) -> FilterMatcher:
        """A matcher for this filter; raises FilterError for an invalid regular expression."""
        if self.direction not in (None, IN, OUT):
            raise FilterError(f"Unknown direction {self.direction!r}")
        pattern: BoundedRegex | None = None
        needle = ""
        hex_bytes: bytes | None = None
        if self.text and self.regex:
            try:
                pattern = BoundedRegex(self.text)
            except RegexError as error:
                raise FilterError(str(error)) from None
        elif self.text:
            needle = self.text.lower()
            hex_bytes = hex_needle(self.text)
        return FilterMatcher(
            self.socket, self.direction, pattern, needle, hex_bytes, self.topic, self.peer
        )


class FilterMatcher:
    """A compiled filter: tells whether one message matches, or scans a batch of them."""

    def __init__(
        self,
        socket: str | None,
        direction: str | None,
        pattern: BoundedRegex | None,
        needle: str,
        hex_bytes: bytes | None,
        topic: TopicScope | None = None,
        peer: PeerScope | None = None,
    ) -> None:
        self.socket = socket
        self.topic = topic
        self.peer = peer
        self.direction = direction
        self.pattern = pattern
        self.needle = needle
        self.hex_bytes = hex_bytes
        # The bulk search's needle: plain ASCII text without NUL, and no 0x bytes to look for
        self._joined_needle = (
            needle.encode("ascii")
            if pattern is None
            and needle
            and needle.isascii()
            and "\0" not in needle
            and hex_bytes is None
            else None
        )
        self.decoded: DecodedSearch | None = None
        # the last bulk search's texts and their join, when one piece held all its rows
        self._shared_join: tuple[list[bytes], bytes] | None = None

    def set_decoded(self, search: DecodedSearch | None) -> None:
        """Also match the decoded text of the messages ``search`` says are worth decoding."""
        self.decoded = search if search is not None and search.active else None

    @property
    def has_text(self) -> bool:
        return self.pattern is not None or bool(self.needle)

    def matches(self, message: Message) -> bool:
        out = array("q")
        self.scan((message,), out, float("inf"))
        return bool(out)

    def scan(self, messages: Sequence[Message], out: array[int], deadline: float) -> int:
        """Append the seq of each matching message to ``out``, in order, until ``deadline``
        (a time.monotonic value); returns how many messages were examined."""
        found = array("q")
        done = self.scan_rows(0, [message.to_row() for message in messages], found, deadline)
        out.extend(messages[index].seq for index in found)
        return done

    def scan_rows(
        self, first_seq: int, rows: Sequence[Row], out: array[int], deadline: float
    ) -> int:
        """``scan`` over store rows (core.store: ``(time, socket, direction, size,
        *frames)``) numbered from ``first_seq``: no Message object per stored message.

        Without text the predicate is cheap and a whole batch is done at once (the caller
        keeps batches small). A plain ASCII needle (the common case) is searched in bulk,
        in C (``_scan_joined``); anything else goes message by message (``_scan_each``).
        Either way the clock is read every few hundred KiB, so one tick stays close to its
        budget. A peer (``_keep_peer``) and a topic (``_keep_topic``) are tested last, on
        what the rest let through.
        """
        if self.topic is None and self.peer is None:
            return self._scan_rows(first_seq, rows, out, deadline)
        found = array("q")
        done = self._scan_rows(first_seq, rows, found, deadline)
        if self.peer is not None:
            found = self._keep_peer(first_seq, rows, found)
        if self.topic is None:
            out.extend(found)
            return done
        return self._keep_topic(first_seq, rows[:done], found, out, deadline)

    def _keep_peer(self, first_seq: int, rows: Sequence[Row], found: array[int]) -> array[int]:
        """The seqs of ``found`` received by the peer's socket from its address (a binary
        search in a few runs per message: cheap next to the scan before it)."""
        peer = self.peer
        assert peer is not None
        socket, address, address_of = peer.socket, peer.address, peer.address_of
        kept = array("q")
        for seq in found:
            row = rows[seq - first_seq]
            if (
                row[ROW_SOCKET] == socket
                and row[ROW_DIRECTION] == IN
                and address_of(socket, seq) == address
            ):
                kept.append(seq)
        return kept

    def _keep_topic(
        self,
        first_seq: int,
        rows: Sequence[Row],
        found: array[int],
        out: array[int],
        deadline: float,
    ) -> int:
        """The seqs of ``found`` whose message is on the topic; returns how many rows are
        done (those before the first one left untested when the deadline passed)."""
        topic = self.topic
        assert topic is not None
        clock = time.monotonic
        for index, seq in enumerate(found):
            if not index % 256 and index and clock() >= deadline:
                return seq - first_seq
            if topic.matches(topic_of(rows[seq - first_seq][ROW_FRAMES:])):
                out.append(seq)
        return len(rows)

    def _scan_rows(
        self, first_seq: int, rows: Sequence[Row], out: array[int], deadline: float
    ) -> int:
        socket, direction = self.socket, self.direction
        if not self.has_text:
            seqs = range(first_seq, first_seq + len(rows))
            if socket is not None and direction is not None:
                out.extend(
                    [
                        seq
                        for seq, row in zip(seqs, rows)
                        if row[ROW_SOCKET] == socket and row[ROW_DIRECTION] == direction
                    ]
                )
            elif socket is not None:
                out.extend([seq for seq, row in zip(seqs, rows) if row[ROW_SOCKET] == socket])
            elif direction is not None:
                out.extend([seq for seq, row in zip(seqs, rows) if row[ROW_DIRECTION] == direction])
            else:
                out.extend(seqs)
            return len(rows)
        if self.decoded is not None:
            return self._scan_decoded(first_seq, rows, out, deadline)
        if self._joined_needle is not None:
            return self._scan_joined(first_seq, rows, out, deadline)
        return self._scan_each(first_seq, rows, out, deadline)

    def _scan_decoded(
        self, first_seq: int, rows: Sequence[Row], out: array[int], deadline: float
    ) -> int:
        """Piece by piece: the raw search, then the decoded text of the messages it did not
        match (only those ``self.decoded`` finds worth it), until the deadline. Pieces are
        small so a deadline met while decoding wastes little of the raw search."""
        done = 0
        while done < len(rows):
            piece = rows[done : done + _DECODE_PIECE]
            examined = self._scan_decoded_piece(first_seq + done, piece, out, deadline)
            done += examined
            if examined < len(piece) or time.monotonic() >= deadline:
                break
        return done

    def _scan_decoded_piece(
        self, first_seq: int, rows: Sequence[Row], out: array[int], deadline: float
    ) -> int:
        decoded = self.decoded
        assert decoded is not None
        raw = array("q")
        if self._joined_needle is not None:
            done = self._scan_joined(first_seq, rows, raw, deadline)
        else:
            done = self._scan_each(first_seq, rows, raw, deadline)
        matched = set(raw)
        socket, direction = self.socket, self.direction
        search = self.pattern.found if self.pattern is not None else None
        needle = self.needle
        clock = time.monotonic
        extra: list[int] = []
        examined = done
        since_check = 0
        shared = (
            self._shared_join if self._joined_needle is not None and done == len(rows) else None
        )
        for index in decoded.candidates(rows[:done], ROW_SOCKET, ROW_SIZE, ROW_FRAMES, shared):
            seq = first_seq + index
            row = rows[index]
            if (
                seq in matched
                or row[ROW_SIZE] > DECODED_SEARCH_LIMIT
                or (socket is not None and row[ROW_SOCKET] != socket)
                or (direction is not None and row[ROW_DIRECTION] != direction)
            ):
                continue
            text = decoded.text(row[ROW_FRAMES:], row[ROW_SOCKET], decoded.claimable(index))
            if text is None:  # asked the recognisers only
                since_check += _MESSAGE_COST
            else:
                if search is None:
                    found = needle in text.lower()
                else:
                    try:
                        found = search(text)
                    except RegexTooSlowError:
                        raise FilterTooSlowError(seq) from None
                    since_check += _CHECK_BYTES  # (it may have taken SEARCH_TIMEOUT_S)
                if found:
                    extra.append(seq)
                since_check += row[ROW_SIZE] + _DECODE_COST
            if since_check >= _CHECK_BYTES:
                since_check = 0
                if clock() >= deadline:
                    examined = index + 1
                    break
        end = first_seq + examined
        out.extend(sorted([seq for seq in raw if seq < end] + extra))
        return examined

    def _scan_joined(
        self, first_seq: int, rows: Sequence[Row], out: array[int], deadline: float
    ) -> int:
        """A plain ASCII needle over pieces of ``rows``: each piece's texts are joined with
        NUL bytes (which the needle lacks, so no match spans two messages), lowercased and
        searched with ``bytes.find``; a match is mapped back to its message by offset.
        Lowercasing ASCII bytes gives what decoding and ``str.lower`` give, so this is the
        same answer as ``_scan_each``, 5-10 times faster; a piece that holds non-ASCII
        bytes or a message over the limit goes to ``_scan_each`` instead."""
        needle = self._joined_needle
        assert needle is not None
        socket, direction = self.socket, self.direction
        separator = FRAME_SEPARATOR
        limit = FILTER_TEXT_LIMIT
        clock = time.monotonic
        append = out.append
        done = 0
        total = len(rows)
        self._shared_join = None
        while done < total:
            piece = rows[done : done + _JOIN_ROWS]
            if sum(map(_row_size, piece)) > _JOIN_BYTES:
                examined = self._scan_each(first_seq + done, piece, out, deadline)
                done += examined
                if examined < len(piece):
                    break
                continue
            if socket is None and direction is None:
                texts = [
                    row[ROW_FRAMES]
                    if len(row) == ROW_LEN_ONE_FRAME
                    else separator.join(row[ROW_FRAMES:])
                    for row in piece
                ]
            else:
                texts = [
                    (
                        row[ROW_FRAMES]
                        if len(row) == ROW_LEN_ONE_FRAME
                        else separator.join(row[ROW_FRAMES:])
                    )
                    if (socket is None or row[ROW_SOCKET] == socket)
                    and (direction is None or row[ROW_DIRECTION] == direction)
                    else b""
                    for row in piece
                ]
            joined = _JOIN_SEPARATOR.join(texts)
            if len(piece) == total:  # the decoded search looks for its markers in it too
                self._shared_join = (texts, joined)
            if not joined.isascii() or max(map(len, texts), default=0) > limit:
                self._scan_each(first_seq + done, piece, out, float("inf"))
            else:
                lowered = joined.lower()
                found = lowered.find(needle)
                if found >= 0 and lowered.count(_JOIN_SEPARATOR) == len(texts) - 1:
                    # no NUL inside a message: count NULs to know whose match it is
                    seq = first_seq + done  # the message that starts at ``counted``
                    counted = 0
                    while found >= 0:
                        seq += lowered.count(_JOIN_SEPARATOR, counted, found)
                        append(seq)
                        counted = lowered.find(_JOIN_SEPARATOR, found) + 1
                        if not counted:
                            break  # that was the last message
                        seq += 1
                        found = lowered.find(needle, counted)
                elif found >= 0:
                    # where each message's text ends, separator included (all in C)
                    ends = list(accumulate(map(add, map(len, texts), repeat(1))))
                    seq0 = first_seq + done
                    while found >= 0:
                        index = bisect_right(ends, found)
                        append(seq0 + index)
                        found = lowered.find(needle, ends[index])
            done += len(piece)
            if clock() >= deadline:
                break
        return done

    def _scan_each(
        self, first_seq: int, rows: Sequence[Row], out: array[int], deadline: float
    ) -> int:
        """Message by message: decode (or, for ASCII bytes and needle, lowercase the bytes)
        and search. Written out flat because it may run for every stored message."""
        socket, direction = self.socket, self.direction
        search = self.pattern.found if self.pattern is not None else None
        needle = self.needle
        ascii_needle = needle.encode("ascii") if needle.isascii() else None
        raw = self.hex_bytes
        limit = FILTER_TEXT_LIMIT
        separator = FRAME_SEPARATOR
        clock = time.monotonic
        append = out.append
        # a regex search may take up to SEARCH_TIMEOUT_S: the clock is read after each
        cost = _CHECK_BYTES if search is not None else _MESSAGE_COST
        since_check = 0
        count = 0
        seq = first_seq - 1
        for row in rows:
            count += 1
            seq += 1
            if socket is not None and row[ROW_SOCKET] != socket:
                continue
            if direction is not None and row[ROW_DIRECTION] != direction:
                continue
            size = row[ROW_SIZE]
            parts = len(row) - ROW_FRAMES
            if len(row) == ROW_LEN_ONE_FRAME and size <= limit:  # (parts == 1, as mypy sees it)
                data = row[ROW_FRAMES]
            elif size + parts <= limit:
                data = separator.join(row[ROW_FRAMES:])
            else:
                data = message_bytes(row[ROW_FRAMES:], size, limit)
            if search is not None:
                try:
                    found = search(data.decode("utf-8", "replace"))
                except RegexTooSlowError:
                    raise FilterTooSlowError(seq) from None
            elif ascii_needle is not None and data.isascii():
                found = ascii_needle in data.lower()
            else:
                found = needle in data.decode("utf-8", "replace").lower()
            if not found and raw is not None:
                found = any(raw in frame[:limit] for frame in row[ROW_FRAMES:])
            if found:
                append(seq)
            since_check += size + cost
            if since_check >= _CHECK_BYTES:
                since_check = 0
                if clock() >= deadline:
                    break
        return count
