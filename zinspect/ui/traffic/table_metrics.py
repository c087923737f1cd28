"""The traffic table's row height and column widths, from its font and the time format.

Computed in one place because three things change them: building the table, the user's font
size, and a time format whose text is wider than the clock (``+12345.678 s``). Rows are one
fixed height (the view lays out a million of them without measuring any), so the height must
follow the font, or a larger font is cut off.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTableView

from zinspect.core.message_time import CLOCK, DELTA, RELATIVE
from zinspect.ui.traffic.columns import (
    COL_DIRECTION,
    COL_FRAMES,
    COL_NUMBER,
    COL_SIZE,
    COL_SOCKET,
    COL_SUMMARY,
    COL_TIME,
)

PADDING = 18  # a cell's margins, and room for the header's text
ROW_MARGIN = 6
# the widest text each column usually shows
SAMPLES = {
    COL_NUMBER: "00000000",
    COL_SOCKET: "subscriber-00",
    COL_DIRECTION: "→ out",
    COL_FRAMES: "Frames",
    COL_SIZE: "1023.9 KiB",
    COL_SUMMARY: "Summary",  # the stretched last column's starting width
}
TIME_SAMPLES = {CLOCK: "00:00:00.000", RELATIVE: "+00000.000 s", DELTA: "+000.000 s"}


def row_height(view: QTableView, summary_font: QFont) -> int:
    """One line of the view's font or of the summary's, whichever is taller, and a margin."""
    return max(view.fontMetrics().height(), QFontMetrics(summary_font).height()) + ROW_MARGIN


def set_row_height(view: QTableView, height: int) -> None:
    vertical = view.verticalHeader()
    vertical.setMinimumSectionSize(height)
    vertical.setDefaultSectionSize(height)


def column_widths(view: QTableView, time_format: str) -> dict[int, int]:
    """Each column's natural width in the view's font."""
    metrics = view.fontMetrics()
    texts = {**SAMPLES, COL_TIME: TIME_SAMPLES.get(time_format, TIME_SAMPLES[CLOCK])}
    return {column: metrics.horizontalAdvance(text) + PADDING for column, text in texts.items()}
