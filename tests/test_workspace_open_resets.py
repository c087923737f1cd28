"""What opening a workspace leaves of the previous one: no traffic filter (the new sockets'
messages are all shown), one log line for a file that is not a workspace, and the problems
of a file listed whole (wrapped, never cut with "…")."""

from __future__ import annotations

import logging

from PySide6.QtCore import QRect, Qt
from ui_actions import WAIT_MS, the_box, trigger_menu
from workspace_helpers import PAIR_WORKSPACE, choose_file, write

from zinspect.core.explore.topics import TopicScope

OTHER_PAIR = {
    "zinspect": 1,
    "sockets": [
        {"name": "sub-2", "type": "PAIR", "bind": ["inproc://ui-reset"]},
        {"name": "pub-2", "type": "PAIR", "connect": ["inproc://ui-reset"]},
    ],
}


def test_opening_a_workspace_drops_the_filters_of_the_previous_one(window, user, qtbot, tmp_path):
    assert window.workspace_actions.open_path(write(tmp_path / "a.zinspect.json", PAIR_WORKSPACE))
    traffic = window.traffic
    traffic.set_topic_filter("left", TopicScope("weather"))  # a Topics view node, chosen
    traffic.direction_combo.setCurrentIndex(traffic.direction_combo.findText("← In only"))
    qtbot.keyClicks(traffic.filter_edit, "hello")
    qtbot.waitUntil(lambda: traffic.model.filter.text == "hello", timeout=WAIT_MS)
    assert traffic.topic_chip.isVisible() and traffic.socket_combo.currentText() == "left"

    assert window.workspace_actions.open_path(write(tmp_path / "b.zinspect.json", OTHER_PAIR))
    assert traffic.socket_combo.currentText() == "All sockets"
    assert traffic.direction_combo.currentText() == "In and out"
    assert traffic.filter_edit.text() == "" and not traffic.topic_chip.isVisible()
    assert not traffic.model.filter.active

    user.select(window.session.socket_named("pub-2"))
    user.compose("seen")
    user.click_send()
    rows = user.wait_rows(2)  # both ends of the new workspace's message
    assert {row.socket for row in rows} == {"pub-2", "sub-2"}
    assert traffic.count_label.text() == "2 messages"


def test_a_file_that_is_not_a_workspace_is_logged_once(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    path = tmp_path / "list.zinspect.json"
    path.write_text("[1, 2]", encoding="utf-8")
    trigger_menu(window, "Open workspace…")
    choose_file(window, qtbot, path)
    box = the_box(window, qtbot)
    assert "Not a workspace" in box.text()
    logged = [r for r in caplog.records if "Not a workspace" in r.getMessage()]
    assert len(logged) == 1 and logged[0].levelno == logging.WARNING


def test_problem_lines_are_shown_whole(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    document = {"zinspect": 1, "sockets": [{"name": "ghost", "type": "GHOST"}]}
    assert window.workspace_actions.open_path(write(tmp_path / "bad.zinspect.json", document))
    dialog = window.workspace_actions.problems_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    [line] = dialog.problems()
    assert line.endswith("PEER, CHANNEL")  # every socket type, the last ones too
    view = dialog.view
    index = view.model().index(0, 0)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == line  # on hover, whole
    qtbot.waitUntil(lambda: view.visualRect(index).height() > 0, timeout=WAIT_MS)
    # wider than the list: wrapped over several lines inside it, not cut
    width = view.fontMetrics().horizontalAdvance(line)
    assert width > view.viewport().width()
    rect: QRect = view.visualRect(index)
    assert rect.right() <= view.viewport().width()
    lines_needed = -(-width // view.viewport().width())
    assert rect.height() >= lines_needed * view.fontMetrics().lineSpacing()
