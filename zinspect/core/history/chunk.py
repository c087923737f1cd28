"""One chunk of the history: a few hundred store rows in columns, packed and read at C speed.

Rows are written as they arrive, so packing runs on the receive path: every column is built
by ``map``/``array``/``bytes.join`` over the whole chunk (no Python step per row), and a
chunk of one-frame rows is read back with one ``zip``. Columns, not pickled tuples: a
64-byte message costs its payload plus about 10 bytes (time 8, socket-and-direction 1,
frame length 1), where ``marshal`` of the row tuples costs about 31 (docs/performance.md).

A chunk is self-contained (it names the sockets it uses), so any segment file can be read
or deleted on its own, and a crash that cuts the last chunk short loses only that chunk: its
header gives its length and a CRC of its body.
"""

from __future__ import annotations

import marshal
import struct
import zlib
from array import array
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain, repeat
from operator import itemgetter
from typing import Any, Final

from zinspect.core.rows import RawRow
from zinspect.core.store import ROW_FRAMES, ROW_LEN_ONE_FRAME, Row

MAGIC: Final = b"ZHc1"
# magic, body length, CRC32 of the body, rows, frames, typecodes (ids, counts, lengths), pad
HEADER: Final = struct.Struct("<4sIIII3sx")
_KEYS_LEN: Final = struct.Struct("<I")
_frames_of = itemgetter(slice(ROW_FRAMES, None))
_NO_COUNTS: Final = "-"  # a column left out: one frame per row, or one socket in the chunk


class ChunkError(ValueError):
    """The bytes are not a whole, intact chunk (cut short by a crash, or not ours)."""


def _code_for(largest: int) -> str:
    """The smallest unsigned array typecode that holds ``largest``."""
    if largest < 1 << 8:
        return "B"
    if largest < 1 << 16:
        return "H"
    if largest < 1 << 32:
        return "I"
    return "Q"


@lru_cache(maxsize=256)
def _packer(count: int, code: str) -> struct.Struct:
    """struct.pack of a whole column: 5 ns a value, where array() from a tuple takes 30."""
    return struct.Struct(f"<{count}{code}")


def _column(code: str, values: Sequence[int] | Sequence[float]) -> bytes:
    return _packer(len(values), code).pack(*values)


def encode(rows: Sequence[RawRow]) -> bytes:
    """The chunk holding ``rows`` (header included), in one piece."""
    return b"".join(encode_parts(rows))


def encode_parts(rows: Sequence[RawRow]) -> list[bytes | memoryview]:
    """The chunk holding ``rows`` as pieces to write one after the other: a frame kept as
    received (a memoryview, core.rows) is a piece of its own, written from libzmq's buffer,
    and the bytes between two such frames are joined. One joined chunk copied a 64 MiB frame
    in the drain's turn (~45 ms) only to write it; ``len`` takes a view as it takes bytes."""
    count = len(rows)
    longest = max(map(len, rows))
    columns = list(zip(*rows))  # as long as the shortest row: complete when all are one frame
    if longest == len(columns) == ROW_LEN_ONE_FRAME:  # every row one frame: all at C speed
        times, sockets, directions, lengths, frames = columns
        count_code = _NO_COUNTS
        count_bytes = b""
    else:
        times, sockets, directions = columns[0], columns[1], columns[2]
        frame_counts = [n - ROW_FRAMES for n in map(len, rows)]
        frames = tuple(chain.from_iterable(map(_frames_of, rows)))
        lengths = tuple(map(len, frames))
        count_code = _code_for(max(frame_counts))
        count_bytes = _column(count_code, frame_counts)
    if len(set(sockets)) == 1 and len(set(directions)) == 1:  # one key: no id column
        names = [(sockets[0], directions[0])]
        id_code = _NO_COUNTS
        id_bytes = b""
    else:
        keys = list(zip(sockets, directions))
        names = list(dict.fromkeys(keys))
        local = {key: index for index, key in enumerate(names)}
        id_code = _code_for(len(names))
        id_bytes = _column(id_code, list(map(local.__getitem__, keys)))
    length_code = _code_for(max(lengths, default=0))
    keys_blob = marshal.dumps(names)
    meta = b"".join(
        (
            _KEYS_LEN.pack(len(keys_blob)),
            keys_blob,
            _column("d", times),
            id_bytes,
            count_bytes,
            _column(length_code, lengths),
        )
    )
    codes = (id_code + count_code + length_code).encode()
    body_len = len(meta) + sum(lengths)
    # The CRC covers what says where rows and frames are, not the payload: a crash can only
    # cut the last chunk short (its length tells), and CRC-ing 100 MiB frames costs 50 ms.
    header = HEADER.pack(MAGIC, body_len, zlib.crc32(meta), count, len(frames), codes)
    parts: list[bytes | memoryview] = []
    run: list[bytes | memoryview] = [header, meta]
    for frame in frames:
        if type(frame) is memoryview:
            parts.append(b"".join(run))
            parts.append(frame)
            run = []
        else:
            run.append(frame)
    if run:
        parts.append(b"".join(run))
    return parts


