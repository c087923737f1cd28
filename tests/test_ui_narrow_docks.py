"""At 1024x700 and 960x1040, after View > Reset layout: the traffic table gets at least 45 %
of a 1024 px window (the Sockets and Message docks wrap and scroll instead of holding it
narrow), no panel overlaps another, the composer's frame rows fit their area (never cut at
the side, "Frame 1" whole, the editor wide enough to type in), and the Saved messages tab
fits a narrow dock with every button whole; dock tabs keep their whole titles and the frame
buttons wrap, whole, under the Message pane's frame viewer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QPushButton, QTabBar, QWidget
from test_ui_layout import SIZES, resize_to

from zinspect.ui.main_window import MainWindow


def reset_at(window: MainWindow, qtbot, width: int, height: int) -> None:
    """Reset layout in a window of that size on a screen larger than it (the offscreen
    platform's screen is 800x600: reset_layout would shrink the window to fit it)."""
    window.screen = lambda: None
    resize_to(window, qtbot, width, height)
    window.reset_layout()
    QApplication.processEvents()
    QApplication.processEvents()


def in_window(window: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def test_after_reset_layout_at_1024_the_traffic_table_gets_45_percent(window, qtbot):
    reset_at(window, qtbot, 1024, 700)
    assert window.width() == 1024
    assert window.traffic.width() >= 0.45 * window.width(), window.traffic.width()
    panels = [window.sockets_dock, window.traffic, window.detail_dock, window.composer_dock]
    rects = [in_window(window, panel) for panel in panels]
    for i, first in enumerate(rects):
        assert window.rect().contains(first), (panels[i].objectName(), first)
        for j in range(i + 1, len(rects)):
            assert not first.intersects(rects[j]), (panels[i].objectName(), panels[j])


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_frame_rows_fit_their_area_with_every_word_whole(window, user, qtbot, width, height):
    reset_at(window, qtbot, width, height)
    assert (window.width(), window.height()) == (width, height)
    user.create("PUB", "alerts")
    composer = window.composer
    user.click(composer.add_frame_button)  # scrolls to the new row: never sideways
    user.click(composer.add_frame_button)
    editor = composer.frame_editor
    qtbot.waitUntil(lambda: len(editor.rows) == 3, timeout=2000)
    QApplication.processEvents()
    viewport = editor.viewport()
    assert editor.horizontalScrollBar().value() == 0
    for row in editor.rows:
        left = row.mapTo(viewport, row.rect().topLeft()).x()
        assert left >= 0 and left + row.width() <= viewport.width(), (left, row.width())
        label = row.number_label
        assert label.text().startswith("Frame ")
        assert label.width() >= label.sizeHint().width()  # "Frame 1", not "rame 1"
        for part in (row.encoding_combo, row.size_label, row.remove_button):
            place = part.mapTo(row, part.rect().topLeft()).x()
            assert 0 <= place and place + part.width() <= row.width()
        assert row.text_edit.width() >= 200  # room to type a frame


def test_the_saved_messages_tab_fits_a_narrow_dock(window, qtbot):
    reset_at(window, qtbot, 1024, 700)
    dock = window.workspace_actions.saved_messages_dock
    dock.raise_()
    panel = window.saved_messages
    assert panel.minimumSizeHint().width() <= 260, panel.minimumSizeHint()
    panel.save_button.click()  # the name row, the widest part, is shown too
    qtbot.waitUntil(panel.name_row.isVisible, timeout=2000)
    panel.resize(panel.minimumSizeHint().width(), 400)
    QApplication.processEvents()
    buttons = [b for b in panel.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) >= 6
    rects = [QRect(b.mapTo(panel, b.rect().topLeft()), b.size()) for b in buttons]
    for button, rect in zip(buttons, rects, strict=True):
        assert panel.rect().contains(rect), button.text()
        assert button.width() >= button.minimumSizeHint().width(), button.text()
        assert not any(rect.intersects(other) for other in rects if other is not rect)


@pytest.mark.parametrize(("width", "height"), [*SIZES, (942, 800)])
def test_dock_tabs_and_the_frame_buttons_keep_whole_words(window, user, qtbot, width, height):
    reset_at(window, qtbot, width, height)
    user.create("PAIR", "left")
    address = user.bind("inproc://narrow-docks")
    user.create("PAIR", "right")
    user.connect(address)
    user.compose("one", "two")
    user.click_send()
    user.wait_rows(2)
    user.click_row(1)
    QApplication.processEvents()
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            for i in range(bar.count()):
                text = bar.tabText(i)
                assert bar.tabRect(i).width() > bar.fontMetrics().horizontalAdvance(text), text
    buttons = [
        b
        for b in window.detail.findChildren(QPushButton)
        if b.isVisible() and b.objectName().endswith("_button")
    ]
    names = {b.objectName() for b in buttons}
    assert {"copy_text_button", "copy_hex_button", "save_frame_button"} <= names, names
    rects = [QRect(b.mapTo(window.detail, b.rect().topLeft()), b.size()) for b in buttons]
    for button, rect in zip(buttons, rects, strict=True):
        text = button.fontMetrics().horizontalAdvance(button.text())
        assert button.width() >= text + 8, button.text()  # the whole word, with its margins
        assert button.height() >= button.minimumSizeHint().height(), button.text()
        assert window.detail.rect().contains(rect), button.text()
        assert not any(rect.intersects(other) for other in rects if other is not rect)
