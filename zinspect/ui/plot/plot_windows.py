"""The time windows a plot offers, by the title the chooser shows: seconds, None for all.

Apart from the plot itself so the panel can offer them without importing pyqtgraph."""

from __future__ import annotations

WINDOWS: dict[str, float | None] = {"Last minute": 60.0, "Last 10 minutes": 600.0, "All": None}