def read_header(data: bytes) -> tuple[int, int]:
    """(body length, rows) from a chunk's header; ChunkError if it is not one."""
    if len(data) < HEADER.size:
        raise ChunkError("cut short")
    magic, body_len, _crc, count, _frames, _codes = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ChunkError("not a history chunk")
    return body_len, count


def decode(data: bytes | memoryview) -> list[Row]:
    """The rows of a whole chunk (header and body); ChunkError when it is damaged."""
    view = memoryview(data)
    if len(view) < HEADER.size:
        raise ChunkError("cut short")
    magic, body_len, crc, count, frame_count, codes = HEADER.unpack_from(view)
    body = view[HEADER.size : HEADER.size + body_len]
    if magic != MAGIC or len(body) != body_len:
        raise ChunkError("damaged or cut short")
    id_code, count_code, length_code = codes.decode()
    (keys_len,) = _KEYS_LEN.unpack_from(body)
    at = _KEYS_LEN.size
    try:
        names: list[tuple[str, str]] = marshal.loads(body[at : at + keys_len])
    except (ValueError, EOFError, TypeError) as error:
        raise ChunkError("damaged") from error
    at += keys_len
    times = array("d")
    at = _take(times, body, at, count)
    ids = array("B" if id_code == _NO_COUNTS else id_code)
    if id_code != _NO_COUNTS:
        at = _take(ids, body, at, count)
    counts = array("B" if count_code == _NO_COUNTS else count_code)
    if count_code != _NO_COUNTS:
        at = _take(counts, body, at, count)
    lengths = array(length_code)
    at = _take(lengths, body, at, frame_count)
    if zlib.crc32(body[:at]) != crc or len(body) - at != sum(lengths):
        raise ChunkError("damaged")
    frames = _split(body[at:], lengths)
    if id_code == _NO_COUNTS:
        row_sockets: Iterable[str] = repeat(names[0][0], count)
        row_directions: Iterable[str] = repeat(names[0][1], count)
    else:
        sockets = [name for name, _direction in names]
        directions = [direction for _name, direction in names]
        row_sockets = map(sockets.__getitem__, ids)
        row_directions = map(directions.__getitem__, ids)
    if count_code == _NO_COUNTS:
        return list(zip(times, row_sockets, row_directions, lengths, frames))
    rows: list[Row] = []
    start = 0
    for time, socket, direction, n in zip(times, row_sockets, row_directions, counts):
        mine = frames[start : start + n]
        rows.append((time, socket, direction, sum(map(len, mine)), *mine))
        start += n
    return rows


@lru_cache(maxsize=64)
def _equal_splitter(count: int, length: int) -> struct.Struct:
    return struct.Struct("<" + f"{length}s" * count)


def _split(payload: memoryview, lengths: array[int]) -> tuple[bytes, ...]:
    """The frames: one ``struct.unpack`` cuts them all (a slice per frame in Python cost
    three times as much)."""
    if not lengths:
        return ()
    if min(lengths) == max(lengths):
        return _equal_splitter(len(lengths), lengths[0]).unpack(payload)
    return struct.unpack("<" + "s".join(map(str, lengths)) + "s", payload)


def _take(out: array[Any], body: memoryview, at: int, items: int) -> int:
    """Fill ``out`` with ``items`` values from ``body`` at ``at``; the offset after them."""
    end = at + items * out.itemsize
    if end > len(body):
        raise ChunkError("damaged")
    out.frombytes(body[at:end])
    return end
