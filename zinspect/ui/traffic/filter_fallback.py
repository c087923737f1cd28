"""Which filter the traffic table goes back to when a regular expression proves too slow.

The model drops an expression whose search of one message ran out of time (core.
bounded_regex). What the user expects to see then depends on when it happened: while the
new filter is still going through the kept messages, the user has just typed it, so the
table shows what it showed before; once it has been through them (its rows were shown, and
a new message tripped it), going back to an older filter would show rows nobody asked for
lately, so the same filter without its text applies instead (socket, direction, topic and
peer stay). A fallback that proves too slow in turn gives way to itself without text.
"""

from __future__ import annotations

from dataclasses import replace

from zinspect.core.traffic_filter import TrafficFilter


def without_text(traffic_filter: TrafficFilter) -> TrafficFilter:
    """The filter with no text part: what never runs a regex."""
    return replace(traffic_filter, text="", regex=False)


class FilterFallback:
    """Follows the model's filter changes and says what to go back to (``take``)."""

    def __init__(self) -> None:
        self._fallback = TrafficFilter()
        self._caught_up = True

    def replaced(self, previous: TrafficFilter) -> None:
        """The user set a new filter instead of ``previous``."""
        self._fallback = previous
        self._caught_up = False

    def caught_up(self, current: TrafficFilter) -> None:
        """``current`` has been through every kept message."""
        if not self._caught_up:
            self._caught_up = True
            self._fallback = without_text(current)

    def take(self) -> TrafficFilter:
        """The filter to use instead of the current one, which proved too slow."""
        fallback = self._fallback
        self._fallback = without_text(fallback)
        self._caught_up = False  # the fallback starts its own pass over the kept messages
        return fallback
