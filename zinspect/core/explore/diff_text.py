"""Text frames compared line by line with the changed words marked, binary frames byte by
byte with the changed ranges.

difflib finds the lines (and, inside a changed line, the words); a binary frame is compared
at the same offsets, a chunk at a time so equal stretches cost one slice comparison. Both
stop listing at the comparison's budget and count the rest.
"""

from __future__ import annotations

import difflib
import re

from zinspect.core.explore.diff_model import (
    ADDED,
    MODIFIED,
    REMOVED,
    SAME,
    Budget,
    ByteRange,
    TextLine,
)

CONTEXT_LINES = 2  # unchanged lines shown around a change
MAX_LINES = 2_000  # lines of each text compared
MAX_WORDS = 240  # words (and spaces) of a line compared word by word
MAX_RUNS = 12  # changed runs in a line shown word by word; more: the whole line changed
_CHUNK = 256
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]+")


def diff_text(a: str, b: str, budget: Budget) -> tuple[list[TextLine], int, str]:
    """(lines to show, changed lines not listed, a note on what was not compared)."""
    a_lines, b_lines = a.splitlines(), b.splitlines()
    note = ""
    if len(a_lines) > MAX_LINES or len(b_lines) > MAX_LINES:
        note = f"only the first {MAX_LINES:,} lines of each were compared"
        a_lines, b_lines = a_lines[:MAX_LINES], b_lines[:MAX_LINES]
    budget.values -= len(a_lines) + len(b_lines)
    matcher = difflib.SequenceMatcher(None, a_lines, b_lines)
    shown: list[TextLine] = []
    omitted = 0
    at = 0  # the next line of A not yet accounted for
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        start = group[0][1]
        if start > at:
            shown.append(TextLine(SAME, None, None, skipped=start - at))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                shown.extend(
                    TextLine(SAME, i1 + k + 1, j1 + k + 1, ((SAME, a_lines[i1 + k]),))
                    for k in range(i2 - i1)
                )
                continue
            for k in range(max(i2 - i1, j2 - j1)):
                i = i1 + k if i1 + k < i2 else None
                j = j1 + k if j1 + k < j2 else None
                if not budget.take():
                    omitted += 1
                    continue
                if i is not None and j is not None:
                    pieces = word_pieces(a_lines[i], b_lines[j], budget)
                    shown.append(TextLine(MODIFIED, i + 1, j + 1, pieces))
                elif i is not None:
                    shown.append(TextLine(REMOVED, i + 1, None, ((REMOVED, a_lines[i]),)))
                elif j is not None:
                    shown.append(TextLine(ADDED, None, j + 1, ((ADDED, b_lines[j]),)))
        at = group[-1][2]
    if shown and at < len(a_lines):
        shown.append(TextLine(SAME, None, None, skipped=len(a_lines) - at))
    return shown, omitted, note


def word_pieces(a: str, b: str, budget: Budget | None = None) -> tuple[tuple[str, str], ...]:
    """Line ``a`` turned into line ``b`` as runs: SAME words, A's REMOVED and B's ADDED.
    difflib's cost grows with the product of the lengths, so long lines (and lines past
    the comparison's word budget) are shown as one removed and one added run."""
    whole = ((REMOVED, a), (ADDED, b))
    limit = MAX_WORDS * 12  # characters: no need to split what cannot pass
    if len(a) > limit or len(b) > limit:
        return whole
    a_words, b_words = _TOKEN.findall(a), _TOKEN.findall(b)
    if len(a_words) > MAX_WORDS or len(b_words) > MAX_WORDS:
        return whole
    if budget is not None:  # difflib's worst case costs the product of the lengths
        if budget.word_pairs <= 0:
            return whole
        budget.word_pairs -= len(a_words) * len(b_words)
    pieces: list[tuple[str, str]] = []

    def put(kind: str, words: list[str]) -> None:
        text = "".join(words)
        if not text:
            return
        if pieces and pieces[-1][0] == kind:
            pieces[-1] = (kind, pieces[-1][1] + text)
        else:
            pieces.append((kind, text))

    matcher = difflib.SequenceMatcher(None, a_words, b_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            put(SAME, a_words[i1:i2])
        else:
            put(REMOVED, a_words[i1:i2])
            put(ADDED, b_words[j1:j2])
    if sum(kind != SAME for kind, _text in pieces) > MAX_RUNS:
        return whole  # changed all over: two whole lines read better than confetti
    return tuple(pieces)


def diff_bytes(a: bytes, b: bytes, budget: Budget) -> tuple[list[ByteRange], int]:
    """(ranges listed, ranges found but not listed): bytes that differ at the same offset,
    then the tail only the longer frame has."""
    ranges: list[ByteRange] = []
    omitted = 0
    common = min(len(a), len(b))
    budget.values -= (len(a) + len(b)) // _CHUNK
    open_at: int | None = None

    def close(end: int) -> None:
        nonlocal omitted, open_at
        if open_at is not None:
            if budget.take():
                ranges.append(ByteRange(MODIFIED, open_at, end))
            else:
                omitted += 1
            open_at = None

    for chunk in range(0, common, _CHUNK):
        end = min(chunk + _CHUNK, common)
        if a[chunk:end] == b[chunk:end]:
            close(chunk)
            continue
        for offset in range(chunk, end):
            if a[offset] != b[offset]:
                if open_at is None:
                    open_at = offset
            else:
                close(offset)
    close(common)
    for kind, longer in ((REMOVED, a), (ADDED, b)):
        if len(longer) > common:
            if budget.take():
                ranges.append(ByteRange(kind, common, len(longer)))
            else:
                omitted += 1
    return ranges, omitted
