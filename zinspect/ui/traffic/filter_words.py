"""The filter bar's words: its tooltips, and what it says when the model drops a regex.

Apart from the panel so that the sentences a user reads about the filter are in one place.
"""

from __future__ import annotations

from zinspect.core.bounded_regex import SEARCH_TIMEOUT_S
from zinspect.core.traffic_filter import FILTER_TEXT_LIMIT, TrafficFilter

FILTER_TIP = (
    "Show only messages whose text contains this (case-insensitive).\n"
    "The text of a message is its frames decoded as UTF-8 (invalid bytes become \ufffd), "
    "one frame per line.\n"
    "Messages of a socket with decode rules, of a recognised protocol, or with a frame "
    "guessed as msgpack also match by their decoded text (the summary, keys and values).\n"
    "Start with 0x to find bytes in any frame, e.g. 0x de ad be ef.\n"
    f"Only the first {FILTER_TEXT_LIMIT // (1024 * 1024)} MiB of each message is searched.\n"
    "Shortcut: Ctrl+F"
)
REGEX_TIP = (
    "Treat the filter text as a Python regular expression (case-insensitive; "
    "^ and $ match at the start and end of each frame; use (?-i:...) for case-sensitive "
    "parts). An expression that takes over "
    f"{SEARCH_TIMEOUT_S * 1000:.0f} ms on one message is dropped, saying why"
)
_QUOTED = 60  # characters of the previous filter's text quoted


def dropped_words(reason: str, shown: TrafficFilter) -> str:
    """Why the filter's regex was dropped (``reason``), and what the table shows instead:
    the ``shown`` filter's text part."""
    if not shown.text:
        return f"{reason} Until you change it, the table shows the messages without a text filter."
    text = shown.text if len(shown.text) <= _QUOTED else shown.text[: _QUOTED - 1] + "…"
    kind = "the regular expression" if shown.regex else "the text"
    return f"{reason} Until you change it, the table keeps the previous filter: {kind} “{text}”."
