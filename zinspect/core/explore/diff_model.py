"""What comparing two messages finds: per frame, its changed values, lines or bytes.

Plain frozen values with no Qt, so the Compare view, the Message pane's pinned diff and
tests read one result. Every list in it is bounded: past ``MAX_CHANGES`` entries a diff
counts what it leaves out (``omitted``) instead of listing it, so two hostile messages
cost a sentence, not the window's memory.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CHANGES = 200  # entries (changed values, lines, byte ranges) listed for one message
COMPARE_LIMIT = 64 * 1024  # bytes of a text or binary frame compared; the rest is said

SAME, CHANGED, ONLY_A, ONLY_B = "same", "changed", "only in A", "only in B"
VALUE, TEXT, BYTES = "value", "text", "bytes"  # how a frame was compared
ADDED, REMOVED, MODIFIED = "added", "removed", "changed"  # a value change, a byte range


@dataclass(frozen=True)
class ValueChange:
    """One place where decoded values differ. ``path`` is a FieldPath's text (``f2.temp``);
    ``old`` is meaningless for ADDED and ``new`` for REMOVED (both None there)."""

    kind: str  # ADDED, REMOVED or MODIFIED
    path: str
    old: object = None
    new: object = None


@dataclass(frozen=True)
class TextLine:
    """One line of a text diff. ``kind`` is SAME (context), ADDED, REMOVED or MODIFIED;
    ``pieces`` are (kind, text) runs: for a modified line its words, SAME where both
    lines have them, REMOVED for A's words, ADDED for B's. ``skipped`` > 0 marks a gap of
    that many unchanged lines left out."""

    kind: str
    a_line: int | None  # line numbers from 1
    b_line: int | None
    pieces: tuple[tuple[str, str], ...] = ()
    skipped: int = 0


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``start`` to ``end`` (exclusive) that differ at the same offsets in both frames
    (MODIFIED), or that only B has (ADDED) or only A has (REMOVED) past the shorter one."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class FrameDiff:
    """One frame compared. ``status`` is SAME, CHANGED, ONLY_A or ONLY_B; ``compared_as``
    VALUE, TEXT or BYTES; ``note`` says in words what was not compared (a long frame's
    tail, a frame decoded differently in A and B)."""

    number: int  # from 1
    status: str
    compared_as: str = BYTES
    size_a: int = 0
    size_b: int = 0
    decoder_a: str = ""
    decoder_b: str = ""
    changes: tuple[ValueChange, ...] = ()
    lines: tuple[TextLine, ...] = ()
    ranges: tuple[ByteRange, ...] = ()
    omitted: int = 0  # entries found but not listed (the cap)
    note: str = ""


@dataclass(frozen=True)
class MessageDiff:
    """Two messages compared frame by frame; ``not_compared`` counts frames past the
    frame cap, of which ``not_compared_changed`` differ in their bytes."""

    frames: tuple[FrameDiff, ...]
    not_compared: int = 0
    not_compared_changed: int = 0

    @property
    def same(self) -> bool:
        return self.not_compared_changed == 0 and all(f.status == SAME for f in self.frames)

    @property
    def changed_frames(self) -> int:
        return sum(f.status != SAME for f in self.frames) + self.not_compared_changed

    @property
    def omitted(self) -> int:
        return sum(f.omitted for f in self.frames)


class Budget:
    """What one comparison may still list (entries) and look at (values walked, words
    compared word by word)."""

    def __init__(
        self, entries: int = MAX_CHANGES, values: int = 100_000, word_pairs: int = 200_000
    ) -> None:
        self.entries = entries
        self.values = values
        # words of A times words of B, summed over the lines compared word by word
        self.word_pairs = word_pairs

    def take(self) -> bool:
        """One more entry: True if it may be listed, False if it is only counted."""
        if self.entries > 0:
            self.entries -= 1
            return True
        return False
