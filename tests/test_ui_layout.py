"""The main window at laptop and half-screen sizes: nothing forces it wider than 960 px or
taller than 600 px, the traffic filter bar wraps instead of overlapping or cutting its
buttons, the Summary column takes the room, the Message pane's frame list shows six rows,
and Reset layout keeps the window's size."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QStyle, QWidget
from ui_actions import WAIT_MS

from zinspect.ui.main_window import MainWindow
from zinspect.ui.sockets.socket_list_model import elide_words
from zinspect.ui.traffic.columns import COL_SUMMARY

SIZES = [(1024, 700), (960, 1040)]
PADDING = 8  # a button's frame and margins around its text


def resize_to(window: MainWindow, qtbot, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=WAIT_MS)
    QApplication.processEvents()


def bar_widgets(window: MainWindow) -> list[QWidget]:
    panel = window.traffic
    widgets = [
        panel.socket_combo,
        panel.direction_combo,
        panel.filter_edit,
        panel.regex_check,
        panel.pause_button,
        panel.clear_button,
    ]
    return [widget for widget in widgets if widget.isVisible()]


def in_panel(widget: QWidget, panel: QWidget) -> QRect:
    return QRect(widget.mapTo(panel, widget.rect().topLeft()), widget.size())


def test_the_window_can_shrink_to_960_by_600(window):
    hint = window.minimumSizeHint()
    assert hint.width() <= 960 and hint.height() <= 600, hint
    minimum = window.minimumSize()
    assert minimum.width() <= 960 and minimum.height() <= 600, minimum


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_traffic_bar_neither_overlaps_nor_cuts_text(window, qtbot, width, height):
    resize_to(window, qtbot, width, height)
    panel = window.traffic
    widgets = bar_widgets(window)
    assert len(widgets) == 6
    rects = [in_panel(widget, panel) for widget in widgets]
    for i, first in enumerate(rects):
        assert panel.rect().contains(first), (widgets[i].accessibleName(), first)
        for j in range(i + 1, len(rects)):
            assert not first.intersects(rects[j]), (
                widgets[i].accessibleName(),
                widgets[j].accessibleName(),
            )
    for widget in widgets:
        if isinstance(widget, QAbstractButton):
            text = widget.text().replace("&", "")
            advance = widget.fontMetrics().horizontalAdvance(text)
            if widget is panel.regex_check:  # the box, a gap, then the text
                style = widget.style()
                room = widget.width() - style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
                room -= style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing)
            else:
                room = widget.width() - PADDING
            assert advance <= room, (text, advance, widget.width())
    # the table starts below the bar
    assert in_panel(panel.view, panel).top() >= max(rect.bottom() for rect in rects)


@pytest.mark.parametrize(("width", "height"), [*SIZES, (1360, 860), (1600, 1000)])
def test_the_summary_column_takes_the_rest_of_the_table(window, qtbot, width, height):
    resize_to(window, qtbot, width, height)
    view = window.traffic.view
    header = view.horizontalHeader()
    widths = [header.sectionSize(column) for column in range(header.count())]
    right = header.sectionViewportPosition(COL_SUMMARY) + widths[COL_SUMMARY]
    assert right == view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0  # nothing off to the side
    if width >= 1360:  # beside both docks at their default widths
        assert widths[COL_SUMMARY] == max(widths), widths


def test_the_frame_list_shows_six_rows_at_the_default_size(window, user, qtbot):
    user.create("PAIR", "left")
    address = user.bind("inproc://layout")
    user.create("PAIR", "right")
    user.connect(address)
    user.compose(*[f"frame {n}" for n in range(6)])
    user.click_send()
    user.wait_rows(2)
    user.click_row(1)
    table = window.detail.findChild(QWidget, "frame_table")
    assert table is not None
    qtbot.waitUntil(table.isVisible, timeout=WAIT_MS)
    row = table.verticalHeader().defaultSectionSize()
    # once the pane's layout settled (the frame buttons may wrap in a narrow dock)
    qtbot.waitUntil(lambda: table.viewport().height() // row >= 6, timeout=WAIT_MS)


def test_reset_layout_keeps_the_window_size(window, qtbot):
    resize_to(window, qtbot, 1024, 700)
    window.reset_layout()
    QApplication.processEvents()
    assert window.width() <= 1024 and window.height() <= 700


def test_the_sockets_list_cuts_its_text_between_words(window):
    metrics = window.sockets.list_view.fontMetrics()
    text = "not bound or connected"
    width = metrics.horizontalAdvance("not bound or con")
    shown = elide_words(metrics, text, width)
    assert shown == "not bound or…"
    assert metrics.horizontalAdvance(shown) <= width
    assert elide_words(metrics, text, 1000) == text
    address = "tcp://127.0.0.1:40001"
    cut = elide_words(metrics, address, metrics.horizontalAdvance(address) * 2 // 3)
    assert cut.startswith("tcp:") and cut.endswith("01") and "…" in cut


def test_after_reset_layout_at_1024_the_summary_is_the_widest_column(window, qtbot):
    resize_to(window, qtbot, 1024, 700)
    window.reset_layout()
    QApplication.processEvents()
    header = window.traffic.view.horizontalHeader()
    widths = [header.sectionSize(c) for c in range(header.count()) if not header.isSectionHidden(c)]
    assert header.sectionSize(COL_SUMMARY) == max(widths), widths
