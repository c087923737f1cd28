"""Finding a ZMTP frame boundary in bytes that start anywhere: a capture joined mid-stream,
or the bytes after a gap.

ZMTP frames carry no marker, so a boundary is an offset from which the bytes read as a chain
of well-formed frames (flags with only the three known bits, an 8-byte size only for bodies
past 255 bytes, command names in capitals) that ends exactly where the bytes end; a random
offset seldom does. The walk is memoised per position, so a search is linear in the bytes
even when hostile bytes make every offset start a long chain.
"""

from __future__ import annotations

MORE, LONG, COMMAND = 0x01, 0x02, 0x04
MIN_CHAIN = 3  # frames that must read well when a chain ends in a partial frame


_BAD, _EXACT, _PARTIAL = 0, 1, 2


def frame_chains(buf: bytes, limit: int, v2: bool = False) -> tuple[int, int, int]:
    """The first offsets below ``limit`` from which the bytes read as well-formed frames:
    (one whose frames, two or more of them not empty, end exactly at the end of ``buf``;
    the same with one not empty, weaker evidence: the tail of a size field, ``00 01 9c``,
    reads as a frame; one whose MIN_CHAIN or more frames, one not empty, are followed by
    a frame cut short), -1 where there is none.
    Each position is walked once (a chain from a position always reads the same), so a
    search costs time in proportion to the bytes, never their square."""
    n = len(buf)
    memo: dict[int, tuple[int, int, int]] = {}  # position: (kind, frames, bodies) from it
    exact = weak = partial = -1
    for offset in range(limit):
        path: list[tuple[int, int]] = []  # (position, body size) walked from offset
        i = offset
        while True:
            known = memo.get(i)
            if known is not None:
                kind, frames, bodies = known
                break
            kind, size, end = _frame_at(buf, i, n, v2)
            if kind != _EXACT or end == n:
                kind, frames, bodies = (
                    (_EXACT, 1, int(size > 0)) if kind == _EXACT else (kind, 0, 0)
                )
                memo[i] = (kind, frames, bodies)
                break
            path.append((i, size))
            i = end
        for position, size in reversed(path):
            frames, bodies = frames + 1, bodies + (size > 0)
            memo[position] = (kind, frames, bodies)
        if bodies >= 2 and kind == _EXACT:
            return offset, weak, partial
        if bodies and kind == _EXACT and weak < 0:
            weak = offset
        if bodies and kind == _PARTIAL and frames >= MIN_CHAIN and partial < 0:
            partial = offset
    return exact, weak, partial


def _frame_at(buf: bytes, i: int, n: int, v2: bool) -> tuple[int, int, int]:
    """(kind, body size, end) of the frame at ``i``: _EXACT for a whole well-formed frame,
    _PARTIAL for one cut short by the end of ``buf``, _BAD for one that cannot be."""
    if i >= n:
        return _PARTIAL, 0, i
    flags = buf[i]
    if flags & 0xF8 or (v2 and flags & COMMAND):
        return _BAD, 0, i
    if flags & LONG:
        if n - i < 9:
            return _PARTIAL, 0, i
        size = int.from_bytes(buf[i + 1 : i + 9], "big")
        if size < 256 or size > 1 << 40:  # libzmq writes 8-byte sizes only past 255
            return _BAD, 0, i
        start = i + 9
    else:
        if n - i < 2:
            return _PARTIAL, 0, i
        size = buf[i + 1]
        start = i + 2
    if flags & COMMAND:
        if size == 0 or start >= n:
            return (_PARTIAL if start >= n else _BAD), 0, i
        name = buf[start + 1 : start + 1 + buf[start]]
        if not name or not name.isalpha() or not name.isupper():
            return _BAD, 0, i
    if start + size > n:
        return _PARTIAL, size, i
    return _EXACT, size, start + size
