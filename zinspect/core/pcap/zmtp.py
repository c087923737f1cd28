"""A ZMTP parser for one direction of a TCP stream: greeting, handshake commands, frames and
messages, from bytes as they come (sans-IO, so reassembly and tests feed it anything).

ZMTP 3.0 and 3.1 (rfc.zeromq.org 23 and 37): the greeting gives the version, the mechanism
and as-server; READY gives Socket-Type and Identity (NULL and PLAIN); PLAIN's HELLO gives a
user name (its password is never kept); CURVE's handshake says the stream is encrypted and
each MESSAGE command becomes a message of one frame, its encrypted box, so sizes and timing
show. SUBSCRIBE and CANCEL (3.1 commands) become messages of one frame in the 3.0 form
(``\\x01topic`` and ``\\x00topic``), as an XPUB would receive them. ZMTP 2.0 (rfc 15, libzmq
3.x) is read too: its greeting gives the socket type, its first message is the identity.
ZMTP 1.0 has no signature and is not recognised.

A stream joined mid-way (or after lost bytes) is resynchronised: the parser looks for an
offset from which the bytes read as a chain of well-formed frames up to the end of what it
has, skips what came before, and drops the frames that end the message it came into.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from itertools import product

from zinspect.core.pcap.reassembly import Budget
from zinspect.core.pcap.zmtp_handshake import Handshake, read_properties
from zinspect.core.pcap.zmtp_runs import (
    SIZE_ONES,
    FastRows,
    Offer,
    Shape,
    offer,
    run_bodies,
    segment_shape,
)
from zinspect.core.pcap.zmtp_sync import COMMAND, LONG, MORE, frame_chains

log = logging.getLogger(__name__)

GREETING_BYTES = 64
MAX_MESSAGE_BYTES = 64 << 20  # a longer message is skipped, not kept (docs/pcap.md)
MAX_FRAMES = 100_000  # as on a live socket
SCAN_BYTES = 64 << 10  # the most the resynchronisation looks through at once
EAGER_SEARCH = 8 << 10  # up to this, it looks again at every piece that comes
SOCKET_TYPES_V2 = ("PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH")
_GREETING, _FRAMES, _SEARCH = 0, 1, 2
_MECHANISMS = (b"NULL", b"PLAIN", b"CURVE", b"GSSAPI")

Emit = Callable[[float, list[bytes]], None]
Note = Callable[[float, str, str], None]


class ZmtpParser:
    """Parses one direction. ``emit(time, frames)`` is called per message, ``note(time,
    kind, text)`` for what a user should know (the handshake, skipped bytes, errors).
    ``from_start``: the stream's first bytes are known to be its start (its SYN was seen),
    so bytes that are no greeting mean it is not ZMTP at all."""

    def __init__(
        self, emit: Emit, note: Note, budget: Budget | None = None, from_start: bool = False
    ) -> None:
        self.emit = emit
        self.note = note
        self.budget = budget or Budget(1 << 62)
        self.from_start = from_start
        self.shake = Handshake()
        self.skipped = 0  # bytes that could not be read as ZMTP
        self.dropped = 0  # messages left out (cut by a gap, over the cap, a join mid-way)
        self.messages = 0
        self.commands = 0
        self.not_zmtp = False  # the stream began with something else: it is ignored
        self._state = _GREETING
        self._rest = b""
        self._frames: list[bytes] = []
        self._held = 0  # bytes of _frames and _chunks, counted in the budget
        self._drop = False  # the frames up to the next message end are dropped
        self._identity_due = False  # ZMTP 2.0: the first message is the identity
        self._v2 = False  # ZMTP 2.0: no command frames
        self._searched = 0  # bytes the last search looked at without finding a boundary
        self._ending = False  # the stream is over: the search takes what it can
        # (sink, socket, direction): one-frame messages go straight in as store rows
        self.fast: FastRows | None = None  # core.pcap.zmtp_runs.fast_rows
        self._need = 0  # bytes of a long frame body still to come
        self._chunks: list[bytes] = []
        self._flags = 0
        self._keep = True  # False: the long frame is skipped, not collected
        self._shape: Shape | None = None  # of the last segment split whole as one run
        self._offer: Offer | None = None  # made from fast and _shape when first needed
        # _offer while the parser stands between messages with nothing held: a caller may
        # then make the rows of a segment itself, a one-frame message or a segment of
        # exactly ready[0] bytes whose headers are ready[2], and add their number to
        # ``messages`` (the import does, per packet: docs/pcap.md, Speed)
        self.ready: Offer | None = None

    # -- input
    def _feed_other(self, data: bytes, stamp: float) -> None:
        if not data:
            return
        if self.not_zmtp:
            self.skipped += len(data)
            return
        if self._need:
            data = self._collect(data, stamp)
            if not data:
                return
        buf = self._rest + data if self._rest else data
        self._rest = b""
        if self._state == _GREETING:
            buf = self._greeting(buf, stamp)
        if self._state == _SEARCH and buf:
            buf = self._search(buf, stamp)
        if self._state == _FRAMES and buf:
            self.feed(buf, stamp)
        elif buf:
            self._rest = buf

    def gap(self, size: int, stamp: float) -> None:
        """``size`` bytes are missing here (lost by the capture): the message under way is
        dropped and the parser looks for a frame boundary again."""
        self.skipped += size
        if self.not_zmtp:
            return
        cut = self._state == _FRAMES and bool(self._frames or self._need or self._rest)
        if cut:
            self.dropped += 1
        self._abandon()
        self._rest = b""
        self._state = _SEARCH
        self._drop = cut
        self.ready = None
        self.note(
            stamp,
            "tcp_gap",
            f"{size:,} bytes missing from the capture"
            + ("; the message they were part of is left out" if cut else ""),
        )

    def finish(self, stamp: float) -> None:
        """The stream is over: a message still incomplete is counted as left out."""
        self.ready = None
        if self._state == _SEARCH and self._rest:
            self._searched, rest, self._rest = 0, self._rest, b""
            self._ending = True
            self.feed(rest, stamp)
        if self._frames or self._need or (self._rest and self._state == _FRAMES):
            self.dropped += 1
            self.note(stamp, "zmtp_cut", "the stream ends in the middle of a message")
        self._abandon()
        self._rest = b""

    # -- greeting
    def _greeting(self, buf: bytes, stamp: float) -> bytes:
        if buf[0] != 0xFF or (len(buf) >= 10 and buf[9] != 0x7F):
            if self.from_start:
                return self._not_zmtp(buf, stamp, "it does not start with a ZMTP greeting")
            self._state = _SEARCH
            self.note(stamp, "zmtp_joined", "the capture began after the ZMTP greeting")
            return buf
        if len(buf) < 11:
            return self._wait(buf)
        major = buf[10]
        if major == 1:
            return self._greeting_v2(buf, stamp)
        if major < 3:
            return self._not_zmtp(buf, stamp, f"ZMTP revision {major} is not supported")
        if len(buf) < GREETING_BYTES:
            return self._wait(buf)
        minor = buf[11]
        mechanism = bytes(buf[12:32]).rstrip(b"\x00")
        shake = self.shake
        shake.version = f"3.{min(minor, 1)}" if major == 3 else f"{major}.{minor}"
        shake.mechanism = mechanism.decode("ascii", "replace") if mechanism else "?"
        shake.as_server = buf[32] == 1
        if mechanism == b"CURVE":
            shake.encrypted = True
        text = f"ZMTP {shake.version}, mechanism {shake.mechanism}"
        if mechanism not in _MECHANISMS:
            text += " (unknown)"
        self.note(stamp, "zmtp_greeting", text)
        self._state = _FRAMES
        return buf[GREETING_BYTES:]

    def _greeting_v2(self, buf: bytes, stamp: float) -> bytes:
        if len(buf) < 12:
            return self._wait(buf)
        kind = buf[11]
        self.shake.version = "2.0"
        self.shake.mechanism = "NULL"
        if kind < len(SOCKET_TYPES_V2):
            self.shake.socket_type = SOCKET_TYPES_V2[kind]
        named = self.shake.socket_type or f"number {kind}"
        self.note(stamp, "zmtp_greeting", f"ZMTP 2.0, socket type {named}")
        self._state = _FRAMES
        self._identity_due = True
        self._v2 = True
        return buf[12:]

    def _wait(self, buf: bytes) -> bytes:
        self._rest = buf
        return b""

    def _not_zmtp(self, buf: bytes, stamp: float, why: str) -> bytes:
        self.not_zmtp = True
        self.skipped += len(buf)
        self.note(stamp, "not_zmtp", f"not ZMTP: {why}; the stream is left out")
        return b""

    # -- resynchronisation
    def _search(self, buf: bytes, stamp: float) -> bytes:
        """Find a frame boundary: an offset from which frames end exactly where the bytes
        do. None yet: wait for more (a later segment often ends on a boundary; past
        EAGER_SEARCH the search runs again only once the bytes have doubled), up to
        SCAN_BYTES or the end of the stream, then take weaker evidence (one frame, or a
        chain that ends in a frame cut short), or let the bytes go."""
        v2 = self._v2
        while True:
            full = len(buf) >= SCAN_BYTES or self._ending
            if not full and len(buf) > EAGER_SEARCH and len(buf) < 2 * self._searched:
                return buf  # wait for more
            limit = min(len(buf), SCAN_BYTES)
            exact, weak, partial = frame_chains(buf, limit, v2)
            if exact >= 0:
                return self._found(buf, exact, stamp)
            if not full:
                self._searched = len(buf)
                return buf
            if weak >= 0 or partial >= 0:
                return self._found(buf, weak if weak >= 0 else partial, stamp)
            self.skipped += limit  # no boundary in sight: these bytes go
            buf = buf[limit:]
            self._searched = 0
            if not buf:
                return buf

    def _found(self, buf: bytes, offset: int, stamp: float) -> bytes:
        self._searched = 0
        if offset:
            self.skipped += offset
            self._drop = True
            self.note(
                stamp,
                "zmtp_resync",
                f"skipped {offset:,} bytes to the next frame boundary; the message they "
                "end is left out",
            )
        self._state = _FRAMES
        return buf[offset:]

    # -- frames
    def feed(self, data: bytes, stamp: float) -> None:
        """The next bytes of the stream."""
        self.feed_at(data, 0, len(data), stamp)

    def feed_at(self, buf: bytes, i: int, n: int, stamp: float) -> None:
        """The next bytes of the stream are ``buf[i:n]`` (a packet's payload, not copied
        out of it). Between frames (the common case) this is the frame loop itself, in this
        very call: it runs per TCP segment."""
        if self._state != _FRAMES or self._rest or self._need:
            self._feed_other(buf[i:n], stamp)
            return
        frames = self._frames
        fast = self.fast
        size = n - i - 2
        if (  # a segment of one one-frame message (a steady stream): its row, at once
            fast is not None
            and size >= 0
            and buf[i] == 0
            and buf[i + 1] == size
            and not frames
            and not self._drop
            and not self._identity_due
        ):
            fast[0].rows.append((stamp, fast[1], fast[2], size, buf[i + 2 : n]))
            self.messages += 1
            return
        self.ready = None  # until the frames below leave the parser between messages
        first = i
        if fast is not None:
            sink, name, direction, name1, direction1 = fast
            rows = sink.rows
            append = rows.append
        # one-frame messages become rows at once (no call, no list) unless one is to be
        # dropped or is ZMTP 2.0's identity; ``simple`` is looked at again after any call
        simple = fast is not None and not self._drop and not self._identity_due
        emitted = 0
        while i < n:
            flags = buf[i]
            if flags == 0 and simple and not frames:
                if n - i < 2:
                    break
                size = buf[i + 1]
                end = i + 2 + size
                if end > n:
                    break
                if end + 1 < n and buf[end] == 0 and buf[end + 1] == size:
                    bodies = run_bodies(buf, i, n, size)  # equal frames: split at C speed
                    count = len(bodies)
                    rows.extend(product((stamp,), name1, direction1, SIZE_ONES[size], bodies))
                    if i == first and count * (size + 2) == n - i:  # the whole segment
                        self._shape = segment_shape(size, count)
                        self._offer = None
                    emitted += count
                    i += count * (size + 2)
                    continue
                append((stamp, name, direction, size, buf[i + 2 : end]))
                emitted += 1
                i = end
                continue
            simple = False  # a slow step: the flags below may change
            if flags & LONG:
                if n - i < 9:
                    break
                size = int.from_bytes(buf[i + 1 : i + 9], "big")
                start = i + 9
            else:
                if n - i < 2:
                    break
                size = buf[i + 1]
                start = i + 2
            if flags & 0xF8 or (self._v2 and flags & COMMAND):
                self._frames = frames
                self.messages += emitted
                self._broken(buf[i:n], stamp, f"a frame with invalid flags 0x{flags:02x}")
                return
            end = start + size
            if end > n:
                if size > SCAN_BYTES:  # a long body: collected (or skipped) in pieces
                    self._frames = frames
                    self.messages += emitted
                    self._begin_long(buf[start:n], flags, size, stamp)
                    return
                break
            body = buf[start:end]
            i = end
            if flags & COMMAND:
                self._frames = frames
                self._command(body, stamp)
                frames = self._frames
                simple = fast is not None and not self._drop and not self._identity_due
                continue
            frames.append(body)
            self._held += size
            budget = self.budget
            budget.used += size
            if not flags & MORE or len(frames) >= MAX_FRAMES:
                self._frames = frames
                self._end_message(stamp)
                frames = self._frames
                simple = fast is not None and not self._drop and not self._identity_due
            elif self._held > MAX_MESSAGE_BYTES or budget.used > budget.limit:
                self._frames = frames
                self._too_big(flags, stamp)
                frames = self._frames
        self.messages += emitted
        self._rest = buf[i:n] if i < n else b""
        self._frames = frames
        clean = i >= n and not (frames or self._drop or self._identity_due or self._need)
        if fast is not None and clean:
            self.ready = self._offer or self._make_offer(fast)

    def _make_offer(self, fast: FastRows) -> Offer:
        self._offer = offer(fast, self._shape)
        return self._offer

    def _end_message(self, stamp: float) -> None:
        frames, self._frames = self._frames, []
        self._release()
        if self._drop:
            self._drop = False
            self.dropped += 1
            return
        if self._identity_due:
            self._identity_due = False
            self.shake.identity = frames[-1] if frames else b""
            if self.shake.identity:
                self.note(stamp, "zmtp_ready", f"identity {self.shake.identity!r}")
            return
        self.messages += 1
        self.emit(stamp, frames)

    def _release(self) -> None:
        self.budget.used -= min(self._held, self.budget.used)
        self._held = 0

    def _too_big(self, flags: int, stamp: float) -> None:
        over_cap = self._held > MAX_MESSAGE_BYTES
        where = "too big to import" if over_cap else "over the memory the import may use"
        self.note(
            stamp, "message_skipped", f"a message of over {self._held:,} bytes left out ({where})"
        )
        self._abandon()
        self.dropped += 1
        self._drop = bool(flags & MORE)
        if self._drop:
            self.dropped -= 1  # counted when its end comes

    def _begin_long(self, body: bytes, flags: int, size: int, stamp: float) -> None:
        """Start collecting (or skipping) a frame body of ``size`` bytes."""
        self._keep = True
        if self._held + size > MAX_MESSAGE_BYTES or self.budget.used + size > self.budget.limit:
            self._held += size
            self._too_big(flags, stamp)
            self._keep = False
        elif self._drop:
            self._keep = False
        self._flags = flags
        self._need = size
        self._chunks = []
        self._collect(body, stamp)

    def _collect(self, data: bytes, stamp: float) -> bytes:
        take = data[: self._need]
        self._need -= len(take)
        if self._keep:
            self._chunks.append(take)
            self._held += len(take)
            self.budget.used += len(take)
        else:
            self.skipped += len(take)
        if self._need:
            return b""
        body, self._chunks = b"".join(self._chunks), []
        if self._keep:
            if self._flags & COMMAND:
                self._command(body, stamp)
            else:
                self._frames.append(body)
                if not self._flags & MORE:
                    self._end_message(stamp)
        elif self._drop and not self._flags & MORE:
            self._drop = False
            self.dropped += 1
        return data[len(take) :]

    def _abandon(self) -> None:
        self._frames, self._chunks, self._need = [], [], 0
        self._release()

    def _broken(self, buf: bytes, stamp: float, why: str) -> None:
        self.note(stamp, "zmtp_error", f"{why}; looking for the next frame boundary")
        if self._frames:
            self.dropped += 1
        self._abandon()
        self._state = _SEARCH
        self._drop = True
        self.skipped += 1
        rest = self._search(buf[1:], stamp) if len(buf) > 1 else b""
        if self._state == _FRAMES and rest:
            self.feed(rest, stamp)
        else:
            self._rest = rest

    # -- commands
    def _command(self, body: bytes, stamp: float) -> None:
        self.commands += 1
        if not body or len(body) < body[0] + 1:
            self.note(stamp, "zmtp_error", "a command frame without a name")
            return
        name, data = body[1 : 1 + body[0]], body[1 + body[0] :]
        if name == b"MESSAGE":  # CURVE: one frame, its encrypted box (its MORE flag inside)
            self.shake.encrypted = True
            self._drop = False
            self.messages += 1
            self.emit(stamp, [data])
        elif name in (b"SUBSCRIBE", b"CANCEL"):
            self.messages += 1
            self.emit(stamp, [(b"\x01" if name == b"SUBSCRIBE" else b"\x00") + data])
        elif name in (b"READY", b"INITIATE") and not self.shake.encrypted:
            self._ready(data, stamp)  # PLAIN's client sends its metadata in INITIATE
        elif name == b"HELLO" and self.shake.mechanism == "PLAIN":
            self._plain_hello(data, stamp)
        elif name == b"ERROR":
            reason = data[1 : 1 + data[0]].decode("utf-8", "replace") if data else ""
            self.note(stamp, "zmtp_error", f"the peer sent ERROR: {reason or '(no reason)'}")
        elif name == b"INITIATE" and self.shake.encrypted:
            self.note(stamp, "zmtp_encrypted", "CURVE: messages are encrypted; sizes only")

    def _ready(self, data: bytes, stamp: float) -> None:
        properties = read_properties(data)
        shake = self.shake
        shake.socket_type = properties.get("Socket-Type", b"").decode("ascii", "replace")[:40]
        shake.identity = properties.get("Identity", b"")[:255]
        shake.properties = {
            key: value.decode("utf-8", "replace")[:200]
            for key, value in list(properties.items())[:20]
        }
        text = f"socket type {shake.socket_type or '?'}"
        if shake.identity:
            text += f", identity {shake.identity!r}"
        self.note(stamp, "zmtp_ready", text)

    def _plain_hello(self, data: bytes, stamp: float) -> None:
        size = data[0] if data else 0
        self.shake.user = data[1 : 1 + size].decode("utf-8", "replace")
        self.note(stamp, "zmtp_plain", f"PLAIN user {self.shake.user!r} (password masked)")
