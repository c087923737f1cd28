"""The user's preferences as values, their defaults, and the rules a typed value must meet.

Kept apart from the dialog and from QSettings so the rules are plain functions: each check
takes the text as typed and returns the value, or a sentence saying what is wrong with it in
words (the dialog shows it next to the field and applies nothing). The caps are bounded by
this machine's memory: a store allowed more than half of it would let a flood of traffic push
the machine into swapping long before the caps dropped anything.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from zinspect.core.history.folders import free_space
from zinspect.core.history.history import DEFAULT_CAP, FREE_SHARE, GIB
from zinspect.core.message_time import CLOCK
from zinspect.core.sockets.socket_base import DEFAULT_MAXMSGSIZE
from zinspect.core.store import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_MESSAGES,
    FRAME_OVERHEAD,
    MESSAGE_OVERHEAD,
)

MIB: Final = 1024 * 1024
THEMES: Final = ("system", "light", "dark")
MIN_MESSAGES: Final = 1_000
MIN_MIB: Final = 16
MIN_MAXMSGSIZE: Final = 1024
MIN_FONT_POINTS: Final = 6
MAX_FONT_POINTS: Final = 32
MEMORY_SHARE: Final = 2  # the store may take at most 1/MEMORY_SHARE of the machine's memory
UNKNOWN_MEMORY: Final = 8 * 1024 * MIB  # assumed when the system does not say (Windows)
# the cheapest message the store can hold: one empty frame
_CHEAPEST_MESSAGE: Final = MESSAGE_OVERHEAD + FRAME_OVERHEAD
_SIZE = re.compile(r"^\s*([0-9][0-9,_ ]*)\s*([a-z]*)\s*$", re.IGNORECASE)
_UNITS: Final = {"": 1, "b": 1, "kib": 1024, "mib": MIB, "gib": 1024 * MIB}


def machine_memory() -> int | None:
    """Bytes of physical memory, or None where the system does not tell (Windows)."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        page_size = os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    if pages <= 0 or page_size <= 0:
        return None
    return int(pages) * int(page_size)


def memory_bound() -> int:
    """The most memory the store may be given: half of this machine's."""
    memory = machine_memory()
    return (UNKNOWN_MEMORY if memory is None else memory) // MEMORY_SHARE


def max_mib_bound() -> int:
    return max(MIN_MIB, memory_bound() // MIB)


def max_messages_bound() -> int:
    """The most messages the store's memory share could hold (each at least one empty frame)."""
    return max(MIN_MESSAGES, memory_bound() // _CHEAPEST_MESSAGE)


@dataclass(frozen=True)
class Preferences:
    """Every preference, with its default. ``table_font_points`` 0 is the system's size."""

    theme: str = "system"
    time_format: str = CLOCK
    number_from: int = 1
    max_messages: int = DEFAULT_MAX_MESSAGES
    max_mib: int = DEFAULT_MAX_BYTES // MIB
    default_maxmsgsize: int = DEFAULT_MAXMSGSIZE
    table_font_points: int = 0
    clear_on_open: str = "ask"
    keep_history: bool = True  # every message of the session on disk (core.history)
    history_gib: int = 0  # the history's disk cap in GiB; 0: automatic (history_cap)


def defaults() -> Preferences:
    """The defaults, never past this machine's bounds (a small machine gets smaller caps)."""
    return Preferences(
        max_messages=min(DEFAULT_MAX_MESSAGES, max_messages_bound()),
        max_mib=min(DEFAULT_MAX_BYTES // MIB, max_mib_bound()),
        default_maxmsgsize=min(DEFAULT_MAXMSGSIZE, memory_bound()),
    )


def _whole_number(text: str) -> int | None:
    """A whole number as people type it: ``1000000``, ``1,000,000``, ``1 000 000``."""
    cleaned = re.sub(r"[,_ ]", "", text.strip())
    return int(cleaned) if cleaned.isdigit() else None


def check_max_messages(text: str) -> tuple[int | None, str]:
    """(count, "") or (None, what is wrong) for the store's message cap."""
    count = _whole_number(text)
    if count is None:
        return None, "Type a whole number of messages, such as 1,000,000"
    if count < MIN_MESSAGES:
        return None, f"Keep at least {MIN_MESSAGES:,} messages"
    bound = max_messages_bound()
    if count > bound:
        return None, f"At most {bound:,} messages: what this machine's memory allows"
    return count, ""


def check_max_mib(text: str) -> tuple[int | None, str]:
    """(MiB, "") or (None, what is wrong) for the store's memory cap."""
    mib = _whole_number(text)
    if mib is None:
        return None, "Type a whole number of MiB, such as 512"
    if mib < MIN_MIB:
        return None, f"At least {MIN_MIB} MiB"
    bound = max_mib_bound()
    if mib > bound:
        return None, f"At most {bound:,} MiB: half of this machine's memory"
    return mib, ""


def parse_size(text: str) -> int | None:
    """Bytes from ``65536``, ``64 KiB``, ``256 MiB`` or ``1 GiB``; None if it is none of them."""
    match = _SIZE.match(text)
    if match is None:
        return None
    number = _whole_number(match.group(1))
    factor = _UNITS.get(match.group(2).lower())
    if number is None or factor is None:
        return None
    return number * factor


def check_maxmsgsize(text: str) -> tuple[int | None, str]:
    """(bytes, "") or (None, what is wrong) for the MAXMSGSIZE of new sockets."""
    size = parse_size(text)
    if size is None:
        return None, "Type a size such as 262144, 256 KiB, 256 MiB or 1 GiB"
    if size < MIN_MAXMSGSIZE:
        return None, "At least 1 KiB"
    bound = memory_bound()
    if size > bound:
        return None, f"At most {size_text(bound)}: half of this machine's memory"
    return size, ""


def size_text(size: int) -> str:
    """A size the way the MAXMSGSIZE field shows it, and parse_size reads back."""
    for unit, factor in (("GiB", 1024 * MIB), ("MiB", MIB), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return str(size)


def history_cap(gib: int) -> int | None:
    """The history's disk cap in bytes for the preference ``gib``; None for automatic
    (core.history.history.default_cap: 20 GiB or a tenth of the free space)."""
    return gib * GIB if gib > 0 else None


def check_history_gib(text: str) -> tuple[int | None, str]:
    """(GiB, "") or (None, what is wrong) for the history's disk cap; empty or "automatic"
    is 0, the default."""
    cleaned = text.strip().lower().removesuffix("gib").strip()
    if cleaned in ("", "auto", "automatic"):
        return 0, ""
    gib = _whole_number(cleaned)
    if gib is None:
        return None, (
            f"Type a whole number of GiB, such as {DEFAULT_CAP // GIB}, or leave it empty for "
            f"the automatic cap (the smaller of {DEFAULT_CAP // GIB} GiB and a tenth of the "
            f"free space)"
        )
    if gib < 1:
        return None, "At least 1 GiB, or empty for the automatic cap"
    free = free_space(Path(tempfile.gettempdir()))
    if free is not None and gib * GIB > free:
        return None, f"At most {free // GIB:,} GiB: the free space of the temporary folder"
    return gib, ""


def automatic_history_text() -> str:
    """What the automatic cap is, in words (the field's placeholder)."""
    return f"automatic: {DEFAULT_CAP // GIB} GiB or 1/{FREE_SHARE} of the free space"
