"""Python pickles shown as their opcodes (pickletools.dis), never unpickled.

Unpickling runs whatever code the pickle names, so a frame from a peer is never loaded:
the disassembly says what it would build (classes, arguments, values) without building it.
Its text is cut at MAX_TEXT characters so a long pickle costs a bounded amount of memory.
"""

from __future__ import annotations

import io
import pickletools

from zinspect.core.decode.model import DecodeError, DecodeRule
from zinspect.core.decode.values import check_size, library_words

MAX_TEXT = 1 << 20  # characters of disassembly kept
PICKLE_FALLBACK = "the bytes are no valid pickle opcodes"


class _FullError(Exception):
    """The disassembly reached MAX_TEXT: stop it there."""


class _BoundedText(io.StringIO):
    def write(self, text: str) -> int:
        room = MAX_TEXT - self.tell()
        if len(text) > room:
            super().write(text[: max(room, 0)])
            raise _FullError
        return super().write(text)


def decode_pickle(data: bytes, rule: DecodeRule) -> object:
    check_size(data, "the pickle view")
    if not data:
        raise DecodeError("not a pickle: the frame is empty")
    out = _BoundedText()
    try:
        pickletools.dis(data, out=out)
    except _FullError:
        return out.getvalue() + f"\n… cut at {MAX_TEXT:,} characters"
    except RecursionError:
        raise DecodeError("not a pickle: nested too deeply") from None
    except Exception as error:  # pickletools raises many kinds on junk
        raise DecodeError(f"not a whole pickle ({library_words(error, PICKLE_FALLBACK)})") from None
    return out.getvalue()
