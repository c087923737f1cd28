"""The Sockets dock at 1024x700 and at the first start's size (1360x860), light and dark:
the selected socket's row is always whole in the list (six sockets, a click on the row the
list shows cut, a row growing a line of connections, the list made shorter), the list is
never squeezed below three sockets, the automation's Start/Stop "When" choices are shown
whole, a long new script name is readable, and a script's buttons wrap in the dock instead
of widening it past the traffic table's share."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QStyle, QStyleOptionComboBox, QWidget
from test_ui_narrow_docks import in_window, reset_at
from ui_actions import WAIT_MS

from zinspect.ui.main_window import MainWindow
from zinspect.ui.widgets.theme import apply_theme

SIZES = [(1024, 700), (1360, 860)]
IDS = ["1024x700", "default"]
LONG_NAME = "order_router_replay_with_latency_probe_for_the_night_shift.py"


@pytest.fixture(params=["light", "dark"])
def themed(request, window):
    apply_theme(request.param)  # the window fixture puts the system theme back
    return window


def six_sockets(user) -> list:
    handles = []
    for number, type_name in enumerate(("PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER")):
        handles.append(user.create(type_name, f"{type_name.lower()}-{number}"))
        user.bind()
    return handles


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def selected_rect(window: MainWindow) -> QRect:
    view = window.sockets.list_view
    rows = view.selectionModel().selectedRows()
    assert rows, "no socket selected"
    return view.visualRect(rows[0])


def selected_whole(window: MainWindow) -> bool:
    rect = selected_rect(window)
    return rect.isValid() and window.sockets.list_view.viewport().rect().contains(rect)


def shown_whole(widget: QWidget, window: MainWindow) -> bool:
    """Inside the window and, scrolled to, inside the settings' scroll area."""
    settle()  # the settings' layout first: it says how far the area scrolls
    area = window.sockets.details_scroll
    centre = widget.mapTo(area.widget(), widget.rect().center())
    # the whole widget (ensureWidgetVisible shows only a line edit's cursor)
    area.ensureVisible(centre.x(), centre.y(), widget.width() // 2, widget.height() // 2 + 1)
    settle()
    rect = in_window(window, widget)
    scroll = in_window(window, window.sockets.details_scroll.viewport())
    return window.rect().contains(rect) and scroll.contains(rect)


def combo_readable(combo: QComboBox) -> bool:
    """The current choice fits the combo's text field, or its tooltip says it."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    text = combo.currentText()
    fits = combo.fontMetrics().horizontalAdvance(text) <= field.width() - 2
    return fits or text in combo.toolTip()


def table_keeps_its_share(window: MainWindow, width: int) -> None:
    assert window.width() == width, "the dock pushed the window wider"
    share = 0.45 if width <= 1024 else 0.5
    assert window.traffic.width() >= share * width, window.traffic.width()


@pytest.mark.parametrize(("width", "height"), SIZES, ids=IDS)
def test_the_selected_row_is_whole_after_six_sockets_and_a_click(
    themed, user, qtbot, width, height
):
    window = themed
    reset_at(window, qtbot, width, height)
    handles = six_sockets(user)
    view = window.sockets.list_view
    qtbot.waitUntil(lambda: selected_whole(window), timeout=WAIT_MS)  # the last one made
    row_height = view.visualRect(view.model().index(0, 0)).height()
    assert view.viewport().height() >= 3 * row_height, "the list is squeezed"
    # the row the list shows last (cut at its bottom, or not): a click shows it whole
    view.scrollToTop()
    settle()
    cut = view.indexAt(QPoint(4, view.viewport().height() - 2))
    assert cut.isValid() and cut.row() < len(handles) - 1
    spot = view.visualRect(cut).topLeft() + QPoint(8, 4)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert window.sockets.current_socket() is handles[cut.row()]
    qtbot.waitUntil(lambda: selected_whole(window), timeout=WAIT_MS)


def test_a_selected_row_that_grows_a_line_of_connections_stays_whole(window, user, qtbot):
    reset_at(window, qtbot, 1024, 700)
    handles = six_sockets(user)
    router = handles[-1]
    address = router.endpoints[0].address
    qtbot.waitUntil(lambda: selected_whole(window), timeout=WAIT_MS)
    before = selected_rect(window)
    assert before.bottom() >= window.sockets.list_view.viewport().height() - before.height()
    dealer = window.session.create_socket("DEALER", "caller")  # a row below; ROUTER stays
    dealer.connect(address)
    qtbot.waitUntil(lambda: selected_rect(window).height() > before.height(), timeout=WAIT_MS)
    assert window.sockets.current_socket() is router
    qtbot.waitUntil(lambda: selected_whole(window), timeout=WAIT_MS)


def test_the_selected_row_stays_whole_when_the_list_is_made_shorter(window, user, qtbot):
    reset_at(window, qtbot, 1360, 860)
    six_sockets(user)
    view = window.sockets.list_view
    qtbot.waitUntil(lambda: selected_whole(window), timeout=WAIT_MS)
    splitter = view.parentWidget()
    sizes = splitter.sizes()
    splitter.setSizes([1, sum(sizes) - 1])  # the user drags the handle up as far as it goes
    settle()
    assert view.viewport().height() < sizes[0]
    qtbot.waitUntil(lambda: selected_whole(window), timeout=WAIT_MS)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=IDS)
def test_the_start_and_stop_when_choices_are_whole(themed, user, qtbot, width, height):
    window = themed
    reset_at(window, qtbot, width, height)
    user.create("DEALER", "worker")
    more = window.sockets.automation_editor.more
    for builder in (more.start_builder, more.stop_builder):
        combo = builder.kind_combo
        for choice in range(combo.count()):
            combo.setCurrentIndex(choice)
            settle()
            assert shown_whole(combo, window), combo.currentText()
            assert combo_readable(combo), (combo.currentText(), combo.width())
    table_keeps_its_share(window, width)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=IDS)
def test_a_long_script_name_is_readable_and_its_script_fits(
    themed, user, qtbot, tmp_path, width, height
):
    window = themed
    reset_at(window, qtbot, width, height)
    user.create("ROUTER", "router")
    pane = window.sockets.script_pane
    pane.workspace_path = lambda: str(tmp_path / "w.zinspect")
    qtbot.keyClicks(pane.new_name, LONG_NAME)
    assert shown_whole(pane.new_name, window)
    edit = pane.new_name
    room = edit.contentsRect().width() - 8  # the line edit's own margins
    assert edit.fontMetrics().horizontalAdvance(LONG_NAME) <= room or LONG_NAME in edit.toolTip()
    assert shown_whole(pane.new_button, window)
    user.click(pane.new_button)
    qtbot.waitUntil(pane.script_view.isVisible, timeout=WAIT_MS)
    assert (tmp_path / LONG_NAME).exists()
    settle()
    label = pane.path_label
    assert LONG_NAME in label.text() or LONG_NAME in label.toolTip()
    assert shown_whole(label, window)
    buttons = [pane.save_button, pane.run_button, pane.stop_button, pane.remove_button]
    rects = [in_window(window, button) for button in buttons]
    for i, button in enumerate(buttons):
        assert shown_whole(button, window), button.text()
        assert button.width() >= button.sizeHint().width(), button.text()
        assert not any(rects[i].intersects(other) for other in rects[i + 1 :])
    assert shown_whole(pane.state_label, window)
    table_keeps_its_share(window, width)
