"""Two messages compared frame by frame: decoded values by structure, text by lines and
words, binary by bytes.

How a frame is compared follows what the decoders made of it in both messages: a value
(JSON, msgpack, a recognised protocol's header) gets the paths that changed; text gets a
line diff with the changed words; bytes get the changed ranges. Frames decoded differently
in A and B are compared as text when both are printable, else as bytes, and the note says
so. Everything is bounded (``diff_model``): the first ``MAX_FRAMES`` frames are compared in
detail, the rest only counted, and a long frame is compared on its first 64 KiB.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from zinspect.core.codecs import printable_text
from zinspect.core.decode.frame_decoders import guess
from zinspect.core.decode.model import DecodedFrame, DecodedMessage
from zinspect.core.explore.diff_model import (
    BYTES,
    CHANGED,
    COMPARE_LIMIT,
    MAX_CHANGES,
    ONLY_A,
    ONLY_B,
    SAME,
    TEXT,
    VALUE,
    Budget,
    ByteRange,
    FrameDiff,
    MessageDiff,
    TextLine,
    ValueChange,
)
from zinspect.core.explore.diff_text import diff_bytes, diff_text
from zinspect.core.explore.diff_values import diff_values

MAX_FRAMES = 256  # frames compared in detail; past them only whether the bytes differ


def diff_messages(
    a_frames: Sequence[bytes],
    b_frames: Sequence[bytes],
    a_decoded: DecodedMessage | None = None,
    b_decoded: DecodedMessage | None = None,
    max_changes: int = MAX_CHANGES,
) -> MessageDiff:
    """Message A against message B. Without a decoding, each frame is guessed as the
    Message pane guesses it (JSON, msgpack, text or bytes)."""
    budget = Budget(max_changes)
    frames: list[FrameDiff] = []
    count = max(len(a_frames), len(b_frames))
    for index in range(min(count, MAX_FRAMES)):
        a = a_frames[index] if index < len(a_frames) else None
        b = b_frames[index] if index < len(b_frames) else None
        if a is None or b is None:
            frames.append(_one_sided(index + 1, a, b, a_decoded, b_decoded))
            continue
        decoded_a = _decoded(a_decoded, index, a)
        decoded_b = _decoded(b_decoded, index, b)
        frames.append(diff_frame(index + 1, a, b, decoded_a, decoded_b, budget))
    rest = range(MAX_FRAMES, count)
    changed = sum(
        i >= len(a_frames) or i >= len(b_frames) or a_frames[i] != b_frames[i] for i in rest
    )
    return MessageDiff(tuple(frames), len(rest), changed)


def diff_frame(
    number: int,
    a: bytes,
    b: bytes,
    decoded_a: DecodedFrame,
    decoded_b: DecodedFrame,
    budget: Budget,
) -> FrameDiff:
    """Frame ``number`` (from 1) of both messages, with what the decoders made of it."""
    base = FrameDiff(
        number, SAME, BYTES, len(a), len(b), _decoder_name(decoded_a), _decoder_name(decoded_b)
    )
    if a == b:
        return base
    if budget.values <= 0:
        note = "not compared in detail: this comparison has looked at as much as it may"
        return _with(base, CHANGED, BYTES, note=note)
    kind_a, kind_b = _kind(decoded_a), _kind(decoded_b)
    note = ""
    if kind_a != kind_b or (kind_a == VALUE and base.decoder_a != base.decoder_b):
        note = f"A reads as {base.decoder_a}, B as {base.decoder_b}"
    if kind_a == kind_b == VALUE:
        changes, omitted, cut = diff_values(decoded_a.value, decoded_b.value, number, budget)
        if cut:
            note = _join(note, "the comparison stopped after its budget of values")
        if not changes and not omitted and not cut:
            note = _join(note, "the decoded values are equal; the bytes differ")
        return _with(base, CHANGED, VALUE, changes=tuple(changes), omitted=omitted, note=note)
    if kind_a == kind_b == TEXT:
        text_a, text_b = str(decoded_a.value), str(decoded_b.value)
    else:
        text_a = printable_text(a[:COMPARE_LIMIT], cut=len(a) > COMPARE_LIMIT) or ""
        text_b = printable_text(b[:COMPARE_LIMIT], cut=len(b) > COMPARE_LIMIT) or ""
        if not (text_a and text_b):
            return _bytes_diff(base, a, b, budget, note)
        note = _join(note, "compared as text")
    long = max(len(text_a), len(text_b)) > COMPARE_LIMIT or max(len(a), len(b)) > COMPARE_LIMIT
    if long:
        note = _join(note, f"only the first {COMPARE_LIMIT // 1024} KiB of text were compared")
        text_a, text_b = text_a[:COMPARE_LIMIT], text_b[:COMPARE_LIMIT]
    lines, omitted, line_note = diff_text(text_a, text_b, budget)
    if not omitted and all(line.kind == SAME for line in lines):
        lines = []
        if not long:
            note = _join(note, "the text is equal; the bytes differ")
    note = _join(note, line_note)
    return _with(base, CHANGED, TEXT, lines=tuple(lines), omitted=omitted, note=note)


def _bytes_diff(base: FrameDiff, a: bytes, b: bytes, budget: Budget, note: str) -> FrameDiff:
    if max(len(a), len(b)) > COMPARE_LIMIT:
        note = _join(note, f"only the first {COMPARE_LIMIT // 1024} KiB were compared")
        a, b = a[:COMPARE_LIMIT], b[:COMPARE_LIMIT]
    ranges, omitted = diff_bytes(a, b, budget)
    if not ranges and not omitted:  # equal heads of long frames
        note = _join(note, "the compared bytes are equal")
    return _with(base, CHANGED, BYTES, ranges=tuple(ranges), omitted=omitted, note=note)


def _one_sided(
    number: int,
    a: bytes | None,
    b: bytes | None,
    a_decoded: DecodedMessage | None,
    b_decoded: DecodedMessage | None,
) -> FrameDiff:
    if a is not None:
        decoder = _decoder_name(_decoded(a_decoded, number - 1, a))
        return FrameDiff(number, ONLY_A, BYTES, size_a=len(a), decoder_a=decoder)
    data = b if b is not None else b""
    decoder = _decoder_name(_decoded(b_decoded, number - 1, data))
    return FrameDiff(number, ONLY_B, BYTES, size_b=len(data), decoder_b=decoder)


def _decoded(decoded: DecodedMessage | None, index: int, data: bytes) -> DecodedFrame:
    if decoded is not None and index < len(decoded.frames):
        return decoded.frames[index]
    return guess(data)


def _kind(frame: DecodedFrame) -> str:
    if isinstance(frame.value, (bytes, bytearray)):
        return BYTES
    if isinstance(frame.value, str) and frame.decoder.split("+")[-1] == "text":
        return TEXT
    return VALUE


def _decoder_name(frame: DecodedFrame) -> str:
    return "bytes" if frame.decoder == "raw" else frame.decoder


def _join(first: str, second: str) -> str:
    return "; ".join(part for part in (first, second) if part)


def _with(
    base: FrameDiff,
    status: str,
    compared_as: str,
    *,
    changes: tuple[ValueChange, ...] = (),
    lines: tuple[TextLine, ...] = (),
    ranges: tuple[ByteRange, ...] = (),
    omitted: int = 0,
    note: str = "",
) -> FrameDiff:
    return replace(
        base,
        status=status,
        compared_as=compared_as,
        changes=changes,
        lines=lines,
        ranges=ranges,
        omitted=omitted,
        note=note,
    )
