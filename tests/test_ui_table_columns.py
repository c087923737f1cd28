"""The traffic table's optional columns in the real window: shown and hidden from the
header's menu and remembered after a restart, a decoded field added as a column from the
Message pane, columns sorted on a paused table, and a field plotted from the Message pane."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from table_helpers import (
    cells,
    choose,
    column_by_title,
    entry,
    header_menu,
    put,
    reading,
    value_menu,
)
from ui_actions import WAIT_MS
from window_driver import settings_at

from zinspect.core.explore.fields import FieldPath
from zinspect.core.sockets.session import Session
from zinspect.ui.main_window import MainWindow
from zinspect.ui.traffic.columns import COL_SIZE


def test_a_column_shown_from_the_header_menu_is_there_after_a_restart(
    window, user, qtbot, tmp_path
):
    put(window, [b"a"], [b"b"])
    user.wait_rows(2)
    view = window.traffic.view
    topic = column_by_title(window, "Topic")
    assert view.isColumnHidden(topic)  # optional columns start hidden
    menu = header_menu(qtbot, window)
    assert not entry(menu, "Topic").isChecked()
    assert not entry(menu, "Summary").isEnabled()  # the column people read stays
    choose(menu, "Topic")
    qtbot.waitUntil(lambda: not view.isColumnHidden(topic), timeout=WAIT_MS)
    # it comes before the summary, which stays last and stretched
    header = view.horizontalHeader()
    assert header.visualIndex(topic) < header.visualIndex(column_by_title(window, "Summary"))
    choose(header_menu(qtbot, window), "Dir")  # and one of the first columns hidden
    direction = column_by_title(window, "Dir")
    qtbot.waitUntil(lambda: view.isColumnHidden(direction), timeout=WAIT_MS)
    window.close()

    again = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=Session())
    qtbot.addWidget(again)
    try:
        again.show()
        qtbot.waitExposed(again)
        view = again.traffic.view
        assert not view.isColumnHidden(column_by_title(again, "Topic"))
        assert view.isColumnHidden(column_by_title(again, "Dir"))
        assert entry(header_menu(qtbot, again), "Topic").isChecked()
    finally:
        again.close()
        again.shutdown()


def test_a_decoded_field_added_as_a_column_shows_each_row_s_value(window, user, qtbot):
    put(window, reading(21.5), reading(22.25), [b"oslo", b"not json"])
    user.wait_rows(3)
    choose(value_menu(qtbot, user, 0, 1, "$.temp"), "Add as column")
    qtbot.waitUntil(lambda: window.traffic.model.columnCount() > 13, timeout=WAIT_MS)
    column = column_by_title(window, "f2.temp")
    assert not window.traffic.view.isColumnHidden(column)
    assert cells(window, "f2.temp") == ["21.5", "22.25", None]
    assert window.traffic.model.extra.field_paths() == [FieldPath(2, ("temp",))]


def test_plot_this_value_adds_a_series_of_the_message_s_socket_and_topic(window, user, qtbot):
    put(window, reading(21.5), reading(22.25))
    user.wait_rows(2)
    menu = value_menu(qtbot, user, 1, 1, "$.unit")
    assert not entry(menu, "Plot this value").isEnabled()  # "C" is no number
    menu.close()
    tree = window.detail.decoded_tree
    choose(tree.menu_for(tree.item_at_path("$.temp")), "Plot this value")
    panel = window.plots.panel
    qtbot.waitUntil(lambda: len(panel.series()) == 1, timeout=WAIT_MS)
    key = panel.series()[0].key
    assert (key.socket, key.topic, key.path) == ("sub", "oslo", FieldPath(2, ("temp",)))
    assert window.plots.dock.isVisible()


def test_sorting_pauses_the_table_and_resuming_brings_arrival_order_back(window, user, qtbot):
    put(window, [b"x" * 30], [b"y"], [b"z" * 10])
    user.wait_rows(3)
    header = window.traffic.view.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(COL_SIZE) + 5, header.height() // 2),
    )
    traffic = window.traffic
    qtbot.waitUntil(lambda: traffic.model.sorted, timeout=WAIT_MS)
    assert traffic.pause_action.isChecked() and traffic.paused_label.isVisible()
    assert [row.frames[0] for row in user.rows()] == [b"y", b"z" * 10, b"x" * 30]
    assert header.isSortIndicatorShown()
    window.traffic.columns.sort(COL_SIZE)  # again: the other way round
    assert [row.frames[0] for row in user.rows()] == [b"x" * 30, b"z" * 10, b"y"]
    traffic.pause_action.trigger()  # resume
    qtbot.waitUntil(lambda: not traffic.model.sorted, timeout=WAIT_MS)
    assert [row.frames[0] for row in user.rows()] == [b"x" * 30, b"y", b"z" * 10]
    assert not header.isSortIndicatorShown()


def test_a_field_column_sorts_by_number_with_blanks_last(window, user, qtbot):
    put(window, reading(9), reading(-3.5), [b"oslo", b"text"], reading(12))
    user.wait_rows(4)
    window.explore.add_column(FieldPath(2, ("temp",)))
    window.traffic.pause_action.trigger()
    assert window.traffic.columns.sort(column_by_title(window, "f2.temp"))
    assert cells(window, "f2.temp") == ["-3.5", "9", "12", None]


def test_column_fitting_keeps_the_summary_room_and_never_shows_a_column_the_user_hid(
    window, user, qtbot
):
    put(window, reading(1), reading(2))
    user.wait_rows(2)
    view = window.traffic.view
    size = column_by_title(window, "Size")
    choose(header_menu(qtbot, window), "Size")  # hidden by the user
    qtbot.waitUntil(lambda: view.isColumnHidden(size), timeout=WAIT_MS)
    for title in ("Peer", "Topic", "Δ prev"):
        choose(header_menu(qtbot, window), title)
    summary = column_by_title(window, "Summary")
    window.detail_dock.hide()
    window.sockets_dock.hide()
    window.resize(1800, 800)  # room for every column again: Size stays hidden
    qtbot.waitUntil(
        lambda: not view.isColumnHidden(column_by_title(window, "Frames")), timeout=WAIT_MS
    )
    assert view.isColumnHidden(size)
    window.resize(700, 800)  # narrow: the first columns step aside, the summary keeps room
    qtbot.waitUntil(lambda: view.isColumnHidden(column_by_title(window, "Frames")), timeout=WAIT_MS)
    assert view.columnWidth(summary) >= view.viewport().width() // 4
    assert not view.isColumnHidden(column_by_title(window, "Peer"))


def test_too_many_rows_to_sort_by_a_decoded_column_is_said_and_changes_nothing(
    window, user, qtbot, monkeypatch
):
    import zinspect.ui.traffic.table_model as table_model

    monkeypatch.setattr(table_model, "DECODED_SORT_LIMIT", 2)
    put(window, reading(3), reading(1), reading(2))
    user.wait_rows(3)
    before = user.rows()
    assert not window.traffic.columns.sort(column_by_title(window, "Topic"))
    assert (
        "Too many rows to sort by this column (3; at most 2)" in window.statusBar().currentMessage()
    )
    assert user.rows() == before and not window.traffic.model.sorted
    assert window.traffic.columns.sort(column_by_title(window, "Size"))  # read from the store
    assert not window.traffic.columns.sort(column_by_title(window, "Δ topic"))
    assert "Δ topic cannot be sorted" in window.statusBar().currentMessage()


def test_time_on_topic_cells_past_the_search_budget_wait_and_then_fill_in(
    window, user, qtbot, monkeypatch
):
    import zinspect.ui.traffic.extra_columns as extra_columns

    monkeypatch.setattr(extra_columns, "TOPIC_BUDGET_S", 0.0)  # every search over budget
    put(window, reading(1), reading(2), reading(3))
    user.wait_rows(3)
    choose(header_menu(qtbot, window), "Δ topic")
    assert cells(window, "Δ topic") == ["…"] * 3
    monkeypatch.setattr(extra_columns, "TOPIC_BUDGET_S", 1.0)
    qtbot.waitUntil(
        lambda: cells(window, "Δ topic") == [None, "+0.250 s", "+0.250 s"], timeout=WAIT_MS
    )


def test_a_column_s_width_is_remembered(window, user, qtbot, tmp_path):
    choose(header_menu(qtbot, window), "Peer")
    peer = column_by_title(window, "Peer")
    window.traffic.view.horizontalHeader().resizeSection(peer, 321)
    window.close()
    again = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=Session())
    qtbot.addWidget(again)
    try:
        again.show()
        qtbot.waitExposed(again)
        assert again.traffic.view.columnWidth(column_by_title(again, "Peer")) == 321
    finally:
        again.close()
        again.shutdown()


def test_a_word_of_a_text_update_is_plotted_and_added_as_a_column(window, user, qtbot):
    put(window, [b"10001 -70 49"], [b"10001 -68 50"])
    user.wait_rows(2)
    menu = value_menu(qtbot, user, 1, 0, "$")
    words = entry(menu, "Add a word as column").menu()
    choose(words, "word 3: 50")
    menu.close()
    qtbot.waitUntil(lambda: cells(window, "f1[3]") == ["49", "50"], timeout=WAIT_MS)
    tree = window.detail.decoded_tree
    menu = tree.menu_for(tree.item_at_path("$"))
    plot_words = entry(menu, "Plot a word").menu()
    assert [a.text() for a in plot_words.actions()] == [
        "word 1: 10001",
        "word 2: -68",
        "word 3: 50",
    ]
    choose(plot_words, "word 2: -68")
    menu.close()
    panel = window.plots.panel
    qtbot.waitUntil(lambda: len(panel.series()) == 1, timeout=WAIT_MS)
    key = panel.series()[0].key
    assert (key.socket, key.topic, key.path) == ("sub", "10001", FieldPath(1, (2,)))


def test_a_reply_s_latency_and_the_moved_columns_after_a_restart(window, user, qtbot, tmp_path):
    from zinspect.core.store import IN, OUT, Message

    user.create("REQ", "client")
    window.session.store.extend(
        [Message(100.0, "client", OUT, [b"ping"]), Message(100.25, "client", IN, [b"pong"])]
    )
    user.wait_rows(2)
    choose(header_menu(qtbot, window), "Latency")
    qtbot.waitUntil(lambda: cells(window, "Latency") == [None, "250.0 ms"], timeout=WAIT_MS)
    header = window.traffic.view.horizontalHeader()
    latency = column_by_title(window, "Latency")
    header.moveSection(header.visualIndex(latency), 0)  # dragged to the front
    window.close()
    again = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=Session())
    qtbot.addWidget(again)
    try:
        again.show()
        qtbot.waitExposed(again)
        header = again.traffic.view.horizontalHeader()
        assert header.logicalIndex(0) == column_by_title(again, "Latency")
    finally:
        again.close()
        again.shutdown()


def test_a_field_column_is_removed_from_its_header_menu(window, user, qtbot):
    put(window, reading(1), reading(2))
    user.wait_rows(2)
    window.explore.add_column(FieldPath(2, ("unit",)))
    column = column_by_title(window, "f2.unit")
    assert cells(window, "f2.unit") == ["C", "C"]
    choose(header_menu(qtbot, window, column), "Remove column f2.unit")
    qtbot.waitUntil(lambda: window.traffic.model.extra.field_paths() == [], timeout=WAIT_MS)
    titles = [
        window.traffic.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(window.traffic.model.columnCount())
    ]
    assert "f2.unit" not in titles


def test_a_column_hidden_for_room_says_so_in_the_menu_and_comes_back_when_asked_for(
    window, user, qtbot
):
    """A new user saw Time ticked in the header's menu but not in the table (a fit had hidden
    it for room), and ticking it again did nothing."""
    put(window, reading(1), reading(2))
    user.wait_rows(2)
    view = window.traffic.view
    for title in ("Peer", "Topic", "Δ prev"):
        choose(header_menu(qtbot, window), title)
    window.detail_dock.hide()
    window.sockets_dock.hide()
    window.resize(700, 800)
    time_column = column_by_title(window, "Time")
    qtbot.waitUntil(lambda: view.isColumnHidden(time_column), timeout=WAIT_MS)
    menu = header_menu(qtbot, window)
    asked = entry(menu, "Time (hidden: the table is narrow)")
    assert not asked.isChecked()
    choose(menu, "Time (hidden: the table is narrow)")
    qtbot.waitUntil(lambda: not view.isColumnHidden(time_column), timeout=WAIT_MS)
    choose(header_menu(qtbot, window), "Peer")  # another fit: the column asked for stays
    qtbot.waitUntil(lambda: view.isColumnHidden(column_by_title(window, "Peer")), timeout=WAIT_MS)
    assert not view.isColumnHidden(time_column)
    assert entry(header_menu(qtbot, window), "Time").isChecked()
