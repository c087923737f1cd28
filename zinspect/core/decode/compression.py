"""Decompressing frames: zlib, gzip, zstd and lz4 (frame format), never past a cap.

Each returns the decompressed bytes, which go on to the next decoder of a chain
(``zstd+msgpack``) or, alone, to the automatic guess. Output is read with a bound at every
step, so a decompression bomb (a few KiB that expand to gigabytes) stops at MAX_OUTPUT with
a reason instead of filling memory.
"""

from __future__ import annotations

import zlib

import lz4.frame
import zstandard

from zinspect.core.decode.model import DecodeError, DecodeRule
from zinspect.core.decode.values import MAX_INPUT

MAX_OUTPUT = MAX_INPUT  # 16 MiB: more than that is refused, whatever the frame says
ZSTD_MAX_WINDOW = 1 << 25  # zstd's window is memory the decompressor allocates
MAX_GZIP_MEMBERS = 1000
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
ZSTD_PIECE = 128  # bytes of input per step: at most 32 blocks (4 MiB) of output


def _too_big(name: str) -> DecodeError:
    return DecodeError(f"{name} data expands to more than {MAX_OUTPUT >> 20} MiB: stopped there")


def _inflate(data: bytes, wbits: int, name: str) -> bytes:
    """zlib's deflate with a zlib (15) or gzip (31) header; gzip may be several members."""
    out = bytearray()
    rest = data
    for _ in range(MAX_GZIP_MEMBERS):
        stream = zlib.decompressobj(wbits)
        try:
            out += stream.decompress(rest, MAX_OUTPUT + 1 - len(out))
        except zlib.error as error:
            raise DecodeError(f"not {name} data ({_zlib_words(str(error))})") from None
        if len(out) > MAX_OUTPUT or stream.unconsumed_tail:
            raise _too_big(name)
        if not stream.eof:
            raise DecodeError(f"not whole {name} data: the frame ends before the stream does")
        rest = stream.unused_data
        if not rest:
            return bytes(out)
        if wbits != 31 or not rest.startswith(b"\x1f\x8b"):
            raise DecodeError(f"{len(rest):,} bytes after the {name} data are not {name}")
    raise DecodeError(f"more than {MAX_GZIP_MEMBERS} gzip members in one frame")


def _zlib_words(text: str) -> str:
    return text.split(":", 1)[-1].strip() or "damaged data"


def decode_zlib(data: bytes, rule: DecodeRule) -> object:
    return _inflate(data, 15, "zlib")


def decode_gzip(data: bytes, rule: DecodeRule) -> object:
    return _inflate(data, 31, "gzip")


def decode_zstd(data: bytes, rule: DecodeRule) -> object:
    """zstandard's decompressobj has no output bound, so the frame is fed in small pieces:
    one piece of ZSTD_PIECE bytes holds at most ZSTD_PIECE / 4 blocks of 128 KiB, which
    bounds how far past MAX_OUTPUT the output can get before it is refused."""
    if not data.startswith(ZSTD_MAGIC):
        raise DecodeError("not zstd data: it does not start with zstd's magic number")
    decompressor = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
    out = bytearray()
    rest = data
    try:
        while rest:
            stream = decompressor.decompressobj()
            for start in range(0, len(rest), ZSTD_PIECE):
                out += stream.decompress(rest[start : start + ZSTD_PIECE])
                if len(out) > MAX_OUTPUT:
                    raise _too_big("zstd")
                if stream.eof:
                    break
            if not stream.eof:
                raise DecodeError("not whole zstd data: the frame ends before the stream does")
            rest = stream.unused_data
            if rest and not rest.startswith(ZSTD_MAGIC):
                raise DecodeError(f"{len(rest):,} bytes after the zstd data are not zstd")
    except zstandard.ZstdError as error:
        text = str(error).removeprefix("zstd decompress error: ").strip() or "damaged data"
        raise DecodeError(f"not zstd data ({text})") from None
    return bytes(out)


def decode_lz4(data: bytes, rule: DecodeRule) -> object:
    if not data.startswith(b"\x04\x22\x4d\x18"):
        raise DecodeError("not lz4 frame data: it does not start with lz4's magic number")
    out = bytearray()
    rest = data
    while rest:
        stream = lz4.frame.LZ4FrameDecompressor()
        try:
            out += stream.decompress(rest, max_length=MAX_OUTPUT + 1 - len(out))
        except RuntimeError as error:
            raise DecodeError(f"not lz4 frame data ({_lz4_words(str(error))})") from None
        if len(out) > MAX_OUTPUT or (not stream.eof and stream.needs_input is False):
            raise _too_big("lz4")
        if not stream.eof:
            raise DecodeError("not whole lz4 data: the frame ends before the stream does")
        rest = stream.unused_data
        if rest and not rest.startswith(b"\x04\x22\x4d\x18"):
            raise DecodeError(f"{len(rest):,} bytes after the lz4 data are not lz4")
    return bytes(out)


def _lz4_words(text: str) -> str:
    text = text.split(":", 1)[-1].strip()
    return text or "damaged data"
